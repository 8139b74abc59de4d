"""`relais mailcatcher`: an SMTP server that accepts every mail and writes it to
a folder instead of delivering it. For the demo and for staging set-ups, where
replies must not reach real customers: point RELAIS_SMTP_URL at it."""

import itertools
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from django.core.management.base import BaseCommand

from relais.connectors.email.smtp_data import serve_until_stopped


class FolderHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self.numbers):05d}.eml"
        (self.folder / name).write_bytes(envelope.original_content or b"")
        return "250 2.0.0 OK: caught"


class Command(BaseCommand):
    help = "Accept every mail over SMTP and write it to a folder (nothing is delivered)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2526)
        parser.add_argument("--dir", type=Path, required=True, help="where the .eml files go")

    def handle(self, *args, host: str, port: int, dir: Path, **options):
        dir.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"relais mailcatcher on {host}:{port}, writing to {dir}")
        serve_until_stopped(Controller(FolderHandler(dir), hostname=host, port=port))
