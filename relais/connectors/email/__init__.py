"""E-mail: inboxes fed by `relais smtpd` (SMTP) or an IMAP mailbox, answered
through SMTP.

Modules: config (inbox settings), parsing (raw mail -> ParsedMail, pure),
ingest (ParsedMail -> the pipeline: threading, auto-replies, bounces),
compose and smtp_client (outbound), acknowledgement, imap_fetch, smtpd.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from relais.connectors.base import Connector, SendResult
from relais.connectors.email.config import EmailConfig

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Message

EMAIL_KIND = "email"
SECRET_MASK = "********"  # noqa: S105 (what the API shows instead of a password)


class EmailConnector(Connector):
    kind = EMAIL_KIND
    label = _("E-mail")
    channel_class = "email"
    config_model = EmailConfig
    supports_attachments = True

    def conflicts(self, config: dict[str, Any], inbox_id: int | None) -> list[dict[str, str]]:
        """An address (or alias) reaches one inbox only."""
        from relais.connectors.models import Inbox

        wanted = {config["address"], *config.get("aliases", [])}
        found = []
        for other in Inbox.objects.filter(kind=EMAIL_KIND).exclude(pk=inbox_id):
            taken = wanted & {other.config.get("address"), *other.config.get("aliases", [])}
            found += [
                {"field": "address", "message": f"{address} already reaches inbox {other.pk}"}
                for address in sorted(taken)
            ]
        return found

    def public_config(self, inbox: Inbox) -> dict[str, Any]:
        config = dict(inbox.config)
        for server in ("smtp", "imap"):
            if config.get(server):
                config[server] = {
                    **config[server],
                    "password": SECRET_MASK if config[server].get("password") else "",
                }
        return config

    def public_urls(self, inbox: Inbox) -> dict[str, str]:
        from django.urls import reverse

        if not inbox.config.get("form_enabled", True):
            return {}
        return {"contact_form_url": reverse("webform:form", args=[inbox.public_key])}

    def send(self, message: Message) -> SendResult:
        from relais.connectors.email.sending import send_message

        return send_message(message)
