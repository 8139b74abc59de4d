"""Every API error is JSON: {"error": {"code": ..., "message": ..., "fields"?: [...]}}.

Statuses: 400 for any bad input (a body or query that does not match the
schema — ninja's validation errors included, code "invalid_request" — or a
value an action refuses), 401 without a valid token or signature, 403 when the
agent's role is not enough, 404 for what does not exist *or is not visible to
this agent* (never 403: that would reveal it exists), 409 when the resource's
state forbids the request, 413 for a body over Django's
DATA_UPLOAD_MAX_MEMORY_SIZE, 500 for our bugs. `code` is stable for programs;
`message` is for people and may be translated. (405, which ninja answers itself
for a known path with the wrong method, is the one plain-text error.)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from relais.accounts.access import NotVisible
from relais.conversations.errors import ConversationError, InvalidInput, NotAllowed
from relais.knowledge.errors import KnowledgeError

if TYPE_CHECKING:
    from ninja import NinjaAPI

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by routes for errors that no action raises (e.g. a bad cursor)."""

    status = 400
    code = "invalid_input"

    def __init__(
        self, message: str, *, code: str | None = None, fields: list[dict] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.fields = fields or []


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


# ninja raises HttpError subclasses itself (AuthenticationError, Throttled…).
HTTP_ERROR_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "throttled",
}


def error_body(code: str, message: str, fields: list[dict] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default error bodies ({"detail": …}) with ours."""

    def respond(request, status: int, code: str, message: str, fields=None) -> HttpResponse:
        return api.create_response(request, error_body(code, message, fields), status=status)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = [_field_error(item) for item in exc.errors]
        message = _("the request does not match the expected format")
        return respond(request, 400, "invalid_request", message, fields)

    @api.exception_handler(InvalidInput)
    def invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return respond(request, 400, exc.code, str(exc), getattr(exc, "fields", None))

    @api.exception_handler(NotAllowed)
    def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
        return respond(request, 403, "forbidden", str(exc))

    @api.exception_handler(ConversationError)
    def conversation_error(request: HttpRequest, exc: ConversationError) -> HttpResponse:
        return respond(request, 400, exc.code, str(exc))

    @api.exception_handler(KnowledgeError)
    def knowledge_error(request: HttpRequest, exc: KnowledgeError) -> HttpResponse:
        fields = (
            [{"location": "body", "field": exc.field, "message": str(exc)}] if exc.field else None
        )
        return respond(request, exc.status, exc.code, str(exc), fields)

    @api.exception_handler(NotVisible)
    def not_visible(request: HttpRequest, exc: NotVisible) -> HttpResponse:
        return respond(request, 404, "not_found", _("not found"))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "not_found", _("not found"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = HTTP_ERROR_CODES.get(exc.status_code, "error")
        message = _("missing or invalid API token") if exc.status_code == 401 else str(exc)
        return respond(request, exc.status_code, code, message)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, "payload_too_large", _("the request body is too large"))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return respond(request, 400, "invalid_request", _("the request was refused"))

    @api.exception_handler(IntegrityError)
    def integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # A concurrent request wrote the same row first; the client may retry.
        log.warning("integrity error on %s: %s", request.path, exc)
        return respond(request, 409, "conflict", _("conflicting concurrent change, retry"))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, "server_error", _("internal error"))


def _field_error(item: dict[str, Any]) -> dict[str, str]:
    """ninja locates an error as (source, [body param name,] field…); keep what
    a client can act on: where (body, query, path) and which field."""
    location, *path = [str(part) for part in item.get("loc", ())] or ["body"]
    if location == "body" and len(path) > 1:
        path = path[1:]
    return {"location": location, "field": ".".join(path), "message": item.get("msg", "")}


# Mounted last: any other path under /api/v1/ answers a JSON 404, not an HTML page.
not_found_router = Router()


@not_found_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    raise NotFound(_("no such API endpoint"))
