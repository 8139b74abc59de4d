"""The IMAP fetcher against a real Dovecot: what it imports, what it does to
the mailbox afterwards, and how it survives restarts and failures."""

import ssl
import threading
from email.message import EmailMessage
from email.utils import make_msgid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from relais.connectors.email import imap_loop
from relais.connectors.email.config import EmailConfig
from relais.connectors.email.imap_fetch import fetch_mailbox
from relais.connectors.models import Inbox, MailboxState
from relais.conversations.models import Message
from tests.servers import dovecot_server, free_port
from tests.waiting import wait_until

# One Dovecot for the whole file (--dist loadgroup keeps it on one worker).
pytestmark = pytest.mark.xdist_group("dovecot")

PASSWORD = "s3cret-mailbox"
USERS = [f"support{n}" for n in range(30)]
WAIT_SECONDS = 30.0


@pytest.fixture(scope="module")
def imap():
    with dovecot_server(dict.fromkeys(USERS, PASSWORD)) as server:
        server.unused = iter(USERS)
        yield server


@pytest.fixture
def user(imap):
    """A mailbox of its own for each test."""
    return next(imap.unused)


def make_email_inbox(imap, user, **imap_settings) -> Inbox:
    settings = {
        "host": imap.host,
        "port": imap.port,
        "security": "none",
        "username": user,
        "password": PASSWORD,
        "timeout": 10,
        **imap_settings,
    }
    config = EmailConfig.model_validate({"address": "support@example.com", "imap": settings})
    return Inbox.objects.create(kind="email", name=f"Mail {user}", config=config.model_dump())


def mail(subject: str, body: str = "Bonjour, ma commande n'est pas arrivée.") -> bytes:
    message = EmailMessage()
    message["From"] = "Claire Dubois <claire@example.org>"
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(body)
    return bytes(message)


def flags(imap, user, folder="INBOX") -> dict[int, tuple]:
    with imap.client(user) as client:
        client.select_folder(folder)
        fetched = client.fetch(client.search(), ["FLAGS"])
        return {uid: data[b"FLAGS"] for uid, data in fetched.items()}


def count(imap, user, folder="INBOX") -> int:
    with imap.client(user) as client:
        return client.folder_status(folder, ["MESSAGES"])[b"MESSAGES"]


def subjects(inbox) -> list[str]:
    messages = Message.objects.filter(inbox=inbox).order_by("id")
    return [message.metadata["email"]["subject"] for message in messages]


def test_new_mail_becomes_conversations_and_is_flagged_seen(db, imap, user):
    inbox = make_email_inbox(imap, user)
    imap.deliver(user, mail("Commande 1"))
    imap.deliver(user, mail("Commande 2"))

    report = fetch_mailbox(inbox)

    assert (report.imported, report.duplicates, report.failed, report.errors) == (2, 0, 0, [])
    assert subjects(inbox) == ["Commande 1", "Commande 2"]
    assert all(b"\\Seen" in mail_flags for mail_flags in flags(imap, user).values())
    state = MailboxState.objects.get(inbox=inbox)
    assert state.last_uid == 2 and state.last_error == ""
    assert state.last_imported_at is not None


def test_mail_is_fetched_once_and_only_new_mail_later(db, imap, user):
    inbox = make_email_inbox(imap, user)
    imap.deliver(user, mail("Première"))
    fetch_mailbox(inbox)

    again = fetch_mailbox(inbox)
    imap.deliver(user, mail("Deuxième"))
    later = fetch_mailbox(inbox)

    assert (again.imported, again.duplicates) == (0, 0)
    assert (later.imported, later.duplicates) == (1, 0)
    assert subjects(inbox) == ["Première", "Deuxième"]


def test_a_restart_that_lost_its_place_stores_nothing_twice(db, imap, user):
    inbox = make_email_inbox(imap, user)
    imap.deliver(user, mail("Avant la panne"))
    fetch_mailbox(inbox)
    # A crash before the position was saved: everything is fetched again.
    MailboxState.objects.filter(inbox=inbox).update(last_uid=0)

    report = fetch_mailbox(inbox)

    assert (report.imported, report.duplicates) == (0, 1)
    assert subjects(inbox) == ["Avant la panne"]


def test_imported_mail_is_moved_to_a_folder_created_for_it(db, imap, user):
    inbox = make_email_inbox(imap, user, after_import="move", move_to="Traite")
    imap.deliver(user, mail("À ranger"))
    imap.deliver(user, mail("À ranger aussi"))

    report = fetch_mailbox(inbox)

    assert report.imported == 2 and report.errors == []
    assert count(imap, user) == 0
    assert count(imap, user, "Traite") == 2


def test_imported_mail_is_deleted_when_asked(db, imap, user):
    inbox = make_email_inbox(imap, user, after_import="delete")
    imap.deliver(user, mail("À supprimer"))

    report = fetch_mailbox(inbox)

    assert report.imported == 1
    assert count(imap, user) == 0
    assert fetch_mailbox(inbox).imported == 0


def test_a_new_uidvalidity_starts_the_folder_over(db, imap, user):
    inbox = make_email_inbox(imap, user, folder="Support")
    imap.deliver(user, mail("Ancien dossier"), folder="Support")
    imap.deliver(user, mail("Ancien dossier 2"), folder="Support")
    fetch_mailbox(inbox)
    old_validity = MailboxState.objects.get(inbox=inbox).uidvalidity
    with imap.client(user) as client:
        client.delete_folder("Support")
        client.create_folder("Support")
    # UID 1 again, below the last UID seen in the old folder.
    imap.deliver(user, mail("Nouveau dossier"), folder="Support")

    report = fetch_mailbox(inbox)

    state = MailboxState.objects.get(inbox=inbox)
    assert state.uidvalidity != old_validity and state.last_uid == 1
    assert report.imported == 1
    assert subjects(inbox) == ["Ancien dossier", "Ancien dossier 2", "Nouveau dossier"]


