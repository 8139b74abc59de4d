"""Calls to Meta's Graph API (WhatsApp Cloud API, Send API, comments), through
the shared provider client and per-inbox token bucket (connectors.http_api).

Every call goes to `{api_base_url}/{api_version}/{path}` with the inbox's token
as a Bearer header (the Graph API accepts it everywhere, and it keeps tokens out
of URLs, hence out of proxy logs). Meta reports throttling as HTTP 400 with a
code (130429, 80007, 4…), so errors are classified on Meta's code rather than
on the HTTP status alone: TemporarySendError (the outbox retries) or
PermanentSendError (the message fails), worded by `errors.GraphError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from django.utils.translation import gettext as _

from relais.connectors.base import ConnectorError, PermanentSendError, TemporarySendError
from relais.connectors.http_api import RateLimit, client, retry_after_seconds, wait_for_token
from relais.connectors.meta.errors import GraphError, error_from_response

DEFAULT_API_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"
# WhatsApp's default throughput is 80 messages a second per number; the Send
# API has no fixed figure. Staying under it spares retries.
RATE = RateLimit(per_second=60, burst=80)


@dataclass(frozen=True)
class GraphSettings:
    api_base_url: str
    api_version: str
    access_token: str
    rate_key: str = ""  # the token bucket shared by the inbox's workers

    def url(self, path: str) -> str:
        return f"{self.api_base_url.rstrip('/')}/{self.api_version}/{path.lstrip('/')}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def settings_for(inbox_id: int, config: dict) -> GraphSettings:
    return GraphSettings(
        api_base_url=str(config.get("api_base_url") or DEFAULT_API_BASE_URL),
        api_version=str(config.get("api_version") or DEFAULT_API_VERSION),
        access_token=str(config.get("access_token", "")),
        rate_key=f"meta:{inbox_id}",
    )


class GraphCallFailed(ConnectorError):
    """A Graph API call outside the outbox (a profile or media look-up) failed."""

    def __init__(self, error: GraphError) -> None:
        super().__init__(error.plain_words())
        self.error = error


def post(
    settings: GraphSettings,
    path: str,
    payload: dict[str, Any] | None = None,
    *,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    data: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST JSON (or a multipart form with `files`); returns the JSON answer.
    Raises TemporarySendError or PermanentSendError."""
    if settings.rate_key:
        wait_for_token(settings.rate_key, RATE)
    try:
        response = client().post(
            settings.url(path),
            json=payload if files is None else None,
            data=data,
            files=files,
            headers=settings.headers,
        )
    except httpx.TimeoutException:
        raise TemporarySendError(_("Meta did not answer in time.")) from None
    except httpx.HTTPError as error:
        raise TemporarySendError(_("Could not reach Meta: %(error)s") % {"error": error}) from None
    if response.is_success:
        return _json(response)
    error = error_from_response(response.status_code, _json(response))
    if error.temporary or response.status_code == 429:
        raise TemporarySendError(error.plain_words(), retry_after=retry_after_seconds(response))
    raise PermanentSendError(error.plain_words())


def get(settings: GraphSettings, path: str, params: dict[str, str] | None = None) -> dict:
    """GET a Graph node; raises GraphCallFailed."""
    try:
        response = client().get(settings.url(path), params=params, headers=settings.headers)
    except httpx.HTTPError as error:
        raise GraphCallFailed(GraphError(code=None, message=str(error))) from None
    if not response.is_success:
        raise GraphCallFailed(error_from_response(response.status_code, _json(response)))
    return _json(response)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}
