from django.contrib import admin
from django.db import transaction

from relais.core.events import record_event
from relais.knowledge.actions import record_admin_change
from relais.knowledge.faq_refresh import rank_context
from relais.knowledge.models import (
    Article,
    ArticleQuestion,
    ArticleVersion,
    Category,
    FaqContext,
    FaqPlacement,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "locale", "position", "slug"]
    list_filter = ["locale"]
    prepopulated_fields = {"slug": ["name"]}


class QuestionInline(admin.TabularInline):
    model = ArticleQuestion
    extra = 1


class VersionInline(admin.TabularInline):
    """The history is written by the actions only: read-only here."""

    model = ArticleVersion
    extra = 0
    fields = ["number", "title", "author", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "locale", "visibility", "status", "category", "updated_at"]
    list_filter = ["status", "visibility", "locale", "category"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["category"]
    inlines = [QuestionInline, VersionInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # The admin writes the row itself: the action adds what every change owes
        # (rendered body, a version when the text changed, an Event).
        record_admin_change(obj, author=request.user, created=not change)


class PlacementInline(admin.TabularInline):
    model = FaqPlacement
    extra = 1
    raw_id_fields = ["article"]


@admin.register(FaqContext)
class FaqContextAdmin(admin.ModelAdmin):
    list_display = ["name", "locale", "page_pattern", "product", "journey_step", "updated_at"]
    list_filter = ["locale"]
    search_fields = ["name", "page_pattern", "product", "journey_step"]
    inlines = [PlacementInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Written by the admin itself: the Event and the fresh ranking the
        # console's action would have added.
        record_event(
            "faq.context_saved", actor=request.user, created=not change, source="admin",
            context_id=obj.pk, locale=obj.locale,
        )  # fmt: skip
        transaction.on_commit(lambda: rank_context(obj))
