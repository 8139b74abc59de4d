"""End to end in a real Chromium: once WhatsApp's 24-hour window has closed,
the agent cannot type free text and sends an approved template instead; the
fake Cloud API receives the template call."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from relais.connectors.base import IdentityRef
from relais.conversations.models import DeliveryStatus, Direction, Message
from tests.browser.test_live_chat import log_in
from tests.connectors.conftest import fake_provider as fake_provider  # noqa: F401
from tests.connectors.fake_provider import Reply
from tests.factories import make_agent, make_conversation, make_inbox, make_team
from tests.waiting import wait_until

pytestmark = pytest.mark.browser

PHONE_NUMBER_ID = "106540352242922"
MESSAGES = f"/v21.0/{PHONE_NUMBER_ID}/messages"


def test_agent_sends_a_template_once_the_window_has_closed(
    live_server_url, new_page, fake_provider
):
    fake_provider.on(
        "POST",
        MESSAGES,
        Reply(json={"messaging_product": "whatsapp", "messages": [{"id": "wamid.T1"}]}),
    )
    inbox = make_inbox(
        "whatsapp",
        name="WhatsApp boutique",
        phone_number_id=PHONE_NUMBER_ID,
        access_token="EAAG-token",
        app_secret="wa-app-secret",
        verify_token="verify-me-123",
        api_base_url=fake_provider.url,
        api_version="v21.0",
        templates=[
            {
                "name": "suivi_commande",
                "language": "fr",
                "parameters": ["prénom", "commande"],
                "preview": "Bonjour {{1}}, votre commande {{2}} est en route.",
            }
        ],
    )
    agent = make_agent(teams=[make_team("WhatsApp", inboxes=[inbox])], email="lea@example.com")
    conversation = make_conversation(
        inbox, "Mon colis ?", identities=[IdentityRef("phone", "+33612345678")]
    )
    Message.objects.filter(conversation=conversation).update(
        created_at=timezone.now() - timedelta(hours=25)
    )

    page = new_page()
    log_in(page, live_server_url, agent.email)
    page.goto(f"{live_server_url}/c/{conversation.pk}/")
    expect(page.locator("[data-testid=reply-text-disabled]")).to_be_visible()
    expect(page.locator("[data-testid=reply-input]")).to_be_disabled()
    expect(page.locator("[data-testid=template-fields]")).to_be_hidden()

    page.select_option("[data-testid=template-select]", value="suivi_commande:fr")
    fields = page.locator("[data-testid=template-param]")
    expect(fields.first).to_be_visible()
    fields.nth(0).fill("Camille")
    fields.nth(1).fill("CMD-1001")
    page.click("[data-testid=reply-send]")

    expect(page.locator("[data-testid=timeline]")).to_contain_text(
        "Bonjour Camille, votre commande CMD-1001 est en route."
    )
    [call] = sent_calls(fake_provider)
    assert call.json()["type"] == "template"
    assert call.json()["template"] == {
        "name": "suivi_commande",
        "language": {"code": "fr"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Camille"},
                    {"type": "text", "text": "CMD-1001"},
                ],
            }
        ],
    }
    # The task records the outcome once the provider has answered.
    sent = wait_until(
        lambda: (
            Message.objects.exclude(status=DeliveryStatus.QUEUED)
            .filter(conversation=conversation, direction=Direction.OUTBOUND)
            .first()
        ),
        "the template's delivery to be recorded",
    )
    assert sent.status == DeliveryStatus.SENT and sent.provider_message_id == "wamid.T1"


def sent_calls(provider):
    """The send runs in a task after the page's request commits: wait for it."""
    return wait_until(lambda: provider.requests_to(MESSAGES, "POST"), "the template call")
