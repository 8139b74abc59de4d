from django.contrib import admin

from relais.contacts.models import Contact, Identity


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0
    fields = ("kind", "value", "verified", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "email", "phone", "segment", "created_at")
    list_filter = ("segment",)
    search_fields = ("name", "email", "phone", "identities__value")
    inlines = [IdentityInline]
    show_full_result_count = False
