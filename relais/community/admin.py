from django.contrib import admin

from relais.community.models import Flag, Member, Post, Thread, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("display_name", "email", "is_active", "created_at")
    search_fields = ("display_name", "email")
    raw_id_fields = ("contact",)
    list_filter = ("is_active",)


class PostInline(admin.TabularInline):
    model = Post
    fields = ("is_question", "body", "member", "agent", "score", "flag_count", "is_hidden")
    # Text is changed through the forum, which renders and sanitises it.
    readonly_fields = ("is_question", "body", "score", "flag_count")
    raw_id_fields = ("member", "agent")
    extra = 0


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "score", "answer_count", "is_locked", "is_hidden")
    list_filter = ("topic", "is_locked", "is_hidden")
    search_fields = ("title",)
    list_select_related = ("topic",)
    raw_id_fields = ("author_member", "author_agent", "accepted_answer")
    inlines = [PostInline]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("post", "member", "reason", "created_at")
    list_select_related = ("post__thread", "member")
    raw_id_fields = ("post", "member")
