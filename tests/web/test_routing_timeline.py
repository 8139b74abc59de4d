"""The timeline tells what routing and the SLA clock did."""

from datetime import timedelta

from django.utils import timezone

from relais.accounts.models import Presence
from relais.conversations.models import Priority
from relais.core.events import record_event
from relais.routing.config import forget_config
from relais.routing.live import route_waiting
from relais.routing.models import RoutingRule
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
