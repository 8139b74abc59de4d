"""The assignment engine on hand-made cases: order, skills, capacity, fairness, pull mode."""

from collections import Counter

import pytest

from relais.routing.engine import (
    AgentState,
    Assignment,
    QueueItem,
    assign,
    can_take,
    eligible,
    item_kind,
    next_item,
    sort_queue,
    urgency_key,
)

MINUTE = 60.0
HOUR = 3600.0
CALL, CHAT, MESSAGING, EMAIL = 60.0, 2 * MINUTE, 30 * MINUTE, 24 * HOUR  # response targets
LOW, NORMAL, HIGH, URGENT = 0, 1, 2, 3


def item(item_id, channel="chat", *, arrived_at=0.0, target=None, **fields):
    """An item due `target` seconds after arrival (the channel's default target)."""
    if target is None:
        target = {"call": CALL, "chat": CHAT, "messaging": MESSAGING, "email": EMAIL}[channel]
    return QueueItem(item_id, channel, arrived_at + target, arrived_at=arrived_at, **fields)


def agent(agent_id, *, skills=None, teams=(), last=float("-inf"), capacity=None, **free):
    return AgentState(
        agent_id,
        free=free,
        skills=skills or {},
        teams=frozenset(teams),
        last_assigned_at=last,
        capacity=capacity or {},
    )


def pairs(assignments):
    return {(a.item_id, a.agent_id) for a in assignments}


def ids(items):
    return [i.id for i in items]


# Urgency order


def test_breached_email_outranks_fresh_chat():
    breached_email = item(1, "email", arrived_at=-25 * HOUR)
    fresh_chat = item(2, "chat")
    assert ids(sort_queue([fresh_chat, breached_email])) == [1, 2]


def test_chat_due_now_outranks_urgent_email():
    urgent_email = item(1, "email", priority=URGENT)
    low_chat = item(2, "chat", priority=LOW)
    assert ids(sort_queue([urgent_email, low_chat])) == [2, 1]


def test_priority_reorders_items_due_close_together():
    older_normal = item(1, "messaging", arrived_at=0, priority=NORMAL)
    newer_vip = item(2, "messaging", arrived_at=20 * MINUTE, priority=URGENT)
    newer_public_post = item(3, "messaging", arrived_at=5 * MINUTE, priority=HIGH)
    assert ids(sort_queue([older_normal, newer_vip, newer_public_post])) == [2, 3, 1]


def test_priority_advance_is_bounded():
    old_low = item(1, "messaging", arrived_at=0, priority=LOW)
    much_newer_urgent = item(2, "messaging", arrived_at=31 * MINUTE, priority=URGENT)
    assert ids(sort_queue([much_newer_urgent, old_low])) == [1, 2]


def test_equal_keys_are_broken_by_arrival_then_id():
    # Same shifted deadline: a normal item arrived a minute after a low one.
    low = item(5, "chat", arrived_at=0, priority=LOW)
    normal = item(4, "chat", arrived_at=MINUTE, priority=NORMAL)
    twin = item(3, "chat", arrived_at=MINUTE, priority=NORMAL)
    assert ids(sort_queue([normal, twin, low])) == [5, 3, 4]


def test_fifo_order_ignores_deadlines_and_priority():
    old_email = item(1, "email", arrived_at=0)
    newer_urgent_call = item(2, "call", arrived_at=10, priority=URGENT)
    same_time = item(0, "chat", arrived_at=10)
    queue = [newer_urgent_call, same_time, old_email]
    assert ids(sort_queue(queue, "fifo")) == [1, 0, 2]


def test_sort_queue_agrees_with_urgency_key():
    queue = [item(i, ch, arrived_at=i % 7, priority=i % 4) for i, ch in enumerate(["chat"] * 30)]
    assert sort_queue(queue) == sorted(queue, key=urgency_key)


