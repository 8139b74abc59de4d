"""Group commit for provider webhooks: the calls that arrive together are
stored in one transaction.

Providers call in bursts (a campaign's replies, a busy hour on WhatsApp). Each
call stored alone paid its own transaction (BEGIN, COMMIT, Django's atomic
bookkeeping), its own hop to a database thread and its own wake-up of the
event loop: together more CPU than the message's statements. Here the event
loop queues each call; a database thread takes every call waiting (up to
MAX_BATCH), checks each one's signature and parses it (a refusal is answered
without touching the others), stores all their events in one transaction, and
hands the answers back to the loop in one wake-up. Nothing is answered before
its commit.

If anything fails in that transaction (a replayed message id, a concurrent
first message of the same customer, a deadlock with another process), it is
rolled back and each call is stored again alone, exactly as without grouping
(receive_message then resolves repeats and races itself): one call's failure
never fails or loses the others. The calls are stored in the order of their
senders' identities, so that two batches lock the same contacts in the same
order. A few threads (each with its own database connection) take turns, so
that one batch is parsed while another commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from dataclasses import dataclass

from django.db import close_old_connections, transaction
from django.http import HttpRequest, HttpResponse

from relais.connectors.actions import CheckedWebhook, WebhookOutcome, store_webhook

log = logging.getLogger(__name__)

MAX_BATCH = 64
THREADS = 2


@dataclass(frozen=True)
class WebhookCall:
    request: HttpRequest
    kind: str
    public_key: str


def answer_calls(calls: list[WebhookCall]) -> list[HttpResponse]:
    """The answer to each call, its events stored (together when possible).
    Runs on a database thread; never raises (an unexpected error is a logged
    500 for its call, which the provider retries)."""
    from relais.connectors.webhook_views import check_request, outcome_response, plain_response

    close_old_connections()  # what Django does around a request, once per batch
    answers: list[HttpResponse | None] = [None] * len(calls)
    checked: dict[int, CheckedWebhook] = {}
    for index, call in enumerate(calls):
        try:
            result = check_request(call.request, call.kind, call.public_key)
        except Exception:
            log.exception("webhook failed", extra={"kind": call.kind})
            result = plain_response(500, "internal error")
        if isinstance(result, HttpResponse):
            answers[index] = result
        else:
            checked[index] = result
    outcomes = _store_together(checked) if len(checked) > 1 else {}
    for index, webhook in checked.items():
        outcome = outcomes.get(index) or _store_alone(webhook, calls[index].kind)
        answers[index] = (
            outcome_response(outcome)
            if isinstance(outcome, WebhookOutcome)
            else plain_response(500, "internal error")
        )
    return answers  # type: ignore[return-value]  (every index is answered above)


def _store_together(checked: dict[int, CheckedWebhook]) -> dict[int, WebhookOutcome]:
    """Every webhook's events in one transaction; {} (nothing stored) when
    any of them fails."""
    order = sorted(checked, key=lambda index: _lock_order(checked[index]))
    try:
        with transaction.atomic():
            return {
                index: store_webhook(checked[index], in_caller_transaction=True) for index in order
            }
    except Exception as error:
        # Expected now and then (a provider's retry of a call we stored):
        # each is stored alone below, where repeats are recognised.
        log.info(
            "webhook batch stored one by one", extra={"size": len(order), "error": repr(error)}
        )
        return {}


def _store_alone(webhook: CheckedWebhook, kind: str) -> WebhookOutcome | None:
    try:
        return store_webhook(webhook)
    except Exception:
        log.exception("webhook failed", extra={"kind": kind, "inbox_id": webhook.inbox.pk})
        return None


def _lock_order(webhook: CheckedWebhook) -> tuple[str, str]:
    identities = [
        (identity.kind, identity.value)
        for message in webhook.result.messages
        for identity in message.identities
    ]
    return min(identities, default=("", ""))


@dataclass
class _Waiting:
    call: WebhookCall
    loop: asyncio.AbstractEventLoop
    answer: asyncio.Future


class GroupCommit:
    """Calls queued by the event loop(s), answered by `threads` database threads."""

    def __init__(self, *, threads: int = THREADS, max_batch: int = MAX_BATCH) -> None:
        self.threads = threads
        self.max_batch = max_batch
        self._waiting: deque[_Waiting] = deque()
        self._ready = threading.Condition()
        self._started = 0

    async def answer(self, call: WebhookCall) -> HttpResponse:
        loop = asyncio.get_running_loop()
        waiting = _Waiting(call, loop, loop.create_future())
        with self._ready:
            self._waiting.append(waiting)
            if self._started < self.threads:
                self._started += 1
                threading.Thread(target=self._work, name="webhooks", daemon=True).start()
            self._ready.notify()
        return await waiting.answer

    def _work(self) -> None:
        while True:
            with self._ready:
                while not self._waiting:
                    self._ready.wait()
                count = min(len(self._waiting), self.max_batch)
                batch = [self._waiting.popleft() for _ in range(count)]
            answers = answer_calls([waiting.call for waiting in batch])
            loops: dict[asyncio.AbstractEventLoop, list] = {}
            for waiting, answer in zip(batch, answers, strict=True):
                loops.setdefault(waiting.loop, []).append((waiting.answer, answer))
            for loop, results in loops.items():  # one wake-up per loop and batch
                # A closed loop (RuntimeError) has nobody waiting any more.
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(_deliver, results)


def _deliver(results: list[tuple[asyncio.Future, HttpResponse]]) -> None:
    for future, answer in results:
        if not future.done():  # the client may have gone (the task cancelled)
            future.set_result(answer)


GROUP_COMMIT = GroupCommit()
