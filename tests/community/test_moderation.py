import pytest

from relais.community.actions import Poster, accept_answer
from relais.community.errors import InvalidInput, NotAllowed
from relais.community.models import Post, Thread, Topic
from relais.community.moderation import (
    delete_post,
    move_thread,
    promote_thread,
    set_post_hidden,
    set_thread_locked,
)
from relais.core.models import Event
from tests.community.conftest import make_answer

pytestmark = pytest.mark.django_db


def test_agent_hides_and_shows_an_answer(thread, helper, agent):
    answer = make_answer(Poster(member=helper), thread)
    set_post_hidden(agent, answer, True)
    assert Post.objects.get(pk=answer.pk).is_hidden
    assert Thread.objects.get(pk=thread.pk).answer_count == 0
    set_post_hidden(agent, answer, False)
    assert Thread.objects.get(pk=thread.pk).answer_count == 1
    kinds = list(Event.objects.filter(actor=agent).values_list("kind", flat=True))
    assert kinds == ["community.post_hidden", "community.post_unhidden"]


def test_hiding_the_question_hides_the_thread(thread, agent):
    set_post_hidden(agent, thread.posts.get(), True)
    assert Thread.objects.get(pk=thread.pk).is_hidden


def test_hiding_the_accepted_answer_withdraws_it(thread, asker, helper, agent):
    answer = make_answer(Poster(member=helper), thread)
    accept_answer(Poster(member=asker), answer)
    set_post_hidden(agent, Post.objects.select_related("thread").get(pk=answer.pk), True)
    assert Thread.objects.get(pk=thread.pk).accepted_answer is None


def test_a_customer_cannot_moderate(thread, asker):
    question = thread.posts.get()
    for moderate in (
        lambda: set_post_hidden(asker, question, True),
        lambda: set_thread_locked(None, thread, True),
        lambda: delete_post(asker, question),
    ):
        with pytest.raises(NotAllowed):
            moderate()
    assert not Post.objects.get(pk=question.pk).is_hidden
    assert not Event.objects.filter(kind__startswith="community.post_hidden").exists()


def test_lock_and_move(thread, agent):
    other = Topic.objects.create(name="Retours", slug="retours")
    set_thread_locked(agent, thread, True)
    move_thread(agent, thread, other.pk)
    thread.refresh_from_db()
    assert thread.is_locked and thread.topic == other
    moved = Event.objects.get(kind="community.thread_moved")
    assert moved.data["to_topic_id"] == other.pk and moved.actor == agent
    with pytest.raises(InvalidInput):
        move_thread(agent, thread, 999)


def test_deleting_spam_keeps_an_audit_trail(thread, helper, agent):
    spam = make_answer(Poster(member=helper), thread, "Achetez des montres pas chères")
    delete_post(agent, spam)
    assert not Post.objects.filter(pk=spam.pk).exists()
    assert Thread.objects.get(pk=thread.pk).answer_count == 0
    deleted = Event.objects.get(kind="community.post_deleted")
    assert "montres" in deleted.data["excerpt"]


def test_deleting_the_question_deletes_the_thread(thread, agent):
    delete_post(agent, thread.posts.get())
    assert not Thread.objects.exists()


def _knowledge_actions():
    return pytest.importorskip("relais.knowledge.actions")


def test_promote_makes_a_draft_article_from_the_accepted_answer(thread, asker, helper, agent):
    knowledge = _knowledge_actions()
    answer = make_answer(Poster(member=helper), thread, "Ouvrez **Mes commandes**.")
    accept_answer(Poster(member=asker), answer)
    thread = Thread.objects.select_related("accepted_answer").get(pk=thread.pk)
    article = promote_thread(agent, thread)
    assert article.title == thread.title
    assert "Mes commandes" in article.body
    assert article.status == "draft"
    assert Thread.objects.get(pk=thread.pk).article_id == article.pk
    assert Event.objects.get(kind="community.thread_promoted").data["article_id"] == article.pk
    with pytest.raises(InvalidInput):
        promote_thread(agent, thread)
    assert knowledge  # the knowledge app's own action made it


def test_promote_needs_an_accepted_answer(thread, agent):
    _knowledge_actions()
    with pytest.raises(InvalidInput):
        promote_thread(agent, thread)


def test_a_customer_cannot_promote(thread, asker):
    with pytest.raises(NotAllowed):
        promote_thread(asker, thread)
