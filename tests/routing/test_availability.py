from relais.accounts.models import Presence
from relais.conversations.actions import assign_conversation, set_status
from relais.conversations.models import Status
from relais.routing.availability import AgentLoad, chat_is_live, inbox_is_live
from tests.factories import make_agent, make_conversation, make_inbox, make_team


def test_no_agent_means_not_live():
    assert not chat_is_live([])


def test_online_agent_with_room_makes_the_chat_live():
    assert chat_is_live([AgentLoad(Presence.ONLINE, capacity=3, active_conversations=2)])


def test_agents_away_or_full_do_not_make_the_chat_live():
    assert not chat_is_live(
        [
            AgentLoad(Presence.AWAY, capacity=3, active_conversations=0),
            AgentLoad(Presence.BUSY, capacity=3, active_conversations=0),
            AgentLoad(Presence.ONLINE, capacity=3, active_conversations=3),
            AgentLoad(Presence.ONLINE, capacity=2, active_conversations=5),
        ]
    )


def test_inbox_without_online_agent_is_not_live(inbox, agent):
    assert agent.presence == Presence.OFFLINE
    assert not inbox_is_live(inbox)


def test_online_agent_with_free_chat_capacity_makes_the_inbox_live(inbox, agent):
    agent.presence = Presence.ONLINE
    agent.save()
    assert inbox_is_live(inbox)


def test_online_agent_at_chat_capacity_is_not_available(inbox, agent):
    agent.presence = Presence.ONLINE
    agent.capacity = {"chat": 2}
    agent.save()
    other_site = make_inbox("webchat", teams=list(agent.teams.all()))
    for chat_inbox in (inbox, other_site):
        assign_conversation(make_conversation(chat_inbox), by=agent, agent=agent)
    assert not inbox_is_live(inbox)


def test_resolved_conversations_free_the_agent(inbox, agent):
    agent.presence = Presence.ONLINE
    agent.capacity = {"chat": 1}
    agent.save()
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent)
    assert not inbox_is_live(inbox)
    set_status(conversation, Status.RESOLVED, by=agent)
    assert inbox_is_live(inbox)


def test_online_agent_of_another_team_does_not_make_the_inbox_live(inbox, team, outsider):
    outsider.presence = Presence.ONLINE
    outsider.save()
    assert not inbox_is_live(inbox)


def test_inactive_online_agent_does_not_count(inbox, team):
    make_agent(teams=[team], presence=Presence.ONLINE, is_active=False)
    assert not inbox_is_live(inbox)


def test_agent_in_two_serving_teams_is_counted_once(inbox, agent):
    make_team(inboxes=[inbox], members=[agent])
    agent.presence = Presence.ONLINE
    agent.capacity = {"chat": 1}
    agent.save()
    assign_conversation(make_conversation(inbox), by=agent, agent=agent)
    assert not inbox_is_live(inbox)


def test_pending_conversations_free_the_agent(inbox, agent):
    # Waiting on the customer takes none of the agent's attention.
    agent.presence = Presence.ONLINE
    agent.capacity = {"chat": 1}
    agent.save()
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent)
    set_status(conversation, Status.PENDING, by=agent)
    assert inbox_is_live(inbox)


def test_a_transferred_conversation_frees_the_previous_agent(inbox, team, agent):
    agent.presence = Presence.ONLINE
    agent.capacity = {"chat": 1}
    agent.save()
    colleague = make_agent(teams=[team], presence=Presence.BUSY)
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent)
    assert not inbox_is_live(inbox)
    assign_conversation(conversation, by=agent, agent=colleague)
    assert inbox_is_live(inbox)
