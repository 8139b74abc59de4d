"""`relais importmail`: store .eml files in an e-mail inbox, e.g. mails from
the quarantine once the cause is fixed, or an export from another helpdesk.
Idempotent: a mail already stored is reported as a duplicate."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.connectors.email import EMAIL_KIND
from relais.connectors.email.ingest import ingest_mail
from relais.connectors.models import Inbox


class Command(BaseCommand):
    help = "Import raw mails (.eml files) into an e-mail inbox."

    def add_arguments(self, parser):
        parser.add_argument("--inbox", type=int, required=True, help="the e-mail inbox id")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, inbox: int, files: list[Path], **options):
        found = Inbox.objects.filter(pk=inbox, kind=EMAIL_KIND).first()
        if found is None:
            raise CommandError(f"no e-mail inbox with id {inbox}")
        failed = 0
        for path in files:
            result = ingest_mail(found, path.read_bytes())
            failed += result.outcome == "quarantined"
            conversation = f" conversation {result.conversation.pk}" if result.conversation else ""
            self.stdout.write(f"{path}: {result.outcome}{conversation} {result.reason}".rstrip())
        if failed:
            raise CommandError(f"{failed} mail(s) could not be stored (see the quarantine)")
