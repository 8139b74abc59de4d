import pytest
from django.urls import reverse

from relais.community.actions import Poster, accept_answer, vote
from relais.community.members import sign_in_token
from relais.community.models import Member, Post, Thread, Topic
from relais.community.sessions import MEMBER_SESSION_KEY
from tests.community.conftest import make_answer, make_member, make_thread, member_client
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db


def _many_threads(topic, count=8):
    for n in range(count):
        member = make_member()
        thread = make_thread(member, topic, title=f"Question numéro {n}")
        answer = make_answer(Poster(agent=None, member=make_member()), thread)
        vote(Poster(member=make_member()), answer, 1)


def test_index_is_public_and_translated(client, thread):
    page = client.get(reverse("community:index"), HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert "Questions et réponses" in page.content.decode()
    assert thread.title in page.content.decode()


def test_index_queries_do_not_grow_with_threads(client, topic, django_assert_max_num_queries):
    _many_threads(topic)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("community:index"))
    assert page.content.decode().count('<li class="thread-row') == 8


def test_thread_page_queries_do_not_grow_with_answers(
    topic, asker, helper, django_assert_max_num_queries
):
    thread = make_thread(asker, topic)
    for _ in range(6):
        answer = make_answer(Poster(member=make_member()), thread)
        vote(Poster(member=helper), answer, 1)
    client = member_client(helper)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("community:thread", args=[thread.pk]))
    assert page.content.decode().count('data-testid="post"') == 7
    assert page.content.decode().count('aria-pressed="true"') == 6


def test_sort_and_search(client, topic, asker):
    answered = make_thread(asker, topic, title="Remboursement d'un article")
    make_answer(Poster(member=make_member()), answered)
    make_thread(asker, topic, title="Changer mon adresse de livraison", body="déménagement")
    unanswered = client.get(reverse("community:index"), {"sort": "unanswered"}).content.decode()
    assert "Changer mon adresse" in unanswered and "Remboursement" not in unanswered
    found = client.get(reverse("community:index"), {"q": "déménagement"}).content.decode()
    assert "Changer mon adresse" in found and "Remboursement" not in found


def test_hidden_threads_are_hidden_from_readers_not_agents(client, thread, agent):
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)
    assert thread.title not in client.get(reverse("community:index")).content.decode()
    assert client.get(reverse("community:thread", args=[thread.pk])).status_code == 404
    staff = console_client(agent)
    assert staff.get(reverse("community:thread", args=[thread.pk])).status_code == 200


def test_member_asks_through_the_form(asker, topic):
    client = member_client(asker)
    response = client.post(
        reverse("community:ask_post"),
        {"topic": topic.pk, "title": "Ma carte cadeau ne marche pas", "body": "Code refusé"},
    )
    thread = Thread.objects.get()
    assert response.url == reverse("community:thread", args=[thread.pk])
    assert thread.author_member == asker


def test_honeypot_stores_nothing(asker, topic):
    client = member_client(asker)
    response = client.post(
        reverse("community:ask_post"),
        {"topic": topic.pk, "title": "Achetez ici pas cher", "body": "spam", "website": "x"},
    )
    assert response.status_code == 302 and not Thread.objects.exists()


def test_anonymous_post_goes_to_sign_in(client, thread):
    response = client.post(reverse("community:answer", args=[thread.pk]), {"body": "Hello"})
    assert response.url.startswith(reverse("community:sign_in"))
    assert thread.posts.count() == 1


def test_a_customer_cannot_hide_a_post(thread, helper):
    question = thread.posts.get()
    response = member_client(helper).post(
        reverse("community:moderate_post", args=[question.pk]), {"action": "hide"}
    )
    assert response.status_code == 403
    assert not Post.objects.get(pk=question.pk).is_hidden


def test_agent_hides_a_post_and_locks_a_thread(thread, agent):
    staff = console_client(agent)
    question = thread.posts.get()
    staff.post(reverse("community:moderate_post", args=[question.pk]), {"action": "hide"})
    staff.post(reverse("community:moderate_thread", args=[thread.pk]), {"action": "lock"})
    thread.refresh_from_db()
    assert thread.is_hidden and thread.is_locked


