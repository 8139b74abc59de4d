"""The public help center: only published public articles, in two languages,
with the Events the self-care KPIs count."""

import pytest
from django.test import Client

from relais.core.models import Event
from relais.knowledge.actions import create_article, create_category, link_translation
from relais.knowledge.models import ArticleFeedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(db):
    orders = create_category(name="Commandes", locale="fr")
    cancel = create_article(
        title="Annuler ma commande",
        body="Depuis **Mon compte**, cliquez sur *Annuler* avant l'expédition.",
        locale="fr",
        status="published",
        category=orders,
        questions=["comment annuler une commande"],
    )
    create_article(
        title="Modifier ma commande",
        body="Une commande se modifie tant qu'elle n'est pas expédiée.",
        locale="fr",
        status="published",
        category=orders,
    )
    internal = create_article(
        title="Gestes commerciaux",
        body="Jusqu'à 20 € de bon d'achat sans validation.",
        locale="fr",
        status="published",
        visibility="internal",
        category=orders,
    )
    draft = create_article(title="Brouillon", body="Pas encore.", locale="fr", category=orders)
    english = create_article(
        title="Cancel my order", body="From **My account**, click *Cancel*.", locale="en",
        status="published",
    )  # fmt: skip
    link_translation(cancel, english)
    return {"cancel": cancel, "internal": internal, "draft": draft, "english": english}


def visitor() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="fr")


def test_root_redirects_to_the_browser_language_or_lang_parameter():
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/help/").url == "/help/en/"
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/help/?lang=fr").url == "/help/fr/"
    assert visitor().get("/help/fr/?lang=en").url == "/help/en/"
    assert visitor().get("/help/de/").status_code == 404


def test_home_lists_topics_with_public_articles_only(articles):
    page = visitor().get("/help/fr/").content.decode()
    assert "Commandes" in page and "Annuler ma commande" in page
    assert "Gestes commerciaux" not in page and "Brouillon" not in page
    assert '<html lang="fr">' in page


def test_english_pages_are_in_english(articles):
    page = visitor().get("/help/en/").content.decode()
    assert '<html lang="en">' in page
    assert "How can we help?" in page and "Cancel my order" in page
    assert "Comment pouvons-nous vous aider" in visitor().get("/help/fr/").content.decode()


def test_internal_and_draft_articles_are_404_whatever_the_url(articles):
    client = visitor()
    for article in (articles["internal"], articles["draft"]):
        assert client.get(f"/help/fr/a/{article.slug}/").status_code == 404
        assert (
            client.post(f"/help/fr/a/{article.slug}/rate/", {"helpful": "yes"}).status_code == 404
        )
    # A public article in the wrong language's URL is not found either.
    assert client.get(f"/help/en/a/{articles['cancel'].slug}/").status_code == 404


def test_article_page_is_indexable_and_links_its_translation(articles):
    response = visitor().get("/help/fr/a/annuler-ma-commande/")
    page = response.content.decode()
    assert "<strong>Mon compte</strong>" in page
    assert '<link rel="canonical" href="http://testserver/help/fr/a/annuler-ma-commande/">' in page
    assert 'hreflang="en" href="http://testserver/help/en/a/cancel-my-order/"' in page
    assert '<meta name="description" content="Depuis Mon compte, cliquez' in page
    assert 'data-testid="help-translation"' in page and "Read in English" in page
    assert "Modifier ma commande" in page  # related
    assert response.cookies["relais_help_visitor"]["httponly"]


