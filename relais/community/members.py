"""Members' sign-in by a one-time e-mail link.

The link carries a token signed with SECRET_KEY (django.core.signing) holding
the address, the display name asked for and the member's last sign-in time.
It expires after RELAIS_COMMUNITY_LINK_MAX_AGE seconds, and works once:
signing in moves `last_sign_in_at`, so the same token no longer matches (the
way Django's password-reset tokens are one-time without a table). The mail is
sent by a task through the server's relay (RELAIS_SMTP_URL), never inside
the request.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from relais.community import spam
from relais.community.errors import InvalidInput, InvalidToken, RateLimited
from relais.community.models import Member
from relais.connectors.base import IdentityRef
from relais.contacts.actions import get_or_create_contact
from relais.core.events import record_event

log = logging.getLogger(__name__)

TOKEN_SALT = "relais.community.sign-in"  # noqa: S105 (a signing namespace)
MAX_NAME_LENGTH = 80


def check_sign_in_request(email: str, display_name: str) -> tuple[str, str]:
    """The address (lower case) and display name, or InvalidInput."""
    email = email.strip().lower()
    display_name = " ".join(display_name.split())[:MAX_NAME_LENGTH]
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("Enter a valid e-mail address.")) from None
    return email, display_name


def sign_in_token(email: str, display_name: str) -> str:
    """A token for the next sign-in of `email` (valid once)."""
    member = Member.objects.filter(email=email).only("last_sign_in_at").first()
    return signing.dumps(
        {"e": email, "n": display_name, "s": _stamp(member)}, salt=TOKEN_SALT, compress=True
    )


def request_sign_in(
    email: str,
    display_name: str,
    *,
    base_url: str,
    language: str,
    client_address: str,
    next_path: str = "",
) -> None:
    """Send a sign-in link to `email` (by a task, after commit).

    Raises InvalidInput for a bad address, RateLimited past the limits per
    address and per client. Says nothing about whether the address is a
    member's: the same answer either way. `next_path` (a path on this site)
    is where the link leads once signed in."""
    email, display_name = check_sign_in_request(email, display_name)
    checks = [
        ("sign-in.email", email, spam.Limits.SIGN_INS_PER_EMAIL),
        ("sign-in.ip", client_address or "unknown", spam.Limits.SIGN_INS_PER_ADDRESS),
    ]
    if spam.over_limit(checks):
        raise RateLimited(_("Too many sign-in requests. Please try again later."))
    spam.count(checks)
    token = sign_in_token(email, display_name)
    link = base_url.rstrip("/") + reverse("community:sign_in_confirm", args=[token])
    if next_path.startswith("/") and not next_path.startswith("//"):
        link += "?" + urlencode({"next": next_path})
    from relais.community.tasks import send_sign_in_mail_task

    transaction.on_commit(
        lambda: send_sign_in_mail_task.enqueue(email=email, link=link, language=language)
    )


def sign_in(token: str) -> Member:
    """The member the token signs in, created on first sign-in (with the
    Contact of its e-mail Identity, verified by this very link). Raises
    InvalidToken for a forged, expired or used token."""
    try:
        claims = signing.loads(
            token, salt=TOKEN_SALT, max_age=settings.RELAIS_COMMUNITY_LINK_MAX_AGE
        )
        email, display_name, stamp = str(claims["e"]), str(claims["n"]), str(claims["s"])
    except (signing.BadSignature, KeyError, TypeError):
        raise InvalidToken(_("This sign-in link is invalid or has expired.")) from None
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(email=email).first()
        if _stamp(member) != stamp:
            raise InvalidToken(_("This sign-in link has already been used."))
        now = timezone.now()
        if member is None:
            member = _create_member(email, display_name or email.split("@")[0], now)
        else:
            member.last_sign_in_at = now
            member.save(update_fields=["last_sign_in_at"])
        record_event("community.member_signed_in", contact=member.contact, member_id=member.pk)
    return member


def _create_member(email: str, display_name: str, now) -> Member:
    contact, _created = get_or_create_contact(
        [IdentityRef("email", email, verified=True)], name=display_name, email=email
    )
    member = Member.objects.create(
        email=email, display_name=display_name, contact=contact, last_sign_in_at=now
    )
    record_event("community.member_joined", contact=contact, member_id=member.pk)
    return member


def _stamp(member: Member | None) -> str:
    if member is None or member.last_sign_in_at is None:
        return ""
    return member.last_sign_in_at.isoformat()


def active_member(member_id) -> Member | None:
    """The signed-in member of a session, None when gone or deactivated."""
    if not member_id:
        return None
    return Member.objects.filter(pk=member_id, is_active=True).select_related("contact").first()
