"""Where a form sends the agent back to: the page it came from, if it is ours."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_return_url(request: HttpRequest, fallback: str) -> str:
    """The POSTed `return_to` (or the Referer) when it points at this site, else
    `fallback`: a form must never become an open redirect."""
    for candidate in (request.POST.get("return_to"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return fallback


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
