"""`relais mailcatcher`: every mail accepted, written to the folder, nothing delivered."""

import smtplib

from aiosmtpd.controller import Controller

from relais.connectors.management.commands.mailcatcher import FolderHandler
from tests.servers import free_port


def test_every_mail_is_written_to_the_folder(tmp_path):
    port = free_port()
    controller = Controller(FolderHandler(tmp_path), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            for number in (1, 2):
                raw = f"Subject: n{number}\r\n\r\nBonjour\r\n".encode()
                client.sendmail("support@example.com", [f"client{number}@anywhere.example"], raw)
    finally:
        controller.stop()
    files = sorted(tmp_path.glob("*.eml"))
    assert [path.read_bytes().split(b"\r\n")[0] for path in files] == [
        b"Subject: n1",
        b"Subject: n2",
    ]