def test_out_of_range_priorities_are_clamped():
    assert item(1, priority=9).urgency == item(1, priority=URGENT).urgency
    assert item(1, priority=-3).urgency == item(1, priority=LOW).urgency


@pytest.mark.parametrize("call", [assign, lambda items, agents, order: sort_queue(items, order)])
def test_unknown_order_is_refused(call):
    with pytest.raises(ValueError, match="unknown order"):
        call([item(1)], [agent(1, chat=1)], order="random")


def test_unknown_order_is_refused_in_pull_mode():
    with pytest.raises(ValueError, match="unknown order"):
        next_item(agent(1, chat=1), [item(1)], order="lifo")


def test_most_urgent_item_wins_scarce_capacity():
    queue = [item(1, arrived_at=30), item(2, arrived_at=10), item(3, arrived_at=20)]
    assert assign(queue, [agent(7, chat=1)]) == [Assignment(2, 7)]


def test_fifo_serves_the_oldest_item_first():
    queue = [item(1, "call", arrived_at=20), item(2, "email", arrived_at=10)]
    agents = [agent(7, call=1, email=1, capacity={"call": 1, "email": 1})]
    both = assign(queue, agents, order="fifo")
    assert [a.item_id for a in both] == [2, 1]


def test_old_low_item_beats_a_stream_of_fresh_urgent_ones():
    """An urgent message arrives every minute and one agent frees one slot a
    minute: the urgent ones go first until their keys pass the low item's."""
    waiting = [item(0, "messaging", arrived_at=0, priority=LOW)]
    served_at = None
    for minute in range(1, 120):
        now = minute * MINUTE
        waiting.append(item(minute, "messaging", arrived_at=now, priority=URGENT))
        (taken,) = assign(waiting, [agent(1, messaging=1, last=now - MINUTE)])
        waiting = [i for i in waiting if i.id != taken.item_id]
        if taken.item_id == 0:
            served_at = now
            break
    # A newcomer arriving at t has the key t + 30 min - 30 min: newcomers stop
    # overtaking it when t reaches its deadline.
    assert served_at == MESSAGING


# Skills, teams, eligibility


def test_item_goes_only_to_an_agent_speaking_its_language():
    german = item(1, skills={"lang:de": 1})
    agents = [agent(1, chat=3, skills={"lang:fr": 5}), agent(2, chat=3, skills={"lang:de": 1})]
    assert pairs(assign([german], agents)) == {(1, 2)}


def test_required_level_excludes_a_novice():
    expert_needed = item(1, skills={"topic:billing": 4})
    novice = agent(1, chat=3, skills={"topic:billing": 3})
    assert assign([expert_needed], [novice]) == []
    assert not eligible(novice, expert_needed)


def test_team_item_goes_only_to_a_member():
    key_account = item(1, team=10)
    agents = [agent(1, chat=3, teams={20}), agent(2, chat=1, teams={10, 20})]
    assert pairs(assign([key_account], agents)) == {(1, 2)}


def test_item_nobody_qualifies_for_stays_waiting():
    queue = [item(1, skills={"lang:ja": 1}), item(2, team=99)]
    assert assign(queue, [agent(1, chat=3, skills={"lang:fr": 5})]) == []


def test_higher_skill_levels_win():
    billing = item(1, skills={"lang:fr": 1, "topic:billing": 1})
    agents = [
        agent(1, chat=3, skills={"lang:fr": 3, "topic:billing": 3}),
        agent(2, chat=3, skills={"lang:fr": 3, "topic:billing": 4}),
    ]
    assert pairs(assign([billing], agents)) == {(1, 2)}


def test_only_the_required_skills_count():
    billing = item(1, skills={"topic:billing": 1})
    agents = [
        agent(1, chat=3, skills={"topic:billing": 2, "lang:fr": 5, "lang:en": 5}),
        agent(2, chat=3, skills={"topic:billing": 3}),
    ]
    assert pairs(assign([billing], agents)) == {(1, 2)}


