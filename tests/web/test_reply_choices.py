"""The reply box's channel choices: WhatsApp templates and reply buttons."""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from relais.connectors.base import IdentityRef
from relais.conversations.errors import InvalidInput
from relais.conversations.models import Direction, Message
from relais.web.reply_choices import reply_choices, template_text
from tests.factories import make_agent, make_conversation, make_inbox, make_team
from tests.web.conftest import console_client

TEMPLATE = {
    "name": "suivi_commande",
    "language": "fr",
    "parameters": ["prénom", "commande"],
    "preview": "Bonjour {{1}}, votre commande {{2}} est en route.",
}
KEY = "suivi_commande:fr"


@pytest.fixture
def whatsapp(db):
    inbox = make_inbox(
        "whatsapp",
        name="WhatsApp boutique",
        phone_number_id="106540352242922",
        access_token="EAAG-token",
        app_secret="secret",
        verify_token="verify-me-123",
        api_base_url="http://127.0.0.1:9",
        api_version="v21.0",
        templates=[TEMPLATE, {"name": "relance", "language": "fr", "parameters": []}],
    )
    make_team("WhatsApp", inboxes=[inbox])
    return inbox


@pytest.fixture
def conversation(whatsapp):
    return make_conversation(whatsapp, "Bonjour", identities=[IdentityRef("phone", "+33612345678")])


@pytest.fixture
def agent_console(whatsapp):
    return console_client(make_agent(teams=[whatsapp.teams.get()]))


def close_window(conversation):
    Message.objects.filter(conversation=conversation, direction=Direction.INBOUND).update(
        created_at=timezone.now() - timedelta(hours=25)
    )


def post_reply(client, conversation, data):
    return client.post(f"/c/{conversation.pk}/reply/", data, follow=True)


def sent(conversation):
    return Message.objects.filter(conversation=conversation, direction=Direction.OUTBOUND)


def test_closed_window_disables_the_text_and_offers_the_templates(conversation, agent_console):
    close_window(conversation)
    html = agent_console.get(f"/c/{conversation.pk}/").content.decode()
    assert 'data-testid="reply-text-disabled"' in html
    assert 'data-testid="reply-input" data-typing aria-describedby="saved-reply-hint"' in html
    assert f'value="{KEY}"' in html and f'name="template_param:{KEY}"' in html
    assert 'data-testid="reply-buttons"' not in html  # buttons need the open window


def test_open_window_offers_buttons_and_leaves_the_text_free(conversation, agent_console):
    html = agent_console.get(f"/c/{conversation.pk}/").content.decode()
    assert 'data-testid="reply-text-disabled"' not in html
    assert html.count('data-testid="reply-button"') == 3


def test_template_reply_carries_its_values_and_stores_the_filled_text(conversation, agent_console):
    close_window(conversation)
    response = post_reply(
        agent_console,
        conversation,
        {"template": KEY, f"template_param:{KEY}": ["Camille", "CMD-1001"]},
    )
    assert response.status_code == 200
    [message] = sent(conversation)
    assert message.metadata["template"] == {
        "name": "suivi_commande",
        "language": "fr",
        "parameters": ["Camille", "CMD-1001"],
    }
    assert message.body == "Bonjour Camille, votre commande CMD-1001 est en route."


def test_free_text_with_the_window_closed_is_refused_with_the_reason(conversation, agent_console):
    close_window(conversation)
    response = post_reply(agent_console, conversation, {"body": "Toujours là ?"})
    assert "24 hours" in response.content.decode()
    assert not sent(conversation).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"template": "inconnu:fr"},
        {"template": KEY, f"template_param:{KEY}": ["Camille"]},
        {"template": KEY, f"template_param:{KEY}": ["Camille", " "]},
        {"template": KEY, f"template_param:{KEY}": ["Camille", "x" * 1025]},
        # Values typed under another template do not count for this one.
        {"template": KEY, "template_param:relance:fr": ["Camille", "CMD-1001"]},
    ],
)
def test_unknown_template_or_missing_values_are_refused(conversation, agent_console, data):
    close_window(conversation)
    response = post_reply(agent_console, conversation, data)
    assert "Not done" in response.content.decode()
    assert not sent(conversation).exists()


def test_buttons_go_in_the_metadata(conversation, agent_console):
    data = {"body": "Votre colis est-il arrivé ?", "button": ["Oui", "Non", ""]}
    assert post_reply(agent_console, conversation, data).status_code == 200
    [message] = sent(conversation)
    assert message.metadata["buttons"] == [
        {"id": "button-1", "title": "Oui"},
        {"id": "button-2", "title": "Non"},
    ]


@pytest.mark.parametrize(
    "buttons",
    [["Un", "Deux", "Trois", "Quatre"], ["Un titre beaucoup trop long"], ["Oui", "Oui"]],
)
def test_too_many_long_or_repeated_buttons_are_refused(conversation, agent_console, buttons):
    response = post_reply(agent_console, conversation, {"body": "Alors ?", "button": buttons})
    assert "Not done" in response.content.decode()
    assert not sent(conversation).exists()


def test_template_and_buttons_together_are_refused(conversation, agent_console):
    data = {"template": "relance:fr", "button": ["Oui"], "body": "x"}
    response = post_reply(agent_console, conversation, data)
    assert "not both" in response.content.decode()


def test_buttons_on_a_channel_without_them_are_refused(db):
    with pytest.raises(InvalidInput):
        reply_choices(QueryDict("body=Salut&button=Oui"), {"max_length": None})


def test_agent_outside_the_inbox_cannot_post_a_template(conversation):
    close_window(conversation)
    outsider = console_client(make_agent(teams=[make_team("Autre")]))
    response = outsider.post(
        f"/c/{conversation.pk}/reply/",
        {"template": KEY, f"template_param:{KEY}": ["Camille", "CMD-1001"]},
    )
    assert response.status_code == 404
    assert not sent(conversation).exists()


def test_template_without_preview_is_stored_as_its_name_and_values():
    option = {"name": "relance", "parameters": ["a"], "preview": ""}
    assert template_text(option, ["Camille"]) == "[relance] Camille"
