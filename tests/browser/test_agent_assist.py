"""End to end in a real Chromium: an agent inserts a help-center link into
their reply from the assist panel of the conversation page."""

import pytest
from playwright.sync_api import expect

from relais.core.models import Event
from relais.knowledge.actions import create_article
from tests.browser.test_live_chat import log_in
from tests.factories import make_agent, make_conversation, make_inbox, make_team

pytestmark = pytest.mark.browser


@pytest.fixture
def assist_setup(transactional_db):
    inbox = make_inbox("webchat", name="Chat boutique")
    make_agent(teams=[make_team("Service client", inboxes=[inbox])], email="lea@example.com")
    conversation = make_conversation(inbox, "Bonjour, mon colis n'est pas arrivé")
    article = create_article(
        title="Suivre mon colis",
        body="Le suivi du colis est dans *Mes commandes*.",
        locale="fr",
        status="published",
        questions=["colis pas arrivé"],
    )
    create_article(
        title="Colis perdu : geste commercial", body="Bon d'achat de 20 € pour un colis perdu.",
        locale="fr", status="published", visibility="internal",
    )  # fmt: skip
    return conversation, article


def test_agent_inserts_an_article_link_from_the_assist_panel(
    assist_setup, live_server_url, new_page
):
    conversation, article = assist_setup
    page = new_page()
    log_in(page, live_server_url, "lea@example.com")
    page.goto(f"{live_server_url}/c/{conversation.pk}/")
    panel = page.locator("[data-testid=assist-panel]")
    item = panel.locator(f"[data-testid=assist-article][data-article-id='{article.pk}']")
    expect(item).to_be_visible()
    expect(panel.locator("[data-testid=assist-internal]")).to_have_count(1)
    page.locator("[data-testid=reply-input]").fill("Bonjour, voici le suivi :")
    item.locator("[data-testid=assist-insert-link]").click()
    expected = f"Bonjour, voici le suivi : {live_server_url}/help/fr/a/{article.slug}/"
    expect(page.locator("[data-testid=reply-input]")).to_have_value(expected)

    event = Event.objects.get(kind="assist.article_inserted")
    assert event.conversation_id == conversation.pk and event.data["mode"] == "link"
