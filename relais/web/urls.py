from django.contrib.auth import views as auth_views
from django.urls import path

from relais.web import (
    attachment_views,
    conversation_posts,
    conversation_views,
    faq_views,
    inbox_views,
    knowledge_views,
    presence_views,
    queue_views,
    supervisor_views,
)

app_name = "web"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", inbox_views.inbox, name="inbox"),
    path("presence/", presence_views.presence, name="presence"),
    path("next/", queue_views.next_conversation, name="next"),
    path("supervision/", supervisor_views.supervision, name="supervision"),
    path("supervision/live/", supervisor_views.supervision_live, name="supervision_live"),
    path("supervision/assign/", supervisor_views.supervision_assign, name="supervision_assign"),
    path("knowledge/", knowledge_views.article_list, name="knowledge"),
    path("knowledge/new/", knowledge_views.article_new, name="knowledge_new"),
    path("knowledge/<int:article_id>/", knowledge_views.article_detail, name="knowledge_article"),
    path("knowledge/<int:article_id>/edit/", knowledge_views.article_edit, name="knowledge_edit"),
    path("knowledge/<int:article_id>/diff/", knowledge_views.article_diff, name="knowledge_diff"),
    path("knowledge/faq/", faq_views.context_list, name="faq"),
    path("knowledge/faq/new/", faq_views.context_edit, name="faq_new"),
    path("knowledge/faq/<int:context_id>/", faq_views.context_edit, name="faq_context"),
    path("knowledge/faq/<int:context_id>/place/", faq_views.placement, name="faq_placement"),
    path("knowledge/faq/<int:context_id>/delete/", faq_views.context_delete, name="faq_delete"),
    path("c/<int:conversation_id>/", conversation_views.conversation_page, name="conversation"),
    path(
        "c/<int:conversation_id>/timeline/",
        conversation_views.timeline_fragment,
        name="timeline",
    ),
    path(
        "c/<int:conversation_id>/messages/<int:message_id>/",
        conversation_views.message_fragment,
        name="message",
    ),
    path(
        "c/<int:conversation_id>/attachments/<int:attachment_id>/",
        attachment_views.attachment,
        name="attachment",
    ),
    path("c/<int:conversation_id>/reply/", conversation_posts.reply, name="reply"),
    path("c/<int:conversation_id>/note/", conversation_posts.note, name="note"),
    path("c/<int:conversation_id>/assign/", conversation_posts.assign, name="assign"),
    path("c/<int:conversation_id>/status/", conversation_posts.change_status, name="status"),
    path("c/<int:conversation_id>/snooze/", conversation_posts.snooze, name="snooze"),
    path("c/<int:conversation_id>/priority/", conversation_posts.priority, name="priority"),
    path("c/<int:conversation_id>/tags/", conversation_posts.tags, name="tags"),
]
