"""The inbox list's rows, ready to print.

Each value a row shows is worked out here once, so the template is a flat loop
over plain strings: looking up, translating and reversing per row in the
template cost about 1 ms a row (labels are translated once per page here, and
links are a prefix plus the id instead of a `{% url %}` each).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext

from relais.connectors.registry import kind_choices
from relais.conversations.models import Conversation, Status

_ID_MARK = 987654321


@dataclass(frozen=True, slots=True)
class InboxRow:
    pk: int
    url: str
    current: bool
    unread_count: int
    contact: str
    channel_label: str
    subject: str
    preview: str
    status: str
    status_label: str
    assignee: str
    due_iso: str
    due_display: str
    tags: list[str]


def inbox_rows(
    conversations: Iterable[Conversation], filter_qs: str, current_id: int | None
) -> list[InboxRow]:
    """The rows of one page; conversations come with contact, assignee and tags loaded."""
    status_labels = {value: str(label) for value, label in Status.choices}
    channel_labels = dict(kind_choices())
    no_subject = gettext("(no subject)")
    unassigned = gettext("Unassigned")
    # As the `date` filter would, but the zone and the format looked up once.
    zone = timezone.get_current_timezone()
    due_format = formats.get_format("SHORT_DATETIME_FORMAT")
    # reverse() once, not once a row: each link is the same around the id.
    url_prefix, url_suffix = reverse("web:conversation", args=[_ID_MARK]).split(str(_ID_MARK))
    if filter_qs:
        url_suffix = f"{url_suffix}?{filter_qs}"
    rows = []
    for conversation in conversations:
        due_iso, due_display = _due_times(conversation.due_at, zone, due_format)
        rows.append(
            InboxRow(
                pk=conversation.pk,
                url=f"{url_prefix}{conversation.pk}{url_suffix}",
                current=conversation.pk == current_id,
                unread_count=conversation.unread_count,
                contact=str(conversation.contact),
                channel_label=channel_labels.get(conversation.channel, conversation.channel),
                subject=conversation.subject or no_subject,
                preview=conversation.last_message_preview,
                status=conversation.status,
                status_label=status_labels.get(conversation.status, conversation.status),
                assignee=str(conversation.assignee) if conversation.assignee else unassigned,
                due_iso=due_iso,
                due_display=due_display,
                tags=[tag.name for tag in conversation.tags.all()],
            )
        )
    return rows


def _due_times(due_at: datetime | None, zone: tzinfo, due_format: str) -> tuple[str, str]:
    """The due time for machines (ISO 8601, for the live countdown) and for people."""
    if due_at is None:
        return "", ""
    local = due_at.astimezone(zone)
    return local.isoformat(), dateformat.format(local, due_format)
