from django.contrib import admin

from relais.routing.models import BusinessSchedule, RoutingRule, SlaPolicy


@admin.register(BusinessSchedule)
class BusinessScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "holiday_country", "is_default")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "position",
        "is_active",
        "first_response",
        "next_response",
        "resolution",
        "business_hours",
    )
    list_editable = ("position", "is_active")
    filter_horizontal = ("inboxes",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "is_active", "team", "priority", "stop")
    list_editable = ("position", "is_active")
