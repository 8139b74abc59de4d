"""End to end in a real Chromium: an agent inserts a saved reply, by the
picker and by typing its /shortcut, and sends it."""

import pytest
from playwright.sync_api import expect

from relais.conversations.models import Message
from relais.replies.actions import SavedReplyFields, create_saved_reply
from tests.browser.test_live_chat import log_in
from tests.factories import make_agent, make_conversation, make_inbox, make_team

pytestmark = pytest.mark.browser


def test_agent_inserts_a_saved_reply_rendered_for_the_chat(live_server_url, new_page):
    inbox = make_inbox("webchat", name="Chat boutique")
    agent = make_agent(
        teams=[make_team("Service", inboxes=[inbox])], email="lea@example.com", name="Léa Dubois"
    )
    conversation = make_conversation(inbox, "Où est mon colis ?", contact_name="Claire Dubois")
    create_saved_reply(
        agent,
        SavedReplyFields(
            title="Suivi",
            shortcut="suivi",
            body="Bonjour {{ contact.name }}, voici le suivi.",
            body_short="Salut {{ contact.first_name }}, le suivi est dans Mes commandes 📦",
        ),
    )
    create_saved_reply(
        agent, SavedReplyFields(title="Signature", shortcut="sig", body="— {{ agent.first_name }}")
    )
    page = new_page()
    log_in(page, live_server_url, agent.email)
    page.goto(f"{live_server_url}/c/{conversation.pk}/")

    page.select_option("[data-testid=saved-reply-select]", label="Suivi (/suivi)")
    page.click("[data-testid=saved-reply-insert]")
    box = page.locator("[data-testid=reply-input]")
    expect(box).to_have_value("Salut Claire, le suivi est dans Mes commandes 📦")

    box.press("End")
    box.press_sequentially(" /sig")
    box.press("Tab")
    expect(box).to_have_value("Salut Claire, le suivi est dans Mes commandes 📦 — Léa")

    page.click("[data-testid=reply-send]")
    expect(page.locator("[data-testid=timeline]")).to_contain_text("— Léa")
    assert Message.objects.filter(body__endswith="— Léa", conversation=conversation).exists()
