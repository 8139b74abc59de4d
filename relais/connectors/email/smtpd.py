"""`relais smtpd`: receive mail for the e-mail inboxes over SMTP (aiosmtpd), as
the domain's MX or behind a relay.

A recipient is accepted at RCPT time only if it is the address (or an alias,
or a plus-address) of an active e-mail inbox (see InboxDirectory: a new inbox
is live at once). Oversized mail is refused by the SIZE limit (552). The mail
is acknowledged (250) only once it is stored, or quarantined (see ingest): a
crash before that leaves it with the sending server, which retries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection

from relais.connectors.email import EMAIL_KIND
from relais.connectors.email.ingest import ingest_mail
from relais.connectors.email.references import split_plus_address
from relais.connectors.models import Inbox

log = logging.getLogger(__name__)


def inbox_addresses() -> dict[str, Inbox]:
    """Every address (and alias) of the active e-mail inboxes. Plain rows, not
    querysets of models: this runs for every recipient of every mail."""
    fields = ["id", "kind", "name", "config", "is_active"]
    found = {}
    for row in Inbox.objects.filter(kind=EMAIL_KIND, is_active=True).values_list(*fields):
        inbox = Inbox.from_db("default", fields, row)  # other fields load on access
        for address in [row[3].get("address"), *row[3].get("aliases", [])]:
            found[address] = inbox
    return found


class InboxDirectory:
    """The addresses smtpd accepts, read again at most every FRESH_SECONDS and
    whenever an address is unknown: a new inbox is live at once, a deactivated
    one refuses mail within FRESH_SECONDS."""

    FRESH_SECONDS = 2.0

    def __init__(self) -> None:
        self.addresses: dict[str, Inbox] = {}
        self.loaded_at = float("-inf")

    def cached(self, recipient: str) -> Inbox | None:
        """The inbox, if known from a fresh reading; None means "ask `find`"."""
        if time.monotonic() - self.loaded_at > self.FRESH_SECONDS:
            return None
        return self.addresses.get(split_plus_address(recipient)[0])

    def find(self, recipient: str) -> Inbox | None:
        """Read the addresses from the database, then look `recipient` up."""
        self.addresses, self.loaded_at = inbox_addresses(), time.monotonic()
        return self.addresses.get(split_plus_address(recipient)[0])


class RelaisSmtpHandler:
    """aiosmtpd handler: database work runs on one thread of its own (SQLite
    has one writer anyway), off the event loop."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="smtpd-db")
        self.directory = InboxDirectory()

    def close(self) -> None:
        """Close the database thread's connection, then the thread."""
        # (the proxy resolves `connection` in the thread that calls it)
        self.executor.submit(lambda: connection.close()).result()
        self.executor.shutdown()

    async def _run(self, function, *args, **kwargs):
        def call():
            close_old_connections()
            return function(*args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self.executor, call)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        inbox = self.directory.cached(address) or await self._run(self.directory.find, address)
        if inbox is None:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        envelope.rcpt_tos.append(address)
        if not hasattr(envelope, "relais_inboxes"):
            envelope.relais_inboxes = {}  # inbox id -> (inbox, the recipients that reach it)
        inbox, recipients = envelope.relais_inboxes.setdefault(inbox.pk, (inbox, []))
        recipients.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            outcomes = await self._run(self.deliver, raw, envelope)
        except DatabaseError:
            # Nothing was acknowledged: the sending server keeps the mail and retries.
            log.exception("mail from %s deferred: database error", envelope.mail_from)
            return "451 4.3.0 Temporary failure, please retry"
        log.info("mail from %s: %s", envelope.mail_from, ", ".join(outcomes))
        return "250 2.0.0 OK: queued"

    def deliver(self, raw: bytes, envelope) -> list[str]:
        """One stored copy per inbox addressed (a mail to two inboxes is two
        requests, one per team)."""
        outcomes = []
        for inbox_id, (inbox, recipients) in getattr(envelope, "relais_inboxes", {}).items():
            result = ingest_mail(
                inbox, raw, recipients=recipients, envelope_from=envelope.mail_from or ""
            )
            outcomes.append(f"inbox {inbox_id} {result.outcome}")
        return outcomes


def smtp_server_options() -> dict:
    return {
        "data_size_limit": settings.RELAIS_EMAIL_MAX_BYTES,
        "enable_SMTPUTF8": True,
        "decode_data": False,
        "timeout": 60,
    }
