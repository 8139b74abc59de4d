"""Fetch new mail from an e-mail inbox's IMAP mailbox into the pipeline.

Each mail is handed to `ingest.ingest_mail`, then flagged \\Seen, moved or
deleted (the inbox's `after_import`). Where the fetcher stands is kept in the
inbox's `MailboxState`: the folder's UIDVALIDITY and the last UID handled,
saved after every mail, so a restart (or a crash mid-batch) fetches again at
most the mail it was handling, which ingest recognises by its Message-ID.

A mail whose ingest raises (a bug: ingest stores or quarantines bad mail
itself) is left in the mailbox untouched, counted as failed, logged with the
inbox id and UID, and skipped: fetching goes on with the next mail rather than
stopping the inbox on one message. A database error, by contrast, stops the
round without moving past the mail, which is fetched again next time.
"""

from __future__ import annotations

import logging
import ssl
from contextlib import suppress
from dataclasses import dataclass, field

from django.db import DatabaseError
from django.utils import timezone
from imapclient import IMAPClient
from pydantic import ValidationError

from relais.connectors.email.config import EmailConfig, ImapSettings
from relais.connectors.models import Inbox, MailboxState

log = logging.getLogger(__name__)

BATCH_SIZE = 20
HANDLED, SKIPPED, RETRY = "handled", "skipped", "retry"
SEEN = b"\\Seen"
DELETED = b"\\Deleted"
# What a broken connection or a refusing server raises: socket errors, TLS
# errors and timeouts are OSErrors; IMAPClient.Error covers login refusals,
# NO/BAD answers and aborted connections (IMAPClient.AbortError).
CONNECTION_ERRORS = (OSError, IMAPClient.Error)


class ImapNotConfigured(Exception):
    """The inbox is not an e-mail inbox with valid IMAP settings."""


@dataclass
class FetchReport:
    """What one fetch round did. `imported` counts mail ingest handled (stored,
    bounce or quarantined), `duplicates` mail it already had."""

    imported: int = 0
    duplicates: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def __str__(self) -> str:
        text = f"{self.imported} imported, {self.duplicates} duplicates, {self.failed} failed"
        return "; ".join([text, *self.errors])


def imap_settings(inbox: Inbox) -> ImapSettings:
    """The inbox's IMAP settings; raises ImapNotConfigured."""
    if inbox.kind != "email":
        raise ImapNotConfigured(f"inbox {inbox.pk} is not an e-mail inbox")
    try:
        settings = EmailConfig.model_validate(inbox.config).imap
    except ValidationError as error:
        raise ImapNotConfigured(f"invalid settings: {error}") from None
    if settings is None:
        raise ImapNotConfigured(f"inbox {inbox.pk} has no IMAP mailbox")
    return settings


def connect(settings: ImapSettings, ssl_context: ssl.SSLContext | None = None) -> IMAPClient:
    """A client logged in to the mailbox (TLS or STARTTLS as configured; the
    certificate is checked against `ssl_context`, the system's CAs by default).
    Raises one of CONNECTION_ERRORS."""
    context = ssl_context or ssl.create_default_context()
    client = IMAPClient(
        settings.host,
        settings.port,
        ssl=settings.security == "tls",
        ssl_context=context,
        timeout=settings.timeout,
    )
    try:
        if settings.security == "starttls":
            client.starttls(context)
        client.login(settings.username, settings.password)
    except BaseException:
        with suppress(OSError):
            client.shutdown()
        raise
    return client


def disconnect(client: IMAPClient) -> None:
    """Log out, ignoring a connection that is already gone."""
    try:
        client.logout()
    except CONNECTION_ERRORS:
        with suppress(OSError):
            client.shutdown()


def mailbox_state(inbox: Inbox) -> MailboxState:
    state, _created = MailboxState.objects.get_or_create(inbox=inbox)
    return state


def fetch_mailbox(inbox: Inbox, *, ssl_context: ssl.SSLContext | None = None) -> FetchReport:
    """Connect, import what is new, disconnect. Never raises for connection,
    login or server errors: they end up in the report and in the inbox's
    `MailboxState.last_error`."""
    state = mailbox_state(inbox)
    try:
        settings = imap_settings(inbox)
        client = connect(settings, ssl_context)
    except (ImapNotConfigured, *CONNECTION_ERRORS) as error:
        return record_failure(state, error)
    try:
        return import_new_mail(client, inbox, settings, state)
    except CONNECTION_ERRORS as error:
        return record_failure(state, error)
    finally:
        disconnect(client)


def record_failure(state: MailboxState, error: BaseException) -> FetchReport:
    message = describe(error)
    log.warning("IMAP fetch failed: %s", message, extra={"inbox_id": state.inbox_id})
    state.last_error = message
    state.last_checked_at = timezone.now()
    state.save(update_fields=["last_error", "last_checked_at"])
    return FetchReport(errors=[message])


