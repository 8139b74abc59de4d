import time

import pytest
from django.core import signing

from relais.community.errors import InvalidInput, InvalidToken, RateLimited
from relais.community.members import TOKEN_SALT, request_sign_in, sign_in, sign_in_token
from relais.community.models import Member
from relais.connectors.base import IdentityRef
from relais.contacts.models import Contact, Identity
from relais.core.models import Event
from tests.factories import make_conversation, make_email_inbox

pytestmark = pytest.mark.django_db


def test_first_sign_in_creates_member_on_the_contact_of_the_email_identity():
    inbox = make_email_inbox()
    conversation = make_conversation(
        inbox,
        identities=[IdentityRef("email", "claire@example.com")],
    )
    member = sign_in(sign_in_token("claire@example.com", "Claire"))
    assert member.display_name == "Claire"
    assert member.contact_id == conversation.contact_id
    assert Event.objects.filter(kind="community.member_joined", contact=member.contact).exists()


def test_new_address_gets_a_new_contact_with_a_verified_identity():
    member = sign_in(sign_in_token("new@example.com", ""))
    identity = Identity.objects.get(kind="email", value="new@example.com")
    assert identity.contact_id == member.contact_id and identity.verified
    assert member.display_name == "new"


def test_a_link_works_once():
    token = sign_in_token("once@example.com", "Once")
    sign_in(token)
    with pytest.raises(InvalidToken):
        sign_in(token)
    assert Member.objects.count() == 1


def test_a_returning_member_link_works_once():
    sign_in(sign_in_token("back@example.com", "Back"))
    token = sign_in_token("back@example.com", "Back")
    assert sign_in(token).email == "back@example.com"
    with pytest.raises(InvalidToken):
        sign_in(token)


def test_expired_link_is_refused(settings, monkeypatch):
    settings.RELAIS_COMMUNITY_LINK_MAX_AGE = 60
    token = sign_in_token("late@example.com", "Late")
    later = time.time() + 61
    monkeypatch.setattr(signing.time, "time", lambda: later)
    with pytest.raises(InvalidToken):
        sign_in(token)
    assert not Member.objects.exists()


def test_forged_link_is_refused():
    forged = signing.dumps({"e": "victim@example.com", "n": "x", "s": ""}, salt="other-salt")
    with pytest.raises(InvalidToken):
        sign_in(forged)
    with pytest.raises(InvalidToken):
        sign_in(sign_in_token("a@example.com", "A")[:-3] + "abc")
    assert not Contact.objects.exists()


def test_token_is_signed_for_sign_in_only():
    token = sign_in_token("a@example.com", "A")
    assert signing.loads(token, salt=TOKEN_SALT)["e"] == "a@example.com"


def test_the_link_mailed_after_commit_signs_the_member_in(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    from relais.community import mail

    settings.RELAIS_SMTP_URL = "smtp://127.0.0.1:2526?security=none"
    sent = []
    monkeypatch.setattr(mail, "send_mail", lambda server, message, **kw: sent.append(message))
    with django_capture_on_commit_callbacks(execute=True):
        request_sign_in(
            "Claire@Example.com",
            "Claire",
            base_url="http://testserver/",
            language="fr",
            client_address="10.0.0.1",
        )
    text = sent[0].get_body(("plain",)).get_content()
    assert sent[0]["To"] == "claire@example.com"
    link = next(line for line in text.splitlines() if "/community/sign-in/" in line)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert sign_in(token).display_name == "Claire"


def test_sign_in_mail_goes_through_the_relay(monkeypatch, settings):
    from relais.community import mail

    settings.RELAIS_SMTP_URL = "smtp://127.0.0.1:2526?security=none"
    calls = []
    monkeypatch.setattr(
        mail, "send_mail", lambda server, message, **kw: calls.append((message, kw))
    )
    mail.send_sign_in_mail(
        email="c@example.com", link="http://x/community/sign-in/t/", language="en"
    )
    message, kw = calls[0]
    assert kw["recipients"] == ["c@example.com"]
    assert "http://x/community/sign-in/t/" in message.get_body(("plain",)).get_content()
    assert message["Subject"] == "Your sign-in link to the community"


def test_bad_address_is_refused():
    with pytest.raises(InvalidInput):
        request_sign_in("not-an-address", "", base_url="http://t/", language="", client_address="")


def test_sign_in_requests_are_rate_limited_per_address():
    for _ in range(3):
        request_sign_in(
            "flood@example.com", "", base_url="http://t/", language="", client_address="1.1.1.1"
        )
    with pytest.raises(RateLimited):
        request_sign_in(
            "flood@example.com", "", base_url="http://t/", language="", client_address="2.2.2.2"
        )


def test_sign_in_mail_reaches_a_real_smtp_server(settings):
    from relais.community.mail import send_sign_in_mail
    from tests.connectors.email.smtp_server import recording_smtp_server

    with recording_smtp_server() as server:
        settings.RELAIS_SMTP_URL = f"smtp://{server.host}:{server.port}?security=none"
        send_sign_in_mail(
            email="claire@example.com", link="http://t/community/sign-in/x/", language="fr"
        )
    received = server.messages[0]
    mail = received.message()
    assert received.rcpt_tos == ["claire@example.com"]
    assert mail["Subject"] == "Votre lien de connexion à la communauté"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert "http://t/community/sign-in/x/" in mail.get_body(("plain",)).get_content()


def test_the_link_keeps_only_a_local_next_path(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    from relais.community import mail

    settings.RELAIS_SMTP_URL = "smtp://127.0.0.1:2526?security=none"
    sent = []
    monkeypatch.setattr(mail, "send_mail", lambda server, message, **kw: sent.append(message))
    for next_path in ("/community/q/3/", "//evil.example/"):
        with django_capture_on_commit_callbacks(execute=True):
            request_sign_in(
                "n@example.com",
                "N",
                base_url="http://t/",
                language="en",
                client_address="",
                next_path=next_path,
            )
    texts = [message.get_body(("plain",)).get_content() for message in sent]
    assert "?next=%2Fcommunity%2Fq%2F3%2F" in texts[0]
    assert "evil" not in texts[1]


def test_the_sign_in_limit_holds_across_server_processes():
    """Each process has its own local cache: clearing it between requests
    (a second process serving the next one) resets nothing."""
    from django.core.cache import cache

    for _ in range(3):
        request_sign_in(
            "flood@example.com", "", base_url="http://t/", language="", client_address="1.1.1.1"
        )
        cache.clear()
    with pytest.raises(RateLimited):
        request_sign_in(
            "FLOOD@example.com", "", base_url="http://t/", language="", client_address="3.3.3.3"
        )