def test_an_agent_best_for_two_kinds_is_not_given_more_than_their_room():
    generalist = agent(1, email=1, skills={"topic:billing": 5, "topic:returns": 5})
    beginner = agent(2, email=1, skills={"topic:billing": 1, "topic:returns": 1})
    queue = [
        item(1, "email", arrived_at=0, skills={"topic:billing": 1}),
        item(2, "email", arrived_at=1, skills={"topic:returns": 1}),
    ]
    assert pairs(assign(queue, [generalist, beginner])) == {(1, 1), (2, 2)}


def test_an_agent_who_ran_out_serving_another_kind_is_skipped():
    generalist = agent(1, email=2, skills={"topic:billing": 5, "topic:returns": 5})
    beginner = agent(2, email=2, skills={"topic:billing": 1, "topic:returns": 1})
    queue = [
        item(1, "email", arrived_at=0, skills={"topic:returns": 1}),
        item(2, "email", arrived_at=1, skills={"topic:billing": 1}),
        item(3, "email", arrived_at=2, skills={"topic:returns": 1}),
    ]
    assert pairs(assign(queue, [generalist, beginner])) == {(1, 1), (2, 1), (3, 2)}


def test_an_agent_served_for_another_kind_is_ranked_again():
    # 1 goes to agent 1 (lowest id), 2 to agent 2 (more room); for 3 both have
    # half their room and agent 1 was served longer ago.
    equals = [agent(i, email=2, skills={"topic:billing": 1, "topic:returns": 1}) for i in (1, 2)]
    queue = [
        item(1, "email", arrived_at=0, skills={"topic:returns": 1}),
        item(2, "email", arrived_at=1, skills={"topic:billing": 1}),
        item(3, "email", arrived_at=2, skills={"topic:returns": 1}),
        item(4, "email", arrived_at=3, skills={"topic:billing": 1}),
    ]
    assert pairs(assign(queue, equals)) == {(1, 1), (2, 2), (3, 1), (4, 2)}


def test_eligible_ignores_load_but_can_take_needs_room():
    billing = item(1, "email", skills={"topic:billing": 2})
    busy_expert = agent(1, email=0, chat=3, skills={"topic:billing": 5})
    assert eligible(busy_expert, billing)
    assert not can_take(busy_expert, billing)


def test_skills_in_another_order_make_the_same_kind():
    assert item_kind("chat", None, {"a": 1, "b": 2}) == item_kind("chat", None, {"b": 2, "a": 1})
    assert item_kind("chat", None, {"a": 1}) != item_kind("chat", 1, {"a": 1})


# Capacity


def test_agent_takes_up_to_their_room_on_each_channel():
    queue = [item(i, ch) for i, ch in enumerate(["call"] * 3 + ["chat"] * 5 + ["email"] * 10)]
    multi = agent(1, call=1, chat=3, email=8)
    taken = Counter(queue[a.item_id].channel for a in assign(queue, [multi]))
    assert taken == {"call": 1, "chat": 3, "email": 8}


def test_agent_without_room_on_the_channel_gets_nothing_there():
    queue = [item(1, "chat"), item(2, "email")]
    assert pairs(assign(queue, [agent(1, chat=0, email=2)])) == {(2, 1)}


def test_negative_room_counts_as_none():
    assert assign([item(1)], [agent(1, chat=-2)]) == []


def test_nothing_to_do_without_items_or_agents():
    assert assign([], [agent(1, chat=3)]) == []
    assert assign([item(1)], []) == []


def test_least_loaded_agent_wins_among_equals():
    capacity = {"chat": 3}
    busy = agent(1, chat=1, capacity=capacity)  # two chats running
    idle = agent(2, chat=3, capacity=capacity)
    assert pairs(assign([item(1)], [busy, idle])) == {(1, 2)}


def test_load_is_a_share_of_capacity():
    # One chat running on each: 2/3 free beats 4/8 free (share, not count).
    small = agent(1, chat=2, capacity={"chat": 3})
    large = agent(2, chat=4, capacity={"chat": 8})
    assert pairs(assign([item(1)], [small, large])) == {(1, 1)}


