"""WhatsApp webhooks parsed from real-shaped payloads."""

import pytest

from relais.connectors.webhooks import MalformedPayload, WebhookRequest
from relais.connectors.whatsapp.parsing import MalformedWebhook, e164, parse_webhook
from tests.connectors.meta.payloads import fixture

PHONE_NUMBER_ID = "106540352242922"


def parse(name):
    return parse_webhook(fixture("whatsapp", name), PHONE_NUMBER_ID)


def test_text_message_gives_sender_in_e164_name_and_body():
    (message,) = parse("text").messages
    assert message.wamid.startswith("wamid.")
    assert message.phone == "+33612345678"
    assert message.name == "Camille Durand"
    assert message.body == "Bonjour, ma commande 1042 n'est pas arrivée"
    assert message.sent_at.timestamp() == 1750857384


def test_image_gives_its_media_reference_and_caption():
    (message,) = parse("image").messages
    assert message.body == "Le colis abîmé"
    assert message.media.media_id == "1003383421387256"
    assert message.media.mime_type == "image/jpeg"
    assert message.media.kind == "image"


def test_document_keeps_its_file_name():
    (message,) = parse("document").messages
    assert message.media.filename == "facture.pdf"
    assert message.body == ""


def test_location_becomes_text_and_metadata():
    (message,) = parse("location").messages
    assert "Magasin Rivoli" in message.body and "48.8566, 2.3522" in message.body
    assert message.metadata["location"]["latitude"] == 48.8566


@pytest.mark.parametrize(
    ("name", "choice", "title"),
    [("button_reply", "track", "Suivre mon colis"), ("list_reply", "refund", "Remboursement")],
)
def test_interactive_reply_gives_the_chosen_title_and_id(name, choice, title):
    (message,) = parse(name).messages
    assert message.body == title
    assert message.metadata["interactive"]["id"] == choice
    assert message.metadata["reply_to"].startswith("wamid.OURS")


def test_reaction_gives_the_emoji_and_the_message_reacted_to():
    (message,) = parse("reaction").messages
    assert message.body == "👍"
    assert message.metadata["reaction"] == {"message_id": "wamid.OURS1", "emoji": "👍"}


def test_removed_reaction_is_ignored():
    data = fixture("whatsapp", "reaction")
    data["entry"][0]["changes"][0]["value"]["messages"][0]["reaction"]["emoji"] = ""
    parsed = parse_webhook(data, PHONE_NUMBER_ID)
    assert parsed.messages == [] and parsed.ignored == ["reaction removed"]


@pytest.mark.parametrize("name", ["unsupported", "template_status_update"])
def test_unknown_message_types_and_fields_are_ignored_not_refused(name):
    parsed = parse(name)
    assert parsed.messages == [] and parsed.statuses == []
    assert parsed.ignored


@pytest.mark.parametrize("status", ["sent", "delivered", "read"])
def test_statuses_name_our_message(status):
    (change,) = parse(f"status_{status}").statuses
    assert change.wamid == "wamid.OURS1" and change.status == status and change.error is None


def test_failed_status_carries_the_error():
    (change,) = parse("status_failed").statuses
    assert change.status == "failed"
    assert change.error.code == 131047
    assert "24" in change.error.plain_words()


def test_changes_for_another_phone_number_are_ignored():
    parsed = parse_webhook(fixture("whatsapp", "text"), "999")
    assert parsed.messages == [] and parsed.ignored == ["phone number '106540352242922'"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "malformed JSON"),
        (b"[]", "JSON object"),
        (b'{"object": "page", "entry": []}', "whatsapp_business_account"),
        (b'{"object": "whatsapp_business_account", "entry": {}}', "entry"),
        (b'{"object": "whatsapp_business_account", "entry": [{"changes": [1]}]}', "value"),
    ],
)
def test_malformed_deliveries_are_refused_with_a_reason(body, reason):
    with pytest.raises(MalformedPayload, match=reason):  # the JSON itself, or its shape
        parse_webhook(WebhookRequest.build(body=body).json_object(), PHONE_NUMBER_ID)


def test_message_without_id_is_malformed():
    data = fixture("whatsapp", "text")
    del data["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    with pytest.raises(MalformedWebhook):
        parse_webhook(data, PHONE_NUMBER_ID)


def test_wa_id_becomes_e164():
    assert e164("33612345678") == "+33612345678"
    assert e164("1 (650) 555-1111") == "+16505551111"
    with pytest.raises(MalformedWebhook):
        e164("abc")
