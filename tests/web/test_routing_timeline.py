"""The timeline tells what routing and the SLA clock did."""

from datetime import timedelta

from django.utils import timezone

from relais.accounts.models import Presence
from relais.conversations.actions import set_status
from relais.conversations.models import Priority, Status
from relais.core.events import record_event
from relais.routing.config import forget_config
from relais.routing.live import route_waiting
from relais.routing.models import RoutingRule, SlaPolicy
from tests.factories import make_agent, make_conversation


def test_rules_push_routing_and_sla_events_read_as_sentences(inbox, team, console):
    RoutingRule.objects.create(
        name="Litiges",
        conditions={"keywords": ["litige"]},
        team=team,
        priority=Priority.HIGH,
        tags=["litige"],
    )
    forget_config()
    online = make_agent(teams=[team], presence=Presence.ONLINE, name="Paula Push")
    conversation = make_conversation(inbox, "Un litige sur ma facture")
    route_waiting()
    due = (timezone.now() - timedelta(minutes=1)).isoformat()
    record_event("sla.breached", conversation=conversation, deadline="response", due_at=due)
    record_event(
        "sla.escalated",
        conversation=conversation,
        action="raise_priority",
        priority=Priority.URGENT,
    )
    forget_config()

    page = console.get(f"/c/{conversation.pk}/").content.decode()
    assert "Routing rules applied: team Support; priority High; tags litige" in page
    assert f"Routed automatically to {online.name}" in page
    assert "Response target missed" in page
    assert "Escalated: priority raised to Urgent" in page


def test_a_pending_conversation_shows_its_resolution_clock_paused_then_resumed(
    inbox, agent, console
):
    SlaPolicy.objects.create(name="Standard", resolution=timedelta(hours=8))
    forget_config()
    conversation = make_conversation(inbox)
    set_status(conversation, Status.PENDING, by=agent)

    page = console.get(f"/c/{conversation.pk}/").content.decode()
    assert 'data-testid="sla-paused"' in page
    assert "Resolution clock paused while the customer is awaited" in page

    set_status(conversation, Status.OPEN, by=agent)
    page = console.get(f"/c/{conversation.pk}/").content.decode()
    assert 'data-testid="sla-paused"' not in page
    assert "Resolution clock resumed, now due" in page


def test_without_a_resolution_deadline_pending_shows_no_paused_clock(inbox, agent, console):
    conversation = make_conversation(inbox)
    set_status(conversation, Status.PENDING, by=agent)

    page = console.get(f"/c/{conversation.pk}/").content.decode()
    assert 'data-testid="sla-paused"' not in page
