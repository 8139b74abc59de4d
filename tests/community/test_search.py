"""Ranked forum search: stems and accents, best first, never a hidden thread."""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from relais.community import search
from relais.community.actions import Poster, ask_question
from relais.community.models import Post, Thread
from relais.community.moderation import delete_post, set_post_hidden
from relais.community.queries import ThreadFilter, list_threads
from relais.community.search import search_thread_ids
from tests.community.conftest import make_answer, make_thread
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db


def titles(query: str, *, include_hidden: bool = False, **filters) -> list[str]:
    page = list_threads(ThreadFilter(query=query, **filters), include_hidden=include_hidden)
    return [thread.title for thread in page]


def test_a_query_finds_other_forms_of_its_words(asker, topic):
    make_thread(asker, topic, title="Rembourser ma commande ?", body="Elle est arrivée cassée.")
    make_thread(asker, topic, title="Changer mon adresse", body="Je déménage.")
    assert titles("remboursement commande") == ["Rembourser ma commande ?"]
    assert titles("REMBOURSEMENTS") == ["Rembourser ma commande ?"]
    assert titles("demenagement") == ["Changer mon adresse"]  # accents folded


def test_results_come_best_first(asker, helper, topic):
    in_an_answer = make_thread(asker, topic, title="Colis abîmé", body="Que faire ?")
    make_answer(Poster(member=helper), in_an_answer, "Demandez un remboursement au service.")
    make_thread(asker, topic, title="Remboursement d'une commande", body="Remboursement partiel ?")
    make_thread(asker, topic, title="Suivi de commande", body="Où est mon colis ?")
    found = titles("remboursement commande")
    assert found[0] == "Remboursement d'une commande"
    assert set(found[1:]) == {"Colis abîmé", "Suivi de commande"}


def test_hidden_threads_and_answers_never_show_to_readers(asker, helper, topic, agent):
    hidden = make_thread(asker, topic, title="Remboursement refusé", body="Pourquoi ?")
    shown = make_thread(asker, topic, title="Question de livraison", body="Bonjour")
    spam = make_answer(Poster(member=helper), shown, "remboursement pas cher ici")
    assert set(titles("remboursement")) == {"Remboursement refusé", "Question de livraison"}
    set_post_hidden(agent, hidden.posts.get(is_question=True), True)
    set_post_hidden(agent, spam, True)
    assert titles("remboursement") == []
    assert set(titles("remboursement", include_hidden=True)) == {
        "Remboursement refusé",
        "Question de livraison",
    }


def test_a_thread_hidden_after_the_index_was_built_is_filtered_out(asker, topic):
    thread = make_thread(asker, topic, title="Remboursement express", body="Bonjour")
    assert titles("remboursement") == ["Remboursement express"]
    Thread.objects.filter(pk=thread.pk).update(is_hidden=True)  # no post changes
    assert titles("remboursement") == []


def test_new_and_deleted_posts_reach_the_index(asker, helper, topic, agent):
    thread = make_thread(asker, topic, title="Carte cadeau", body="Bonjour")
    assert search_thread_ids("expirée", include_hidden=False) == []
    answer = make_answer(Poster(member=helper), thread, "Une carte expirée se prolonge.")
    assert search_thread_ids("expirée", include_hidden=False) == [thread.pk]
    delete_post(agent, answer)
    assert search_thread_ids("expirée", include_hidden=False) == []


def test_search_keeps_the_topic_and_unanswered_filters(asker, helper, topic):
    from relais.community.models import Topic

    other = Topic.objects.create(name="Retours", slug="retours")
    answered = make_thread(asker, topic, title="Remboursement livraison", body="?")
    make_answer(Poster(member=helper), answered)
    make_thread(asker, other, title="Remboursement retour", body="?")
    assert titles("remboursement", topic_slug="retours") == ["Remboursement retour"]
    assert titles("remboursement", sort="unanswered") == ["Remboursement retour"]


def test_an_empty_or_unknown_query_finds_nothing_to_rank(asker, topic):
    make_thread(asker, topic, title="Rembourser ma commande ?")
    assert search_thread_ids("   ", include_hidden=False) == []
    assert titles("xylophone") == []
    assert titles("") == ["Rembourser ma commande ?"]  # no query: the plain list


def test_search_pages_stay_in_a_few_queries(client, asker, topic, django_assert_max_num_queries):
    poster = Poster(member=asker, trusted=True)  # past the posting limit
    for n in range(30):
        ask_question(poster, topic_id=topic.pk, title=f"Remboursement numéro {n}", body="Bonjour")
    client.get(reverse("community:index"), {"q": "remboursement"})  # builds the index
    with django_assert_max_num_queries(6):
        page = client.get(reverse("community:index"), {"q": "remboursement", "page": 2})
    assert page.content.decode().count('<li class="thread-row') == 10


def test_moderators_search_hidden_threads_through_the_page(client, asker, topic, agent):
    thread = make_thread(asker, topic, title="Remboursement caché", body="Bonjour")
    set_post_hidden(agent, Post.objects.get(thread=thread, is_question=True), True)
    search = {"q": "rembourser"}
    assert (
        "Remboursement caché" in console_client(agent).get("/community/", search).content.decode()
    )
    assert "Remboursement caché" not in client.get("/community/", search).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_slow_index_is_rebuilt_in_the_background_while_searches_use_the_last_one(
    asker, topic, monkeypatch
):
    monkeypatch.setattr(search, "SYNC_REBUILD_SECONDS", -1.0)  # every build counts as slow
    make_thread(asker, topic, title="Remboursement express", body="Bonjour")
    assert titles("remboursement") == ["Remboursement express"]  # the first build waits
    make_thread(asker, topic, title="Remboursement partiel", body="Bonjour")
    # The stale index answers at once; the rebuild runs meanwhile.
    assert titles("remboursement") == ["Remboursement express"]
    for worker in threading.enumerate():
        if worker.name == "forum-index":
            worker.join(timeout=30)
    assert set(titles("remboursement")) == {"Remboursement express", "Remboursement partiel"}


@pytest.mark.django_db(transaction=True)
def test_a_search_during_a_background_rebuild_does_not_wait_for_it(asker, topic, monkeypatch):
    monkeypatch.setattr(search, "SYNC_REBUILD_SECONDS", -1.0)
    make_thread(asker, topic, title="Remboursement express", body="Bonjour")
    assert titles("remboursement") == ["Remboursement express"]
    release, building = threading.Event(), threading.Event()
    real_build = search.build_index

    def held_build(documents, **options):
        building.set()
        release.wait(30)  # the rebuild holds on until the searches are done
        return real_build(documents, **options)

    monkeypatch.setattr(search, "build_index", held_build)
    make_thread(asker, topic, title="Remboursement partiel", body="Bonjour")
    assert titles("remboursement") == ["Remboursement express"]  # starts the rebuild
    assert building.wait(30)
    found: list[list[str]] = []

    def search_meanwhile() -> None:
        found.append(titles("remboursement"))
        connections.close_all()  # this thread's own connection

    searcher = threading.Thread(target=search_meanwhile)
    searcher.start()
    searcher.join(timeout=20)  # a search waiting on the build would still be blocked
    blocked = searcher.is_alive()
    release.set()
    searcher.join()
    for worker in threading.enumerate():
        if worker.name == "forum-index":
            worker.join(timeout=30)
    assert not blocked and found == [["Remboursement express"]]
    assert set(titles("remboursement")) == {"Remboursement express", "Remboursement partiel"}
