from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from relais.accounts.access import can_see_inbox
from relais.accounts.models import Agent, ApiToken, Presence, Team, hash_token
from relais.connectors import registry
from relais.connectors.models import Inbox
from relais.connectors.webchat.actions import visitor_history
from relais.connectors.webchat.visitors import Visitor
from relais.contacts.models import Contact, Identity
from relais.conversations.models import (
    Attachment,
    Conversation,
    Direction,
    Message,
    MessageKind,
    Priority,
    Status,
)
from relais.core.demo_data import issue_demo_token, load_demo_data, message_times, start_of
from relais.core.demo_people import AGENTS, DEMO_PASSWORD
from relais.core.demo_story import Scenario, auto_reply, customer, reply, set_status
from relais.core.models import Event
from relais.routing.availability import inbox_is_live

TABLES = (
    Agent,
    Team,
    Inbox,
    Contact,
    Identity,
    Conversation,
    Message,
    Attachment,
    Event,
    ApiToken,
)
needs_email = pytest.mark.skipif(
    "email" not in registry.CONNECTORS, reason="the e-mail channel is not built in"
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests (loading takes seconds);
    each test still runs in its own rolled-back transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo_data()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_module, db):
    return demo_module


def test_demo_creates_the_accounts_teams_and_inboxes(demo):
    assert demo.created
    assert {a.email for a in demo.accounts} == {spec.email for spec in AGENTS}
    roles = sorted(Agent.objects.values_list("role", flat=True))
    assert roles == ["admin", "agent", "agent", "agent", "supervisor"]
    assert set(Team.objects.values_list("name", flat=True)) == {
        "Service client",
        "Ventes",
        "Équipe e-mail",
    }
    kinds = set(Inbox.objects.values_list("kind", flat=True))
    assert kinds == {"webchat", "api", "email"} & set(registry.CONNECTORS)
    assert "Chat boutique" in demo.inboxes


def test_every_demo_account_has_the_demo_password(demo):
    for agent in Agent.objects.filter(email__in=[spec.email for spec in AGENTS]):
        assert agent.check_password(DEMO_PASSWORD), agent.email


def test_demo_conversations_cover_every_status_assignment_and_priority(demo):
    conversations = Conversation.objects.all()
    assert conversations.count() == demo.conversations >= 25
    assert set(conversations.values_list("status", flat=True)) == set(Status.values)
    assert conversations.filter(assignee__isnull=True, status=Status.OPEN).exists()
    assert conversations.filter(assignee__isnull=False).exists()
    assert conversations.filter(priority__gte=Priority.HIGH).exists()
    assert conversations.filter(tags__isnull=False).distinct().count() > demo.conversations // 2
    assert Message.objects.filter(kind=MessageKind.NOTE).exists()
    assert conversations.filter(snoozed_until__gt=timezone.now(), status=Status.SNOOZED).exists()


def test_demo_history_is_in_the_event_log(demo):
    kinds = set(Event.objects.values_list("kind", flat=True))
    expected = {
        "agent.created",
        "conversation.created",
        "message.received",
        "message.queued",
        "message.sent",
        "note.added",
        "conversation.assigned",
        "conversation.tagged",
        "conversation.status_changed",
    }
    assert expected <= kinds
    inbound = Message.objects.filter(direction=Direction.INBOUND).count()
    assert Event.objects.filter(kind="message.received").count() == inbound


def test_demo_timeline_spreads_over_two_weeks_and_never_in_the_future(demo):
    now = timezone.now()
    created = Conversation.objects.values_list("created_at", flat=True)
    assert min(created) < now - timedelta(days=12)
    assert max(created) > now - timedelta(hours=1)
    assert not Event.objects.filter(created_at__gt=now).exists()
    assert not Message.objects.filter(created_at__gt=now).exists()
    for conversation in Conversation.objects.all():
        messages = conversation.messages.order_by("id")
        assert messages.first().created_at >= conversation.created_at
        assert conversation.last_message_at <= conversation.updated_at <= now


def test_answered_demo_messages_are_already_sent(demo):
    answers = Message.objects.filter(direction=Direction.OUTBOUND, kind=MessageKind.MESSAGE)
    assert answers.exists()
    assert set(answers.values_list("status", flat=True)) <= {"sent", "read"}


