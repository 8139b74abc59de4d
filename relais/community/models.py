"""The community forum: topics, threads (a question and its answers), members,
votes and flags.

A thread's question and answers are all Posts (the question is the one with
`is_question`), so that votes, flags, hiding and deleting work the same on
both. Counters used for sorting (score, answer count) are kept on the rows by
the actions, so that the list pages sort in SQL without aggregating.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """A category of questions ("Livraison", "Retours"…)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A customer who signed in to the forum with a one-time e-mail link.

    Tied to the Contact holding the e-mail Identity, so that their forum
    activity joins the rest of the customer's history."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80)
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="community_members"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Part of every sign-in token: signing in changes it, so a link works once.
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("community member")
        verbose_name_plural = _("community members")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class Thread(models.Model):
    """A question with its answers."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, blank=True)
    author_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="threads"
    )
    author_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_threads",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField()
    # The question post's votes, and the visible answers: for sorting.
    score = models.IntegerField(default=0)
    answer_count = models.PositiveIntegerField(default=0)
    is_locked = models.BooleanField(_("locked"), default=False)
    # Mirrors the question post's `is_hidden`: the public lists filter on it.
    is_hidden = models.BooleanField(_("hidden"), default=False)
    accepted_answer = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The knowledge-base article it was promoted to (an id, not a foreign
    # key: the forum does not depend on the knowledge app's schema).
    article_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["is_hidden", "-created_at"], name="thread_newest"),
            models.Index(fields=["is_hidden", "-score"], name="thread_votes"),
            models.Index(fields=["topic", "-created_at"], name="thread_topic"),
        ]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """The question (is_question) or one answer of a thread. `body` is the
    author's Markdown; `body_html` its sanitised rendering, made when saved."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    is_question = models.BooleanField(default=False)
    body = models.TextField(_("body"))
    body_html = models.TextField(editable=False)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_posts",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    score = models.IntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"

    @property
    def author_name(self) -> str:
        if self.agent_id:
            return self.agent.name or self.agent.email.split("@")[0]
        return self.member.display_name if self.member_id else str(_("deleted member"))


class Vote(models.Model):
    """One member's vote on one post: +1 or -1."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="one_vote_per_member"),
            models.CheckConstraint(condition=Q(value__in=[-1, 1]), name="vote_is_up_or_down"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} on {self.post_id}"


class Flag(models.Model):
    """A member reporting a post to the moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="one_flag_per_member"),
        ]

    def __str__(self) -> str:
        return f"flag on {self.post_id}"
