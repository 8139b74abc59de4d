"""`relais smtpd`: the SMTP receiver of the e-mail inboxes (see
relais.connectors.email.smtpd)."""

import ssl

from django.core.management.base import BaseCommand

from relais.connectors.email.smtp_data import RelaisController, serve_until_stopped
from relais.connectors.email.smtpd import RelaisSmtpHandler, smtp_server_options
from relais.core.realtime import no_local_listeners


class Command(BaseCommand):
    help = "Receive mail for the e-mail inboxes over SMTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--hostname", default=None, help="name given in the greeting")
        parser.add_argument("--tls-cert", help="certificate (PEM) to offer STARTTLS")
        parser.add_argument("--tls-key", help="private key (PEM) of --tls-cert")

    def handle(self, *args, host, port, hostname, tls_cert, tls_key, **options):
        server_options = smtp_server_options()
        if tls_cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(tls_cert, tls_key)
            server_options["tls_context"] = context
        no_local_listeners()  # nobody listens here: realtime only goes out through Redis
        handler = RelaisSmtpHandler()
        controller = RelaisController(
            handler,
            hostname=host,
            port=port,
            server_hostname=hostname,
            **server_options,
        )
        self.stdout.write(f"relais smtpd listening on {host}:{port}")
        serve_until_stopped(controller, on_stop=handler.close)
