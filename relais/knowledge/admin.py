from django.contrib import admin

from relais.knowledge.actions import record_admin_change
from relais.knowledge.models import Article, ArticleQuestion, ArticleVersion, Category


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
