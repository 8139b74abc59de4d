"""A realistic helpdesk history in bulk: inboxes, teams, agents, contacts,
conversations and messages (bulk_create, seeded, reproducible).

Shape: ~10 inboxes with skewed traffic, 4 teams of 5 agents serving overlapping
inboxes, a supervisor; most conversations resolved, a backlog of open,
pending and snoozed ones with priorities, assignees and due times; about ten
messages per conversation, alternating customer and agent, a few notes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

INBOX_WEIGHTS = [30, 20, 12, 10, 8, 6, 5, 4, 3, 2]
# Team -> the inbox numbers it serves (overlapping, as in real set-ups).
TEAM_INBOXES = {
    "Chat": [0, 1, 2],
    "E-mail": [3, 4, 5],
    "Social": [6, 7, 8],
    "Key accounts": [9, 0, 3],
}
AGENTS_PER_TEAM = 5
# Over the last BACKLOG_DAYS; older conversations are all resolved.
STATUS_WEIGHTS = {"resolved": 70, "open": 20, "pending": 6, "snoozed": 4}
BACKLOG_DAYS = 60
PRIORITY_WEIGHTS = {0: 15, 1: 65, 2: 15, 3: 5}
WORDS = tuple(
    " ".join(
        (
            "bonjour commande colis livraison retard remboursement facture adresse compte",
            "mot de passe produit taille échange retour suivi numéro merci urgent problème",
            "paiement carte abonnement hello order parcel delivery refund invoice account",
            "password size exchange return tracking",
        )
    ).split()
)
BATCH = 5_000


@dataclass
class Seeded:
    inbox_ids: list[int]
    agent_ids: list[int]
    supervisor_id: int
    conversations: int
    messages: int


@contextmanager
def settable_timestamps(*models) -> Iterator[None]:
    """Let bulk_create store the historic created_at/updated_at we give it
    (auto_now and auto_now_add would stamp every row with the seeding time)."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _message_counts(rng: random.Random, conversations: int, messages: int) -> list[int]:
    """Messages per conversation, at least one each, summing to `messages`."""
    mean = messages / conversations
    counts = [max(1, round(rng.triangular(1, 2 * mean - 1, mean))) for _ in range(conversations)]
    difference = messages - sum(counts)
    while difference:
        index = rng.randrange(conversations)
        step = 1 if difference > 0 else -1
        if counts[index] + step >= 1:
            counts[index] += step
            difference -= step
    return counts


def seed_directory(rng: random.Random):
    """Inboxes, teams, agents (with their team memberships) and a supervisor."""
    from relais.accounts.models import Agent, Role, Team
    from relais.connectors.models import Inbox
    from relais.connectors.registry import CONNECTORS

    kinds = sorted(CONNECTORS)
    inboxes = Inbox.objects.bulk_create(
        [
            Inbox(kind=kinds[n % len(kinds)], name=f"Inbox {n}", public_key=f"bench-inbox-{n}")
            for n in range(len(INBOX_WEIGHTS))
        ]
    )
    agents = []
    for team_number, (name, inbox_numbers) in enumerate(TEAM_INBOXES.items()):
        team = Team.objects.create(name=name)
        team.inboxes.set([inboxes[n] for n in inbox_numbers])
        members = [
            Agent(email=f"agent{team_number}-{n}@bench.example", name=f"Agent {team_number}-{n}")
            for n in range(AGENTS_PER_TEAM)
        ]
        for member in members:
            member.set_unusable_password()
        members = Agent.objects.bulk_create(members)
        team.members.set(members)
        agents += members
    supervisor = Agent(email="supervisor@bench.example", name="Supervisor", role=Role.SUPERVISOR)
    supervisor.set_unusable_password()
    supervisor.save()
    Team.objects.get(name="Chat").members.add(supervisor)
    return inboxes, agents, supervisor


def _agents_by_inbox(inboxes, agents) -> dict[int, list[int]]:
    serving: dict[int, list[int]] = {inbox.pk: [] for inbox in inboxes}
    for team_number, inbox_numbers in enumerate(TEAM_INBOXES.values()):
        members = agents[team_number * AGENTS_PER_TEAM : (team_number + 1) * AGENTS_PER_TEAM]
        for n in inbox_numbers:
            serving[inboxes[n].pk] += [member.pk for member in members]
    return serving


