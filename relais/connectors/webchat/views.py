"""The widget's HTTP side: loader script, frame page, session endpoint, demo shop.

Session endpoint contract (POST /widget/<public_key>/session, JSON only):
request {token?, user_id?, email?, name?, user_hash?, locale?}, unknown fields
refused with 400. Answers 200 {token, live, verified, greeting, messages}
(live: an agent can take the chat, or the bot is on),
403 {"error": "identity_not_verified" | "identity_required"} (nothing stored),
400 {"error": "invalid_request"}, 404 for an unknown or inactive inbox.
An invalid token is never an error: a new visitor is issued (see visitors.py).
"""

from __future__ import annotations

import json
import re

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from pydantic import ValidationError

from relais.connectors.models import Inbox
from relais.connectors.webchat import identity_hash
from relais.connectors.webchat.actions import visitor_history
from relais.connectors.webchat.embedding import (
    frame_content_security_policy,
    js_literal,
    safe_color,
)
from relais.connectors.webchat.visitors import (
    IdentityRefused,
    SessionRequest,
    active_webchat_inbox,
    open_session,
    webchat_config,
)
from relais.routing.availability import inbox_is_live

MAX_SESSION_BODY_BYTES = 8192
LOADER_CACHE_SECONDS = 300
DEMO_CUSTOMER_ID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


def _webchat_inbox(public_key: str) -> Inbox:
    inbox = active_webchat_inbox(public_key)
    if inbox is None:
        raise Http404("unknown widget")
    return inbox


@require_GET
def loader_script(request: HttpRequest, public_key: str) -> HttpResponse:
    """The script a host site includes: adds the launcher and the frame."""
    inbox = active_webchat_inbox(public_key)
    if inbox is None:
        body = "/* Relais: unknown or inactive widget key. */\n"
        return HttpResponse(body, content_type="application/javascript", status=404)
    loader_config = {
        "origin": request.build_absolute_uri("/").rstrip("/"),
        "frameUrl": request.build_absolute_uri(reverse("webchat:frame", args=[public_key])),
        "color": safe_color(webchat_config(inbox).color),
        "openLabel": _("Open the chat"),
        "closeLabel": _("Close the chat"),
        "frameTitle": _("Chat with us"),
    }
    response = render(
        request,
        "webchat/loader.js",
        {"config_js": js_literal(loader_config)},
        content_type="application/javascript; charset=utf-8",
    )
    response["Cache-Control"] = f"public, max-age={LOADER_CACHE_SECONDS}"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@xframe_options_exempt
@require_GET
def frame(request: HttpRequest, public_key: str) -> HttpResponse:
    """The chat window, always served from Relais' origin inside an iframe."""
    inbox = _webchat_inbox(public_key)
    config = webchat_config(inbox)
    language = request.GET.get("lang", "")[:8]
    if not translation.check_for_language(language):
        language = translation.get_language()
    frame_config = {
        "publicKey": public_key,
        "sessionUrl": reverse("webchat:session", args=[public_key]),
        "socketPath": f"/ws/widget/{public_key}/",
        "color": safe_color(config.color),
        "language": language,
        "helpMode": config.help_mode,
        "helpOpenUrl": reverse("webchat:help_open", args=[public_key]),
        "helpSearchUrl": reverse("webchat:help_search", args=[public_key]),
        "helpStepUrl": reverse("webchat:help_step", args=[public_key]),
    }
    with translation.override(language):
        response = render(
            request,
            "webchat/frame.html",
            {"inbox": inbox, "frame_config": frame_config, "language": language},
        )
    response["Content-Security-Policy"] = frame_content_security_policy(config, request.get_host())
    return response


@csrf_exempt  # JSON only, no cookies read: the visitor token is the credential.
@require_POST
def session(request: HttpRequest, public_key: str) -> JsonResponse:
    """Issue or restore the visitor's token; return availability and history."""
    inbox = _webchat_inbox(public_key)
    claims = _session_request(request)
    if claims is None:
        return JsonResponse({"error": "invalid_request"}, status=400)
    try:
        visitor, token = open_session(inbox, claims)
    except IdentityRefused as refusal:
        return JsonResponse({"error": refusal.code}, status=403)
    config = webchat_config(inbox)
    response = JsonResponse(
        {
            "token": token,
            # The bot answers at any hour: the chat is open whenever it is on.
            "live": config.bot.enabled or inbox_is_live(inbox),
            "verified": visitor.is_verified,
            "greeting": config.greeting,
            "messages": visitor_history(visitor),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _session_request(request: HttpRequest) -> SessionRequest | None:
    """Parse the session body strictly; None when it is not what the frame sends.
    Requiring application/json also forces a CORS preflight on cross-site posts."""
    if request.content_type != "application/json":
        return None
    if len(request.body) > MAX_SESSION_BODY_BYTES:
        return None
    try:
        data = json.loads(request.body)
        return SessionRequest.model_validate(data) if isinstance(data, dict) else None
    except (ValueError, ValidationError):
        return None


@require_GET
def demo_shop(request: HttpRequest) -> HttpResponse:
    """A pretend host site carrying the widget. `?as=<customer id>` plays a
    logged-in customer: the hash is computed server-side, as a real site would."""
    inbox = Inbox.objects.filter(kind="webchat", is_active=True).order_by("pk").first()
    if inbox is None:
        message = _("No active web chat inbox: create one in the administration first.")
        return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")
    customer_id = request.GET.get("as", "")
    relais_settings = None
    if DEMO_CUSTOMER_ID.match(customer_id):
        relais_settings = {"user_id": customer_id, "user_hash": identity_hash(inbox, customer_id)}
    script_url = request.build_absolute_uri(reverse("webchat:loader", args=[inbox.public_key]))
    return render(
        request,
        "webchat/demo_shop.html",
        {"script_url": script_url, "relais_settings": relais_settings, "customer_id": customer_id},
    )
