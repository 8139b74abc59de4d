"""The Event log: every state change appends one row; KPIs and audit read it."""

from django.conf import settings
from django.db import models


class Event(models.Model):
    """One thing that happened. Never updated, never deleted."""

    kind = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
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
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "created_at"])]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
