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


REQUEST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": _inline_refs(InboundPayload.model_json_schema())}},
}


@router.post(
    "/channels/api/{public_key}/messages",
    auth=None,
    url_name="channel_api_inbound",
    response={
        200: InboundAck,
        201: InboundAck,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
    openapi_extra={"requestBody": REQUEST_BODY},
)
def receive_api_message(request: HttpRequest, public_key: str):
    """Signed with X-Relais-Timestamp and X-Relais-Signature (see docs/channels/api.md).
    201 for a new message, 200 with the same ids when `message_id` was already received."""
    inbox = Inbox.objects.filter(kind=API_KIND, public_key=public_key).first()
    if inbox is None:
        raise NotFound(_("no API inbox with this key"))
    try:
        inbound = parse_signed_message(inbox, request.body, request.headers)
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
