from django.urls import reverse

from relais.connectors.base import IdentityRef
from relais.connectors.webchat import identity_hash, issue_visitor_token, read_visitor_token
from relais.connectors.webchat.actions import receive_visitor_message
from relais.connectors.webchat.visitors import visitor_from_token
from relais.contacts.models import Contact, Identity
from relais.conversations.actions import add_note, receive_message, reply
from relais.conversations.models import Message
from tests.connectors.webchat.conftest import open_session
from tests.factories import inbound, make_inbox


def visitor_id_of(token):
    return read_visitor_token(token, max_age=3600)["v"]


def test_first_session_issues_an_anonymous_visitor_token(client, inbox):
    response = open_session(client, inbox)
    assert response.status_code == 200
    data = response.json()
    assert data["messages"] == [] and data["verified"] is False
    assert data["live"] is False
    assert visitor_from_token(inbox, data["token"]).visitor_id
    assert response["Cache-Control"] == "no-store"


def test_session_restores_the_visitor_and_their_history(client, inbox):
    token = open_session(client, inbox).json()["token"]
    visitor = visitor_from_token(inbox, token)
    receive_visitor_message(visitor, "Bonjour", "c1")
    data = open_session(client, inbox, token=token).json()
    assert visitor_id_of(data["token"]) == visitor.visitor_id
    assert [m["body"] for m in data["messages"]] == ["Bonjour"]


def test_token_of_another_inbox_is_ignored_and_a_new_visitor_issued(client, inbox):
    other = make_inbox("webchat")
    foreign = open_session(client, other).json()["token"]
    receive_visitor_message(visitor_from_token(other, foreign), "Secret", "c1")
    data = open_session(client, inbox, token=foreign).json()
    assert visitor_id_of(data["token"]) != visitor_id_of(foreign)
    assert data["messages"] == []


