"""Calls to Meta's Graph API (WhatsApp Cloud API, Send API, comments).

Every call goes to `{api_base_url}/{api_version}/{path}` with the inbox's token
as a Bearer header (the Graph API accepts it everywhere, and it keeps tokens out
of URLs, hence out of proxy logs). Errors come back as TemporarySendError (the
outbox retries) or PermanentSendError (the message fails), both worded for the
agent by `errors.GraphError.plain_words`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from django.utils.translation import gettext as _

from relais import __version__
from relais.connectors.base import ConnectorError, PermanentSendError, TemporarySendError
from relais.connectors.meta.errors import GraphError, error_from_response

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
DEFAULT_API_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"


@dataclass(frozen=True)
class GraphSettings:
    api_base_url: str
    api_version: str
    access_token: str

    def url(self, path: str) -> str:
        return f"{self.api_base_url.rstrip('/')}/{self.api_version}/{path.lstrip('/')}"

    @property
    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.access_token}",
            "User-Agent": f"Relais/{__version__}",
        }


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
    try:
        response = httpx.post(
            settings.url(path),
            json=payload if files is None else None,
            data=data,
            files=files,
            headers=settings.headers,
            timeout=TIMEOUT,
        )
    except httpx.TimeoutException:
        raise TemporarySendError(_("Meta did not answer in time.")) from None
    except httpx.HTTPError as error:
        raise TemporarySendError(_("Could not reach Meta: %(error)s") % {"error": error}) from None
    if response.is_success:
        return _json(response)
    error = error_from_response(response.status_code, _json(response))
    if error.temporary:
        raise TemporarySendError(error.plain_words())
    raise PermanentSendError(error.plain_words())


def get(settings: GraphSettings, path: str, params: dict[str, str] | None = None) -> dict:
    """GET a Graph node; raises GraphCallFailed."""
    try:
        response = httpx.get(
            settings.url(path), params=params, headers=settings.headers, timeout=TIMEOUT
        )
    except httpx.HTTPError as error:
        raise GraphCallFailed(GraphError(code=None, message=str(error))) from None
    if not response.is_success:
        raise GraphCallFailed(error_from_response(response.status_code, _json(response)))
    return _json(response)


def download(
    settings: GraphSettings, url: str, max_bytes: int, *, authenticated: bool = True
) -> tuple[bytes, str]:
    """The bytes and content type at `url` (a media URL the Graph API gave),
    read at most `max_bytes` + 1 so that an oversized file is refused without
    being read whole. `authenticated=False` for Messenger's and Instagram's
    CDN links, which are signed URLs: the token must not travel to a CDN.
    Raises GraphCallFailed, or MediaTooLarge."""
    headers = settings.headers if authenticated else {"User-Agent": settings.headers["User-Agent"]}
    try:
        with httpx.stream("GET", url, headers=headers, timeout=TIMEOUT) as response:
            if not response.is_success:
                raise GraphCallFailed(GraphError(code=None, http_status=response.status_code))
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise MediaTooLarge(int(declared))
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise MediaTooLarge(size)
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
            return b"".join(chunks), content_type
    except httpx.HTTPError as error:
        raise GraphCallFailed(GraphError(code=None, message=str(error))) from None


class MediaTooLarge(ConnectorError):
    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}
