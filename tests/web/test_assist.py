"""Agent assist on the conversation page: articles for the conversation from
the agents' index (internal ones marked), search, insertion, access."""

import json

import pytest

from relais.core.models import Event
from relais.knowledge.actions import create_article
from relais.knowledge.assist import conversation_query, plain_text, suggest_articles
from tests.factories import make_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb():
    return {
        "delivery": create_article(
            title="Suivre ma livraison",
            body="Votre **colis** se suit depuis *Mes commandes*."
            "\n\n- numéro de suivi\n- transporteur",
            locale="fr",
            status="published",
            questions=["où est mon colis", "commande pas arrivée"],
        ),
        "gesture": create_article(
            title="Geste commercial colis perdu",
            body="Pour un colis perdu, jusqu'à 20 € de bon d'achat.",
            locale="fr",
            status="published",
            visibility="internal",
        ),
        "draft": create_article(title="Colis brouillon", body="colis colis", locale="fr"),
        "returns": create_article(
            title="Retourner un article",
            body="Le retour est gratuit sous 30 jours.",
            locale="fr",
            status="published",
        ),  # fmt: skip
    }


@pytest.fixture
def conversation(inbox):
    return make_conversation(inbox, "Bonjour, mon colis n'est pas arrivé, il est perdu ?")


def test_the_query_is_the_subject_and_the_customers_latest_messages(conversation):
    assert "colis" in conversation_query(conversation)


def test_suggestions_come_from_public_and_internal_articles_marked(kb, conversation):
    suggestions = suggest_articles(conversation)
    by_id = {s.article_id: s for s in suggestions}
    assert kb["delivery"].pk in by_id and kb["gesture"].pk in by_id
    assert kb["draft"].pk not in by_id
    assert by_id[kb["delivery"].pk].is_public
    assert by_id[kb["delivery"].pk].help_path == f"/help/fr/a/{kb['delivery'].slug}/"
    assert not by_id[kb["gesture"].pk].is_public and by_id[kb["gesture"].pk].help_path == ""
    assert [s.rank for s in suggestions] == list(range(1, len(suggestions) + 1))


def test_plain_text_keeps_paragraphs_and_items_without_markup(kb):
    assert plain_text(kb["delivery"]) == (
        "Votre colis se suit depuis Mes commandes.\nnuméro de suivi\ntransporteur"
    )


def test_the_panel_is_a_fragment_with_a_search(
    console, kb, conversation, django_assert_max_num_queries
):
    console.get(f"/c/{conversation.pk}/assist/")  # builds the index
    with django_assert_max_num_queries(8):
        page = console.get(f"/c/{conversation.pk}/assist/").content.decode()
    assert "Suivre ma livraison" in page and 'data-testid="assist-internal"' in page
    assert page.count('data-testid="assist-insert-link"') == 1  # the public one only
    found = console.get(f"/c/{conversation.pk}/assist/", {"q": "retour gratuit"}).content.decode()
    assert "Retourner un article" in found and 'data-source="searched"' in found


def test_the_page_loads_the_panel_after_itself(console, conversation):
    page = console.get(f"/c/{conversation.pk}/").content.decode()
    assert f'hx-get="/c/{conversation.pk}/assist/"' in page and 'hx-trigger="load"' in page


def test_inserting_a_link_gives_the_help_center_address_and_is_counted(
    console, kb, conversation, agent
):
    response = console.post(
        f"/c/{conversation.pk}/assist/insert/",
        {"article": kb["delivery"].pk, "mode": "link", "source": "suggested", "rank": "1"},
    )
    assert response.status_code == 200
    assert json.loads(response.content)["text"] == (
        f"http://testserver/help/fr/a/{kb['delivery'].slug}/"
    )
    event = Event.objects.get(kind="assist.article_inserted")
    assert event.conversation_id == conversation.pk and event.actor_id == agent.pk
    assert event.data == {
        "article_id": kb["delivery"].pk, "visibility": "public", "locale": "fr",
        "mode": "link", "source": "suggested", "rank": 1,
    }  # fmt: skip


def test_inserting_the_text_of_an_internal_article(console, kb, conversation):
    response = console.post(
        f"/c/{conversation.pk}/assist/insert/", {"article": kb["gesture"].pk, "mode": "text"}
    )
    assert json.loads(response.content)["text"].startswith("Pour un colis perdu")


def test_refused_insertions_store_nothing(console, kb, conversation):
    url = f"/c/{conversation.pk}/assist/insert/"
    for data in (
        {"article": kb["gesture"].pk, "mode": "link"},  # internal: no public link
        {"article": kb["draft"].pk, "mode": "text"},
        {"article": "abc", "mode": "text"},
        {"article": kb["delivery"].pk, "mode": "email"},
    ):
        response = console.post(url, data)
        assert response.status_code == 400 and "error" in json.loads(response.content)
    assert console.get(url).status_code == 405
    assert not Event.objects.filter(kind="assist.article_inserted").exists()


def test_an_agent_who_cannot_see_the_conversation_gets_404(outsider, kb, conversation):
    from tests.web.conftest import console_client

    client = console_client(outsider)
    assert client.get(f"/c/{conversation.pk}/assist/").status_code == 404
    response = client.post(
        f"/c/{conversation.pk}/assist/insert/", {"article": kb["delivery"].pk, "mode": "link"}
    )
    assert response.status_code == 404
    assert not Event.objects.filter(kind="assist.article_inserted").exists()
