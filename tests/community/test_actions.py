import pytest

from relais.community.actions import (
    Poster,
    accept_answer,
    answer_question,
    ask_question,
    flag_post,
    vote,
)
from relais.community.errors import InvalidInput, NotAllowed, RateLimited
from relais.community.models import Flag, Post, Thread, Vote
from relais.core.models import Event
from tests.community.conftest import make_answer, make_member
from tests.factories import make_agent

pytestmark = pytest.mark.django_db


def test_member_asks_a_question_rendered_as_safe_markdown(asker, topic):
    thread = ask_question(
        Poster(member=asker),
        topic_id=topic.pk,
        title="Colis marqué livré mais absent",
        body="**Urgent** <script>alert(1)</script> [lien](javascript:alert(1))",
    )
    question = thread.posts.get()
    assert question.is_question and question.member == asker
    assert "<strong>Urgent</strong>" in question.body_html
    assert "<script" not in question.body_html and 'href="javascript' not in question.body_html
    event = Event.objects.get(kind="community.question_posted")
    assert event.contact == asker.contact and event.data["thread_id"] == thread.pk


def test_anonymous_reader_cannot_ask(topic):
    with pytest.raises(NotAllowed):
        ask_question(Poster(), topic_id=topic.pk, title="Une question longue", body="x")
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    ("title", "body", "topic_ok"),
    [("court", "corps", True), ("Un titre correct", "   ", True), ("Un titre correct", "x", False)],
)
def test_bad_questions_are_refused(asker, topic, title, body, topic_ok):
    with pytest.raises(InvalidInput):
        ask_question(
            Poster(member=asker),
            topic_id=topic.pk if topic_ok else 999,
            title=title,
            body=body,
        )
    assert not Thread.objects.exists()


def test_agent_answers_as_staff(thread, agent):
    post = answer_question(Poster(agent=agent), thread, "Voici le suivi.")
    assert post.agent == agent and post.member is None
    thread.refresh_from_db()
    assert thread.answer_count == 1
    assert Event.objects.get(kind="community.answer_posted").actor == agent


def test_members_cannot_answer_a_locked_thread_but_agents_can(thread, helper, agent):
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    thread.refresh_from_db()
    with pytest.raises(NotAllowed):
        answer_question(Poster(member=helper), thread, "Moi aussi")
    answer_question(Poster(agent=agent), thread, "Nous avons répondu par e-mail.")


def test_posting_is_rate_limited_per_member(asker, topic, thread):
    poster = Poster(member=asker, client_address="10.0.0.1")
    # The fixture's question counted once already.
    for n in range(4):
        answer_question(poster, thread, f"Précision {n}")
    with pytest.raises(RateLimited):
        answer_question(poster, thread, "Encore une")
    assert thread.posts.count() == 5


def test_posting_is_rate_limited_per_address(topic, thread):
    for _ in range(20):
        answer_question(Poster(member=make_member(), client_address="6.6.6.6"), thread, "spam")
    with pytest.raises(RateLimited):
        answer_question(Poster(member=make_member(), client_address="6.6.6.6"), thread, "spam")


def test_one_vote_per_member_per_post(thread, helper):
    question = thread.posts.get()
    assert vote(Poster(member=helper), question, 1) == 1
    assert vote(Poster(member=helper), question, 1) == 0  # the same vote again takes it back
    assert vote(Poster(member=helper), question, -1) == -1
    assert vote(Poster(member=helper), question, 1) == 1
    assert Vote.objects.filter(post=question).count() == 1
    thread.refresh_from_db()
    assert thread.score == 1
    assert Event.objects.filter(kind="community.voted").count() == 4


def test_votes_add_up_across_members(thread):
    question = thread.posts.get()
    for _ in range(3):
        vote(Poster(member=make_member()), question, 1)
    vote(Poster(member=make_member()), question, -1)
    assert Post.objects.get(pk=question.pk).score == 2


@pytest.mark.parametrize("who", ["anonymous", "agent", "author"])
def test_vote_refused(thread, asker, agent, who):
    poster = {"anonymous": Poster(), "agent": Poster(agent=agent), "author": Poster(member=asker)}
    with pytest.raises(NotAllowed):
        vote(poster[who], thread.posts.get(), 1)
    assert not Vote.objects.exists()


def test_vote_value_must_be_up_or_down(thread, helper):
    with pytest.raises(InvalidInput):
        vote(Poster(member=helper), thread.posts.get(), 5)


def test_asker_accepts_an_answer(thread, asker, helper):
    answer = make_answer(Poster(member=helper), thread)
    accept_answer(Poster(member=asker), answer)
    thread.refresh_from_db()
    assert thread.accepted_answer == answer
    assert Event.objects.get(kind="community.answer_accepted").contact == asker.contact


def test_agent_accepts_an_answer(thread, helper, agent):
    answer = make_answer(Poster(member=helper), thread)
    accept_answer(Poster(agent=agent), answer)
    assert Thread.objects.get(pk=thread.pk).accepted_answer == answer


def test_only_asker_or_agent_accepts(thread, helper):
    answer = make_answer(Poster(member=helper), thread)
    with pytest.raises(NotAllowed):
        accept_answer(Poster(member=helper), answer)
    with pytest.raises(NotAllowed):
        accept_answer(Poster(), answer)
    assert Thread.objects.get(pk=thread.pk).accepted_answer is None


def test_the_question_cannot_be_its_own_answer(thread, asker):
    with pytest.raises(InvalidInput):
        accept_answer(Poster(member=asker), thread.posts.get())


def test_flag_once_per_member(thread, helper):
    question = thread.posts.get()
    assert flag_post(Poster(member=helper), question, "pub")
    assert not flag_post(Poster(member=helper), question, "encore")
    assert Flag.objects.count() == 1 and Post.objects.get(pk=question.pk).flag_count == 1


def test_anonymous_cannot_flag(thread):
    with pytest.raises(NotAllowed):
        flag_post(Poster(), thread.posts.get())


def test_deactivated_agent_is_not_staff(thread):
    agent = make_agent(is_active=False)
    with pytest.raises(NotAllowed):
        answer_question(Poster(agent=agent), thread, "x")
