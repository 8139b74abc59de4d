"""`relais fetchmail`: fetch the IMAP mailboxes of the e-mail inboxes once
(`relais worker` keeps fetching them; see relais.connectors.email.imap_loop)."""

from django.core.management.base import BaseCommand, CommandError

from relais.connectors.email.imap_fetch import fetch_mailbox
from relais.connectors.email.imap_loop import imap_inboxes
from relais.connectors.models import Inbox


class Command(BaseCommand):
    help = "Fetch new mail from the IMAP mailboxes of the e-mail inboxes, once."

    def add_arguments(self, parser):
        parser.add_argument("--inbox", type=int, help="only this inbox (id)")

    def handle(self, *args, inbox: int | None, **options):
        if inbox is not None:
            inboxes = Inbox.objects.filter(pk=inbox)
            if not inboxes:
                raise CommandError(f"no inbox {inbox}")
        else:
            inboxes = Inbox.objects.filter(pk__in=imap_inboxes()).order_by("pk")
        failed = False
        for each in inboxes:
            report = fetch_mailbox(each)
            failed = failed or not report.ok
            self.stdout.write(f"inbox {each.pk} ({each.name}): {report}")
        if failed:
            raise CommandError("some mailboxes could not be fetched")
