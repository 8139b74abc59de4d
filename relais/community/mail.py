"""The sign-in mail, composed and sent with the e-mail connector's own
composer and SMTP client, through the server-wide relay (RELAIS_SMTP_URL)."""

from __future__ import annotations

import logging
import secrets
from email.utils import parseaddr

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from relais.connectors.email.compose import OutgoingMail, build_message
from relais.connectors.email.smtp_client import relay_settings, send_mail

log = logging.getLogger(__name__)


def sign_in_mail(*, email: str, link: str, language: str) -> OutgoingMail:
    sender_name, sender_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    with translation.override(language or settings.LANGUAGE_CODE):
        minutes = settings.RELAIS_COMMUNITY_LINK_MAX_AGE // 60
        text = "\n\n".join(
            [
                _("Hello,"),
                _("To sign in to the community, open this link:"),
                link,
                _("It works once, for %(minutes)d minutes.") % {"minutes": minutes},
                _("If you did not ask for it, ignore this e-mail."),
            ]
        )
        subject = _("Your sign-in link to the community")
    domain = sender_address.rpartition("@")[2] or "localhost"
    return OutgoingMail(
        sender=(sender_name, sender_address),
        to=[("", email)],
        subject=subject,
        text=text,
        message_id=f"<community.{secrets.token_hex(12)}@{domain}>",
        auto_submitted="auto-generated",
        language=language,
    )


def send_sign_in_mail(*, email: str, link: str, language: str) -> None:
    """Send the link; without a relay configured, log that nothing was sent.
    Sending errors propagate, so that the task is marked failed."""
    relay = relay_settings()
    if relay is None:
        log.warning("RELAIS_SMTP_URL is not set: no sign-in mail sent")
        return
    mail = sign_in_mail(email=email, link=link, language=language)
    send_mail(relay, build_message(mail), envelope_from=mail.sender[1], recipients=[email])
