"""The Event log: every state change appends one row; KPIs and audit read it."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Event(models.Model):
    """One thing that happened. Never updated, never deleted."""

    kind = models.CharField(max_length=64)
    # Time ranges are read per kind, through (kind, created_at) below.
    created_at = models.DateTimeField(auto_now_add=True)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    message = models.ForeignKey(
        "conversations.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,  # events are read by conversation and kind, never by message
        related_name="+",
    )
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # indexed below for the events that have one
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "created_at"]),
            # Customers' messages have no actor: they stay out of this index,
            # which keeps the hottest insert cheaper.
            models.Index(fields=["actor"], condition=Q(actor__isnull=False), name="event_actor"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class RateCounter(models.Model):
    """A fixed-window request counter shared by every process
    (core.rate_limits): `count` requests in the window ending at `window_ends`
    (Unix seconds). A row past its window counts as none."""

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_ends = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