def test_missing_capacity_counts_as_idle():
    unknown = agent(1, chat=1)  # capacity unknown: its free slot is all of it
    half_busy = agent(2, chat=1, capacity={"chat": 2})
    assert pairs(assign([item(1)], [half_busy, unknown])) == {(1, 1)}


def test_item_passed_twice_is_assigned_once():
    twice = item(1)
    assert assign([twice, twice], [agent(1, chat=3)]) == [Assignment(1, 1)]


def test_agents_sharing_an_id_are_refused():
    with pytest.raises(ValueError, match="share an id"):
        assign([item(1)], [agent(1, chat=1), agent(1, email=1)])


# Fairness


def test_equal_agents_share_a_round_evenly():
    agents = [agent(i, chat=3, capacity={"chat": 3}) for i in (1, 2, 3)]
    taken = Counter(a.agent_id for a in assign([item(i) for i in range(3)], agents))
    assert taken == {1: 1, 2: 1, 3: 1}


def test_longest_idle_agent_wins_among_equals():
    agents = [agent(1, chat=1, last=500.0), agent(2, chat=1, last=100.0)]
    assert pairs(assign([item(1)], agents)) == {(1, 2)}


def test_lowest_id_breaks_a_full_tie():
    assert pairs(assign([item(1)], [agent(9, chat=1), agent(4, chat=1)])) == {(1, 4)}


def test_agent_served_in_the_round_goes_behind_equally_ranked_ones():
    # The chat goes to agent 1 (idle longest); on e-mail both are equally free,
    # so agent 1, just served, comes after agent 2.
    agents = [agent(1, chat=3, email=8, last=0.0), agent(2, chat=3, email=8, last=100.0)]
    queue = [item(1, "chat"), item(2, "email")]
    assert pairs(assign(queue, agents)) == {(1, 1), (2, 2)}


def test_counts_stay_balanced_over_many_rounds():
    """One call a round for four phone agents who hang up before the next."""
    last_served = dict.fromkeys(range(1, 5), float("-inf"))
    taken = Counter()
    for round_number in range(101):
        agents = [agent(i, call=1, last=last) for i, last in last_served.items()]
        (call,) = assign([item(round_number, "call", arrived_at=round_number)], agents)
        taken[call.agent_id] += 1
        last_served[call.agent_id] = round_number
    assert max(taken.values()) - min(taken.values()) <= 1


# Pull mode


def test_next_gives_the_most_urgent_item_the_agent_can_take():
    queue = [
        item(1, "chat", arrived_at=0, skills={"lang:en": 1}),  # most urgent, wrong language
        item(2, "email", arrived_at=0, skills={"lang:fr": 1}),
        item(3, "chat", arrived_at=30, skills={"lang:fr": 1}),
    ]
    french = agent(1, chat=1, email=1, skills={"lang:fr": 2})
    assert next_item(french, queue).id == 3


def test_next_skips_channels_without_room():
    queue = [item(1, "chat"), item(2, "email")]
    assert next_item(agent(1, chat=0, email=1), queue).id == 2


def test_next_is_none_when_nothing_fits():
    assert next_item(agent(1, chat=3), [item(1, "call"), item(2, team=5)]) is None
    assert next_item(agent(1, chat=3), []) is None


def test_next_on_a_sorted_queue_stops_at_the_first_fit():
    queue = sort_queue([item(i, "chat", arrived_at=-i) for i in range(50)])
    chatter = agent(1, chat=1)
    assert next_item(chatter, queue, presorted=True) == next_item(chatter, queue) == queue[0]


def test_next_in_fifo_order_takes_the_oldest():
    queue = [item(1, "chat", arrived_at=5), item(2, "email", arrived_at=1)]
    assert next_item(agent(1, chat=1, email=1), queue, order="fifo").id == 2
