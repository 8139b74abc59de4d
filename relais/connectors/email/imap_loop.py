"""Keep the IMAP mailboxes of e-mail inboxes fetched, for `relais worker`.

One thread per active e-mail inbox with an IMAP mailbox. It stays connected and
waits in IDLE when the server offers it (re-fetching anyway every
`poll_seconds`, at most every 29 minutes as RFC 2177 asks), else polls every
`poll_seconds`. A dropped connection, a refusing server or a database error is
recorded in the inbox's MailboxState and retried with exponential backoff.
Every RELIST_SECONDS the supervisor looks again at the inboxes: new ones get a
thread, deactivated or deleted ones lose theirs, and a changed IMAP setting
restarts the inbox's thread.

Several workers may run this at once: ingest is idempotent on Message-ID, so
mail is stored once, though each worker fetches it (`relais worker --no-imap`
keeps a worker out of it).
"""

from __future__ import annotations

import json
import logging
import select
import ssl
import threading
import time

from django.db import DatabaseError, close_old_connections, connection
from imapclient import IMAPClient

from relais.connectors.email.imap_fetch import (
    CONNECTION_ERRORS,
    ImapNotConfigured,
    connect,
    disconnect,
    imap_settings,
    import_new_mail,
    mailbox_state,
    record_failure,
)
from relais.connectors.models import Inbox

log = logging.getLogger(__name__)

RELIST_SECONDS = 60.0
MAX_IDLE_SECONDS = 29 * 60
# How often an idling thread looks whether it has been asked to stop.
IDLE_SLICE_SECONDS = 1.0
MIN_BACKOFF_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 600.0
JOIN_SECONDS = 5.0


def next_backoff(previous: float) -> float:
    """Seconds to wait before reconnecting after another failure."""
    return min(max(previous * 2, MIN_BACKOFF_SECONDS), MAX_BACKOFF_SECONDS)


def imap_inboxes() -> dict[int, str]:
    """Active e-mail inboxes with an IMAP mailbox, each with a fingerprint of
    its IMAP settings (a change restarts the inbox's thread)."""
    inboxes = Inbox.objects.filter(kind="email", is_active=True).only("pk", "config")
    return {
        inbox.pk: json.dumps(inbox.config["imap"], sort_keys=True)
        for inbox in inboxes
        if inbox.config.get("imap")
    }


class MailboxWatcher(threading.Thread):
    """Fetches one inbox's mailbox until `stop()` is called."""

    def __init__(self, inbox_id: int, fingerprint: str, ssl_context: ssl.SSLContext | None):
        super().__init__(name=f"imap-inbox-{inbox_id}", daemon=True)
        self.inbox_id = inbox_id
        self.fingerprint = fingerprint
        self.ssl_context = ssl_context
        self.stopping = threading.Event()
        self.backoff = 0.0

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self.session()
                except Inbox.DoesNotExist:
                    return
                except (ImapNotConfigured, DatabaseError, *CONNECTION_ERRORS) as error:
                    self.record(error)
                except Exception as error:  # a bug: keep the thread, and say so
                    log.exception("IMAP fetcher failed", extra={"inbox_id": self.inbox_id})
                    self.record(error)
                else:
                    continue
                finally:
                    close_old_connections()
                self.backoff = next_backoff(self.backoff)
                self.stopping.wait(self.backoff)
        finally:
            connection.close()

    def record(self, error: BaseException) -> None:
        try:
            record_failure(mailbox_state(Inbox.objects.get(pk=self.inbox_id)), error)
        except (DatabaseError, Inbox.DoesNotExist):
            log.warning("IMAP fetch failed: %s", error, extra={"inbox_id": self.inbox_id})

    def session(self) -> None:
        """One connection: fetch, wait for more, fetch… until stopped. Raises
        CONNECTION_ERRORS, DatabaseError, ImapNotConfigured."""
        inbox = Inbox.objects.get(pk=self.inbox_id)
        settings = imap_settings(inbox)
        state = mailbox_state(inbox)
        client = connect(settings, self.ssl_context)
        try:
            can_idle = client.has_capability("IDLE")
            while not self.stopping.is_set():
                inbox.refresh_from_db()  # other settings (acknowledgements…) may change
                report = import_new_mail(client, inbox, settings, state)
                if report.imported or report.errors:
                    log.info("IMAP fetch: %s", report, extra={"inbox_id": self.inbox_id})
                self.backoff = 0.0
                close_old_connections()
                wait = min(settings.poll_seconds, MAX_IDLE_SECONDS)
                if can_idle:
                    wait_for_new_mail(client, self.stopping, wait)
                else:
                    self.stopping.wait(wait)
        finally:
            disconnect(client)


