"""The helpbox's endpoints, for the widget frame (JSON only, the visitor
token is the credential, as for the session endpoint):

POST /widget/<key>/help/open    {token, lang, page_url?, product?, journey_step?}
     -> 200 {"suggestions": [{article_id, title, url}]}
POST /widget/<key>/help/search  {token, lang, q, page_url?, …}
     -> 200 {"results": [...], "search_event_id": n}
POST /widget/<key>/help/step    {token, step: "article_clicked"|"escalated", article_id?,
     source?: "faq"|"search", search_event_id?, …} -> 204
     ("suggestion_clicked", a FAQ click, is still understood.)
400 {"error": "invalid_request"} for a malformed body, 403 {"error": "invalid_token"},
404 for an unknown inbox or one without the help mode.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from relais.connectors.models import Inbox
from relais.connectors.webchat import read_visitor_token
from relais.connectors.webchat.visitors import active_webchat_inbox, webchat_config
from relais.knowledge.helpbox import (
    PageContext,
    open_helpbox,
    record_helpbox_step,
    search_helpbox,
)

MAX_BODY_BYTES = 4096
LANGUAGES = {code for code, _name in settings.LANGUAGES}


class _Refused(Exception):
    def __init__(self, status: int, code: str) -> None:
        self.status, self.code = status, code


def _helpbox_request(request: HttpRequest, public_key: str) -> tuple[str, str, dict, PageContext]:
    """(visitor id, language, body, page context) of a valid helpbox request."""
    inbox: Inbox | None = active_webchat_inbox(public_key)
    if inbox is None or not webchat_config(inbox).help_mode:
        raise Http404("no helpbox here")
    if request.content_type != "application/json" or len(request.body) > MAX_BODY_BYTES:
        raise _Refused(400, "invalid_request")
    try:
        data = json.loads(request.body)
    except ValueError:
        raise _Refused(400, "invalid_request") from None
    if not isinstance(data, dict):
        raise _Refused(400, "invalid_request")
    token = data.get("token")
    claims = (
        read_visitor_token(token, settings.RELAIS_VISITOR_TOKEN_MAX_AGE)
        if isinstance(token, str)
        else None
    )
    if not claims or claims.get("i") != inbox.pk:
        raise _Refused(403, "invalid_token")
    language = data.get("lang") if data.get("lang") in LANGUAGES else settings.LANGUAGE_CODE
    context = PageContext.clean(data.get("page_url"), data.get("product"), data.get("journey_step"))
    return str(claims["v"]), language, data, context


def _answer(view):
    def wrapped(request: HttpRequest, public_key: str) -> HttpResponse:
        try:
            response = view(request, *_helpbox_request(request, public_key))
        except _Refused as refusal:
            return JsonResponse({"error": refusal.code}, status=refusal.status)
        response["Cache-Control"] = "no-store"
        return response

    wrapped.__name__ = view.__name__
    return csrf_exempt(require_POST(wrapped))


@_answer
def help_open(request, visitor_id, language, data, context) -> HttpResponse:
    links = open_helpbox(visitor_id, locale=language, context=context)
    return JsonResponse({"suggestions": [asdict(link) for link in links]})


@_answer
def help_search(request, visitor_id, language, data, context) -> HttpResponse:
    query = data.get("q")
    if not isinstance(query, str):
        raise _Refused(400, "invalid_request")
    found = search_helpbox(visitor_id, query, locale=language, context=context)
    return JsonResponse(
        {"results": [asdict(link) for link in found.links], "search_event_id": found.event_id}
    )


@_answer
def help_step(request, visitor_id, language, data, context) -> HttpResponse:
    article_id, search_id, source = (
        data.get(k) for k in ("article_id", "search_event_id", "source")
    )
    if any(v is not None and type(v) is not int for v in (article_id, search_id)):
        raise _Refused(400, "invalid_request")
    try:
        record_helpbox_step(
            visitor_id,
            str(data.get("step")),
            article_id=article_id,
            context=context,
            source=source if isinstance(source, str) else None,
            search_event_id=search_id,
        )
    except ValueError:
        raise _Refused(400, "invalid_request") from None
    return HttpResponse(status=204)
