from datetime import timedelta

import pytest
from django.utils import timezone

from relais.connectors.base import IdentityRef
from relais.contacts.models import Contact
from relais.conversations.actions import (
    add_note,
    assign_conversation,
    receive_message,
    reply,
    set_status,
    set_tags,
)
from relais.conversations.errors import InvalidInput
from relais.conversations.models import Conversation, DeliveryStatus, Message, Status
from relais.core.models import Event
from tests.factories import inbound, make_agent


def test_same_inbound_message_delivered_twice_is_stored_once(inbox):
    first = receive_message(inbound(inbox, "Où est mon colis ?", provider_message_id="abc"))
    second = receive_message(inbound(inbox, "Où est mon colis ?", provider_message_id="abc"))
    assert first.created and not second.created
    assert second.message.pk == first.message.pk
    assert Message.objects.count() == 1
    assert Event.objects.filter(kind="message.received").count() == 1


def test_same_provider_id_on_another_inbox_is_a_different_message(inbox):
    from tests.factories import make_inbox

    other = make_inbox()
    receive_message(inbound(inbox, "a", provider_message_id="same"))
    receive_message(inbound(other, "b", provider_message_id="same"))
    assert Message.objects.count() == 2


def test_messages_from_one_visitor_thread_into_one_conversation(inbox):
    first = receive_message(inbound(inbox, "Bonjour", visitor="v1"))
    second = receive_message(inbound(inbox, "Vous êtes là ?", visitor="v1"))
    assert first.new_conversation and not second.new_conversation
    assert second.conversation.pk == first.conversation.pk
    conversation = Conversation.objects.get()
    assert conversation.unread_count == 2
    assert conversation.last_message_preview == "Vous êtes là ?"


def test_resolved_conversation_is_not_reused(inbox, agent):
    first = receive_message(inbound(inbox, "Bonjour", visitor="v1")).conversation
    set_status(first, Status.RESOLVED, by=agent)
    second = receive_message(inbound(inbox, "Encore moi", visitor="v1")).conversation
    assert second.pk != first.pk
    assert second.contact_id == first.contact_id


def test_customer_message_reopens_pending_conversation(inbox, agent):
    conversation = receive_message(inbound(inbox, "Bonjour", visitor="v1")).conversation
    set_status(conversation, Status.PENDING, by=agent)
    receive_message(inbound(inbox, "Alors ?", visitor="v1"))
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert Event.objects.filter(kind="conversation.reopened").count() == 1


def test_one_identity_in_common_resolves_to_the_same_contact(inbox):
    receive_message(inbound(inbox, "a", identities=[IdentityRef("visitor", "v1")]))
    receive_message(
        inbound(
            inbox,
            "b",
            identities=[
                IdentityRef("visitor", "v2"),
                IdentityRef("external_id", "cust-42", verified=True),
            ],
        )
    )
    receive_message(
        inbound(
            inbox,
            "c",
            identities=[
                IdentityRef("visitor", "v3"),
                IdentityRef("external_id", "cust-42", verified=True),
            ],
        )
    )
    assert Contact.objects.count() == 2


def test_empty_and_oversized_messages_are_refused_and_nothing_is_stored(inbox, settings):
    with pytest.raises(InvalidInput):
        receive_message(inbound(inbox, "   "))
    with pytest.raises(InvalidInput):
        receive_message(inbound(inbox, "x" * (settings.RELAIS_MAX_MESSAGE_LENGTH + 1)))
    assert Message.objects.count() == 0
    assert Contact.objects.count() == 0


def test_new_message_sets_a_response_deadline_by_channel(inbox):
    conversation = receive_message(inbound(inbox)).conversation
    assert conversation.waiting_since is not None
    assert conversation.due_at - conversation.waiting_since == timedelta(minutes=2)


def test_reply_is_queued_then_sent_and_clears_the_wait(
    inbox, agent, django_capture_on_commit_callbacks
):
    conversation = receive_message(inbound(inbox)).conversation
    with django_capture_on_commit_callbacks(execute=True):
        message = reply(conversation, agent, "Je regarde tout de suite.")
    message.refresh_from_db()
    conversation.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert message.provider_message_id == f"webchat-{message.pk}"
    assert conversation.waiting_since is None and conversation.due_at is None
    assert conversation.assignee == agent
    assert list(Event.objects.filter(conversation=conversation).values_list("kind", flat=True)) == [
        "conversation.created",
        "message.received",
        "conversation.assigned",
        "message.queued",
        "message.sent",
    ]


def test_empty_reply_is_refused(inbox, agent):
    conversation = receive_message(inbound(inbox)).conversation
    with pytest.raises(InvalidInput):
        reply(conversation, agent, "  ")
    assert conversation.messages.count() == 1


def test_note_is_never_sent(inbox, agent, django_capture_on_commit_callbacks):
    conversation = receive_message(inbound(inbox)).conversation
    with django_capture_on_commit_callbacks(execute=True):
        note = add_note(conversation, agent, "Client VIP, geste commercial possible")
    assert note.is_note
    assert not Event.objects.filter(kind="message.sent").exists()


def test_assigning_to_an_agent_outside_the_inbox_is_refused(inbox, agent, outsider):
    conversation = receive_message(inbound(inbox)).conversation
    with pytest.raises(InvalidInput):
        assign_conversation(conversation, by=agent, agent=outsider)
    assign_conversation(conversation, by=agent, agent=agent)
    conversation.refresh_from_db()
    assert conversation.assignee == agent


def test_snooze_needs_a_future_time(inbox, agent):
    conversation = receive_message(inbound(inbox)).conversation
    with pytest.raises(InvalidInput):
        set_status(conversation, Status.SNOOZED, by=agent)
    with pytest.raises(InvalidInput):
        set_status(
            conversation,
            Status.SNOOZED,
            by=agent,
            snoozed_until=timezone.now() - timedelta(minutes=1),
        )
    later = timezone.now() + timedelta(hours=2)
    set_status(conversation, Status.SNOOZED, by=agent, snoozed_until=later)
    conversation.refresh_from_db()
    assert conversation.status == Status.SNOOZED and conversation.snoozed_until == later


def test_snoozed_conversation_wakes_up_when_its_time_has_come(inbox, agent):
    from relais.conversations.actions import wake_snoozed_conversations

    conversation = receive_message(inbound(inbox)).conversation
    set_status(
        conversation, Status.SNOOZED, by=agent, snoozed_until=timezone.now() + timedelta(hours=1)
    )
    assert wake_snoozed_conversations() == 0
    Conversation.objects.filter(pk=conversation.pk).update(
        snoozed_until=timezone.now() - timedelta(seconds=1)
    )
    assert wake_snoozed_conversations() == 1
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN


def test_tags_are_normalised_and_changes_recorded(inbox, agent):
    conversation = receive_message(inbound(inbox)).conversation
    assert set_tags(conversation, ["Livraison", "remboursement", "livraison"], by=agent) == [
        "livraison",
        "remboursement",
    ]
    set_tags(conversation, ["livraison"], by=agent)
    events = Event.objects.filter(kind="conversation.tagged").order_by("id")
    assert [e.data["removed"] for e in events] == [[], ["remboursement"]]


def test_agent_outside_team_cannot_see_conversation(inbox, agent, outsider):
    from relais.accounts.access import NotVisible, access_conversation

    conversation = receive_message(inbound(inbox)).conversation
    assert access_conversation(agent, conversation.pk) == conversation
    with pytest.raises(NotVisible):
        access_conversation(outsider, conversation.pk)
    supervisor = make_agent("supervisor")
    assert access_conversation(supervisor, conversation.pk) == conversation
