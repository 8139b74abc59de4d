"""The forum's actions: ask, answer, vote, accept, flag.

Each validates, writes in one transaction and appends a `community.*` Event
(contact: the member's Contact; actor: the agent). Posting is rate limited
per poster and per client address; the honeypot is checked by the views,
which answer a robot as if it had succeeded. Moderation and promotion live in
moderation.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import Agent
from relais.community import spam
from relais.community.errors import InvalidInput, NotAllowed, RateLimited
from relais.community.markdown import render_markdown
from relais.community.models import Flag, Member, Post, Thread, Topic, Vote
from relais.core.events import record_event

MAX_TITLE_LENGTH = 200
MIN_TITLE_LENGTH = 8
MAX_BODY_LENGTH = 10_000


@dataclass(frozen=True)
class Poster:
    """Who acts: a signed-in member, or an agent logged in to the console
    (who posts as staff). Neither: an anonymous reader."""

    member: Member | None = None
    agent: Agent | None = None
    client_address: str = ""
    # Callers that are not a browser (the demo seed, imports) skip the limits.
    trusted: bool = False

    @property
    def is_agent(self) -> bool:
        return self.agent is not None and self.agent.is_active

    @property
    def signed_in(self) -> bool:
        return self.is_agent or self.member is not None

    def event_fields(self) -> dict:
        return {"contact": self.member.contact if self.member else None, "actor": self.agent}


def _require_poster(poster: Poster) -> None:
    if not poster.signed_in:
        raise NotAllowed(_("Sign in to take part."))


def _check_rate(poster: Poster) -> None:
    """Agents are trusted; members are limited per member and per address."""
    if poster.is_agent or poster.trusted:
        return
    checks = [
        ("post.member", str(poster.member.pk), spam.Limits.POSTS_PER_POSTER),
        ("post.ip", poster.client_address or "unknown", spam.Limits.POSTS_PER_ADDRESS),
    ]
    if spam.over_limit(checks):
        raise RateLimited(_("You are posting too fast. Please wait a few minutes."))
    spam.count(checks)


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise InvalidInput(_("Write something first."))
    if len(body) > MAX_BODY_LENGTH:
        raise InvalidInput(_("This text is too long."))
    return body


def _new_post(thread: Thread, poster: Poster, body: str, *, is_question: bool) -> Post:
    return Post.objects.create(
        thread=thread,
        is_question=is_question,
        body=body,
        body_html=render_markdown(body),
        member=None if poster.is_agent else poster.member,
        agent=poster.agent if poster.is_agent else None,
    )


def ask_question(
    poster: Poster, *, topic_id: int, title: str, body: str, language: str = ""
) -> Thread:
    """Open a thread with its question. Raises NotAllowed (not signed in),
    InvalidInput (unknown topic, title or body empty or too long),
    RateLimited."""
    _require_poster(poster)
    title = " ".join(title.split())
    if not MIN_TITLE_LENGTH <= len(title) <= MAX_TITLE_LENGTH:
        raise InvalidInput(_("The title must be between 8 and 200 characters."))
    body = _clean_body(body)
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        raise InvalidInput(_("Choose a topic."))
    _check_rate(poster)
    with transaction.atomic():
        thread = Thread.objects.create(
            topic=topic,
            title=title,
            language=language[:8],
            author_member=None if poster.is_agent else poster.member,
            author_agent=poster.agent if poster.is_agent else None,
            last_activity_at=timezone.now(),
        )
        post = _new_post(thread, poster, body, is_question=True)
        record_event(
            "community.question_posted",
            **poster.event_fields(),
            thread_id=thread.pk,
            post_id=post.pk,
            topic_id=topic.pk,
        )
    return thread


def answer_question(poster: Poster, thread: Thread, body: str) -> Post:
    """Add an answer. Raises NotAllowed (not signed in; a locked or hidden
    thread, for members), InvalidInput, RateLimited."""
    _require_poster(poster)
    if not poster.is_agent and (thread.is_locked or thread.is_hidden):
        raise NotAllowed(_("This thread is closed to new answers."))
    body = _clean_body(body)
    _check_rate(poster)
    with transaction.atomic():
        post = _new_post(thread, poster, body, is_question=False)
        Thread.objects.filter(pk=thread.pk).update(
            answer_count=F("answer_count") + 1, last_activity_at=timezone.now()
        )
        record_event(
            "community.answer_posted", **poster.event_fields(), thread_id=thread.pk, post_id=post.pk
        )
    return post


def vote(poster: Poster, post: Post, value: int) -> int:
    """Set the member's vote on `post` to +1 or -1 (voting the same way again
    takes the vote back); returns the post's new score. One vote per member
    per post, kept by a unique index. Raises NotAllowed (agents, anonymous
    readers, one's own post), InvalidInput (a value other than ±1)."""
    if poster.member is None or poster.is_agent:
        raise NotAllowed(_("Sign in as a member to vote."))
    if value not in (-1, 1):
        raise InvalidInput(_("A vote is up or down."))
    if post.member_id == poster.member.pk:
        raise NotAllowed(_("You cannot vote on your own post."))
    with transaction.atomic():
        current = Vote.objects.select_for_update().filter(post=post, member=poster.member).first()
        delta, final = _vote_change(current.value if current else 0, value)
        if current is None:
            Vote.objects.create(post=post, member=poster.member, value=value)
        elif final == 0:
            current.delete()
        else:
            Vote.objects.filter(pk=current.pk).update(value=final)
        Post.objects.filter(pk=post.pk).update(score=F("score") + delta)
        if post.is_question:
            Thread.objects.filter(pk=post.thread_id).update(score=F("score") + delta)
        record_event(
            "community.voted",
            **poster.event_fields(),
            thread_id=post.thread_id,
            post_id=post.pk,
            value=final,
        )
    return Post.objects.values_list("score", flat=True).get(pk=post.pk)


def _vote_change(previous: int, wanted: int) -> tuple[int, int]:
    """(score delta, the vote afterwards) when a member with `previous`
    (0: none) votes `wanted`; the same vote twice takes it back."""
    final = 0 if previous == wanted else wanted
    return final - previous, final


def can_accept(poster: Poster, thread: Thread) -> bool:
    """The asker, or any agent, marks the accepted answer."""
    if poster.is_agent:
        return True
    return poster.member is not None and thread.author_member_id == poster.member.pk


def accept_answer(poster: Poster, post: Post) -> Thread:
    """Mark `post` as its thread's accepted answer (replacing any other).
    Raises NotAllowed (not the asker nor an agent), InvalidInput (a question,
    or a hidden post)."""
    thread = post.thread
    if not can_accept(poster, thread):
        raise NotAllowed(_("Only the person who asked, or an agent, accepts an answer."))
    if post.is_question or post.is_hidden:
        raise InvalidInput(_("Only a visible answer can be accepted."))
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(accepted_answer=post)
        thread.accepted_answer = post
        record_event(
            "community.answer_accepted",
            **poster.event_fields(),
            thread_id=thread.pk,
            post_id=post.pk,
        )
    return thread


def flag_post(poster: Poster, post: Post, reason: str = "") -> bool:
    """Report `post` to the moderators, once per member; False when this
    member had already flagged it. Raises NotAllowed for anonymous readers."""
    if poster.member is None:
        raise NotAllowed(_("Sign in as a member to report a post."))
    try:
        with transaction.atomic():
            Flag.objects.create(post=post, member=poster.member, reason=reason.strip()[:200])
            Post.objects.filter(pk=post.pk).update(flag_count=F("flag_count") + 1)
            record_event(
                "community.post_flagged",
                **poster.event_fields(),
                thread_id=post.thread_id,
                post_id=post.pk,
            )
    except IntegrityError:
        return False
    return True
