"""Inboxes: one configured channel endpoint (a chat widget, a mailbox, a number…)."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_public_key() -> str:
    return secrets.token_urlsafe(12)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Inbox(models.Model):
    """Where conversations of one channel arrive. Kind-specific settings live in
    `config`, validated by the kind's connector."""

    kind = models.CharField(_("kind"), max_length=32)
    name = models.CharField(_("name"), max_length=120)
    public_key = models.CharField(max_length=32, unique=True, default=new_public_key)
    secret = models.CharField(max_length=64, default=new_secret)
    config = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Push routing: new conversations are given to the best available agent;
    # otherwise agents pull them ("next") or pick them.
    auto_assign = models.BooleanField(_("assign automatically"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inbox")
        verbose_name_plural = _("inboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def connector(self):
        from relais.connectors.registry import get_connector

        return get_connector(self.kind)


class MailboxState(models.Model):
    """Where the IMAP fetcher of an e-mail inbox stands: mail up to `last_uid`
    of the folder (while its UIDVALIDITY holds) has been imported."""

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="mailbox_state")
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_imported_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.inbox} @ {self.last_uid}"


class RateBucket(models.Model):
    """A token bucket shared by every worker (connectors.http_api.take_token):
    `tokens` left at `updated` (Unix seconds), refilled at the caller's rate."""

    key = models.CharField(max_length=120, unique=True)
    tokens = models.FloatField()
    updated = models.FloatField()

    def __str__(self) -> str:
        return f"{self.key}: {self.tokens:.1f}"
