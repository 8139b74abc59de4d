from django.contrib import admin

from relais.replies.models import SavedReply


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "shortcut", "scope", "team", "language", "owner")
    list_filter = ("scope", "language")
    search_fields = ("title", "shortcut", "body")
    list_select_related = ("team", "owner")
    raw_id_fields = ("owner",)