def test_a_script_in_markdown_never_reaches_the_page(db):
    create_article(
        title="Piège",
        body="<script>alert(1)</script>\n\n[clic](javascript:alert(2))\n"
        "<img src=x onerror=alert(3)>",
        locale="fr",
        status="published",
    )
    page = visitor().get("/help/fr/a/piege/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page and "<img src=x" not in page


def test_article_view_appends_an_event_with_the_visitor(articles):
    client = visitor()
    client.get("/help/fr/")
    client.get("/help/fr/a/annuler-ma-commande/")
    event = Event.objects.get(kind="help.article_viewed")
    assert event.data["article_id"] == articles["cancel"].pk
    assert event.data["visitor"] == client.cookies["relais_help_visitor"].value.split(":")[0]
    assert event.data["locale"] == "fr"


def test_search_counts_results_and_clicks(articles):
    client = visitor()
    page = client.get("/help/fr/search/", {"q": "annuler commande"}).content.decode()
    assert "Annuler ma commande" in page and "Gestes commerciaux" not in page
    searched = Event.objects.get(kind="help.searched")
    assert searched.data["query"] == "annuler commande" and searched.data["results"] >= 1
    client.get(f"/help/fr/a/annuler-ma-commande/?search={searched.pk}&rank=1")
    clicked = Event.objects.get(kind="help.result_clicked")
    assert clicked.data == {
        "article_id": articles["cancel"].pk,
        "search_event_id": searched.pk,
        "rank": 1,
        "visitor": searched.data["visitor"],
        "locale": "fr",
        "page_url": "/help/fr/a/annuler-ma-commande/",
    }


def test_home_shows_the_top_questions_and_counts_their_clicks(articles):
    page = visitor().get("/help/fr/").content.decode()
    assert 'data-testid="help-faq"' in page
    assert f'href="/help/fr/a/{articles["cancel"].slug}/?faq=' in page
    visitor().get(f"/help/fr/a/{articles['cancel'].slug}/?faq=2")
    clicked = Event.objects.get(kind="help.faq_clicked")
    assert clicked.data["article_id"] == articles["cancel"].pk and clicked.data["rank"] == 2


def test_search_without_answer_is_counted_and_offers_contact(articles):
    page = visitor().get("/help/fr/search/", {"q": "zzzz introuvable"}).content.decode()
    assert Event.objects.get(kind="help.searched").data["results"] == 0
    assert "contact" in page.lower()
    assert "Gestes" not in visitor().get("/help/fr/search/", {"q": "gestes bon"}).content.decode()


def test_contact_us_is_counted_then_leads_to_the_contact_form(articles):
    from tests.factories import make_email_inbox

    inbox = make_email_inbox()
    response = visitor().get(f"/help/fr/contact/?article={articles['cancel'].pk}")
    assert response.url == f"/contact/{inbox.public_key}/"
    assert Event.objects.get(kind="help.escalated").data["article_id"] == articles["cancel"].pk


def test_a_visitor_rates_an_article_once(articles):
    client = visitor()
    client.get("/help/fr/a/annuler-ma-commande/")
    url = "/help/fr/a/annuler-ma-commande/rate/"
    response = client.post(url, {"helpful": "no", "comment": "Pas clair"}, follow=True)
    assert "Thank you" in response.content.decode() or "Merci" in response.content.decode()
    client.post(url, {"helpful": "yes"})
    feedback = ArticleFeedback.objects.get()
    assert (feedback.helpful, feedback.comment) == (False, "Pas clair")
    assert Event.objects.filter(kind="help.article_rated").count() == 1
    assert 'data-testid="help-feedback-done"' in client.get(url[: -len("rate/")]).content.decode()
    # Another visitor may vote.
    visitor().post(url, {"helpful": "yes"})
    assert ArticleFeedback.objects.count() == 2


def test_rating_needs_a_choice_and_csrf(articles):
    url = "/help/fr/a/annuler-ma-commande/rate/"
    assert visitor().post(url, {"helpful": "maybe"}).status_code == 400
    assert Client(enforce_csrf_checks=True).post(url, {"helpful": "yes"}).status_code == 403
    assert not ArticleFeedback.objects.exists()


def test_rating_is_rate_limited_per_client(articles, monkeypatch):
    monkeypatch.setattr("relais.knowledge.actions.RATINGS_PER_HOUR", 2)
    url = "/help/fr/a/annuler-ma-commande/rate/"
    assert visitor().post(url, {"helpful": "yes"}).status_code == 302
    assert visitor().post(url, {"helpful": "yes"}).status_code == 302
    assert visitor().post(url, {"helpful": "yes"}).status_code == 429
    assert ArticleFeedback.objects.count() == 2


def test_sitemap_lists_public_articles_in_both_languages(articles):
    response = visitor().get("/help/sitemap.xml")
    assert response["content-type"] == "application/xml"
    body = response.content.decode()
    assert "http://testserver/help/fr/a/annuler-ma-commande/" in body
    assert "http://testserver/help/en/a/cancel-my-order/" in body
    assert "gestes" not in body and "brouillon" not in body


def test_category_page(articles):
    page = visitor().get("/help/fr/c/commandes/").content.decode()
    assert "Modifier ma commande" in page and "Gestes" not in page
    assert visitor().get("/help/fr/c/nope/").status_code == 404


def test_pages_take_a_fixed_number_of_queries(articles, django_assert_num_queries):
    for n in range(10):
        create_article(
            title=f"Article {n}", body="Texte de commande.", locale="fr", status="published"
        )
    client = visitor()
    client.get("/help/fr/a/annuler-ma-commande/")  # builds the index, sets the cookie
    # article + translations + index stamp + related + already rated + event
    with django_assert_num_queries(6):
        client.get("/help/fr/a/annuler-ma-commande/")
    # stamp + results + event
    with django_assert_num_queries(3):
        client.get("/help/fr/search/", {"q": "commande"})
    # FAQ (contexts, rankings, newest for the cold start) + categories + latest
    with django_assert_num_queries(5):
        client.get("/help/fr/")