def test_customers_waiting_for_an_answer_have_a_deadline(demo):
    waiting = Conversation.objects.filter(waiting_since__isnull=False)
    assert waiting.exists()
    assert not waiting.filter(status=Status.RESOLVED).exists()
    assert all(c.due_at > c.waiting_since for c in waiting)
    assert not Conversation.objects.filter(waiting_since__isnull=True, due_at__isnull=False)


def test_assignees_serve_the_inbox_of_their_conversations(demo):
    for conversation in Conversation.objects.filter(assignee__isnull=False):
        assert can_see_inbox(conversation.assignee, conversation.inbox_id), conversation.subject


def test_demo_chat_is_live(demo):
    assert Agent.objects.filter(presence=Presence.ONLINE).exists()
    assert inbox_is_live(Inbox.objects.get(kind="webchat"))


@pytest.mark.skipif("api" not in registry.CONNECTORS, reason="the API channel is not built in")
def test_some_contacts_have_conversations_on_both_inboxes(demo):
    both = [
        contact
        for contact in Contact.objects.all()
        if contact.conversations.values("inbox").distinct().count() >= 2
    ]
    assert len(both) >= 3
    assert all(contact.name and contact.email for contact in both)


def test_loading_twice_adds_nothing(demo):
    before = row_counts()
    again = load_demo_data()
    assert not again.created
    assert again.conversations == demo.conversations
    assert row_counts() == before


def test_demo_token_authenticates_the_admin_and_replaces_the_previous_one(demo):
    first = issue_demo_token()
    second = issue_demo_token()
    assert not ApiToken.objects.filter(key_hash=hash_token(first)).exists()
    token = ApiToken.objects.get(key_hash=hash_token(second))
    assert token.agent.email == demo.admin_email
    assert token.agent.role == "admin"


def late_story(now: datetime) -> Scenario:
    """A ten-hour story told as of now: as told, it would end in the future."""
    clock = timezone.localtime(now).strftime("%H:%M")
    turns = (customer(0, "a"), reply(600, "lea", "b"))
    return Scenario("x", "webchat", "s", turns, days_ago=0, clock=clock)


def test_a_story_that_would_end_in_the_future_is_moved_back():
    now = timezone.now()
    assert start_of(late_story(now), now) + timedelta(minutes=600) < now


def test_a_story_told_across_a_change_of_clocks_still_ends_before_now():
    # 00:59 in Paris on 29 March 2026, two hours before summer time begins.
    now = datetime(2026, 3, 28, 23, 59, tzinfo=UTC)
    late = late_story(now)
    start = start_of(late, now)
    assert start + timedelta(minutes=600) < now
    last_message_at, _ = message_times(late, start)
    assert last_message_at < now


def test_the_customer_waits_from_their_first_unanswered_message():
    start = timezone.now() - timedelta(hours=1)
    story = Scenario(
        "x",
        "webchat",
        "s",
        (customer(0, "a"), reply(2, "lea", "b"), customer(5, "c"), customer(6, "d")),
    )
    last, waiting = message_times(story, start)
    assert last == start + timedelta(minutes=6)
    assert waiting == start + timedelta(minutes=5)
    resolved = Scenario("x", "webchat", "s", story.steps, status=Status.RESOLVED)
    assert message_times(resolved, start)[1] is None


def test_an_out_of_office_is_the_last_message_but_nobody_waits_for_it():
    start = timezone.now() - timedelta(hours=1)
    story = Scenario(
        "x",
        "email",
        "s",
        (
            customer(0, "a"),
            reply(2, "lea", "b"),
            set_status(3, "lea", Status.PENDING),
            auto_reply(4, "c"),
        ),
        status=Status.PENDING,
    )
    assert message_times(story, start) == (start + timedelta(minutes=4), None)


def test_the_demo_shop_login_shows_that_customers_past_chat_in_the_widget(demo):
    inbox = Inbox.objects.get(kind="webchat")
    # A new browser: a fresh visitor id, logged in on the shop as client-42.
    visitor = Visitor(inbox.pk, "v_new-browser", external_id="client-42")
    history = visitor_history(visitor)
    assert history
    assert {m["kind"] for m in history} == {"message"}
    assert Contact.objects.get(identities__value="client-42").name == "Claire Dupont"


def mail_conversation(subject: str) -> Conversation:
    return Conversation.objects.get(inbox__kind="email", subject=subject)


