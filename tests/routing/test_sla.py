"""SLA clocks: deadlines in business or elapsed time, breach states, pauses, escalation."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from relais.core.business_hours import BusinessCalendar
from relais.routing.sla import (
    DEFAULT_RESPONSE_TARGETS,
    EscalationStep,
    SlaTargets,
    breach_state,
    due_escalations,
    extend_for_pause,
    first_response_due,
    next_response_due,
    remaining,
    resolution_due,
    response_due,
)

PARIS = ZoneInfo("Europe/Paris")
OFFICE = BusinessCalendar(
    timezone="Europe/Paris",
    weekly_hours=dict.fromkeys(range(5), ((time(9), time(18)),)),
    holiday_country="FR",
)
FRIDAY_17 = datetime(2026, 1, 16, 17, tzinfo=PARIS)
MONDAY_10 = datetime(2026, 1, 19, 10, tzinfo=PARIS)


def business(**targets):
    return SlaTargets(business_hours=True, **targets)


# --- default targets ---------------------------------------------------------------


def test_default_response_targets_still_apply_per_channel_class():
    now = datetime(2026, 1, 16, 17, tzinfo=UTC)
    assert response_due("chat", now) == now + timedelta(minutes=2)
    assert response_due("email", now) == now + DEFAULT_RESPONSE_TARGETS["email"]
    assert response_due("carrier-pigeon", now) == now + timedelta(minutes=30)


# --- deadlines ---------------------------------------------------------------------


def test_business_hours_targets_skip_the_weekend():
    targets = business(first_response=timedelta(hours=2), resolution=timedelta(hours=11))
    assert first_response_due(targets, OFFICE, FRIDAY_17) == MONDAY_10
    # 1 hour on Friday, 9 on Monday, the last one on Tuesday.
    assert resolution_due(targets, OFFICE, FRIDAY_17) == datetime(2026, 1, 20, 10, tzinfo=PARIS)


def test_elapsed_time_targets_ignore_the_calendar():
    targets = SlaTargets(first_response=timedelta(hours=2), business_hours=False)
    assert first_response_due(targets, OFFICE, FRIDAY_17) == datetime(2026, 1, 16, 19, tzinfo=PARIS)
    assert first_response_due(targets, None, FRIDAY_17) == datetime(2026, 1, 16, 19, tzinfo=PARIS)


def test_elapsed_time_targets_count_real_hours_across_dst():
    before_spring_forward = datetime(2026, 3, 29, 1, 30, tzinfo=PARIS)
    targets = SlaTargets(next_response=timedelta(hours=1))
    assert next_response_due(targets, None, before_spring_forward) == datetime(
        2026, 3, 29, 3, 30, tzinfo=PARIS
    )


def test_missing_target_means_no_deadline():
    targets = business(first_response=timedelta(hours=1))
    assert next_response_due(targets, OFFICE, FRIDAY_17) is None
    assert resolution_due(targets, OFFICE, FRIDAY_17) is None


def test_business_hours_targets_need_a_calendar():
    with pytest.raises(ValueError, match="no calendar"):
        first_response_due(business(first_response=timedelta(hours=1)), None, FRIDAY_17)


@pytest.mark.parametrize("target", [timedelta(0), timedelta(minutes=-5)])
def test_targets_must_be_positive(target):
    with pytest.raises(ValueError, match="first_response target must be positive"):
        SlaTargets(first_response=target)


# --- breach state and countdown ----------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (MONDAY_10 - timedelta(hours=2), "ok"),
        (MONDAY_10 - timedelta(minutes=30, microseconds=1), "ok"),
        (MONDAY_10 - timedelta(minutes=30), "at_risk"),
        (MONDAY_10 - timedelta(seconds=1), "at_risk"),
        (MONDAY_10, "breached"),
        (MONDAY_10 + timedelta(days=3), "breached"),
    ],
)
def test_breach_state_thresholds(now, expected):
    assert breach_state(MONDAY_10, now, warn_before=timedelta(minutes=30)) == expected


def test_no_deadline_is_never_breached():
    assert breach_state(None, MONDAY_10, warn_before=timedelta(hours=1)) == "ok"


def test_remaining_counts_down_and_goes_negative_once_breached():
    assert remaining(MONDAY_10, MONDAY_10 - timedelta(minutes=5)) == timedelta(minutes=5)
    assert remaining(MONDAY_10, MONDAY_10 + timedelta(minutes=5)) == timedelta(minutes=-5)


def test_remaining_is_real_time_across_a_dst_change():
    saturday = datetime(2026, 3, 28, 12, tzinfo=PARIS)
    monday = datetime(2026, 3, 30, 12, tzinfo=PARIS)
    assert remaining(monday, saturday) == timedelta(hours=47)
    assert remaining(monday, saturday.astimezone(UTC)) == timedelta(hours=47)


def test_remaining_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        remaining(MONDAY_10, datetime(2026, 1, 19, 9))


# --- pauses ------------------------------------------------------------------------


def test_pending_time_in_business_hours_pushes_the_resolution_deadline():
    due = datetime(2026, 1, 20, 12, tzinfo=PARIS)  # Tuesday
    paused_from = datetime(2026, 1, 16, 16, tzinfo=PARIS)  # Friday 16:00
    paused_until = datetime(2026, 1, 19, 11, tzinfo=PARIS)  # Monday 11:00: 4 open hours
    extended = extend_for_pause(OFFICE, due, paused_from, paused_until, business_hours=True)
    assert extended == datetime(2026, 1, 20, 16, tzinfo=PARIS)


def test_pending_time_in_elapsed_time_counts_the_weekend():
    due = datetime(2026, 1, 20, 12, tzinfo=PARIS)
    paused_from = datetime(2026, 1, 16, 16, tzinfo=PARIS)
    paused_until = datetime(2026, 1, 19, 11, tzinfo=PARIS)
    extended = extend_for_pause(None, due, paused_from, paused_until, business_hours=False)
    assert extended == due + timedelta(hours=67)


def test_pause_after_the_deadline_does_not_lift_the_breach():
    paused_from = MONDAY_10 + timedelta(minutes=1)
    extended = extend_for_pause(
        OFFICE, MONDAY_10, paused_from, paused_from + timedelta(hours=3), business_hours=True
    )
    assert extended == MONDAY_10


def test_pause_spanning_the_deadline_extends_by_the_whole_pause():
    extended = extend_for_pause(
        OFFICE,
        MONDAY_10,
        MONDAY_10 - timedelta(hours=1),
        MONDAY_10 + timedelta(hours=1),
        business_hours=True,
    )
    assert extended == MONDAY_10 + timedelta(hours=2)


def test_pause_ending_before_it_begins_is_refused():
    with pytest.raises(ValueError, match="paused_until"):
        extend_for_pause(OFFICE, MONDAY_10, FRIDAY_17, FRIDAY_17 - timedelta(hours=1), True)


# --- escalation --------------------------------------------------------------------

WARN_TEAM = EscalationStep(when="at_risk", action="notify", target="team")
RAISE = EscalationStep(when="breached", action="raise_priority", target="urgent")
REASSIGN = EscalationStep(when="breached", action="reassign", target="team:supervisors")
POLICY = [WARN_TEAM, RAISE, REASSIGN]


def test_nothing_escalates_while_ok():
    assert due_escalations(POLICY, "ok", set()) == []


def test_escalation_steps_fire_once_per_deadline():
    done: set[str] = set()
    fired_per_check = []
    for state in ["ok", "at_risk", "at_risk", "breached", "breached"]:
        fired = due_escalations(POLICY, state, done)
        done |= {step.key for step in fired}
        fired_per_check.append(fired)
    assert fired_per_check == [[], [WARN_TEAM], [], [RAISE, REASSIGN], []]


def test_breach_seen_first_also_sends_the_missed_warning():
    assert due_escalations(POLICY, "breached", set()) == [WARN_TEAM, RAISE, REASSIGN]


def test_duplicate_steps_in_a_policy_fire_once():
    assert due_escalations([RAISE, RAISE], "breached", set()) == [RAISE]


def test_already_done_set_is_not_modified():
    done = {WARN_TEAM.key}
    due_escalations(POLICY, "breached", done)
    assert done == {WARN_TEAM.key}


@pytest.mark.parametrize(
    ("when", "action", "message"),
    [("late", "notify", "when must be one of"), ("breached", "email", "action must be one of")],
)
def test_unknown_escalation_values_are_refused(when, action, message):
    with pytest.raises(ValueError, match=message):
        EscalationStep(when=when, action=action)


def test_unknown_breach_state_is_refused():
    with pytest.raises(ValueError, match="state must be one of"):
        due_escalations(POLICY, "late", set())