def test_a_wrong_password_is_recorded_not_raised(db, imap, user):
    inbox = make_email_inbox(imap, user, password="not-the-password")

    report = fetch_mailbox(inbox)

    assert not report.ok and "LoginError" in report.errors[0]
    state = MailboxState.objects.get(inbox=inbox)
    assert "LoginError" in state.last_error and state.last_checked_at is not None


def test_an_unreachable_server_is_recorded_and_cleared_once_it_answers(db, imap, user):
    inbox = make_email_inbox(imap, user, port=free_port())
    assert "ConnectionRefusedError" in fetch_mailbox(inbox).errors[0]
    assert "ConnectionRefusedError" in MailboxState.objects.get(inbox=inbox).last_error

    inbox.config["imap"]["port"] = imap.port
    inbox.save()
    assert fetch_mailbox(inbox).ok
    assert MailboxState.objects.get(inbox=inbox).last_error == ""


def test_implicit_tls_and_starttls_check_the_certificate(db, imap, user):
    trusted = ssl.create_default_context(cafile=str(imap.ca_path))
    imap.deliver(user, mail("Chiffré"))
    tls_inbox = make_email_inbox(imap, user, security="tls", port=imap.tls_port)
    starttls_inbox = make_email_inbox(imap, user, security="starttls", after_import="delete")

    untrusted = fetch_mailbox(tls_inbox)  # the system's CAs do not know the test CA
    over_tls = fetch_mailbox(tls_inbox, ssl_context=trusted)
    over_starttls = fetch_mailbox(starttls_inbox, ssl_context=trusted)

    assert "SSLCertVerificationError" in untrusted.errors[0]
    assert over_tls.imported == 1 and over_tls.ok
    assert over_starttls.imported == 1 and over_starttls.ok


def test_a_mail_ingest_chokes_on_stays_in_the_mailbox_and_is_skipped(db, imap, user, monkeypatch):
    from relais.connectors.email import ingest

    real_ingest = ingest.ingest_mail

    def choking_ingest(inbox, raw, **options):
        if b"Subject: Poison" in raw:
            raise ValueError("cannot digest this")
        return real_ingest(inbox, raw, **options)

    monkeypatch.setattr(ingest, "ingest_mail", choking_ingest)
    inbox = make_email_inbox(imap, user)
    imap.deliver(user, mail("Poison"))
    imap.deliver(user, mail("Sain"))

    report = fetch_mailbox(inbox)

    assert (report.imported, report.failed) == (1, 1)
    assert "UID 1" in report.errors[0] and "cannot digest this" in report.errors[0]
    assert "UID 1" in MailboxState.objects.get(inbox=inbox).last_error
    assert subjects(inbox) == ["Sain"]
    assert b"\\Seen" not in flags(imap, user)[1]  # left for a human to look at
    assert fetch_mailbox(inbox).failed == 0  # and not retried forever


def test_fetchmail_command_prints_each_report(db, imap, user):
    inbox = make_email_inbox(imap, user)
    imap.deliver(user, mail("Par la commande"))
    out = StringIO()

    call_command("fetchmail", inbox=inbox.pk, stdout=out)

    assert f"inbox {inbox.pk}" in out.getvalue() and "1 imported" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("fetchmail", inbox=inbox.pk + 1000, stdout=out)


@pytest.fixture
def fetchers(transactional_db, monkeypatch):
    """The worker's fetcher supervisor, looking at the inboxes often."""
    monkeypatch.setattr(imap_loop, "MIN_BACKOFF_SECONDS", 0.1)
    monkeypatch.setattr(imap_loop, "IDLE_SLICE_SECONDS", 0.2)
    stop = threading.Event()
    thread = imap_loop.start_imap_fetchers(stop, relist_seconds=0.1)
    yield
    stop.set()
    thread.join(WAIT_SECONDS)
    assert not thread.is_alive()


def watching(inbox) -> bool:
    return any(thread.name == f"imap-inbox-{inbox.pk}" for thread in threading.enumerate())


def checked(inbox) -> bool:
    return MailboxState.objects.filter(inbox=inbox, last_checked_at__isnull=False).exists()


def test_the_worker_picks_up_mail_while_idling_and_after_a_dropped_connection(fetchers, imap, user):
    inbox = make_email_inbox(imap, user, poll_seconds=3600)  # only IDLE can be quick
    wait_until(lambda: checked(inbox), "the first fetch")

    imap.deliver(user, mail("Pendant l'attente"))
    wait_until(lambda: Message.objects.filter(inbox=inbox).count() == 1, "the idle fetch")

    imap.kick(user)  # the next mail can only come through a new connection
    imap.deliver(user, mail("Après la coupure"))
    wait_until(lambda: Message.objects.filter(inbox=inbox).count() == 2, "the reconnection")
    assert subjects(inbox) == ["Pendant l'attente", "Après la coupure"]


def test_the_worker_follows_inboxes_added_and_deactivated(fetchers, imap, user):
    inbox = make_email_inbox(imap, user)
    wait_until(lambda: watching(inbox), "a thread for the new inbox")

    Inbox.objects.filter(pk=inbox.pk).update(is_active=False)

    wait_until(lambda: not watching(inbox), "the thread to stop")
