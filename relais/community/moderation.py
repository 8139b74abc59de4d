"""Agents' moderation of the forum, and promoting a thread to the knowledge
base. Every action requires an active agent (a member or a reader gets
NotAllowed) and appends its audit Event (`community.*`, actor: the agent)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from relais.accounts.models import Agent
from relais.community.errors import InvalidInput, NotAllowed
from relais.community.models import Post, Thread, Topic
from relais.core.events import record_event


def check_moderator(agent: Agent | None) -> Agent:
    if not isinstance(agent, Agent) or not agent.is_active:
        raise NotAllowed(_("Only agents moderate the community."))
    return agent


def set_post_hidden(agent: Agent | None, post: Post, hidden: bool) -> Post:
    """Hide (or show again) a post. Hiding the question hides the thread;
    hiding the accepted answer withdraws the acceptance."""
    check_moderator(agent)
    if post.is_hidden == hidden:
        return post
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(is_hidden=hidden)
        post.is_hidden = hidden
        thread_changes: dict = {}
        if post.is_question:
            thread_changes["is_hidden"] = hidden
        else:
            thread_changes["answer_count"] = F("answer_count") + (-1 if hidden else 1)
            if hidden and post.thread.accepted_answer_id == post.pk:
                thread_changes["accepted_answer"] = None
        Thread.objects.filter(pk=post.thread_id).update(**thread_changes)
        kind = "community.post_hidden" if hidden else "community.post_unhidden"
        record_event(kind, actor=agent, thread_id=post.thread_id, post_id=post.pk)
    return post


def set_thread_locked(agent: Agent | None, thread: Thread, locked: bool) -> Thread:
    """Lock a thread (no new answers from members) or unlock it."""
    check_moderator(agent)
    if thread.is_locked == locked:
        return thread
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(is_locked=locked)
        thread.is_locked = locked
        kind = "community.thread_locked" if locked else "community.thread_unlocked"
        record_event(kind, actor=agent, thread_id=thread.pk)
    return thread


def move_thread(agent: Agent | None, thread: Thread, topic_id: int) -> Thread:
    """Move a thread to another topic. Raises InvalidInput for an unknown one."""
    check_moderator(agent)
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        raise InvalidInput(_("Choose a topic."))
    if topic.pk == thread.topic_id:
        return thread
    with transaction.atomic():
        previous = thread.topic_id
        Thread.objects.filter(pk=thread.pk).update(topic=topic)
        thread.topic = topic
        record_event(
            "community.thread_moved",
            actor=agent,
            thread_id=thread.pk,
            from_topic_id=previous,
            to_topic_id=topic.pk,
        )
    return thread


def delete_post(agent: Agent | None, post: Post) -> None:
    """Delete spam for good. Deleting the question deletes the whole thread.
    The Event keeps what was deleted (author, title, start of the text) for
    the audit trail."""
    check_moderator(agent)
    thread = post.thread
    with transaction.atomic():
        record_event(
            "community.post_deleted",
            actor=agent,
            thread_id=thread.pk,
            post_id=post.pk,
            question=post.is_question,
            title=thread.title,
            member_id=post.member_id,
            excerpt=post.body[:200],
        )
        if post.is_question:
            thread.delete()
            return
        if not post.is_hidden:
            Thread.objects.filter(pk=thread.pk).update(answer_count=F("answer_count") - 1)
        post.delete()


def promote_thread(agent: Agent | None, thread: Thread):
    """Turn a thread into a draft knowledge-base article: the question's title,
    the accepted answer as its body, the title as the article's question.
    Raises NotAllowed (not an agent), InvalidInput (no accepted answer, or
    already promoted). Returns the Article."""
    check_moderator(agent)
    from relais.knowledge.actions import create_article  # the knowledge app's own action

    if thread.article_id:
        raise InvalidInput(_("This thread is already an article."))
    answer = thread.accepted_answer
    if answer is None or answer.is_hidden:
        raise InvalidInput(_("Accept an answer before making it an article."))
    with transaction.atomic():
        article = create_article(
            title=thread.title,
            body=answer.body,
            locale=thread.language or agent.locale,
            visibility="public",
            status="draft",
            questions=(thread.title,),
            author=agent,
            tags=("community",),
        )
        Thread.objects.filter(pk=thread.pk).update(article_id=article.pk)
        thread.article_id = article.pk
        record_event(
            "community.thread_promoted",
            actor=agent,
            thread_id=thread.pk,
            post_id=answer.pk,
            article_id=article.pk,
        )
    return article
