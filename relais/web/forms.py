"""Forms of the conversation page. They only parse what the browser sends; the
actions decide what is allowed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.connectors.base import InboundAttachment
from relais.conversations.models import Conversation, Priority, Status
from relais.core.form_fields import MultipleFileField
from relais.web.contact_panel import assignable_agents, inbox_teams
from relais.web.reply_files import reply_attachments

# Browsers' UTC offsets span UTC-12 to UTC+14.
MAX_OFFSET_MINUTES = 14 * 60


class MessageForm(forms.Form):
    # Emptiness and length are the action's to judge (one rule for API and console).
    body = forms.CharField(label=_("Message"), required=False, strip=False)


class ReplyForm(MessageForm):
    files = MultipleFileField(label=_("Files"), required=False)

    def clean_files(self) -> list[InboundAttachment]:
        return reply_attachments(self.cleaned_data["files"])


class AssignForm(forms.Form):
    agent = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Agent"), empty_label=_("Nobody")
    )
    team = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Team"), empty_label=_("Unchanged")
    )

    def __init__(self, *args, conversation: Conversation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = assignable_agents(conversation.inbox_id)
        self.fields["team"].queryset = inbox_teams(conversation.inbox_id)
        self.fields["agent"].initial = conversation.assignee_id
        self.fields["team"].initial = conversation.team_id


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in Status if s != Status.SNOOZED])


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)


class TagsForm(forms.Form):
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000)

    def names(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["tags"].split(",")]


class SnoozeForm(forms.Form):
    until = forms.DateTimeField(
        label=_("Snooze until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    # Minutes behind UTC as the browser's Date.getTimezoneOffset() gives them,
    # so "9:00" means 9:00 where the agent sits, not where the server runs.
    tz_offset = forms.IntegerField(
        required=False,
        min_value=-MAX_OFFSET_MINUTES,
        max_value=MAX_OFFSET_MINUTES,
        widget=forms.HiddenInput,
    )

    def until_moment(self) -> datetime:
        until: datetime = self.cleaned_data["until"]
        offset = self.cleaned_data.get("tz_offset")
        if offset is None:
            return until
        naive = timezone.make_naive(until) if timezone.is_aware(until) else until
        return naive.replace(tzinfo=UTC) + timedelta(minutes=offset)


def first_error(form: forms.Form) -> str:
    """One readable line for a flash message."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return ""
