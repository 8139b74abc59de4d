"""End to end in a real Chromium: widget on the demo shop ↔ agent console, live."""

import re

import pytest
from playwright.sync_api import expect

from relais.accounts.models import Presence
from tests.factories import PASSWORD, make_agent, make_inbox, make_team

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def chat_setup(transactional_db):
    inbox = make_inbox("webchat", name="Chat boutique")
    team = make_team("Service client", inboxes=[inbox])
    agent = make_agent(
        teams=[team], email="lea@example.com", name="Léa Dubois", presence=Presence.ONLINE
    )
    return inbox, agent


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(\?.*)?$"))


def test_visitor_message_reaches_open_console_and_reply_reaches_visitor(
    chat_setup, live_server_url, new_page
):
    _, agent = chat_setup
    console = new_page()
    log_in(console, live_server_url, agent.email)
    console.goto(f"{live_server_url}/?view=all")
    expect(console.locator("[data-testid=conversation-row]")).to_have_count(0)

    shop = new_page()
    shop.goto(f"{live_server_url}/demo/shop/")
    shop.click("[data-testid=relais-launcher]")
    widget = shop.frame_locator("#relais-frame")
    widget.locator("[data-testid=widget-input]").fill("Bonjour, où en est ma commande 1234 ?")
    widget.locator("[data-testid=widget-send]").click()

    # The new conversation appears in the already-open console, without reload.
    row = console.locator("[data-testid=conversation-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("commande 1234")
    row.first.click()
    timeline = console.locator("[data-testid=timeline]")
    expect(timeline.locator("[data-testid=message]")).to_contain_text(
        ["où en est ma commande 1234"]
    )

    console.fill("[data-testid=reply-input]", "Elle part aujourd'hui, bonne journée !")
    console.click("[data-testid=reply-send]")
    expect(widget.locator("[data-testid=widget-message][data-direction=out]")).to_contain_text(
        ["Elle part aujourd'hui"]
    )

    # The customer writes again: it lands live in the open conversation view.
    widget.locator("[data-testid=widget-input]").fill("Merci beaucoup")
    widget.locator("[data-testid=widget-send]").click()
    expect(timeline.locator("[data-testid=message]").last).to_contain_text("Merci beaucoup")


def test_html_in_a_chat_message_stays_inert_text_in_widget_and_console(
    chat_setup, live_server_url, new_page
):
    _, agent = chat_setup
    shop = new_page()
    shop.goto(f"{live_server_url}/demo/shop/")
    shop.click("[data-testid=relais-launcher]")
    widget = shop.frame_locator("#relais-frame")
    widget.locator("[data-testid=widget-input]").fill(HOSTILE)
    widget.locator("[data-testid=widget-send]").click()
    expect(widget.locator("[data-testid=widget-message]").last).to_have_text(HOSTILE)

    console = new_page()
    log_in(console, live_server_url, agent.email)
    console.goto(f"{live_server_url}/?view=all")
    console.locator("[data-testid=conversation-row]").first.click()
    expect(console.locator("[data-testid=message]").last).to_contain_text(HOSTILE)

    assert console.evaluate("window.__pwned") is None
    frame = next(f for f in shop.frames if "/frame/" in f.url)
    assert frame.evaluate("window.__pwned") is None
    assert shop.evaluate("window.__pwned") is None


def test_console_picks_up_a_status_the_worker_set_without_a_realtime_event(
    chat_setup, live_server_url, new_page
):
    """One machine without Redis: the worker's 'sent' cannot be pushed to the
    server's websockets, so the page looks again at messages still queued."""
    from relais.conversations.models import DeliveryStatus, Direction, Message
    from tests.factories import make_conversation

    inbox, agent = chat_setup
    conversation = make_conversation(inbox, "Bonjour")
    queued = Message.objects.create(
        conversation=conversation,
        inbox=inbox,
        direction=Direction.OUTBOUND,
        author=agent,
        body="Je regarde.",
        status=DeliveryStatus.QUEUED,
    )
    console = new_page(locale="en-US")
    log_in(console, live_server_url, agent.email)
    console.goto(f"{live_server_url}/c/{conversation.pk}/")
    shown = console.locator(f'[data-message-id="{queued.pk}"]')
    expect(shown).to_have_attribute("data-status", "queued")
    # What the worker does in its own process: no event reaches this server.
    Message.objects.filter(pk=queued.pk).update(status=DeliveryStatus.SENT)
    expect(shown).to_have_attribute("data-status", "sent")
