"""Automatic away: the decision, the periodic job, and the console's activity reports."""

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from relais.accounts.models import Agent, Presence
from relais.core.models import Event
from relais.routing.presence import (
    AWAY_AFTER_DISCONNECT,
    AWAY_AFTER_INACTIVE,
    away_reason,
    mark_idle_agents_away,
    should_go_away,
)
from relais.web import consumers
from relais.web.consumers import ConsoleConsumer
from tests.factories import make_agent
from tests.sockets import Communicator

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)


# ---- The decision ------------------------------------------------------------


def test_online_agent_quiet_longer_than_the_inactivity_goes_away():
    last_active = NOW - AWAY_AFTER_INACTIVE - SECOND
    assert away_reason(Presence.ONLINE, last_active, None, NOW) == "inactive"
    assert should_go_away(Presence.ONLINE, last_active, None, NOW)


def test_online_agent_quiet_for_exactly_the_inactivity_stays_online():
    assert not should_go_away(Presence.ONLINE, NOW - AWAY_AFTER_INACTIVE, None, NOW)


def test_recently_active_agent_stays_online():
    assert not should_go_away(Presence.ONLINE, NOW - MINUTE, None, NOW)


def test_inactivity_follows_the_given_threshold():
    last_active = NOW - 3 * MINUTE
    assert should_go_away(Presence.ONLINE, last_active, None, NOW, inactivity=2 * MINUTE)
    assert not should_go_away(Presence.ONLINE, last_active, None, NOW, inactivity=5 * MINUTE)


def test_disconnected_within_the_grace_stays_online():
    # A page navigation closes the socket and opens another a moment later.
    disconnected = NOW - AWAY_AFTER_DISCONNECT + SECOND
    assert not should_go_away(Presence.ONLINE, disconnected - SECOND, disconnected, NOW)


def test_disconnected_past_the_grace_goes_away_before_the_inactivity():
    disconnected = NOW - AWAY_AFTER_DISCONNECT - SECOND
    reason = away_reason(Presence.ONLINE, disconnected - SECOND, disconnected, NOW)
    assert reason == "disconnected"


def test_disconnect_grace_follows_the_given_value():
    disconnected = NOW - 20 * SECOND
    assert should_go_away(
        Presence.ONLINE, disconnected, disconnected, NOW, disconnect_grace=10 * SECOND
    )


def test_activity_since_the_disconnect_keeps_the_agent_online():
    # Another tab still open and used, or the new page's beat after the old one closed.
    disconnected = NOW - 5 * MINUTE
    assert not should_go_away(Presence.ONLINE, disconnected + SECOND, disconnected, NOW)


def test_reconnected_agent_is_judged_on_activity_only():
    assert not should_go_away(Presence.ONLINE, NOW - 2 * MINUTE, None, NOW)


@pytest.mark.parametrize("presence", [Presence.BUSY, Presence.AWAY, Presence.OFFLINE])
def test_only_online_agents_go_away(presence):
    long_ago = NOW - timedelta(days=1)
    assert away_reason(presence, long_ago, long_ago, NOW) is None


def test_agent_the_console_never_saw_is_not_inactive():
    # Driven through the API only: no console activity was ever recorded.
    assert not should_go_away(Presence.ONLINE, None, None, NOW)


# ---- The job -----------------------------------------------------------------


def online_agent(last_active_at, disconnected_at=None, **fields) -> Agent:
    fields.setdefault("presence", Presence.ONLINE)
    fields.setdefault("presence_changed_at", timezone.now() - timedelta(hours=2))
    return make_agent(last_active_at=last_active_at, disconnected_at=disconnected_at, **fields)


def presence_events(agent: Agent) -> list[dict]:
    return list(
        Event.objects.filter(kind="agent.presence_changed", actor=agent).values_list(
            "data", flat=True
        )
    )


@pytest.mark.django_db
def test_job_moves_quiet_and_disconnected_agents_away_with_their_reason():
    now = timezone.now()
    quiet = online_agent(now - AWAY_AFTER_INACTIVE - MINUTE)
    gone = online_agent(now - 3 * MINUTE, disconnected_at=now - 2 * MINUTE)
    working = online_agent(now - MINUTE)
    navigating = online_agent(now - 20 * SECOND, disconnected_at=now - 10 * SECOND)
    busy = online_agent(now - timedelta(hours=1), presence=Presence.BUSY)

    assert mark_idle_agents_away(now) == 2

    presences = {
        agent.pk: Agent.objects.get(pk=agent.pk).presence
        for agent in (quiet, gone, working, navigating, busy)
    }
    assert presences == {
        quiet.pk: Presence.AWAY,
        gone.pk: Presence.AWAY,
        working.pk: Presence.ONLINE,
        navigating.pk: Presence.ONLINE,
        busy.pk: Presence.BUSY,
    }
    assert presence_events(quiet) == [
        {"presence": "away", "previous_presence": "online", "reason": "inactive"}
    ]
    assert presence_events(gone)[0]["reason"] == "disconnected"


@pytest.mark.django_db
def test_job_run_twice_moves_each_agent_once():
    now = timezone.now()
    quiet = online_agent(now - timedelta(hours=1))
    assert mark_idle_agents_away(now) == 1
    assert mark_idle_agents_away(now + MINUTE) == 0
    assert len(presence_events(quiet)) == 1


