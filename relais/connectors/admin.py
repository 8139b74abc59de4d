from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from pydantic import ValidationError as ConfigError

from relais.connectors.models import Inbox, MailboxState
from relais.connectors.registry import get_connector, kind_choices


class InboxForm(forms.ModelForm):
    """The kind's connector validates the kind-specific settings (`config`), as
    `POST /api/v1/inboxes` does."""

    kind = forms.ChoiceField(choices=kind_choices)

    class Meta:
        model = Inbox
        fields = ("kind", "name", "is_active", "auto_assign", "config")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            try:
                cleaned["config"] = get_connector(kind).validate_config(cleaned.get("config") or {})
            except ConfigError as error:
                raise ValidationError({"config": [str(e["msg"]) for e in error.errors()]}) from None
            conflicts = get_connector(kind).conflicts(cleaned["config"], self.instance.pk)
            if conflicts:
                raise ValidationError({"config": [item["message"] for item in conflicts]})
        return cleaned


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin):
    form = InboxForm
    list_display = ("name", "kind", "is_active", "auto_assign", "created_at")
    list_filter = ("kind", "is_active")
    readonly_fields = ("public_key", "secret", "created_at")
    search_fields = ("name",)


@admin.register(MailboxState)
class MailboxStateAdmin(admin.ModelAdmin):
    """Where each IMAP fetcher stands, and its last error."""

    list_display = ("inbox", "last_uid", "last_checked_at", "last_imported_at", "last_error")
    readonly_fields = (
        "inbox",
        "uidvalidity",
        "last_uid",
        "last_error",
        "last_checked_at",
        "last_imported_at",
    )
