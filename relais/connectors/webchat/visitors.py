"""Who is on the other side of the widget: the visitor, their token and the
identity their host site vouches for.

Trust model: the frame passes on what the host page put in
`window.RelaisSettings`, which anyone can forge. Only two things are believed:
a visitor token signed by Relais, and a `user_hash` equal to
HMAC-SHA256(inbox.secret, user_id or email), which only the host site's server
can compute. Everything else is ignored (names and e-mails are kept as
display hints only once the identity is verified).

Token policy (documented for integrators in the session view):
- a forged, expired or other-inbox token is ignored and a new visitor is issued,
  never an error: a stale localStorage entry must not break the widget;
- a token is restored only when it carries the same verified identity as the
  request (none and none, or the same user): a login, logout or user switch on
  a shared browser starts a new visitor, so nobody sees another person's chat.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from relais.connectors.base import IdentityRef
from relais.connectors.models import Inbox
from relais.connectors.webchat import (
    WebchatConfig,
    identity_is_verified,
    issue_visitor_token,
    read_visitor_token,
)


class IdentityRefused(Exception):
    """The session cannot be opened; `code` is returned to the frame."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class SessionRequest(BaseModel):
    """What the frame may send to open a session. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    token: StrictStr | None = Field(default=None, max_length=2000)
    user_id: StrictStr | None = Field(default=None, max_length=255)
    email: StrictStr | None = Field(default=None, max_length=254)
    name: StrictStr | None = Field(default=None, max_length=200)
    user_hash: StrictStr | None = Field(default=None, max_length=128)
    locale: StrictStr | None = Field(default=None, max_length=16)


@dataclass(frozen=True)
class Visitor:
    """A widget visitor as their token describes them."""

    inbox_id: int
    visitor_id: str
    # Set only when the host site proved them with the identity HMAC.
    external_id: str = ""
    verified_email: str = ""
    # Display hints from a verified host site; never used for matching.
    name: str = ""
    email_hint: str = ""

    @property
    def is_verified(self) -> bool:
        return bool(self.external_id or self.verified_email)

    def identities(self) -> list[IdentityRef]:
        refs = [IdentityRef("visitor", self.visitor_id)]
        if self.external_id:
            refs.append(IdentityRef("external_id", self.external_id, verified=True))
        if self.verified_email:
            refs.append(IdentityRef("email", self.verified_email, verified=True))
        return refs

    def claims(self) -> dict[str, str]:
        pairs = {
            "u": self.external_id,
            "e": self.verified_email,
            "n": self.name,
            "h": self.email_hint,
        }
        return {key: value for key, value in pairs.items() if value}

    @classmethod
    def from_claims(cls, claims: dict) -> Visitor:
        return cls(
            inbox_id=int(claims["i"]),
            visitor_id=str(claims["v"]),
            external_id=str(claims.get("u", "")),
            verified_email=str(claims.get("e", "")),
            name=str(claims.get("n", "")),
            email_hint=str(claims.get("h", "")),
        )


def active_webchat_inbox(public_key: str) -> Inbox | None:
    """The active web-chat inbox a widget key names, or None."""
    return Inbox.objects.filter(public_key=public_key, kind="webchat", is_active=True).first()


def webchat_config(inbox: Inbox) -> WebchatConfig:
    """The inbox's widget settings. Keys other apps may add are ignored; a bad
    value for a known key raises pydantic.ValidationError rather than silently
    falling back to looser defaults."""
    known = {key: value for key, value in inbox.config.items() if key in WebchatConfig.model_fields}
    return WebchatConfig.model_validate(known)


def visitor_from_token(inbox: Inbox, token: str) -> Visitor | None:
    """The visitor a token names, or None if it is forged, expired or was
    issued for another inbox."""
    if not token or len(token) > 2000:
        return None
    claims = read_visitor_token(token, max_age=settings.RELAIS_VISITOR_TOKEN_MAX_AGE)
    if not isinstance(claims, dict) or claims.get("i") != inbox.pk or not claims.get("v"):
        return None
    return Visitor.from_claims(claims)


def open_session(inbox: Inbox, request: SessionRequest) -> tuple[Visitor, str]:
    """Verify the claimed identity and return the visitor and a fresh token.

    Raises IdentityRefused("identity_not_verified") when a user_hash is given
    but does not match, and IdentityRefused("identity_required") for an
    anonymous visitor on an inbox with `require_identity`. Writes nothing."""
    claimed = _verified_identity(inbox, request)
    if not claimed.is_verified and webchat_config(inbox).require_identity:
        raise IdentityRefused("identity_required")
    known = visitor_from_token(inbox, request.token or "")
    same_person = known is not None and (known.external_id, known.verified_email) == (
        claimed.external_id,
        claimed.verified_email,
    )
    visitor_id = known.visitor_id if same_person else new_visitor_id()
    visitor = Visitor(
        inbox_id=inbox.pk,
        visitor_id=visitor_id,
        external_id=claimed.external_id,
        verified_email=claimed.verified_email,
        name=claimed.name,
        email_hint=claimed.email_hint,
    )
    return visitor, issue_visitor_token(inbox, visitor_id, visitor.claims())


def new_visitor_id() -> str:
    return "v_" + secrets.token_urlsafe(16)


def _verified_identity(inbox: Inbox, request: SessionRequest) -> Visitor:
    """The identity the host site proved, as a visitor without an id.

    Like Intercom, the hash covers user_id when there is one, else the e-mail
    exactly as the host sent it; an e-mail sent along a user_id is therefore
    only a hint."""
    if not request.user_hash:
        return Visitor(inbox_id=inbox.pk, visitor_id="")
    user_id = (request.user_id or "").strip()
    email = (request.email or "").strip()
    if not identity_is_verified(inbox, user_id or email, request.user_hash):
        raise IdentityRefused("identity_not_verified")
    name = (request.name or "").strip()
    if user_id:
        hint = email.lower() if _is_email(email) else ""
        return Visitor(inbox.pk, "", external_id=user_id, name=name, email_hint=hint)
    if not _is_email(email):
        raise IdentityRefused("invalid_email")
    return Visitor(inbox.pk, "", verified_email=email.lower(), name=name)


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