def test_forged_token_is_ignored_and_a_new_visitor_issued(client, inbox):
    token = open_session(client, inbox).json()["token"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    data = open_session(client, inbox, token=forged).json()
    assert visitor_id_of(data["token"]) != visitor_id_of(token)


def test_forged_identity_hash_is_refused_and_nothing_stored(client, inbox):
    response = open_session(
        client, inbox, user_id="cust-42", user_hash=identity_hash(inbox, "cust-43")
    )
    assert response.status_code == 403
    assert response.json() == {"error": "identity_not_verified"}
    assert "token" not in response.json()
    assert not Contact.objects.exists() and not Identity.objects.exists()


def test_hash_made_with_another_inbox_secret_is_refused(client, inbox):
    other = make_inbox("webchat")
    response = open_session(
        client, inbox, user_id="cust-42", user_hash=identity_hash(other, "cust-42")
    )
    assert response.status_code == 403


def test_user_id_without_hash_is_treated_as_anonymous(client, inbox):
    data = open_session(client, inbox, user_id="cust-42", email="boss@example.com").json()
    visitor = visitor_from_token(inbox, data["token"])
    assert not visitor.is_verified and visitor.identities() == [
        IdentityRef("visitor", visitor.visitor_id)
    ]


def test_verified_customer_joins_their_existing_contact_and_sees_their_history(client, inbox):
    earlier = receive_message(
        inbound(
            inbox,
            "Ma commande 1234 ?",
            identities=[IdentityRef("external_id", "cust-42", verified=True)],
        )
    )
    response = open_session(
        client, inbox, user_id="cust-42", user_hash=identity_hash(inbox, "cust-42"), name="Jeanne"
    )
    data = response.json()
    assert response.status_code == 200 and data["verified"] is True
    assert [m["body"] for m in data["messages"]] == ["Ma commande 1234 ?"]
    result = receive_visitor_message(visitor_from_token(inbox, data["token"]), "Merci", "c1")
    assert result.message.conversation.contact_id == earlier.conversation.contact_id
    assert Contact.objects.count() == 1


def test_verified_email_becomes_a_verified_identity(client, inbox):
    token = open_session(
        client,
        inbox,
        email="Jeanne@Example.com",
        user_hash=identity_hash(inbox, "Jeanne@Example.com"),
    ).json()["token"]
    receive_visitor_message(visitor_from_token(inbox, token), "Bonjour", "c1")
    identity = Identity.objects.get(kind="email")
    assert identity.value == "jeanne@example.com" and identity.verified


def test_login_on_a_shared_browser_starts_a_new_visitor(client, inbox):
    anonymous = open_session(client, inbox).json()["token"]
    receive_visitor_message(visitor_from_token(inbox, anonymous), "Question anonyme", "c1")
    data = open_session(
        client,
        inbox,
        token=anonymous,
        user_id="cust-42",
        user_hash=identity_hash(inbox, "cust-42"),
    ).json()
    assert visitor_id_of(data["token"]) != visitor_id_of(anonymous)
    assert data["messages"] == []
    logged_out = open_session(client, inbox, token=data["token"]).json()
    assert visitor_id_of(logged_out["token"]) != visitor_id_of(data["token"])


def test_inbox_requiring_identity_refuses_anonymous_visitors(client, db):
    inbox = make_inbox("webchat", require_identity=True)
    response = open_session(client, inbox)
    assert response.status_code == 403 and response.json() == {"error": "identity_required"}
    verified = open_session(client, inbox, user_id="7", user_hash=identity_hash(inbox, "7"))
    assert verified.status_code == 200


def test_history_shows_public_messages_only_never_notes(client, inbox, agent):
    token = open_session(client, inbox).json()["token"]
    result = receive_visitor_message(visitor_from_token(inbox, token), "Bonjour", "c1")
    add_note(result.conversation, agent, "Client difficile")
    reply(result.conversation, agent, "Bonjour, je regarde.")
    messages = open_session(client, inbox, token=token).json()["messages"]
    assert [(m["direction"], m["body"]) for m in messages] == [
        ("in", "Bonjour"),
        ("out", "Bonjour, je regarde."),
    ]
    assert all(m["kind"] == "message" for m in messages)


def test_history_never_shows_another_visitors_conversation(client, inbox):
    token_a = open_session(client, inbox).json()["token"]
    token_b = open_session(client, inbox).json()["token"]
    receive_visitor_message(visitor_from_token(inbox, token_a), "Message de A", "c1")
    assert open_session(client, inbox, token=token_b).json()["messages"] == []


def test_unknown_or_inactive_inbox_is_not_found(client, inbox):
    inbox.is_active = False
    inbox.save()
    assert open_session(client, inbox).status_code == 404
    url = reverse("webchat:session", args=["no-such-key"])
    assert client.post(url, "{}", content_type="application/json").status_code == 404


def test_malformed_session_requests_are_refused(client, inbox):
    url = reverse("webchat:session", args=[inbox.public_key])
    bad_requests = [
        ("not json", "application/json"),
        ("[]", "application/json"),
        ('{"token": 12}', "application/json"),
        ('{"admin": true}', "application/json"),
        ('{"user_id": "' + "x" * 300 + '"}', "application/json"),
        ("{}", "text/plain"),
        ("{}", "application/x-www-form-urlencoded"),
    ]
    for body, content_type in bad_requests:
        response = client.post(url, body, content_type=content_type)
        assert response.status_code == 400, body
        assert response.json() == {"error": "invalid_request"}
    assert client.get(url).status_code == 405


def test_session_endpoint_needs_no_csrf_token(inbox):
    from django.test import Client

    response = open_session(Client(enforce_csrf_checks=True), inbox)
    assert response.status_code == 200


def test_offline_message_keeps_the_email_without_making_it_an_identity(client, inbox):
    token = open_session(client, inbox).json()["token"]
    result = receive_visitor_message(
        visitor_from_token(inbox, token), "Rappelez-moi", "c1", email="Paul@Example.com"
    )
    contact = result.conversation.contact
    assert contact.email == "paul@example.com"
    assert result.message.metadata["contact_email"] == "paul@example.com"
    assert not Identity.objects.filter(kind="email").exists()


def test_offline_email_does_not_overwrite_a_known_contact_email(client, inbox):
    token = open_session(client, inbox).json()["token"]
    visitor = visitor_from_token(inbox, token)
    receive_visitor_message(visitor, "Un", "c1", email="first@example.com")
    receive_visitor_message(visitor, "Deux", "c2", email="second@example.com")
    assert Contact.objects.get().email == "first@example.com"
    assert Message.objects.get(body="Deux").metadata["contact_email"] == "second@example.com"


def test_issued_token_names_its_inbox(inbox):
    token = issue_visitor_token(inbox, "v1", {"u": "cust-1"})
    assert read_visitor_token(token, max_age=60) == {"u": "cust-1", "i": inbox.pk, "v": "v1"}


def test_expired_token_is_ignored_and_a_new_visitor_issued(client, inbox, settings):
    token = open_session(client, inbox).json()["token"]
    settings.RELAIS_VISITOR_TOKEN_MAX_AGE = -1
    assert visitor_from_token(inbox, token) is None
    settings.RELAIS_VISITOR_TOKEN_MAX_AGE = 3600
    fresh = open_session(client, inbox, token=token).json()["token"]
    assert visitor_id_of(fresh) == visitor_id_of(token)
    settings.RELAIS_VISITOR_TOKEN_MAX_AGE = -1
    reissued = open_session(client, inbox, token=token).json()["token"]
    settings.RELAIS_VISITOR_TOKEN_MAX_AGE = 3600
    assert visitor_id_of(reissued) != visitor_id_of(token)


def test_email_sent_along_a_verified_user_id_is_only_a_hint(client, inbox):
    token = open_session(
        client,
        inbox,
        user_id="cust-42",
        email="jeanne@example.com",
        user_hash=identity_hash(inbox, "cust-42"),
    ).json()["token"]
    result = receive_visitor_message(visitor_from_token(inbox, token), "Bonjour", "c1")
    assert result.conversation.contact.email == "jeanne@example.com"
    assert set(Identity.objects.values_list("kind", flat=True)) == {"visitor", "external_id"}
