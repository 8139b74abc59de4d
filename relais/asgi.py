"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from relais.connectors.webchat.consumer import VisitorConsumer  # noqa: E402
from relais.connectors.webhook_asgi import WebhookRoute  # noqa: E402
from relais.web.consumers import ConsoleConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Provider webhooks skip Django's middleware (webhook_asgi.py).
        "http": WebhookRoute(django_asgi_app),
        "websocket": URLRouter(
            [
                # The console is same-origin only: its session cookie must not be
                # usable from another site (cross-site websocket hijacking).
                path(
                    "ws/console/",
                    AllowedHostsOriginValidator(AuthMiddlewareStack(ConsoleConsumer.as_asgi())),
                ),
                # The widget runs in Relais' own iframe; it authenticates with its
                # signed visitor token, not with cookies.
                path("ws/widget/<str:public_key>/", VisitorConsumer.as_asgi()),
            ]
        ),
    }
)
