"""Who is browsing the forum: an agent logged in to the console, a member
signed in by e-mail link (their id in the session), or an anonymous reader."""

from __future__ import annotations

from django.http import HttpRequest

from relais.community.actions import Poster
from relais.community.members import active_member
from relais.community.models import Member

MEMBER_SESSION_KEY = "community_member_id"


def poster_for(request: HttpRequest) -> Poster:
    """The request's Poster, computed once per request."""
    cached = getattr(request, "_community_poster", None)
    if cached is not None:
        return cached
    agent = request.user if request.user.is_authenticated else None
    member = None if agent else active_member(request.session.get(MEMBER_SESSION_KEY))
    poster = Poster(member=member, agent=agent, client_address=request.META.get("REMOTE_ADDR", ""))
    request._community_poster = poster
    return poster


def start_member_session(request: HttpRequest, member: Member) -> None:
    # A new session key on sign-in, against session fixation.
    request.session.cycle_key()
    request.session[MEMBER_SESSION_KEY] = member.pk


def end_member_session(request: HttpRequest) -> None:
    request.session.pop(MEMBER_SESSION_KEY, None)
    request.session.cycle_key()
