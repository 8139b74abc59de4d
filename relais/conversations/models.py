"""Conversations, their messages and tags."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")


class Priority(models.IntegerChoices):
    LOW = 0, _("Low")
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")
    URGENT = 3, _("Urgent")


class Tag(models.Model):
    name = models.SlugField(_("name"), max_length=64, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    """A thread with one contact on one inbox."""

    # The composite indexes below lead with inbox, contact and assignee: the
    # foreign keys' own single-column indexes would only cost writes.
    inbox = models.ForeignKey(
        "connectors.Inbox", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=32)  # the inbox's kind, for filters
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="conversations", db_index=False
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # A public thread (a mention, comments under a post): everyone sees the
    # replies. A contact's private messages never join it.
    is_public = models.BooleanField(_("public"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    priority = models.SmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
        db_index=False,
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    # Skills an agent needs to take it ({"lang:fr": 1}), set by routing rules.
    required_skills = models.JSONField(default=dict, blank=True)
    sla_policy = models.ForeignKey(
        "routing.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    # Set while the conversation is pending on the customer with its resolution
    # clock running: the time until it leaves pending is added back to
    # resolution_due_at then (routing/pause.py).
    resolution_paused_since = models.DateTimeField(null=True, blank=True)
    # Escalation steps already run for the current deadline (routing/escalation.py).
    sla_escalations = models.JSONField(default=list, blank=True)
    # Set while the customer waits for an answer: the next response is due then.
    waiting_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    # Set while the self-care bot holds the conversation (nobody waits for an
    # agent then: waiting_since is empty): when the customer's first message
    # to the bot came, from which the SLA counts once the bot hands over.
    bot_held_since = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_message_preview = models.CharField(max_length=200, blank=True)
    unread_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            # The inbox list: filter on status (and inbox), most urgent first.
            models.Index(fields=["status", "-priority", "due_at", "-id"], name="conv_urgency"),
            models.Index(fields=["inbox", "status", "-priority", "due_at"], name="conv_inbox"),
            # "Mine" and "unassigned" (assignee IS NULL), already in urgency order.
            models.Index(
                fields=["assignee", "status", "-priority", "due_at", "-id"], name="conv_assignee"
            ),
            # Threading a message, and a contact's other conversations (a contact
            # has few: they are sorted by recency without an index).
            models.Index(fields=["contact", "inbox"], name="conv_thread"),
            # "With the bot" (supervisors): only the few held rows are indexed.
            models.Index(
                fields=["inbox", "bot_held_since"],
                condition=Q(bot_held_since__isnull=False),
                name="conv_bot_held",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or f"#{self.pk}"


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    NOTE = "note", _("Internal note")


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One message or internal note. Outbound messages are the outbox: the row
    exists (queued) before any network call."""

    # msg_conversation (conversation, id) serves the foreign key; the inbox is
    # only looked up with the provider id (the unique index). Fewer indexes,
    # cheaper inserts on the hottest table.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    inbox = models.ForeignKey(
        "connectors.Inbox", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=16, choices=MessageKind.choices, default=MessageKind.MESSAGE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED
    )
    provider_message_id = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # While set and in the future, a worker is sending this message (or waits
    # to retry it): nobody else may claim it.
    lease_until = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        constraints = [
            # Inbound idempotency: a provider's message id is stored once per inbox.
            models.UniqueConstraint(
                fields=["inbox", "provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="message_provider_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["conversation", "id"], name="msg_conversation"),
            # The outbox sweep: only the (few) queued rows are indexed.
            models.Index(
                fields=["lease_until", "created_at"],
                condition=Q(status="queued"),
                name="msg_outbox",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} #{self.pk}"

    @property
    def is_note(self) -> bool:
        return self.kind == MessageKind.NOTE


class AttachmentKind(models.TextChoices):
    FILE = "file", _("File")
    INLINE = "inline", _("Inline image")
    ORIGINAL = "original", _("Original message")


def attachment_path(instance: Attachment, filename: str) -> str:
    """Stored under a random name: the customer's file name is only shown,
    never used as a path."""
    return attachment_name(instance.created_at)


def attachment_name(created_at) -> str:
    return f"attachments/{created_at:%Y/%m}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A file that came with, or was sent with, a message. Served to agents who
    can see the conversation, always as a download (see web.attachment_views)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=16, choices=AttachmentKind.choices, default="file")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=128)
    size = models.PositiveBigIntegerField()
    # For inline images: the Content-ID the HTML part refers to (cid:…).
    content_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
