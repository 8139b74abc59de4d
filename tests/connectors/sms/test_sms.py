"""SMS end to end against a fake Twilio, and the webhook's hostile-input suite."""

from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.test import Client

from relais.connectors.sms.signature import SIGNATURE_HEADER, twilio_signature
from relais.contacts.models import Contact, Identity
from relais.conversations.actions import reply
from relais.conversations.models import Conversation, DeliveryStatus, Message
from relais.conversations.outbox import deliver_message
from relais.core.models import Event
from tests.connectors.fake_provider import Reply
from tests.connectors.tasks import after_commit
from tests.factories import inbound, make_agent, make_inbox, make_team

SID = "AC" + "0" * 32
TOKEN = "twilio-auth-token"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MESSAGES = f"/2010-04-01/Accounts/{SID}/Messages.json"


@pytest.fixture
def sms(db, fake_provider):
    inbox = make_inbox(
        "sms",
        name="SMS service client",
        account_sid=SID,
        auth_token=TOKEN,
        from_number="+33700000000",
        messaging_service_sid="",
        api_base_url=fake_provider.url,
    )
    make_team("SMS", inboxes=[inbox])
    return inbox


def incoming(sid="SM1", body="Bonjour, ma box ne marche plus", **extra):
    return {
        "MessageSid": sid,
        "AccountSid": SID,
        "From": "+33612345678",
        "To": "+33700000000",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def post(inbox, fields, *, token=TOKEN, raw=None, signature=None):
    base = django_settings.RELAIS_PUBLIC_URL or "http://testserver"
    url = f"{base}/webhooks/sms/{inbox.public_key}/"
    if signature is None:
        signature = twilio_signature(token, url, list(fields.items()))
    return Client().post(
        url,
        raw if raw is not None else urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        headers={SIGNATURE_HEADER: signature},
    )


def test_sms_to_conversation_to_reply_to_delivery_status(sms, fake_provider, settings):
    settings.RELAIS_PUBLIC_URL = "https://support.example.com"
    response = post(sms, incoming())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    conversation = Conversation.objects.get()
    assert conversation.channel == "sms"
    assert Identity.objects.get(kind="phone").value == "+33612345678"

    fake_provider.on("POST", MESSAGES, Reply(201, json={"sid": "SMout1", "status": "queued"}))
    answer = reply(conversation, make_agent(), "Nous regardons : redémarrez la box.")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    [call] = fake_provider.requests_to(MESSAGES)
    assert call.form() == {
        "To": "+33612345678",
        "From": "+33700000000",
        "Body": "Nous regardons : redémarrez la box.",
        "StatusCallback": f"https://support.example.com/webhooks/sms/{sms.public_key}/",
    }
    assert call.headers["authorization"].startswith("Basic ")
    answer.refresh_from_db()
    assert answer.provider_message_id == "SMout1"
    assert answer.metadata["sms_segments"] == 1

    status = {"MessageSid": "SMout1", "MessageStatus": "delivered", "AccountSid": SID}
    assert post(sms, status).status_code == 200
    answer.refresh_from_db()
    assert answer.status == DeliveryStatus.DELIVERED


def test_failed_delivery_status_keeps_the_operator_error(sms):
    post(sms, incoming())
    answer = reply(Conversation.objects.get(), make_agent(), "Bonjour")
    Message.objects.filter(pk=answer.pk).update(status="sent", provider_message_id="SMx")
    fields = {"MessageSid": "SMx", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    post(sms, fields)
    answer.refresh_from_db()
    assert answer.status == DeliveryStatus.FAILED and "30003" in answer.error


def test_same_number_on_sms_and_whatsapp_is_one_contact(sms):
    from relais.connectors.base import IdentityRef
    from relais.conversations.actions import receive_message

    post(sms, incoming())
    other = make_inbox("webchat")
    receive_message(inbound(other, identities=[IdentityRef("phone", "+33612345678", True)]))
    assert Contact.objects.count() == 1


def test_mms_media_downloaded_with_basic_auth(sms, fake_provider):
    fake_provider.on("GET", "/media/ME1", Reply(body=PNG, content_type="image/png"))
    fields = incoming(
        NumMedia="1",
        MediaUrl0=f"{fake_provider.url}/media/ME1",
        MediaContentType0="image/png",
    )
    with after_commit():
        assert post(sms, fields).status_code == 200
        assert not fake_provider.requests_to("/media/ME1")  # fetched after the answer
    [attachment] = Message.objects.get().attachments.all()
    assert attachment.content_type == "image/png"
    assert fake_provider.requests_to("/media/ME1")[0].headers["authorization"].startswith("Basic ")


def test_oversized_mms_is_refused_and_the_text_kept(sms, fake_provider, settings):
    settings.RELAIS_MEDIA_MAX_BYTES = 10
    fake_provider.on("GET", "/media/ME1", Reply(body=PNG, content_type="image/png"))
    fields = incoming(NumMedia="1", MediaUrl0=f"{fake_provider.url}/media/ME1")
    with after_commit():
        assert post(sms, fields).status_code == 200
    message = Message.objects.get()
    assert message.body == "Bonjour, ma box ne marche plus"
    assert not message.attachments.exists()
    assert "larger than" in message.metadata["media_refused"][0]


@pytest.mark.parametrize("word", ["STOP", "Arrêt"])
def test_stop_opts_out_and_the_agent_is_told_why_nothing_is_sent(sms, fake_provider, word):
    post(sms, incoming("SM1", word))
    assert Event.objects.filter(kind="contact.opted_out").exists()
    answer = reply(Conversation.objects.get(), make_agent(), "Dommage !")
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED
    answer.refresh_from_db()
    assert "STOP" in answer.error
    assert not fake_provider.requests_to(MESSAGES)


def test_start_after_stop_allows_sending_again(sms, fake_provider):
    post(sms, incoming("SM1", "STOP"))
    post(sms, incoming("SM2", "START"))
    fake_provider.on("POST", MESSAGES, Reply(201, json={"sid": "SMout", "status": "queued"}))
    answer = reply(Conversation.objects.get(), make_agent(), "Re-bonjour")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT


def test_invalid_number_is_refused_in_twilios_words(sms, fake_provider):
    post(sms, incoming())
    fake_provider.on(
        "POST",
        MESSAGES,
        Reply(400, json={"code": 21211, "message": "The 'To' number is not a valid phone number."}),
    )
    answer = reply(Conversation.objects.get(), make_agent(), "Bonjour")
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED
    answer.refresh_from_db()
    assert "not a valid phone number" in answer.error


def test_twilio_outage_is_retried(sms, fake_provider):
    post(sms, incoming())
    fake_provider.on(
        "POST", MESSAGES, Reply(503, body=b"unavailable", headers={"Retry-After": "30"})
    )
    answer = reply(Conversation.objects.get(), make_agent(), "Bonjour")
    assert deliver_message(answer.pk) == DeliveryStatus.QUEUED


# --- hostile input -------------------------------------------------------------


@pytest.mark.parametrize("signature", ["", "AAAA", twilio_signature("other", "http://x/", [])])
def test_bad_signature_is_a_401_and_nothing_is_stored(sms, signature):
    assert post(sms, incoming(), signature=signature).status_code == 401
    assert not Message.objects.exists() and not Contact.objects.exists()


def test_signature_over_other_parameters_is_refused(sms):
    url = f"http://testserver/webhooks/sms/{sms.public_key}/"
    signature = twilio_signature(TOKEN, url, list(incoming(body="autre").items()))
    assert post(sms, incoming(), signature=signature).status_code == 401


def test_signature_checked_against_the_public_url_behind_a_proxy(sms, settings):
    settings.RELAIS_PUBLIC_URL = "https://support.example.com"
    fields = incoming()
    url = f"https://support.example.com/webhooks/sms/{sms.public_key}/"
    signature = twilio_signature(TOKEN, url, list(fields.items()))
    assert post(sms, fields, signature=signature).status_code == 200


def test_replayed_sms_is_stored_once(sms):
    assert post(sms, incoming()).status_code == 200
    assert post(sms, incoming()).status_code == 200
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"From": "+33612345678", "Body": "x"}, "MessageSid"),
        (incoming(From="not-a-number"), "phone number"),
        (incoming(NumMedia="many"), "NumMedia"),
    ],
)
def test_malformed_form_is_a_400_with_the_reason(sms, fields, reason):
    response = post(sms, fields)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Message.objects.exists()


def test_undecodable_form_is_a_400(sms):
    raw = b"\xff\xfe=\x00"
    assert post(sms, {}, raw=raw).status_code in (400, 401)


def test_unknown_status_or_event_is_acknowledged(sms):
    assert post(sms, {"MessageSid": "SMz", "MessageStatus": "sending"}).status_code == 200
    assert post(sms, {"MessageSid": "SMz", "Whatever": "1"}).status_code == 200
    assert not Message.objects.exists()


def test_inbox_config_needs_a_sender(db):
    from relais.accounts.models import Role
    from relais.connectors.actions import InvalidInboxConfig, create_inbox

    admin = make_agent(Role.ADMIN)
    with pytest.raises(InvalidInboxConfig):
        create_inbox(
            by=admin, kind="sms", name="SMS", settings={"account_sid": SID, "auth_token": TOKEN}
        )
    inbox = create_inbox(
        by=admin, kind="sms", name="SMS",
        settings={"account_sid": SID, "auth_token": TOKEN, "from_number": "+33 7 00 00 00 00"},
    )  # fmt: skip
    assert inbox.config["from_number"] == "+33700000000"
