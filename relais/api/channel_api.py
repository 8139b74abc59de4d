"""Inbound endpoint of the API channel (connectors/api_channel.py): the
integrator's server posts its users' messages here, signed with the inbox secret."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from relais.api.errors import BadRequest, Conflict, NotFound, Unauthorized
from relais.api.schemas.common import ErrorOut
from relais.connectors.api_channel import (
    API_KIND,
    InboundPayload,
    InvalidPayload,
    InvalidSignature,
    parse_signed_message,
)
from relais.connectors.callback import CallbackRequestPayload, parse_callback_request
from relais.connectors.models import Inbox
from relais.conversations.actions import receive_message

router = Router(tags=["channels"])


class InboundAck(Schema):
    message_id: int
    conversation_id: int
    duplicate: bool


def _inline_refs(schema: dict) -> dict:
    """OpenAPI has no place for a nested model's `$defs`: inline them."""
    definitions = schema.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


def _request_body(model) -> dict:
    return {
        "required": True,
        "content": {"application/json": {"schema": _inline_refs(model.model_json_schema())}},
    }


REQUEST_BODY = _request_body(InboundPayload)
# 201 stored, 200 already received (same ids), 400 bad payload, 401 bad
# signature, 404 unknown key, 409 inactive inbox.
INBOUND_RESPONSES = {status: ErrorOut for status in (400, 401, 404, 409)} | {
    200: InboundAck,
    201: InboundAck,
}


@router.post(
    "/channels/api/{public_key}/messages",
    auth=None,
    url_name="channel_api_inbound",
    response=INBOUND_RESPONSES,
    openapi_extra={"requestBody": REQUEST_BODY},
)
def receive_api_message(request: HttpRequest, public_key: str):
    """Signed with X-Relais-Timestamp and X-Relais-Signature (see docs/channels/api.md).
    201 for a new message, 200 with the same ids when `message_id` was already received."""
    return _receive(public_key, request, parse_signed_message)


@router.post(
    "/channels/api/{public_key}/callback-requests",
    auth=None,
    url_name="channel_api_callback_request",
    response=INBOUND_RESPONSES,
    openapi_extra={"requestBody": _request_body(CallbackRequestPayload)},
)
def receive_callback_request(request: HttpRequest, public_key: str):
    """A customer asks to be called back (the app's "connected button"); signed
    like messages. 201 for a new request, 200 with the same ids when
    `request_id` was already received. A bad phone number is a 400."""
    return _receive(public_key, request, parse_callback_request)


def _receive(public_key: str, request: HttpRequest, parse) -> Status:
    """Find the inbox, check the signature and parse with `parse`, then store:
    the same answers for both endpoints."""
    inbox = Inbox.objects.filter(kind=API_KIND, public_key=public_key).first()
    if inbox is None:
        raise NotFound(_("no API inbox with this key"))
    try:
        inbound = parse(inbox, request.body, request.headers)
    except InvalidSignature as error:
        raise Unauthorized(str(error), code="invalid_signature") from None
    except InvalidPayload as error:
        raise BadRequest(str(error), code="invalid_payload", fields=error.fields) from None
    if not inbox.is_active:
        raise Conflict(_("this inbox is deactivated"), code="inbox_inactive")
    result = receive_message(inbound)
    ack = {
        "message_id": result.message.pk,
        "conversation_id": result.conversation.pk,
        "duplicate": not result.created,
    }
    return Status(201 if result.created else 200, ack)