@pytest.mark.django_db
def test_going_online_counts_as_a_sign_of_life():
    now = timezone.now()
    # Last seen at the console yesterday, set online (API, supervisor) just now.
    returning = online_agent(now - timedelta(days=1), presence_changed_at=now - MINUTE)
    assert mark_idle_agents_away(now) == 0
    returning.refresh_from_db()
    assert returning.presence == Presence.ONLINE


@pytest.mark.django_db
def test_job_leaves_agents_the_console_never_saw():
    online_agent(None, presence_changed_at=timezone.now() - timedelta(days=3))
    assert mark_idle_agents_away() == 0


@pytest.mark.django_db
def test_job_finds_candidates_in_one_query_whatever_the_number_of_agents(
    django_assert_num_queries,
):
    now = timezone.now()
    for _ in range(5):
        online_agent(now - MINUTE)
        online_agent(now - timedelta(hours=1), presence=Presence.BUSY)
    with django_assert_num_queries(1):
        assert mark_idle_agents_away(now) == 0


@pytest.mark.django_db
def test_agent_active_again_since_the_candidates_were_read_is_kept_online(monkeypatch):
    from relais.routing import presence

    now = timezone.now()
    quiet = online_agent(now - timedelta(hours=1))
    stale = presence._candidates(now)
    Agent.objects.filter(pk=quiet.pk).update(last_active_at=now)
    monkeypatch.setattr(presence, "_candidates", lambda now: stale)
    assert mark_idle_agents_away(now) == 0
    quiet.refresh_from_db()
    assert quiet.presence == Presence.ONLINE


# ---- The console's activity reports --------------------------------------------


async def console_socket(agent) -> Communicator:
    communicator = Communicator(ConsoleConsumer.as_asgi(), "/ws/console/")
    communicator.scope["user"] = agent
    connected, _ = await communicator.connect()
    assert connected
    await handled(communicator)  # the connect handler has finished (and written)
    return communicator


async def handled(communicator) -> None:
    """Wait until the consumer has handled what was sent before (one message at
    a time): it answers this request without the database. Events heard
    meanwhile are passed over: through Redis, a presence broadcast made just
    before connecting can still reach the agent's group once joined."""
    await communicator.send_json_to({"type": "subscribe", "conversation_id": "sync"})
    while (answer := await communicator.receive_json_from())["name"] != "error":
        pass
    assert answer["error"] == "not_found"


async def activity(agent) -> tuple[datetime | None, datetime | None]:
    fresh = await Agent.objects.aget(pk=agent.pk)
    return fresh.last_active_at, fresh.disconnected_at


async def set_activity(agent, last_active_at, disconnected_at) -> None:
    await Agent.objects.filter(pk=agent.pk).aupdate(
        last_active_at=last_active_at, disconnected_at=disconnected_at
    )


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_connecting_counts_as_activity_and_closing_records_the_disconnection():
    agent = await sync_to_async(make_agent)()
    long_ago = timezone.now() - timedelta(days=1)
    await set_activity(agent, long_ago, long_ago)
    socket = await console_socket(agent)
    await handled(socket)
    last_active, disconnected = await activity(agent)
    assert last_active > long_ago
    assert disconnected is None
    await socket.disconnect()
    assert (await activity(agent))[1] >= last_active


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_active_heartbeat_moves_last_active_at(monkeypatch):
    monkeypatch.setattr(consumers, "HEARTBEAT_MIN_GAP_SECONDS", 0)
    agent = await sync_to_async(make_agent)()
    socket = await console_socket(agent)
    long_ago = timezone.now() - timedelta(hours=1)
    await set_activity(agent, long_ago, long_ago)
    await socket.send_json_to({"type": "heartbeat", "active": True})
    await handled(socket)
    last_active, disconnected = await activity(agent)
    assert last_active > long_ago
    assert disconnected is None
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_idle_heartbeat_is_not_activity_but_proves_a_console_is_open(monkeypatch):
    monkeypatch.setattr(consumers, "HEARTBEAT_MIN_GAP_SECONDS", 0)
    agent = await sync_to_async(make_agent)()
    socket = await console_socket(agent)
    long_ago = timezone.now() - timedelta(hours=1)
    # Another tab closed, or the old page's close arrived after this connect.
    await set_activity(agent, long_ago, long_ago + MINUTE)
    for idle in ({"type": "heartbeat", "active": False}, {"type": "heartbeat", "active": "yes"}):
        await socket.send_json_to(idle)
        await handled(socket)
        assert await activity(agent) == (long_ago, None)
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_heartbeats_write_at_most_once_per_gap_per_connection():
    agent = await sync_to_async(make_agent)()
    socket = await console_socket(agent)  # connecting wrote just now
    long_ago = timezone.now() - timedelta(hours=1)
    await set_activity(agent, long_ago, None)
    for _ in range(3):
        await socket.send_json_to({"type": "heartbeat", "active": True})
    await handled(socket)
    assert await activity(agent) == (long_ago, None)
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_agent_reconnecting_after_automatic_away_stays_away():
    agent = await sync_to_async(online_agent)(timezone.now() - timedelta(hours=1))
    assert await sync_to_async(mark_idle_agents_away)() == 1
    socket = await console_socket(agent)
    await handled(socket)
    fresh = await Agent.objects.aget(pk=agent.pk)
    assert fresh.presence == Presence.AWAY  # the agent chooses when to be online again
    assert fresh.last_active_at > timezone.now() - MINUTE
    await socket.disconnect()
