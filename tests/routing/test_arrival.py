"""Routing rules and SLA policies applied when a conversation arrives."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from relais.contacts.models import Contact
from relais.conversations.actions import receive_message, reply
from relais.conversations.models import Priority
from relais.core.models import Event
from relais.routing.config import forget_config
from relais.routing.models import BusinessSchedule, RoutingRule, SlaPolicy
from tests.factories import inbound, make_agent, make_conversation, make_inbox, make_team

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def fresh_config():
    forget_config()
    yield
    forget_config()


def test_a_rule_sets_team_priority_tags_and_skills_and_says_so(inbox):
    billing = make_team("Facturation")
    rule = RoutingRule.objects.create(
        name="Litiges",
        conditions={"keywords": ["litige"]},
        team=billing,
        priority=Priority.HIGH,
        tags=["litige"],
        skills={"topic:billing": 2},
    )
    conversation = make_conversation(inbox, "Bonjour, j'ai un LITIGE sur ma facture")
    conversation.refresh_from_db()
    assert conversation.team_id == billing.pk
    assert conversation.priority == Priority.HIGH
    assert conversation.required_skills == {"topic:billing": 2}
    assert list(conversation.tags.values_list("name", flat=True)) == ["litige"]
    routed = Event.objects.get(kind="conversation.routed", conversation=conversation)
    assert routed.data["rules"] == [rule.pk] and routed.data["team_id"] == billing.pk


def test_no_matching_rule_leaves_the_defaults_and_records_nothing(inbox):
    RoutingRule.objects.create(name="Litiges", conditions={"keywords": ["litige"]}, priority=3)
    conversation = make_conversation(inbox, "Où est mon colis ?")
    conversation.refresh_from_db()
    assert conversation.priority == Priority.NORMAL and conversation.team_id is None
    assert not Event.objects.filter(kind="conversation.routed").exists()


def test_a_segment_rule_reads_the_known_contacts_segment(inbox):
    RoutingRule.objects.create(name="VIP", conditions={"segments": ["vip"]}, priority=3)
    first = make_conversation(inbox, "Bonjour", visitor="v-vip")
    Contact.objects.filter(pk=first.contact_id).update(segment="vip")
    from relais.conversations.actions import set_status

    set_status(first, "resolved", by=None)
    second = receive_message(inbound(inbox, "Encore moi", visitor="v-vip")).conversation
    second.refresh_from_db()
    assert second.pk != first.pk and second.priority == Priority.URGENT


def test_a_disabled_rule_is_ignored(inbox):
    RoutingRule.objects.create(name="Off", conditions={}, priority=0, is_active=False)
    conversation = make_conversation(inbox)
    conversation.refresh_from_db()
    assert conversation.priority == Priority.NORMAL


def test_sla_policy_in_business_hours_sets_the_deadlines(inbox, agent, monkeypatch):
    schedule = BusinessSchedule.objects.create(name="Bureau", holiday_country="FR")
    policy = SlaPolicy.objects.create(
        name="Chat",
        channels=["chat"],
        first_response=timedelta(hours=2),
        resolution=timedelta(hours=8),
        business_hours=True,
        schedule=schedule,
    )
    friday_evening = datetime(2026, 11, 27, 17, 0, tzinfo=PARIS)
    monkeypatch.setattr(timezone, "now", lambda: friday_evening)
    conversation = make_conversation(inbox)
    conversation.refresh_from_db()
    assert conversation.sla_policy_id == policy.pk
    # One hour on Friday, one on Monday morning.
    assert conversation.due_at == datetime(2026, 11, 30, 10, 0, tzinfo=PARIS)
    assert conversation.resolution_due_at == datetime(2026, 11, 30, 16, 0, tzinfo=PARIS)


def test_policy_order_and_priority_lists_choose_the_policy(inbox):
    RoutingRule.objects.create(name="VIP", conditions={"keywords": ["vip"]}, priority=3)
    urgent = SlaPolicy.objects.create(
        name="Urgent", position=1, priorities=[3], first_response=timedelta(minutes=5)
    )
    SlaPolicy.objects.create(name="All", position=2, first_response=timedelta(hours=1))
    other_inbox_only = SlaPolicy.objects.create(
        name="Other", position=0, first_response=timedelta(seconds=1)
    )
    other_inbox_only.inboxes.add(make_inbox("webchat"))
    conversation = make_conversation(inbox, "client vip")
    conversation.refresh_from_db()
    assert conversation.sla_policy_id == urgent.pk
    assert conversation.due_at - conversation.waiting_since == timedelta(minutes=5)


def test_without_a_policy_the_channel_default_applies(inbox):
    conversation = make_conversation(inbox)
    conversation.refresh_from_db()
    assert conversation.sla_policy_id is None
    assert conversation.due_at - conversation.waiting_since == timedelta(minutes=2)


def test_the_next_response_target_applies_when_the_customer_writes_again(inbox, agent):
    SlaPolicy.objects.create(
        name="Chat", first_response=timedelta(minutes=1), next_response=timedelta(minutes=7)
    )
    conversation = make_conversation(inbox, visitor="v-next")
    reply(conversation, agent, "Bonjour !")
    again = receive_message(inbound(inbox, "Merci, et ensuite ?", visitor="v-next")).conversation
    again.refresh_from_db()
    assert again.pk == conversation.pk
    assert again.due_at - again.waiting_since == timedelta(minutes=7)


def test_an_edited_rule_applies_at_once_in_this_process(inbox):
    rule = RoutingRule.objects.create(name="R", conditions={}, priority=0)
    make_conversation(inbox)
    rule.priority = 2
    rule.save()
    conversation = make_conversation(inbox)
    conversation.refresh_from_db()
    assert conversation.priority == 2


def test_a_broken_schedule_falls_back_to_calendar_time(inbox):
    schedule = BusinessSchedule.objects.create(name="Cassé", weekly_hours={"mon": "nope"})
    SlaPolicy.objects.create(
        name="P", first_response=timedelta(hours=1), business_hours=True, schedule=schedule
    )
    conversation = make_conversation(inbox)
    conversation.refresh_from_db()
    assert conversation.due_at - conversation.waiting_since == timedelta(hours=1)


def test_agents_of_another_team_are_not_needed_for_arrival(inbox):
    # Arrival never assigns: push routing does (routing/live.py).
    make_agent(teams=[make_team(inboxes=[inbox])], presence="online")
    conversation = make_conversation(inbox)
    conversation.refresh_from_db()
    assert conversation.assignee_id is None


@pytest.mark.django_db(transaction=True)
def test_a_team_deleted_in_another_process_costs_one_retry_not_the_message(monkeypatch):
    from relais.routing import arrival
    from relais.routing.config import RoutingConfig
    from relais.routing.rules import Rule

    inbox = make_inbox("webchat")
    stale = RoutingConfig((Rule(id=1, conditions={}, team_id=999_999),), (), None)
    calls = []

    def config():
        calls.append(1)
        return stale if len(calls) == 1 else RoutingConfig((), (), None)

    monkeypatch.setattr(arrival, "routing_config", config)
    conversation = make_conversation(inbox)
    conversation.refresh_from_db()
    assert conversation.team_id is None and len(calls) == 2
