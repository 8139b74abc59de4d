"""End to end in a real Chromium: a visitor searches the help center, opens an
article and rates it."""

import pytest
from playwright.sync_api import expect

from relais.core.models import Event
from relais.knowledge.actions import create_article
from relais.knowledge.models import ArticleFeedback

pytestmark = pytest.mark.browser


@pytest.fixture
def help_articles(transactional_db):
    create_article(
        title="Annuler ma commande",
        body="Depuis **Mon compte**, cliquez sur *Annuler* avant l'expédition.",
        locale="fr",
        status="published",
        questions=["comment annuler une commande"],
    )
    create_article(
        title="Geste commercial", body="Interne.", locale="fr", status="published",
        visibility="internal",
    )  # fmt: skip


def test_visitor_searches_opens_and_rates_an_article(help_articles, live_server_url, new_page):
    page = new_page()
    page.goto(f"{live_server_url}/help/")
    expect(page).to_have_url(f"{live_server_url}/help/fr/")
    page.get_by_label("Rechercher dans le centre d'aide").fill("annuler commande")
    page.keyboard.press("Enter")
    results = page.locator("[data-testid=help-result]")
    expect(results).to_have_count(1)
    results.first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Annuler ma commande")
    page.get_by_label("Commentaire (facultatif)").fill("Très clair")
    page.locator("[data-testid=help-helpful-yes]").click()
    expect(page.locator("[data-testid=help-feedback-done]")).to_be_visible()
    expect(page.locator("[data-testid=help-flash]")).to_contain_text("Merci")

    feedback = ArticleFeedback.objects.get()
    assert feedback.helpful and feedback.comment == "Très clair"
    kinds = list(Event.objects.filter(kind__startswith="help.").values_list("kind", flat=True))
    assert kinds == [
        "help.searched",
        "help.result_clicked",
        "help.article_viewed",
        "help.article_rated",
        "help.article_viewed",
    ]
    visitors = {e.data["visitor"] for e in Event.objects.filter(kind__startswith="help.")}
    assert len(visitors) == 1
