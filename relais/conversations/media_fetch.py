"""Fetching the files of a received message, after it is stored.

A webhook answers its provider at once: the connector only names the files
(`InboundMessage.pending_media`), the message is stored with its text and the
list under `metadata["pending_media"]` (the console shows "file on its way"),
and a task fetches each file through the connector (`Connector.fetch_media`,
size- and type-checked by connectors.media), outside any transaction. Then,
in one transaction on the locked message: the files become its Attachments, a
refused file's reason joins `metadata["media_refused"]`, a file that failed
for a temporary reason stays pending and is tried again with exponential
backoff, at most RELAIS_MEDIA_MAX_ATTEMPTS times. The text is never touched.

Safe to run twice, even at once: a file is stored only if it is still
pending when the message row is locked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.connectors.base import InboundAttachment, PendingMedia
from relais.connectors.media import MediaRefused, MediaUnavailable
from relais.conversations.attachments import store_attachments
from relais.conversations.models import Message
from relais.conversations.realtime import publish_message
from relais.core.events import record_event

log = logging.getLogger(__name__)

PENDING_KEY = "pending_media"
REFUSED_KEY = "media_refused"


def pending_marker(media: list[PendingMedia]) -> dict[str, list[dict]]:
    """The metadata that marks a message's files as still to fetch."""
    return {PENDING_KEY: [item.as_json() for item in media]}


def schedule_media_fetch(message_id: int, delay_seconds: float = 0) -> None:
    """Queue the fetch. A delayed retry on a backend that cannot defer tasks
    (the immediate one, for tests and demos) is not queued: the file stays
    pending, its reason logged."""
    from relais.conversations.tasks import fetch_media_task

    task = fetch_media_task
    if delay_seconds:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    task.enqueue(message_id)


@dataclass(frozen=True)
class Fetched:
    media: PendingMedia
    attachment: InboundAttachment | None = None
    refusal: str = ""
    temporary: bool = False


def fetch_pending_media(message_id: int) -> str:
    """Fetch the message's pending files; returns "done", "retrying" or
    "nothing" (no such message, or nothing pending)."""
    message = Message.objects.select_related("inbox").filter(pk=message_id).first()
    pending = _pending(message)
    if message is None or not pending:
        return "nothing"
    connector = message.inbox.connector
    outcomes = [_fetch(connector, message, media) for media in pending]
    with transaction.atomic():
        locked = Message.objects.select_for_update().filter(pk=message_id).first()
        still = {media.ref for media in _pending(locked)}
        outcomes = [outcome for outcome in outcomes if outcome.media.ref in still]
        if locked is None or not outcomes:
            return "nothing"
        retry = _record(locked, outcomes)
    if retry:
        schedule_media_fetch(message_id, delay_seconds=backoff_seconds(retry))
        return "retrying"
    return "done"


def _pending(message: Message | None) -> list[PendingMedia]:
    items = (message.metadata or {}).get(PENDING_KEY) if message is not None else None
    return [PendingMedia.from_json(item) for item in items or () if isinstance(item, dict)]


def _fetch(connector, message: Message, media: PendingMedia) -> Fetched:
    try:
        return Fetched(media, attachment=connector.fetch_media(message.inbox, media))
    except MediaUnavailable as error:
        return Fetched(media, refusal=str(error), temporary=True)
    except MediaRefused as error:
        return Fetched(media, refusal=str(error))
    except Exception as error:  # a connector bug must not lose the file for good
        log.exception("media fetch crashed", extra={"message_id": message.pk})
        return Fetched(media, refusal=f"unexpected error: {error}", temporary=True)


def _record(message: Message, outcomes: list[Fetched]) -> int:
    """Store the outcomes on the locked message; returns the attempt number
    of the retry to schedule (0: none)."""
    stored = [outcome.attachment for outcome in outcomes if outcome.attachment is not None]
    retry, refused = [], []
    for outcome in outcomes:
        if outcome.attachment is not None:
            continue
        attempts = outcome.media.attempts + 1
        if outcome.temporary and attempts < settings.RELAIS_MEDIA_MAX_ATTEMPTS:
            retry.append(replace(outcome.media, attempts=attempts))
        else:
            refused.append(outcome.refusal)
    done = {outcome.media.ref for outcome in outcomes}
    untouched = [media for media in _pending(message) if media.ref not in done]
    metadata = dict(message.metadata or {})
    metadata.pop(PENDING_KEY, None)
    metadata.update(pending_marker([*untouched, *retry]) if untouched or retry else {})
    if refused:
        metadata[REFUSED_KEY] = [*(metadata.get(REFUSED_KEY) or []), *refused]
    message.metadata = metadata
    message.save(update_fields=["metadata"])
    store_attachments(message, stored)
    record_event(
        "message.media_fetched",
        conversation=message.conversation,
        message=message,
        stored=len(stored),
        refused=refused,
        retrying=len(retry),
    )
    # The console re-renders the message, its files now shown.
    publish_message(message, "message.status")
    if refused or retry:
        log.info(
            "media not fetched",
            extra={"message_id": message.pk, "refused": refused, "retrying": len(retry)},
        )
    return max((media.attempts for media in retry), default=0)


def backoff_seconds(attempt: int) -> float:
    """Delay before retry number `attempt` (1-based): base, 2×base, 4×base…"""
    return settings.RELAIS_MEDIA_BACKOFF_SECONDS * (2 ** (attempt - 1))