def wait_for_new_mail(client: IMAPClient, stopping: threading.Event, seconds: float) -> None:
    """IDLE until the server announces new mail, `seconds` pass or `stopping`
    is set. Raises IMAPClient.AbortError if the connection drops meanwhile."""
    client.idle()
    deadline = time.monotonic() + seconds
    nothing_since = None  # when the socket started being readable with nothing to read
    while not stopping.is_set() and time.monotonic() < deadline:
        if not select.select([client.socket()], [], [], IDLE_SLICE_SECONDS)[0]:
            continue
        responses = client.idle_check(timeout=0)
        if any(response[:1] == (b"BYE",) for response in responses):
            raise IMAPClient.AbortError("the server closed the connection")
        if any(len(response) > 1 and response[1] == b"EXISTS" for response in responses):
            break
        if responses:
            nothing_since = None
            continue
        # Readable yet nothing to read: half a TLS record, or a closed
        # connection if it lasts.
        nothing_since = nothing_since or time.monotonic()
        if time.monotonic() - nothing_since > IDLE_SLICE_SECONDS:
            raise IMAPClient.AbortError("the connection closed while idling")
        time.sleep(0.05)
    client.idle_done()


def run_imap_fetchers(
    stop: threading.Event,
    *,
    ssl_context: ssl.SSLContext | None = None,
    relist_seconds: float = RELIST_SECONDS,
) -> None:
    """Run one MailboxWatcher per IMAP inbox until `stop` is set, following
    inboxes as they are added, changed or deactivated. Blocks."""
    watchers: dict[int, MailboxWatcher] = {}
    try:
        while not stop.is_set():
            try:
                wanted = imap_inboxes()
            except DatabaseError:
                log.exception("IMAP fetchers: could not list the inboxes")
                wanted = None
            finally:
                close_old_connections()
            if wanted is not None:
                reconcile(watchers, wanted, ssl_context)
            stop.wait(relist_seconds)
    finally:
        for watcher in watchers.values():
            watcher.stop()
        for watcher in watchers.values():
            watcher.join(JOIN_SECONDS)
        connection.close()


def reconcile(
    watchers: dict[int, MailboxWatcher],
    wanted: dict[int, str],
    ssl_context: ssl.SSLContext | None,
) -> None:
    """Stop the watchers of inboxes gone or changed, start the missing ones."""
    for inbox_id, watcher in list(watchers.items()):
        if wanted.get(inbox_id) != watcher.fingerprint or not watcher.is_alive():
            watcher.stop()
            watcher.join(JOIN_SECONDS)
            del watchers[inbox_id]
    for inbox_id, fingerprint in wanted.items():
        if inbox_id not in watchers:
            watchers[inbox_id] = MailboxWatcher(inbox_id, fingerprint, ssl_context)
            watchers[inbox_id].start()


def start_imap_fetchers(stop: threading.Event, **options) -> threading.Thread:
    """run_imap_fetchers in a daemon thread."""
    thread = threading.Thread(
        target=run_imap_fetchers, args=(stop,), kwargs=options, name="imap-fetchers", daemon=True
    )
    thread.start()
    return thread