def describe(error: BaseException) -> str:
    """A one-line account of a connection error, for the operator."""
    detail = error.args[0] if len(error.args) == 1 else error
    if isinstance(detail, bytes):  # imaplib passes the server's answer as is
        detail = detail.decode(errors="replace")
    return f"{type(error).__name__}: {detail}"


def import_new_mail(
    client: IMAPClient, inbox: Inbox, settings: ImapSettings, state: MailboxState
) -> FetchReport:
    """(Re)select the folder and import every mail past `state.last_uid`.
    Raises CONNECTION_ERRORS when the server or the connection fails (the
    state then holds the last mail handled)."""
    selected = client.select_folder(settings.folder)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    if state.uidvalidity != uidvalidity:
        # A new folder numbering: start over (ingest skips what it already has).
        state.uidvalidity, state.last_uid = uidvalidity, 0
        state.save(update_fields=["uidvalidity", "last_uid"])
    # "N:*" always matches the newest mail, even when its UID is below N.
    uids = sorted(uid for uid in client.search(["UID", f"{state.last_uid + 1}:*"]))
    uids = [uid for uid in uids if uid > state.last_uid]
    report = FetchReport()
    after_import = AfterImport(client, settings)
    for start in range(0, len(uids), BATCH_SIZE):
        batch = uids[start : start + BATCH_SIZE]
        fetched = client.fetch(batch, ["BODY.PEEK[]"])
        for uid in batch:
            outcome = import_one(inbox, uid, fetched.get(uid, {}).get(b"BODY[]"), report)
            if outcome == RETRY:
                return finish(state, report)
            if outcome == HANDLED:
                after_import.apply(uid, report)
            state.last_uid = uid
            state.save(update_fields=["last_uid"])
    return finish(state, report)


def import_one(inbox: Inbox, uid: int, raw: bytes | None, report: FetchReport) -> str:
    """Hand one mail to ingest and count the outcome. Returns HANDLED, SKIPPED
    (gone, or ingest raised) or RETRY (a database error: stop the round)."""
    from relais.connectors.email import ingest

    context = {"inbox_id": inbox.pk, "uid": uid}
    if raw is None:
        # Expunged by someone else between SEARCH and FETCH: nothing to import.
        log.info("IMAP mail %s vanished before it was fetched", uid, extra=context)
        return SKIPPED
    try:
        result = ingest.ingest_mail(inbox, raw)
    except DatabaseError as error:
        log.exception("IMAP mail %s: database error, will retry", uid, extra=context)
        report.errors.append(f"UID {uid}: {describe(error)}")
        return RETRY
    except Exception as error:
        log.exception("IMAP mail %s could not be imported; left in the mailbox", uid, extra=context)
        report.failed += 1
        report.errors.append(f"UID {uid}: {describe(error)}")
        return SKIPPED
    if result.outcome == "duplicate":
        report.duplicates += 1
    else:
        report.imported += 1
    return HANDLED


def finish(state: MailboxState, report: FetchReport) -> FetchReport:
    now = timezone.now()
    state.last_checked_at = now
    state.last_error = "\n".join(report.errors)
    if report.imported:
        state.last_imported_at = now
    state.save(update_fields=["last_checked_at", "last_error", "last_imported_at"])
    return report


class AfterImport:
    """Flags, moves or deletes an imported mail as the inbox asks. A refusal
    from the server is reported, not raised: the mail is imported already and
    will not be imported again."""

    def __init__(self, client: IMAPClient, settings: ImapSettings):
        self.client = client
        self.settings = settings
        self.folder_ready = False

    def apply(self, uid: int, report: FetchReport) -> None:
        action = self.settings.after_import
        try:
            if action == "seen":
                self.client.add_flags([uid], [SEEN], silent=True)
            elif action == "move":
                self.move(uid)
            else:
                self.client.add_flags([uid], [DELETED], silent=True)
                self.expunge(uid)
        except IMAPClient.AbortError:
            raise
        except IMAPClient.Error as error:
            log.warning("IMAP mail %s: %s failed: %s", uid, action, error)
            report.errors.append(f"UID {uid}: {action}: {describe(error)}")

    def move(self, uid: int) -> None:
        target = self.settings.move_to
        if not self.folder_ready:
            if not self.client.folder_exists(target):
                self.client.create_folder(target)
            self.folder_ready = True
        if self.client.has_capability("MOVE"):
            self.client.move([uid], target)
            return
        self.client.copy([uid], target)
        self.client.add_flags([uid], [DELETED], silent=True)
        self.expunge(uid)

    def expunge(self, uid: int) -> None:
        # Without UIDPLUS, EXPUNGE also removes other mail flagged \Deleted.
        if self.client.has_capability("UIDPLUS"):
            self.client.uid_expunge([uid])
        else:
            self.client.expunge()
