"""Graph API errors in plain words, and which of them are worth a retry.

Meta's error responses look like
`{"error": {"message", "type", "code", "error_subcode", "error_data": {"details"},
"fbtrace_id"}}`; WhatsApp status webhooks carry `errors: [{"code", "title",
"message", "error_data": {"details"}}]`. Meta asks integrators to decide on
`code` (and `details`), never on titles, which change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

# Throttling and outages: the same call may succeed later.
TEMPORARY_CODES = frozenset(
    {
        1,  # API unknown (Meta: possibly a server error)
        2,  # API service: temporary downtime or overload
        4,  # application request limit
        17,  # user request limit
        32,  # page request limit
        341,  # application limit
        613,  # calls exceed the rate limit
        1200,  # Messenger: temporary send message failure
        80007,  # WhatsApp Business Account rate limit
        130429,  # Cloud API throughput reached
        131000,  # something went wrong (Meta suggests a retry)
        131016,  # service unavailable
        131056,  # too many messages to the same customer in a short time
        133004,  # server temporarily unavailable
    }
)
RE_ENGAGEMENT = 131047
OUTSIDE_WINDOW_SUBCODE = 2018278  # Messenger: "sent outside of allowed window"


@dataclass(frozen=True)
class GraphError:
    """One error Meta reported, with its code and what it said."""

    code: int | None
    message: str = ""
    details: str = ""
    subcode: int | None = None
    http_status: int | None = None

    @property
    def temporary(self) -> bool:
        if self.code in TEMPORARY_CODES:
            return True
        return self.code is None and (self.http_status or 0) >= 500

    def plain_words(self) -> str:
        """What to tell the agent: our explanation, then Meta's own words."""
        explanation = explain(self.code, self.subcode)
        said = " — ".join(part for part in (self.message, self.details) if part)
        if explanation and said:
            return _("%(explanation)s (Meta says: %(said)s)") % {
                "explanation": explanation,
                "said": said,
            }
        return explanation or said or _("Meta refused the message without saying why.")


def explain(code: int | None, subcode: int | None = None) -> str:
    if code == RE_ENGAGEMENT or subcode == OUTSIDE_WINDOW_SUBCODE:
        return _(
            "More than 24 hours have passed since the customer's last message: "
            "only an approved template message can be sent now."
        )
    explanations = {
        190: _("The access token has expired or was revoked: renew it in the inbox settings."),
        10: _("The app lacks the permission to send this message."),
        200: _("The app lacks the permission to send this message."),
        100: _("Meta refused a parameter of the message."),
        368: _("The business account is restricted for a policy violation."),
        551: _("This person cannot receive messages right now."),
        131026: _(
            "WhatsApp could not deliver the message: the number may not use WhatsApp, "
            "or the customer has an old version or has not accepted the latest terms."
        ),
        131031: _("The WhatsApp Business account is locked."),
        131042: _("A payment problem on the WhatsApp Business account blocks sending."),
        131048: _("Too many messages from this number were reported as spam: sending is limited."),
        131049: _("Meta chose not to deliver this message, to limit what customers receive."),
        131051: _("WhatsApp does not support this type of message."),
        131052: _("The customer's file could not be downloaded."),
        131053: _("The file could not be uploaded to WhatsApp (type or size not accepted)."),
        132000: _("The template needs a different number of parameters."),
        132001: _("This template does not exist in this language, or is not approved yet."),
        132005: _("The template's text is too long once filled in."),
        132012: _("A template parameter has the wrong format."),
        132015: _("This template is paused for low quality."),
        132016: _("This template is disabled."),
        2018001: _("This person is unknown to the page (no matching user)."),
    }
    if code is None:
        return ""
    if code in TEMPORARY_CODES:
        return _("Meta is busy or limiting the sending rate: the message will be sent later.")
    return explanations.get(code, "")


def error_from_response(http_status: int, data: Any) -> GraphError:
    """The GraphError of an HTTP error response (JSON or not)."""
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return GraphError(code=None, message=f"HTTP {http_status}", http_status=http_status)
    error_data = error.get("error_data")
    details = error_data.get("details", "") if isinstance(error_data, dict) else ""
    return GraphError(
        code=_int_or_none(error.get("code")),
        message=str(error.get("message") or "")[:300],
        details=str(details or "")[:300],
        subcode=_int_or_none(error.get("error_subcode")),
        http_status=http_status,
    )


def error_from_status(errors: Any) -> GraphError | None:
    """The first error of a WhatsApp `failed` status, if any."""
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return None
    first = errors[0]
    error_data = first.get("error_data")
    details = error_data.get("details", "") if isinstance(error_data, dict) else ""
    return GraphError(
        code=_int_or_none(first.get("code")),
        message=str(first.get("title") or first.get("message") or "")[:300],
        details=str(details or "")[:300],
    )


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
