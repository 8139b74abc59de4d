"""End to end in a real Chromium: the demo shop's widget opens on the helpbox,
the visitor searches the help center, then talks to the bot, which answers or,
with no agent available, hands over and asks for an e-mail address."""

import pytest
from playwright.sync_api import expect

from relais.contacts.models import Contact
from relais.core.models import Event
from relais.knowledge.actions import create_article
from tests.factories import make_inbox
from tests.waiting import wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def self_care(transactional_db):
    inbox = make_inbox(
        "webchat", name="Chat boutique", help_mode=True, bot={"enabled": True, "name": "Robin"}
    )
    create_article(
        title="Annuler ma commande", body="Depuis votre compte, tant qu'elle n'est pas expédiée.",
        locale="fr", status="published", questions=["je veux annuler ma commande"],
    )  # fmt: skip
    create_article(
        title="Suivre ma commande", body="Le lien de suivi est dans l'e-mail d'expédition.",
        locale="fr", status="published", questions=["où est mon colis"],
    )  # fmt: skip
    return inbox


def test_visitor_searches_then_the_bot_answers(self_care, live_server_url, new_page):
    shop = new_page()
    shop.goto(f"{live_server_url}/demo/shop/")
    shop.click("[data-testid=relais-launcher]")
    widget = shop.frame_locator("#relais-frame")

    # Suggestions for the page first, and no chat yet.
    expect(widget.locator("[data-testid=helpbox-suggestion]")).to_have_count(2)
    expect(widget.locator("[data-testid=widget-input]")).to_be_hidden()

    widget.locator("[data-testid=helpbox-query]").fill("où est mon colis")
    widget.locator("[data-testid=helpbox-query]").press("Enter")
    result = widget.locator("[data-testid=helpbox-result]").first
    expect(result).to_have_text("Suivre ma commande")
    expect(result).to_have_attribute("href", "/help/fr/a/suivre-ma-commande/")
    with shop.context.expect_page() as article_tab:
        result.click()  # the article opens in a tab; the click is counted
    expect(article_tab.value.locator("h1")).to_have_text("Suivre ma commande", timeout=10_000)
    article_tab.value.close()

    widget.locator("[data-testid=helpbox-talk]").click()
    expect(widget.locator("[data-testid=helpbox]")).to_be_hidden()
    widget.locator("[data-testid=widget-input]").fill("Je veux annuler ma commande")
    widget.locator("[data-testid=widget-send]").click()

    answer = widget.locator("[data-testid=widget-message][data-direction=out]").last
    expect(answer).to_contain_text("Annuler ma commande")
    expect(answer).to_contain_text("/help/fr/a/annuler-ma-commande/")
    buttons = widget.locator("[data-testid=widget-quick-reply]")
    expect(buttons).to_have_text(["Oui", "Non", "Parler à une personne"])

    buttons.first.click()  # "Oui": the bot thanks and the buttons go
    expect(widget.locator("[data-testid=widget-message][data-direction=out]").last).to_contain_text(
        "Ravi"
    )
    expect(buttons).to_have_count(0)
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"helpbox.opened", "helpbox.searched", "helpbox.escalated"} <= kinds
    click = Event.objects.get(kind="helpbox.article_clicked")
    searched = Event.objects.get(kind="helpbox.searched")
    assert click.data["source"] == "search" and click.data["search_event_id"] == searched.pk
    assert {"bot.answered", "bot.feedback"} <= kinds


def test_nobody_available_the_bot_hands_over_and_asks_for_an_email(
    self_care, live_server_url, new_page
):
    shop = new_page()
    shop.goto(f"{live_server_url}/demo/shop/")
    shop.click("[data-testid=relais-launcher]")
    widget = shop.frame_locator("#relais-frame")
    widget.locator("[data-testid=helpbox-talk]").click()
    expect(widget.locator("[data-testid=widget-offline]")).to_be_hidden()  # the bot is on
    widget.locator("[data-testid=widget-input]").fill("Je veux parler à un conseiller")
    widget.locator("[data-testid=widget-send]").click()

    handover = widget.locator("[data-testid=widget-message][data-direction=out]").last
    expect(handover).to_contain_text("Nos conseillers sont absents pour le moment")
    expect(widget.locator("[data-testid=widget-offline]")).to_be_visible()
    widget.locator("[data-testid=widget-input]").fill("Rappelez-moi, merci")
    widget.locator("[data-testid=widget-send]").click()
    expect(widget.locator("#notice")).to_contain_text("adresse e-mail")  # required now

    widget.locator("[data-testid=widget-email]").fill("camille@example.com")
    widget.locator("[data-testid=widget-send]").click()
    expect(widget.locator(".widget-system")).to_contain_text("Merci")
    expect(widget.locator("[data-testid=widget-offline]")).to_be_hidden()
    wait_until(
        lambda: Contact.objects.filter(email="camille@example.com").exists(),
        "the e-mail on the contact",
    )
