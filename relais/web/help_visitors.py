"""The help center's visitors: no login, a signed visitor id cookie that ties
their events together (and allows one vote per article), the language of the
page, and the Events the self-care KPIs count."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

from relais.core.events import record_event
from relais.core.models import Event

VISITOR_COOKIE = "relais_help_visitor"
VISITOR_SALT = "relais.help.visitor"
VISITOR_MAX_AGE = 365 * 24 * 3600
HELP_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
_VISITOR_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")

View = Callable[..., HttpResponse]


def help_page(view: View) -> View:
    """A help center page in the language of its URL, with a visitor id (new
    visitors get one, set as a cookie on the response)."""

    @wraps(view)
    def wrapped(request: HttpRequest, lang: str, *args, **kwargs) -> HttpResponse:
        if lang not in HELP_LANGUAGES:
            raise Http404(lang)
        request.LANGUAGE_CODE = lang
        known = _visitor_from_cookie(request)
        request.help_visitor = known or secrets.token_urlsafe(16)
        # Override, not activate: the thread's language must not stay the
        # page's for whatever runs on it next (tasks, other requests' code).
        with translation.override(lang):
            response = view(request, lang, *args, **kwargs)
        response.headers["Content-Language"] = lang
        if known is None:
            response.set_signed_cookie(
                VISITOR_COOKIE,
                request.help_visitor,
                salt=VISITOR_SALT,
                max_age=VISITOR_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    return wrapped


def preferred_language(request: HttpRequest) -> str:
    """?lang= when valid, else the browser's (Accept-Language, language cookie)."""
    wanted = request.GET.get("lang", "")
    if wanted in HELP_LANGUAGES:
        return wanted
    found = translation.get_language_from_request(request)
    return found if found in HELP_LANGUAGES else settings.LANGUAGE_CODE


def record_help_event(request: HttpRequest, kind: str, **data: Any) -> Event:
    """One "help.*" Event, with the visitor, the page's language and path (the
    dynamic FAQ ranks articles per page)."""
    agent = request.user if request.user.is_authenticated else None
    return record_event(
        kind,
        actor=agent,
        visitor=request.help_visitor,
        locale=request.LANGUAGE_CODE,
        page_url=request.path,
        **data,
    )


def client_hash(request: HttpRequest) -> str:
    """A keyed hash of the client's address: enough to rate-limit, useless to
    recover the address."""
    address = request.META.get("REMOTE_ADDR", "")
    key = settings.SECRET_KEY.encode()
    return hashlib.blake2b(address.encode(), key=key[:64], digest_size=16).hexdigest()


def _visitor_from_cookie(request: HttpRequest) -> str | None:
    value = request.get_signed_cookie(
        VISITOR_COOKIE, default=None, salt=VISITOR_SALT, max_age=VISITOR_MAX_AGE
    )
    return value if value and _VISITOR_ID.fullmatch(value) else None