def mails(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.filter(kind=MessageKind.MESSAGE).order_by("id"))


@needs_email
def test_the_mail_inbox_is_served_by_customer_service_and_has_a_contact_form(demo):
    inbox = Inbox.objects.get(kind="email")
    assert inbox.name == "Support e-mail"
    assert inbox.config["address"] == "support@boutique-demo.fr"
    assert inbox.config["acknowledgement"] and inbox.config["form_reasons"]
    assert set(inbox.teams.values_list("name", flat=True)) == {"Service client", "Équipe e-mail"}
    assert demo.mailbox.address == "support@boutique-demo.fr"
    assert demo.mailbox.contact_form_path == f"/contact/{inbox.public_key}/"


@needs_email
def test_a_customer_reply_by_mail_answers_the_agent_mail_and_joins_its_conversation(demo):
    conversation = mail_conversation("Retour de la parka reçue en double")
    first, answer, follow_up, _ = mails(conversation)
    assert [first.direction, answer.direction, follow_up.direction] == [
        Direction.INBOUND,
        Direction.OUTBOUND,
        Direction.INBOUND,
    ]
    # The answer carries the Message-ID the connector would have sent it with.
    assert answer.provider_message_id.startswith("<relais.")
    assert answer.metadata["email"]["message_id"] == answer.provider_message_id
    assert follow_up.metadata["email"]["in_reply_to"] == [answer.provider_message_id]
    assert follow_up.metadata["email"]["references"][0] == first.provider_message_id
    for mail in Message.objects.filter(inbox__kind="email", direction=Direction.INBOUND):
        assert mail.metadata["email"]["message_id"] == mail.provider_message_id


@needs_email
def test_an_out_of_office_after_the_answer_does_not_reopen_the_conversation(demo):
    conversation = mail_conversation("Commande 10867 toujours pas livrée")
    *_, answer, out_of_office = mails(conversation)
    assert out_of_office.direction == Direction.INBOUND
    assert out_of_office.metadata["email"]["auto_reply"]
    assert out_of_office.metadata["email"]["in_reply_to"] == [answer.provider_message_id]
    assert conversation.status == Status.RESOLVED
    assert conversation.waiting_since is None and conversation.due_at is None
    assert not conversation.events.filter(kind="conversation.reopened").exists()


@needs_email
def test_photos_sent_by_mail_are_stored_beside_the_original_mail(demo):
    (mail,) = mails(mail_conversation("Photos du vase cassé"))
    files = {attachment.filename: attachment for attachment in mail.attachments.all()}
    assert set(files) == {"vase-casse.png", "carton.png", "original.eml"}
    photo = files["vase-casse.png"]
    assert (photo.kind, photo.content_type) == ("file", "image/png")
    with photo.file.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    assert files["original.eml"].kind == "original"
    inbound_mails = Message.objects.filter(inbox__kind="email", direction=Direction.INBOUND)
    originals = Attachment.objects.filter(message__in=inbound_mails, kind="original")
    assert originals.count() == inbound_mails.count()


@needs_email
def test_a_new_subject_by_mail_starts_a_new_conversation_of_the_same_contact(demo):
    marie = Contact.objects.get(email="marie.lefebvre@example.com")
    by_mail = marie.conversations.filter(inbox__kind="email")
    new = by_mail.get(subject="Carte cadeau pour l'anniversaire de ma sœur")
    assert (new.status, new.assignee) == (Status.OPEN, None)
    assert by_mail.exclude(pk=new.pk).get().status == Status.PENDING
    kinds = set(marie.conversations.values_list("inbox__kind", flat=True))
    assert kinds == {"webchat", "api", "email"} & set(registry.CONNECTORS)


def test_the_demo_ships_the_routing_examples(demo):
    from relais.routing.models import BusinessSchedule, RoutingRule, SlaPolicy

    rules = {rule.name: rule for rule in RoutingRule.objects.select_related("team")}
    assert rules["Résiliations et litiges → équipe e-mail"].team.name == "Équipe e-mail"
    assert rules["Questions produit sur le chat → ventes"].team.name == "Ventes"
    assert BusinessSchedule.objects.get(is_default=True).holiday_country == "FR"
    assert set(SlaPolicy.objects.values_list("name", flat=True)) >= {"Téléphone", "Chat", "E-mail"}
    assert Contact.objects.filter(segment="vip").exists()
