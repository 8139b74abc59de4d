from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from relais.accounts.models import Agent, ApiToken, Team


class AgentCreationForm(AdminUserCreationForm):
    class Meta:
        model = Agent
        fields = ("email", "name", "role")


class AgentChangeForm(UserChangeForm):
    class Meta:
        model = Agent
        fields = "__all__"

    def clean_skills(self):
        from relais.routing.rules import check_skills

        skills = self.cleaned_data.get("skills") or {}
        try:
            check_skills(skills)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        return skills


@admin.register(Agent)
class AgentAdmin(UserAdmin):
    add_form = AgentCreationForm
    form = AgentChangeForm
    ordering = ("email",)
    list_display = ("email", "name", "role", "presence", "is_active", "last_login")
    list_filter = ("role", "presence", "is_active", "teams")
    search_fields = ("email", "name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("name", "role", "locale", "capacity", "skills")}),
        (_("Presence"), {"fields": ("presence", "presence_changed_at", "last_active_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "role", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("presence_changed_at", "last_active_at", "last_login", "date_joined")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    filter_horizontal = ("members", "inboxes")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `relais createagent --print-token` or the API; the
    admin only lists and revokes them (the raw value is never stored)."""

    list_display = ("agent", "name", "created_at", "last_used_at")
    list_select_related = ("agent",)
    readonly_fields = ("agent", "name", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False
