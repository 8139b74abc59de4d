"""Posting signed Meta webhooks to the common route, for the Messenger and
Instagram tests."""

from django.test import Client

from relais.connectors.meta.signature import sign
from relais.connectors.webhooks import webhook_path
from relais.conversations.models import Message

APP_SECRET = "meta-app-secret"


def post(inbox, body: bytes, signature: str | None = "sign"):
    headers = {}
    if signature == "sign":
        headers["HTTP_X_HUB_SIGNATURE_256"] = sign(APP_SECRET, body)
    elif signature:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    url = webhook_path(inbox.kind, inbox.public_key)
    return Client().post(url, body, content_type="application/json", **headers)


def deliver(inbox, body: bytes):
    before = set(Message.objects.filter(inbox=inbox).values_list("pk", flat=True))
    response = post(inbox, body)
    assert response.status_code == 200, response.content
    return list(Message.objects.filter(inbox=inbox).exclude(pk__in=before).order_by("pk"))