def test_only_asker_sees_accept_and_can_accept(thread, asker, helper):
    answer = make_answer(Poster(member=helper), thread)
    url = reverse("community:thread", args=[thread.pk])
    assert 'data-testid="accept"' not in member_client(helper).get(url).content.decode()
    assert 'data-testid="accept"' in member_client(asker).get(url).content.decode()
    response = member_client(helper).post(reverse("community:accept", args=[answer.pk]))
    assert response.status_code == 403
    member_client(asker).post(reverse("community:accept", args=[answer.pk]))
    assert Thread.objects.get(pk=thread.pk).accepted_answer == answer


def test_voting_through_the_page_counts_once(thread, helper):
    client = member_client(helper)
    question = thread.posts.get()
    client.post(reverse("community:vote", args=[question.pk]), {"value": "down"})
    client.post(reverse("community:vote", args=[question.pk]), {"value": "up"})
    assert Post.objects.get(pk=question.pk).score == 1


def test_staff_badge_on_agent_answers(client, thread, agent):
    make_answer(Poster(agent=agent), thread)
    page = client.get(reverse("community:thread", args=[thread.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "badge--staff" in page.content.decode()


def test_sign_in_link_confirms_with_a_post(client):
    token = sign_in_token("link@example.com", "Link")
    url = reverse("community:sign_in_confirm", args=[token])
    assert client.get(url).status_code == 200
    assert not Member.objects.exists()  # a mail scanner's GET spends nothing
    response = client.post(url)
    assert response.status_code == 302
    assert client.session[MEMBER_SESSION_KEY] == Member.objects.get().pk
    assert client.post(url).status_code == 400  # used


def test_forged_link_is_refused_by_the_page(client):
    response = client.post(reverse("community:sign_in_confirm", args=["forged:token"]))
    assert response.status_code == 400
    assert MEMBER_SESSION_KEY not in client.session


def test_sign_in_form_refuses_a_bad_address(client):
    response = client.post(reverse("community:sign_in"), {"email": "nope", "display_name": "x"})
    assert response.status_code == 400


def test_accepted_answer_is_marked(client, thread, asker, helper):
    answer = make_answer(Poster(member=helper), thread)
    accept_answer(Poster(member=asker), answer)
    page = client.get(reverse("community:thread", args=[thread.pk]))
    assert 'data-testid="accepted"' in page.content.decode()


def test_topic_filter(client, thread, asker):
    other = Topic.objects.create(name="Retours", slug="retours")
    make_thread(asker, other, title="Retourner une parka")
    page = client.get(reverse("community:index"), {"topic": "retours"}).content.decode()
    assert "Retourner une parka" in page and thread.title not in page


def test_a_refused_post_never_redirects_off_site(asker, topic):
    response = member_client(asker).post(
        reverse("community:ask_post"),
        {"topic": topic.pk, "title": "court", "body": "x", "return_to": "https://evil.example/"},
    )
    assert response.status_code == 302 and response.url == reverse("community:ask")


def test_agent_promotes_a_solved_thread_from_the_page(thread, asker, helper, agent):
    pytest.importorskip("relais.knowledge.actions")
    answer = make_answer(Poster(member=helper), thread, "Suivez le colis dans Mes commandes.")
    accept_answer(Poster(member=asker), answer)
    staff = console_client(agent)
    page = staff.get(reverse("community:thread", args=[thread.pk])).content.decode()
    assert 'data-testid="promote"' in page
    staff.post(reverse("community:moderate_thread", args=[thread.pk]), {"action": "promote"})
    assert Thread.objects.get(pk=thread.pk).article_id is not None


def test_a_member_cannot_promote_from_the_page(thread, asker):
    response = member_client(asker).post(
        reverse("community:moderate_thread", args=[thread.pk]), {"action": "promote"}
    )
    assert response.status_code == 403
    assert Thread.objects.get(pk=thread.pk).article_id is None


def test_sign_in_returns_to_the_page_asked_from(client, thread):
    token = sign_in_token("back@example.com", "Back")
    path = reverse("community:thread", args=[thread.pk])
    url = reverse("community:sign_in_confirm", args=[token])
    assert f'value="{path}"' in client.get(url, {"next": path}).content.decode()
    assert client.post(url, {"next": path}).url == path


def test_sign_in_never_returns_off_site(client):
    token = sign_in_token("back@example.com", "Back")
    url = reverse("community:sign_in_confirm", args=[token])
    response = client.post(url, {"next": "https://evil.example/"})
    assert response.url == reverse("community:index")
