"""Customer mails for the tests, built with the standard library."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid


def customer_mail(
    *,
    sender: str = "Chloé Dubois <chloe@client.example>",
    to: str = "support@example.com",
    subject: str = "Ma commande 1234",
    text: str = "Bonjour, ma commande n'est pas arrivée.",
    message_id: str | None = None,
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
    attachment: tuple[str, str, bytes] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="client.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if attachment:
        filename, content_type, data = attachment
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