def seed(conversations: int, messages: int, *, random_seed: int = 42, progress=print) -> Seeded:
    """Fill an empty, migrated database; returns what the timings need."""
    from django.db import transaction
    from django.utils import timezone

    from relais.contacts.models import Contact, Identity
    from relais.conversations.models import Conversation

    rng = random.Random(random_seed)
    now = timezone.now()
    with transaction.atomic(), settable_timestamps(Contact, Conversation):
        inboxes, agents, supervisor = seed_directory(rng)
        serving = _agents_by_inbox(inboxes, agents)
        for n in TEAM_INBOXES["Chat"]:  # the supervisor takes conversations too
            serving[inboxes[n].pk].append(supervisor.pk)
        contact_ids = _seed_contacts(rng, int(conversations * 0.7), now)
        progress(f"seeded {len(contact_ids)} contacts")
        counts = _message_counts(rng, conversations, messages)
        bodies = [_sentence(rng, rng.randint(5, 40)) for _ in range(5_000)]
        stored_messages = 0
        for start in range(0, conversations, BATCH):
            size = min(BATCH, conversations - start)
            batch = _conversation_batch(rng, size, start, conversations, inboxes, serving, now)
            for conversation in batch:
                conversation.contact_id = rng.choice(contact_ids)  # some come back
            Conversation.objects.bulk_create(batch)
            rows = [
                row
                for conversation, count in zip(batch, counts[start : start + size], strict=True)
                for row in _message_rows(rng, conversation, count, bodies)
            ]
            _insert_messages(rows)
            stored_messages += len(rows)
            if (start // BATCH) % 4 == 3:
                progress(f"seeded {start + size} conversations, {stored_messages} messages")
        Identity.objects.bulk_create(
            Identity(contact_id=pk, kind="email", value=f"customer{pk}@bench.example")
            for pk in contact_ids
        )
    return Seeded(
        inbox_ids=[inbox.pk for inbox in inboxes],
        agent_ids=[agent.pk for agent in agents],
        supervisor_id=supervisor.pk,
        conversations=conversations,
        messages=stored_messages,
    )


def _seed_contacts(rng: random.Random, count: int, now: datetime) -> list[int]:
    from relais.contacts.models import Contact

    ids = []
    for start in range(0, count, BATCH):
        batch = []
        for n in range(start, min(count, start + BATCH)):
            created = now - timedelta(days=rng.uniform(0, 400))
            batch.append(
                Contact(
                    name=f"Customer {n}",
                    email=f"customer{n}@bench.example",
                    created_at=created,
                    updated_at=created,
                )
            )
        ids += [contact.pk for contact in Contact.objects.bulk_create(batch)]
    return ids


def _conversation_batch(rng, size, start, total, inboxes, serving, now):
    from relais.conversations.models import Conversation

    statuses, status_weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    priorities, priority_weights = zip(*PRIORITY_WEIGHTS.items(), strict=True)
    batch = []
    for n in range(start, start + size):
        inbox = rng.choices(inboxes, INBOX_WEIGHTS)[0]
        # Older ids are older conversations; the backlog is recent.
        age_days = 365 * (1 - n / total) + rng.uniform(0, 2)
        status = rng.choices(statuses, status_weights)[0] if age_days < BACKLOG_DAYS else "resolved"
        created = now - timedelta(days=age_days)
        assignee = rng.choice(serving[inbox.pk])
        if status == "open" and rng.random() < 0.3:
            assignee = None
        waiting_since = due_at = snoozed_until = None
        if status == "open" and rng.random() < 0.8:
            waiting_since = now - timedelta(minutes=rng.uniform(0, 3 * 24 * 60))
            due_at = waiting_since + timedelta(minutes=rng.choice([2, 30, 24 * 60]))
        if status == "snoozed":
            snoozed_until = now + timedelta(hours=rng.uniform(1, 72))
        last_message_at = min(now, created + timedelta(hours=rng.uniform(0, 48)))
        batch.append(
            Conversation(
                inbox_id=inbox.pk,
                channel=inbox.kind,
                subject=_sentence(rng, rng.randint(3, 8)),
                status=status,
                priority=rng.choices(priorities, priority_weights)[0],
                assignee_id=assignee,
                waiting_since=waiting_since,
                due_at=due_at,
                snoozed_until=snoozed_until,
                last_message_at=last_message_at,
                last_message_preview=_sentence(rng, rng.randint(5, 20))[:200],
                unread_count=rng.randint(1, 3) if waiting_since else 0,
                created_at=created,
                updated_at=last_message_at,
            )
        )
    return batch


MESSAGE_COLUMNS = (
    "conversation_id",
    "inbox_id",
    "direction",
    "kind",
    "author_id",
    "body",
    "status",
    "provider_message_id",
    "attempts",
    "error",
    "metadata",
    "created_at",
)


def _message_rows(rng: random.Random, conversation, count: int, bodies: list[str]):
    """Rows for MESSAGE_COLUMNS: customer and agent in turn, a few notes."""
    from django.db import connection

    adapt = connection.ops.adapt_datetimefield_value
    at = conversation.created_at
    for k in range(count):
        at += timedelta(minutes=rng.uniform(1, 120))
        inbound = k % 2 == 0
        note = not inbound and rng.random() < 0.05
        yield (
            conversation.pk,
            conversation.inbox_id,
            "in" if inbound else "out",
            "note" if note else "message",
            None if inbound else conversation.assignee_id,
            rng.choice(bodies),
            "received" if inbound else ("sent" if note else "read"),
            f"seed-{conversation.pk}-{k}" if inbound else "",
            0,
            "",
            "{}",
            adapt(at),
        )


def _insert_messages(rows: list[tuple]) -> None:
    """A million Message objects would cost more than the rows themselves:
    insert plain tuples with executemany (same table, same constraints)."""
    from django.db import connection

    from relais.conversations.models import Message

    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in MESSAGE_COLUMNS)
    placeholders = ", ".join(["%s"] * len(MESSAGE_COLUMNS))
    table = quote(Message._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 (our names)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
