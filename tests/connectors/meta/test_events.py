"""Messenger and Instagram webhooks parsed from real-shaped payloads."""

import pytest

from relais.connectors.meta.events import parse_events
from relais.connectors.webhooks import MalformedPayload, WebhookRequest
from tests.connectors.meta.payloads import fixture

PAGE_ID = "109876543210987"
IG_ID = "17841405822304914"


def messenger(name):
    return parse_events(fixture("messenger", name), object_type="page", account_id=PAGE_ID)


def instagram(name):
    return parse_events(fixture("instagram", name), object_type="instagram", account_id=IG_ID)


def test_messenger_text_message():
    (message,) = messenger("text").messages
    assert message.sender_id == "7234567890123456"
    assert message.body == "Bonjour, je n'ai pas reçu ma commande"
    assert message.mid.startswith("m_")
    assert message.sent_at.timestamp() == 1750857384


def test_attachment_gives_its_url():
    (message,) = messenger("attachment").messages
    assert message.body == ""
    assert message.attachments[0].type == "image"
    assert message.attachments[0].url.startswith("https://scontent")


def test_quick_reply_keeps_its_payload():
    (message,) = messenger("quick_reply").messages
    assert message.body == "Oui" and message.metadata["quick_reply"] == "CONFIRM_YES"


def test_postback_becomes_a_message_with_the_button_title():
    (message,) = messenger("postback").messages
    assert message.body == "Parler à un conseiller"
    assert message.metadata["postback"] == "TALK_TO_AGENT"
    assert message.mid == "m_POSTBACK1"


@pytest.mark.parametrize("parse", [lambda: messenger("echo"), lambda: instagram("echo")])
def test_echoes_of_our_own_messages_are_ignored(parse):
    parsed = parse()
    assert parsed.messages == [] and parsed.ignored == ["echo of our own message"]


def test_delivery_receipt_names_our_messages():
    (receipt,) = messenger("delivery").receipts
    assert receipt.status == "delivered" and receipt.mids == ("m_OURS1",)


def test_messenger_read_receipt_has_a_watermark():
    (receipt,) = messenger("read").receipts
    assert receipt.status == "read" and receipt.mids == ()
    assert receipt.watermark.timestamp() == 1750857399


def test_instagram_read_receipt_names_the_message():
    (receipt,) = instagram("read").receipts
    assert receipt.mids == ("aWdfOURS1",)


def test_page_comment_is_a_public_comment_on_its_post():
    (comment,) = messenger("comment").comments
    assert comment.comment_id == "555666777888999_1234567890123456"
    assert comment.post_id == f"{PAGE_ID}_555666777888999"
    assert comment.author_name == "Camille Durand"
    assert comment.body == "Toujours pas de nouvelles de ma commande !"
    assert comment.parent_id == ""  # top level: its parent is the post
    assert comment.metadata["permalink_url"].startswith("https://www.facebook.com/")


def test_the_pages_own_comment_is_ignored():
    data = fixture("messenger", "comment")
    data["entry"][0]["changes"][0]["value"]["from"] = {"id": PAGE_ID, "name": "Boutique"}
    parsed = parse_events(data, object_type="page", account_id=PAGE_ID)
    assert parsed.comments == [] and parsed.ignored == ["the page's own comment"]


def test_instagram_comment_is_a_public_comment_on_its_media():
    (comment,) = instagram("comment").comments
    assert comment.comment_id == "17865799348089039"
    assert comment.post_id == "17887498072083520"
    assert comment.author_id == "1234567890987654"
    assert comment.author_name == "camille.durand"


@pytest.mark.parametrize(
    "parse",
    [
        lambda: messenger("feed_reaction"),
        lambda: messenger("reaction"),
        lambda: instagram("mentions"),
    ],
)
def test_other_event_types_are_ignored_not_refused(parse):
    parsed = parse()
    assert parsed.messages == parsed.comments == parsed.receipts == []
    assert parsed.ignored


def test_entries_for_another_account_are_ignored():
    parsed = parse_events(fixture("messenger", "text"), object_type="page", account_id="1")
    assert parsed.messages == [] and parsed.ignored


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff", "malformed JSON"),
        (b'"page"', "JSON object"),
        (b'{"object": "instagram", "entry": []}', "object must be page"),
        (b'{"object": "page", "entry": [{"id": "109876543210987", "messaging": {}}]}', "list"),
        (b'{"object": "page", "entry": [{"id": "109876543210987", "messaging": [{}]}]}', "sender"),
        (
            b'{"object": "page", "entry": [{"id": "109876543210987", "messaging": '
            b'[{"sender": {"id": "1"}, "message": {"text": "no mid"}}]}]}',
            "mid",
        ),
    ],
)
def test_malformed_deliveries_are_refused_with_a_reason(body, reason):
    with pytest.raises(MalformedPayload, match=reason):  # the JSON itself, or its shape
        parse_events(
            WebhookRequest.build(body=body).json_object(), object_type="page", account_id=PAGE_ID
        )
