"""Outbound WhatsApp request bodies, as the Cloud API documents them."""

import pytest

from relais.connectors.base import PermanentSendError
from relais.connectors.whatsapp.sending import (
    buttons_payload,
    media_kind,
    media_payload,
    sent_message_id,
    template_payload,
    text_payload,
    with_context,
)

TEMPLATE = {"name": "suivi_commande", "language": "fr", "parameters": ["prénom", "commande"]}


def test_text_payload():
    assert text_payload("+33612345678", "Bonjour !") == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "33612345678",
        "type": "text",
        "text": {"preview_url": False, "body": "Bonjour !"},
    }


def test_text_longer_than_4096_characters_is_refused():
    with pytest.raises(PermanentSendError):
        text_payload("+33612345678", "x" * 4097)


def test_media_by_id_with_caption_and_document_file_name():
    payload = media_payload("+336", "document", media_id="42", caption="Facture", filename="f.pdf")
    assert payload["type"] == "document"
    assert payload["document"] == {"id": "42", "caption": "Facture", "filename": "f.pdf"}


def test_audio_by_link_takes_no_caption():
    payload = media_payload("+336", "audio", link="https://cdn.example.com/a.ogg", caption="x")
    assert payload["audio"] == {"link": "https://cdn.example.com/a.ogg"}


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [("image/png", "image"), ("video/mp4", "video"), ("audio/ogg", "audio")]
    + [("application/pdf", "document"), ("text/csv", "document")],
)
def test_media_kind_from_content_type(content_type, kind):
    assert media_kind(content_type) == kind


def test_reply_buttons_payload():
    payload = buttons_payload(
        "+336", "Votre colis ?", [{"id": "ok", "title": "Reçu"}, {"title": "Pas reçu"}]
    )
    assert payload["interactive"] == {
        "type": "button",
        "body": {"text": "Votre colis ?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "ok", "title": "Reçu"}},
                {"type": "reply", "reply": {"id": "button-2", "title": "Pas reçu"}},
            ]
        },
    }


@pytest.mark.parametrize(
    "buttons",
    [[], [{"title": str(n)} for n in range(4)], [{"title": ""}], [{"title": "x" * 21}]],
)
def test_invalid_buttons_are_refused(buttons):
    with pytest.raises(PermanentSendError):
        buttons_payload("+336", "Choisissez", buttons)


def test_template_payload_fills_the_body_parameters_in_order():
    payload = template_payload("+33612345678", TEMPLATE, ["Camille", "1042"])
    assert payload["template"] == {
        "name": "suivi_commande",
        "language": {"code": "fr"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Camille"},
                    {"type": "text", "text": "1042"},
                ],
            }
        ],
    }


def test_template_without_parameters_has_no_components():
    payload = template_payload("+336", {"name": "bonjour", "language": "fr"}, [])
    assert "components" not in payload["template"]


def test_template_with_the_wrong_number_of_values_is_refused():
    with pytest.raises(PermanentSendError, match="2"):
        template_payload("+336", TEMPLATE, ["Camille"])


def test_context_quotes_the_customers_message():
    assert with_context({"a": 1}, "wamid.X") == {"a": 1, "context": {"message_id": "wamid.X"}}
    assert with_context({"a": 1}, "") == {"a": 1}


def test_sent_message_id_reads_the_wamid():
    answer = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "33612345678", "wa_id": "33612345678"}],
        "messages": [{"id": "wamid.HBgLMzM2"}],
    }
    assert sent_message_id(answer) == "wamid.HBgLMzM2"
    with pytest.raises(PermanentSendError):
        sent_message_id({"messages": []})
