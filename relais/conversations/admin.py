from django.contrib import admin

from relais.conversations.models import Conversation, Message, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """Read-mostly: agents work in the console, where every change is an action
    with its Event; the admin is for operators looking things up."""

    list_display = ("pk", "subject", "channel", "status", "priority", "assignee", "created_at")
    list_filter = ("status", "channel", "priority")
    list_select_related = ("assignee",)
    search_fields = ("subject", "contact__name", "contact__email")
    raw_id_fields = ("contact", "assignee", "team", "inbox")
    readonly_fields = [f.name for f in Conversation._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("pk", "conversation_id", "direction", "kind", "status", "created_at")
    list_filter = ("status", "direction", "kind")
    raw_id_fields = ("conversation", "inbox", "author")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
