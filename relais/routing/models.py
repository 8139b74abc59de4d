"""Routing configuration: business schedules, SLA policies and routing rules.

Plain data the pure modules (`core/business_hours`, `routing/sla`,
`routing/rules`) work on; `routing/config.py` loads and caches it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.business_hours import BusinessCalendar, from_dict


def default_weekly_hours() -> dict[str, list[list[str]]]:
    week = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    return week | {"sat": [], "sun": []}


class BusinessSchedule(models.Model):
    """Opening hours: weekly hours, public holidays and dated exceptions."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    weekly_hours = models.JSONField(_("weekly hours"), default=default_weekly_hours)
    holiday_country = models.CharField(_("public holidays of"), max_length=8, blank=True)
    holiday_subdivision = models.CharField(_("region"), max_length=16, blank=True)
    exceptions = models.JSONField(_("exceptions"), default=dict, blank=True)
    is_default = models.BooleanField(_("default schedule"), default=False)

    class Meta:
        verbose_name = _("business schedule")
        verbose_name_plural = _("business schedules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def as_dict(self) -> dict:
        return {
            "timezone": self.timezone,
            "weekly_hours": self.weekly_hours,
            "holiday_country": self.holiday_country or None,
            "holiday_subdivision": self.holiday_subdivision or None,
            "exceptions": self.exceptions or {},
        }

    def calendar(self) -> BusinessCalendar:
        return from_dict(self.as_dict())

    def clean(self) -> None:
        try:
            self.calendar()
        except ValueError as error:
            raise ValidationError(str(error)) from error


class SlaPolicy(models.Model):
    """Response and resolution targets for the conversations it matches (the
    first active policy in `position` order whose inbox, channel and priority
    lists all match; an empty list matches everything)."""

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    inboxes = models.ManyToManyField("connectors.Inbox", blank=True, related_name="+")
    # Channel classes: call, chat, messaging, email.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    first_response = models.DurationField(_("first response within"), null=True, blank=True)
    next_response = models.DurationField(_("next response within"), null=True, blank=True)
    resolution = models.DurationField(_("resolution within"), null=True, blank=True)
    business_hours = models.BooleanField(_("count business hours only"), default=False)
    schedule = models.ForeignKey(
        BusinessSchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    warn_before = models.DurationField(_("at risk when less than"), null=True, blank=True)
    # [{"when": "at_risk"|"breached", "action": "notify"|"raise_priority"|"reassign", "target": ""}]
    escalation = models.JSONField(_("escalation"), default=list, blank=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from relais.routing.config import escalation_steps

        try:
            escalation_steps(self.escalation)
        except (TypeError, ValueError) as error:
            raise ValidationError({"escalation": str(error)}) from error


class RoutingRule(models.Model):
    """On arrival of a new conversation: if every condition holds, apply the
    actions. Rules run in `position` order; a later rule's team or priority
    wins, tags and skills add up; `stop` ends the evaluation."""

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # {"channels": [...], "inboxes": [ids], "reasons": [...], "languages": [...],
    #  "segments": [...], "keywords": [...], "public": true}
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.SmallIntegerField(_("priority"), null=True, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    skills = models.JSONField(_("required skills"), default=dict, blank=True)
    stop = models.BooleanField(_("stop after this rule"), default=False)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from relais.routing.rules import check_conditions, check_skills

        try:
            check_conditions(self.conditions)
            check_skills(self.skills)
        except ValueError as error:
            raise ValidationError(str(error)) from error
