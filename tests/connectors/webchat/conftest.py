import json

from django.urls import reverse


def open_session(client, inbox, **payload):
    """POST the session endpoint as the frame does."""
    return client.post(
        reverse("webchat:session", args=[inbox.public_key]),
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
