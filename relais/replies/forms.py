"""The console's form for a saved reply. It only parses; the actions decide
who may share what."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from relais.accounts.models import Team
from relais.replies.actions import SavedReplyFields
from relais.replies.models import Scope


class SavedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    shortcut = forms.CharField(
        label=_("Shortcut"), max_length=41, help_text=_("Typed as /shortcut in the reply box.")
    )
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), strip=False)
    body_short = forms.CharField(
        label=_("Short variant (chat, messaging, social)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body_email = forms.CharField(
        label=_("Formal variant (e-mail)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    scope = forms.ChoiceField(label=_("Shared with"), choices=Scope.choices)
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, label=_("Team"), empty_label="—"
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any"))] + [(code, name) for code, name in settings.LANGUAGES],
    )

    def __init__(self, *args, agent, **kwargs):
        super().__init__(*args, **kwargs)
        if not agent.sees_everything:
            # Agents write personal replies only: offer nothing they cannot do.
            self.fields["scope"].choices = [(Scope.PERSONAL, Scope.PERSONAL.label)]
            del self.fields["team"]

    def to_fields(self) -> SavedReplyFields:
        data = self.cleaned_data
        team = data.get("team")
        return SavedReplyFields(
            title=data["title"],
            shortcut=data["shortcut"],
            body=data["body"],
            body_short=data["body_short"],
            body_email=data["body_email"],
            scope=data["scope"],
            team_id=team.pk if team else None,
            language=data["language"],
        )

    @classmethod
    def initial_for(cls, reply) -> dict:
        names = ("title", "shortcut", "body", "body_short", "body_email", "scope", "language")
        return {name: getattr(reply, name) for name in names} | {"team": reply.team_id}
