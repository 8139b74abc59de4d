"""Agents, teams and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


class Presence(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    BUSY = "busy", _("Busy")
    OFFLINE = "offline", _("Offline")


# How many conversations of each channel an agent handles at once.
DEFAULT_CAPACITY = {"call": 1, "chat": 3, "messaging": 5, "email": 8}


def default_capacity() -> dict[str, int]:
    return dict(DEFAULT_CAPACITY)


class AgentManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        email = self.normalize_email(email).lower()
        agent = self.model(email=email, **fields)
        agent.set_password(password)
        agent.save(using=self._db)
        return agent

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self.create_user(email, password, **fields)


class Agent(AbstractBaseUser, PermissionsMixin):
    """A person who logs into the console. The e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    locale = models.CharField(_("language"), max_length=8, default="fr")
    presence = models.CharField(
        _("presence"), max_length=16, choices=Presence.choices, default=Presence.OFFLINE
    )
    presence_changed_at = models.DateTimeField(default=timezone.now)
    capacity = models.JSONField(_("capacity per channel"), default=default_capacity)
    # {"lang:fr": 5, "topic:billing": 3}: what routing rules may require.
    skills = models.JSONField(_("skills"), default=dict, blank=True)
    # Console activity, for the automatic "away" (routing/presence.py).
    last_active_at = models.DateTimeField(null=True, blank=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)
    # Fairness of push routing: the longest idle agent goes first.
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = AgentManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def sees_everything(self) -> bool:
        """Supervisors and admins see every inbox; agents only their teams'."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN) or self.is_superuser

    def capacity_for(self, channel_class: str) -> int:
        return int(self.capacity.get(channel_class, DEFAULT_CAPACITY.get(channel_class, 1)))


class Team(models.Model):
    """A group of agents serving some inboxes."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    members = models.ManyToManyField(Agent, related_name="teams", blank=True)
    inboxes = models.ManyToManyField("connectors.Inbox", related_name="teams", blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only its SHA-256 is stored."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.agent} — {self.name or self.pk}"

    @classmethod
    def issue(cls, agent: Agent, name: str = "") -> tuple["ApiToken", str]:
        """Create a token; the raw value is returned once and never stored."""
        raw = "rls_" + secrets.token_urlsafe(32)
        return cls.objects.create(agent=agent, name=name, key_hash=hash_token(raw)), raw
