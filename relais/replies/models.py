"""Saved replies (canned responses) agents insert into their answers.

Their own app rather than conversations/: they are the agents' authoring
tool, with their own access rules, pages and API, and never change a
conversation; conversations/ keeps to the conversation's life.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    TEAM = "team", _("Team")
    EVERYONE = "everyone", _("Everyone")


class SavedReply(models.Model):
    """A reply with variables ({{ contact.first_name }}…) and per-channel
    variants: `body_short` for chat, messaging and social channels,
    `body_email` for e-mail; either falls back to `body` when empty."""

    title = models.CharField(_("title"), max_length=120)
    # Typed as "/shortcut" in the reply box.
    shortcut = models.SlugField(_("shortcut"), max_length=40)
    body = models.TextField(_("text"))
    body_short = models.TextField(_("short variant (chat, messaging)"), blank=True)
    body_email = models.TextField(_("formal variant (e-mail)"), blank=True)
    scope = models.CharField(
        _("shared with"), max_length=16, choices=Scope.choices, default=Scope.PERSONAL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_replies"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="team") | Q(team__isnull=False), name="team_reply_has_team"
            ),
        ]
        indexes = [models.Index(fields=["scope", "shortcut"], name="saved_reply_scope")]

    def __str__(self) -> str:
        return f"/{self.shortcut} {self.title}"
