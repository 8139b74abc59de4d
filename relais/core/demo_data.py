"""Demo data: a French online shop's customer service, two weeks of it.

`load_demo_data()` creates the agents, teams and inboxes of
`relais.core.demo_people`, then plays every scenario of
`relais.core.demo_scenarios` through the real actions (receive_message, reply,
add_note, assign_conversation, set_tags, set_status), the customers' messages
built by each channel's own connector code (`demo_channels`), so the Event
log, counters and realtime payloads are exactly what production would hold.
The actions stamp rows with the current time; each step is then dated back to
when it happened in the story with queryset updates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from relais.accounts.access import can_see_inbox
from relais.accounts.actions import issue_api_token, set_presence
from relais.accounts.models import Agent, ApiToken, Presence, Role, Team
from relais.connectors.actions import create_inbox, update_inbox
from relais.connectors.base import InboundMessage
from relais.connectors.models import Inbox
from relais.connectors.registry import CONNECTORS
from relais.contacts.models import Contact, Identity
from relais.conversations import actions
from relais.conversations.models import (
    Attachment,
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    MessageKind,
    Status,
)
from relais.conversations.outbox import update_delivery_status
from relais.core.demo_channels import CUSTOMER_SIDES, record_sent
from relais.core.demo_community import seed_community
from relais.core.demo_kb import load_demo_kb
from relais.core.demo_people import (
    AGENTS,
    CONTACTS,
    DEMO_PASSWORD,
    EMAIL,
    INBOXES,
    SELF_CARE,
    SERVICE,
    TEAM_CHANNELS,
    DemoContact,
)
from relais.core.demo_routing import mark_segments, set_up_routing
from relais.core.demo_scenarios import SCENARIOS
from relais.core.demo_story import Scenario, Step
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
class DemoMailbox:
    address: str
    contact_form_path: str


@dataclass(frozen=True)
class DemoSummary:
    """What the demo holds, for the instructions `relais demo` prints."""

    created: bool  # False when the demo data was already there
    password: str
    accounts: tuple[DemoAccount, ...]
    inboxes: tuple[str, ...]
    conversations: int
    contacts: int
    # The demo's e-mail inbox, None when the e-mail channel is not built in.
    mailbox: DemoMailbox | None = None

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
        mailbox=_mailbox(),
    )


def _mailbox() -> DemoMailbox | None:
    address = INBOXES[EMAIL][1]["address"]
    inbox = Inbox.objects.filter(kind=EMAIL, config__address=address).first()
    if inbox is None:
        return None
    return DemoMailbox(address, reverse("webform:form", args=[inbox.public_key]))


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
    Attachment.objects.filter(created_at__gte=began).update(created_at=when)


def start_of(scenario: Scenario, now: datetime) -> datetime:
    """When the customer first wrote, moved earlier if needed so that the whole
    story (wrap-up included) is over by `now`."""
    if scenario.minutes_ago:
        start = now - timedelta(minutes=scenario.minutes_ago)
    else:
        day = timezone.localtime(now).date() - timedelta(days=scenario.days_ago)
        hour, minute = (int(part) for part in scenario.clock.split(":"))
        local_start = datetime.combine(
            day, time(hour, minute), tzinfo=timezone.get_current_timezone()
        )
        # In UTC from here: adding minutes to a zoneinfo datetime moves its wall
        # clock, so on the night the clocks change the story would end an hour
        # off, in the future.
        start = local_start.astimezone(UTC)
    end = start + timedelta(minutes=scenario.steps[-1].at) + WRAP_UP
    latest_end = now - timedelta(minutes=1)
    return start - max(end - latest_end, timedelta(0))


def message_times(scenario: Scenario, start: datetime) -> tuple[datetime, datetime | None]:
    """(last message time, waiting since) once the scenario has played: the
    customer waits from their first message after the last answer (an
    out-of-office waits for nothing)."""
    last_message_at, waiting_since = start, None
    for step in scenario.steps:
        when = start + timedelta(minutes=step.at)
        if step.action == "customer":
            last_message_at, waiting_since = when, waiting_since or when
        elif step.action == "reply":
            last_message_at, waiting_since = when, None
        elif step.action == "auto_reply":
            last_message_at = when
        elif step.action == "status" and step.body == Status.RESOLVED:
            waiting_since = None
    if scenario.status == Status.RESOLVED:
        waiting_since = None
    return last_message_at, waiting_since


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
            set_up_routing(self.teams, self.agents)
            load_demo_kb(author=self.agents[SUPERVISOR_KEY])
        playable = [s for s in SCENARIOS if s.channel in self.inboxes]
        timeline = sorted(((start_of(s, self.now), s) for s in playable), key=lambda p: p[0])
        for start, scenario in timeline:
            self._play(scenario, start, number=SCENARIOS.index(scenario))
        self._date_contacts()
        mark_segments()
        seed_community(self.agents, self.teams.get(SERVICE))
        for kind, settings in SELF_CARE.items():
            if kind in self.inboxes:
                update_inbox(self.inboxes[kind], by=self.agents[ADMIN.key], settings=settings)
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
        conversation = None
        for index, step in enumerate(scenario.steps):
            when = start + timedelta(minutes=step.at)
            with dated(when):
                if step.action in ("customer", "auto_reply"):
                    inbound = CUSTOMER_SIDES[inbox.kind](
                        inbox,
                        person,
                        step.body,
                        f"demo-{number}-{index}",
                        scenario.subject,
                        sent_at=when,
                        thread=_thread(conversation),
                        files=step.files,
                        automatic=step.action == "auto_reply",
                    )
                    conversation = self._customer_writes(inbound, conversation)
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

    def _customer_writes(
        self, inbound: InboundMessage, conversation: Conversation | None
    ) -> Conversation:
        """Receive the customer's message; raises ValueError when it does not
        land where the story says (a first message joining an earlier
        conversation, a follow-up starting a new one)."""
        result = actions.receive_message(inbound)
        if conversation is None and not result.new_conversation:
            # Two scenarios of one contact on one inbox overlap in time.
            raise ValueError(f"{inbound.provider_message_id} joined an unresolved conversation")
        if conversation is not None and result.conversation.pk != conversation.pk:
            raise ValueError(f"{inbound.provider_message_id} left its conversation")
        conversation = result.conversation
        if inbound.automatic:
            return conversation  # a robot answering has read nothing
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
            record_sent(actions.reply(conversation, agent, step.body))
        elif step.action == "status":
            actions.set_status(conversation, step.body, by=agent)
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


def _thread(conversation: Conversation | None) -> list[str]:
    """The provider ids of the conversation's messages so far, oldest first."""
    if conversation is None:
        return []
    messages = conversation.messages.filter(kind=MessageKind.MESSAGE).exclude(
        provider_message_id=""
    )
    return list(messages.order_by("id").values_list("provider_message_id", flat=True))
