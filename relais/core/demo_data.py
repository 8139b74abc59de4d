"""Demo data: a French online shop's customer service, two weeks of it.

`load_demo_data()` creates the agents, teams and inboxes of
`relais.core.demo_scenarios`, then plays every scenario through the real
actions (receive_message, reply, add_note, assign_conversation, set_tags,
set_status), so the Event log, counters and realtime payloads are exactly what
production would hold. The actions stamp rows with the current time; each step
is then dated back to when it happened in the story with queryset updates.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from relais.accounts.access import can_see_inbox
from relais.accounts.actions import issue_api_token, set_presence
from relais.accounts.models import Agent, ApiToken, Presence, Role, Team
from relais.connectors.actions import create_inbox
from relais.connectors.api_channel import parse_payload
from relais.connectors.base import InboundMessage
from relais.connectors.models import Inbox
from relais.connectors.registry import CONNECTORS
from relais.connectors.webchat.visitors import Visitor
from relais.contacts.models import Contact, Identity
from relais.conversations import actions
from relais.conversations.models import (
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    MessageKind,
    Status,
)
from relais.conversations.outbox import update_delivery_status
from relais.core.demo_scenarios import (
    AGENTS,
    CONTACTS,
    DEMO_PASSWORD,
    INBOXES,
    SCENARIOS,
    TEAM_CHANNELS,
    DemoContact,
    Scenario,
    Step,
)
from relais.core.events import record_event
from relais.core.models import Event
from relais.routing.sla import response_due

ADMIN = next(agent for agent in AGENTS if agent.role == Role.ADMIN)
SUPERVISOR_KEY = next(agent.key for agent in AGENTS if agent.role == Role.SUPERVISOR)
DEMO_TOKEN_NAME = "demo"  # noqa: S105 (a label, not a secret)
# Accounts, teams and inboxes exist from well before the story starts.
SET_UP_DAYS_AGO = 90
# Time the agent takes to tag and close a conversation after the last step.
WRAP_UP = timedelta(minutes=2)


@dataclass(frozen=True)
class DemoAccount:
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class DemoSummary:
    """What the demo holds, for the instructions `relais demo` prints."""

    created: bool  # False when the demo data was already there
    password: str
    accounts: tuple[DemoAccount, ...]
    inboxes: tuple[str, ...]
    conversations: int
    contacts: int

    @property
    def admin_email(self) -> str:
        return ADMIN.email


def demo_is_loaded() -> bool:
    return Agent.objects.filter(email=ADMIN.email).exists()


def load_demo_data(now: datetime | None = None) -> DemoSummary:
    """Load the demo unless it is already there (idempotent: a second call adds
    nothing). All or nothing: one transaction. Inbox kinds whose connector is
    not registered are skipped, with their conversations."""
    created = not demo_is_loaded()
    if created:
        with transaction.atomic():
            DemoSeeder(now or timezone.now()).run()
    return _summary(created)


def issue_demo_token() -> str:
    """A fresh API token for the demo admin. The previous demo token is revoked,
    so running the demo again does not pile tokens up."""
    admin = Agent.objects.get(email=ADMIN.email)
    ApiToken.objects.filter(agent=admin, name=DEMO_TOKEN_NAME).delete()
    return issue_api_token(admin, name=DEMO_TOKEN_NAME)


def _summary(created: bool) -> DemoSummary:
    emails = [spec.email for spec in AGENTS]
    found = {agent.email: agent for agent in Agent.objects.filter(email__in=emails)}
    return DemoSummary(
        created=created,
        password=DEMO_PASSWORD,
        accounts=tuple(
            DemoAccount(found[email].name, email, found[email].role)
            for email in emails
            if email in found
        ),
        inboxes=tuple(Inbox.objects.order_by("pk").values_list("name", flat=True)),
        conversations=Conversation.objects.count(),
        contacts=Contact.objects.count(),
    )


@contextmanager
def dated(when: datetime) -> Iterator[None]:
    """Give the events and messages written inside the block the time `when`.

    The actions stamp rows with the real clock; every story time is earlier
    than the seed's start, so "stamped since the block began" finds exactly
    the rows of this step."""
    began = timezone.now()
    yield
    Event.objects.filter(created_at__gte=began).update(created_at=when)
    Message.objects.filter(created_at__gte=began).update(created_at=when)
    Message.objects.filter(status_changed_at__gte=began).update(status_changed_at=when)


def start_of(scenario: Scenario, now: datetime) -> datetime:
    """When the customer first wrote, moved earlier if needed so that the whole
    story (wrap-up included) is over by `now`."""
    if scenario.minutes_ago:
        start = now - timedelta(minutes=scenario.minutes_ago)
    else:
        day = timezone.localtime(now).date() - timedelta(days=scenario.days_ago)
        hour, minute = (int(part) for part in scenario.clock.split(":"))
        start = datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())
    end = start + timedelta(minutes=scenario.steps[-1].at) + WRAP_UP
    latest_end = now - timedelta(minutes=1)
    return start - max(end - latest_end, timedelta(0))


def message_times(scenario: Scenario, start: datetime) -> tuple[datetime, datetime | None]:
    """(last message time, waiting since) once the scenario has played: the
    customer waits from their first message after the last answer."""
    last_message_at, waiting_since = start, None
    for step in scenario.steps:
        when = start + timedelta(minutes=step.at)
        if step.action == "customer":
            last_message_at, waiting_since = when, waiting_since or when
        elif step.action == "reply":
            last_message_at, waiting_since = when, None
    if scenario.status == Status.RESOLVED:
        waiting_since = None
    return last_message_at, waiting_since


def shop_visitor(inbox: Inbox, person: DemoContact) -> Visitor:
    """The widget visitor this person is on the demo shop: identified by the
    shop's login when they have one, else by the e-mail the shop vouches for
    its customers, else anonymous."""
    visitor_id = f"v_demo-{person.key}"
    if person.shop_login:
        return Visitor(
            inbox.pk,
            visitor_id,
            external_id=person.shop_login,
            name=person.name,
            email_hint=person.email,
        )
    if person.customer_id:
        return Visitor(inbox.pk, visitor_id, verified_email=person.email, name=person.name)
    return Visitor(inbox.pk, visitor_id)


def chat_visitor_message(
    inbox: Inbox, person: DemoContact, body: str, client_id: str, subject: str
) -> InboundMessage:
    """What the widget hands the pipeline for this person (as the web chat's
    `receive_visitor_message` builds it), with a subject for the inbox list."""
    visitor = shop_visitor(inbox, person)
    metadata = {"client_id": client_id}
    if person.email and not visitor.is_verified:
        metadata["contact_email"] = person.email  # typed in the leave-a-message form
    return InboundMessage(
        inbox_id=inbox.pk,
        body=body,
        identities=visitor.identities(),
        provider_message_id=f"webchat:{visitor.visitor_id}:{client_id}",
        contact_name=visitor.name,
        contact_email=person.email,
        subject=subject,
        metadata=metadata,
    )


def app_user_message(
    inbox: Inbox, person: DemoContact, body: str, message_id: str, subject: str
) -> InboundMessage:
    """What the shop's back-end posts to the API channel for this person,
    parsed by the connector itself."""
    if not person.customer_id:
        raise ValueError(f"{person.key} needs a customer number to use the app")
    payload = {
        "message_id": message_id,
        "contact": {
            "external_id": person.customer_id,
            "name": person.name,
            "email": person.email,
            "phone": person.phone,
        },
        "body": body,
        "subject": subject,
    }
    return parse_payload(inbox, json.dumps(payload).encode())


# How the customer's side of each channel writes, standing in for the provider.
CUSTOMER_SIDES: dict[str, Callable[[Inbox, DemoContact, str, str, str], InboundMessage]] = {
    "webchat": chat_visitor_message,
    "api": app_user_message,
}


class DemoSeeder:
    """Creates the demo in an empty database. Call `run()` inside a transaction."""

    def __init__(self, now: datetime):
        self.now = now
        self.set_up_at = now - timedelta(days=SET_UP_DAYS_AGO)
        self.agents: dict[str, Agent] = {}
        self.teams: dict[str, Team] = {}
        self.inboxes: dict[str, Inbox] = {}
        self.people = {person.key: person for person in CONTACTS}
        self.contact_first_seen: dict[int, tuple[DemoContact, datetime]] = {}

    def run(self) -> None:
        with dated(self.set_up_at):
            self._create_agents()
            self._create_inboxes_and_teams()
        playable = [s for s in SCENARIOS if s.channel in self.inboxes]
        timeline = sorted(((start_of(s, self.now), s) for s in playable), key=lambda p: p[0])
        for start, scenario in timeline:
            self._play(scenario, start, number=SCENARIOS.index(scenario))
        self._date_contacts()
        with dated(self.now - timedelta(minutes=40)):
            for spec in AGENTS:
                if spec.presence != Presence.OFFLINE:
                    set_presence(self.agents[spec.key], spec.presence)

    def _create_agents(self) -> None:
        # Argon2 is slow by design: hash the shared demo password once, not per agent.
        password = make_password(DEMO_PASSWORD)
        for spec in AGENTS:
            is_admin = spec.role == Role.ADMIN
            agent = Agent.objects.create(
                email=spec.email,
                name=spec.name,
                role=spec.role,
                password=password,
                is_staff=is_admin,
                is_superuser=is_admin,
                date_joined=self.set_up_at,
            )
            record_event("agent.created", actor=agent, role=spec.role)
            self.agents[spec.key] = agent

    def _create_inboxes_and_teams(self) -> None:
        admin = self.agents[ADMIN.key]
        for kind, (name, settings) in INBOXES.items():
            if kind in CONNECTORS and kind in CUSTOMER_SIDES:
                inbox = create_inbox(by=admin, kind=kind, name=name, settings=settings)
                self.inboxes[kind] = inbox
        Inbox.objects.filter(pk__in=[i.pk for i in self.inboxes.values()]).update(
            created_at=self.set_up_at
        )
        for name, kinds in TEAM_CHANNELS.items():
            team = Team.objects.create(name=name)
            team.inboxes.set([self.inboxes[kind] for kind in kinds if kind in self.inboxes])
            team.members.set([self.agents[a.key] for a in AGENTS if name in a.teams])
            self.teams[name] = team

    def _play(self, scenario: Scenario, start: datetime, number: int) -> None:
        if not scenario.steps or scenario.steps[0].action != "customer":
            raise ValueError(f"scenario {number} must start with the customer writing")
        inbox = self.inboxes[scenario.channel]
        person = self.people[scenario.contact]
        write = CUSTOMER_SIDES[inbox.kind]
        conversation = None
        for index, step in enumerate(scenario.steps):
            with dated(start + timedelta(minutes=step.at)):
                if step.action == "customer":
                    inbound = write(
                        inbox, person, step.body, f"demo-{number}-{index}", scenario.subject
                    )
                    conversation = self._customer_writes(inbound, is_first=index == 0)
                else:
                    self._agent_acts(conversation, step)
        end = start + timedelta(minutes=scenario.steps[-1].at) + WRAP_UP
        with dated(end):
            self._wrap_up(conversation, scenario)
        self._date_conversation(conversation, scenario, start, end)
        self.contact_first_seen.setdefault(conversation.contact_id, (person, start))

    def _date_conversation(
        self, conversation: Conversation, scenario: Scenario, start: datetime, end: datetime
    ) -> None:
        last_message_at, waiting_since = message_times(scenario, start)
        conversation.refresh_from_db()
        if conversation.waiting_since is None:
            waiting_since = None
        channel_class = conversation.inbox.connector.channel_class
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=start,
            updated_at=end,
            last_message_at=last_message_at,
            waiting_since=waiting_since,
            due_at=response_due(channel_class, waiting_since) if waiting_since else None,
            priority=scenario.priority,
        )

    def _customer_writes(self, inbound: InboundMessage, *, is_first: bool) -> Conversation:
        result = actions.receive_message(inbound)
        if is_first and not result.new_conversation:
            # Two scenarios of one contact on one inbox overlap in time.
            raise ValueError(f"{inbound.provider_message_id} joined an unresolved conversation")
        conversation = result.conversation
        # Seeing the customer write again means they have read the answers so far.
        answers = conversation.messages.filter(
            direction=Direction.OUTBOUND, kind=MessageKind.MESSAGE, status=DeliveryStatus.SENT
        )
        for answer in answers.select_related("inbox", "conversation"):
            update_delivery_status(answer, DeliveryStatus.READ)
        return conversation

    def _agent_acts(self, conversation: Conversation, step: Step) -> None:
        if step.action == "assign":
            actions.assign_conversation(
                conversation,
                by=self.agents[SUPERVISOR_KEY],
                agent=self._agent(step.agent, conversation) if step.agent else None,
                team=self.teams[step.team] if step.team else None,
            )
            return
        agent = self._agent(step.agent, conversation)
        if step.action == "note":
            actions.add_note(conversation, agent, step.body)
        elif step.action == "reply":
            message = actions.reply(conversation, agent, step.body)
            # No provider to talk to in the demo: record the send as a connector would.
            update_delivery_status(message, DeliveryStatus.SENT)
        else:
            raise ValueError(f"unknown step: {step.action}")

    def _agent(self, key: str, conversation: Conversation) -> Agent:
        agent = self.agents[key]
        if not can_see_inbox(agent, conversation.inbox_id):
            raise ValueError(f"{key} does not serve the inbox of {conversation.subject!r}")
        return agent

    def _wrap_up(self, conversation: Conversation, scenario: Scenario) -> None:
        conversation.refresh_from_db()
        closer = conversation.assignee or self.agents[SUPERVISOR_KEY]
        if scenario.tags:
            actions.set_tags(conversation, list(scenario.tags), by=closer)
        snoozed_until = None
        if scenario.status == Status.SNOOZED:
            snoozed_until = self.now + timedelta(days=scenario.snooze_days or 1)
        actions.set_status(conversation, scenario.status, by=closer, snoozed_until=snoozed_until)

    def _date_contacts(self) -> None:
        for contact_id, (person, first_seen) in self.contact_first_seen.items():
            Contact.objects.filter(pk=contact_id).update(
                phone=person.phone, locale="fr", created_at=first_seen, updated_at=first_seen
            )
            Identity.objects.filter(contact_id=contact_id).update(created_at=first_seen)
