"""The business-hours clock: opening hours, holidays, exceptions, DST, JSON form."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.business_hours import (
    ALWAYS_OPEN,
    BusinessCalendar,
    add_business_time,
    business_time_between,
    from_dict,
    is_open,
    next_open,
    to_dict,
)

PARIS = ZoneInfo("Europe/Paris")
NINE_TO_SIX = ((time(9), time(18)),)
WITH_LUNCH = ((time(9), time(12, 30)), (time(13, 30), time(18)))


def paris(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def weekdays(hours=NINE_TO_SIX, **options):
    """Monday to Friday with the same hours, in Paris."""
    return BusinessCalendar(
        timezone="Europe/Paris", weekly_hours=dict.fromkeys(range(5), hours), **options
    )


def french(**options):
    return weekdays(holiday_country="FR", **options)


# --- deadlines on an ordinary week -------------------------------------------------


def test_friday_evening_deadline_lands_on_monday_morning():
    # Friday 16 Jan 2026, 17:00: one hour left on Friday, one on Monday.
    due = add_business_time(weekdays(), paris(2026, 1, 16, 17), timedelta(hours=2))
    assert due == paris(2026, 1, 19, 10)


def test_deadline_at_closing_time_stays_on_that_day():
    due = add_business_time(weekdays(), paris(2026, 1, 16, 16), timedelta(hours=2))
    assert due == paris(2026, 1, 16, 18)


def test_lunch_break_does_not_count():
    due = add_business_time(weekdays(WITH_LUNCH), paris(2026, 1, 14, 12), timedelta(hours=1))
    assert due == paris(2026, 1, 14, 14)


def test_start_outside_hours_counts_from_next_opening():
    saturday = paris(2026, 1, 17, 11)
    assert add_business_time(weekdays(), saturday, timedelta(minutes=30)) == paris(
        2026, 1, 19, 9, 30
    )
    before_opening = paris(2026, 1, 14, 7)
    assert add_business_time(weekdays(), before_opening, timedelta(hours=1)) == paris(
        2026, 1, 14, 10
    )


def test_zero_duration_is_due_at_start_even_when_closed():
    saturday = paris(2026, 1, 17, 11)
    assert add_business_time(weekdays(), saturday, timedelta(0)) == saturday


def test_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(weekdays(), paris(2026, 1, 14, 10), timedelta(hours=-1))


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_time(weekdays(), datetime(2026, 1, 14, 10), timedelta(hours=1))
    with pytest.raises(ValueError, match="aware"):
        is_open(weekdays(), datetime(2026, 1, 14, 10))


def test_forty_business_hours_span_a_weekend_and_a_bank_holiday():
    # From Wednesday 29 Apr 2026 09:00; Friday 1 May is closed: Wed, Thu, Mon, Tue
    # give 36 hours, the last 4 on Wednesday 6 May.
    due = add_business_time(french(), paris(2026, 4, 29, 9), timedelta(hours=40))
    assert due == paris(2026, 5, 6, 13)


def test_long_durations_cross_years():
    start = paris(2026, 1, 5, 9)
    due = add_business_time(french(), start, timedelta(hours=9 * 600))
    assert due.year == 2028
    assert business_time_between(french(), start, due) == timedelta(hours=9 * 600)


# --- holidays and exceptions -------------------------------------------------------


def test_bastille_day_and_first_of_may_are_closed_in_france():
    assert not is_open(french(), paris(2026, 7, 14, 10))
    assert not is_open(french(), paris(2026, 5, 1, 10))
    assert is_open(weekdays(), paris(2026, 7, 14, 10))  # no holiday country: open


def test_christmas_day_is_closed_but_christmas_eve_is_open():
    assert is_open(french(), paris(2025, 12, 24, 10))
    assert not is_open(french(), paris(2025, 12, 25, 10))
    due = add_business_time(french(), paris(2025, 12, 24, 17), timedelta(hours=2))
    assert due == paris(2025, 12, 26, 10)


def test_moselle_also_closes_on_saint_stephens_day():
    moselle = french(holiday_subdivision="57")
    due = add_business_time(moselle, paris(2025, 12, 24, 17), timedelta(hours=2))
    assert due == paris(2025, 12, 29, 10)


def test_exception_opens_on_a_sunday():
    sale = date(2026, 1, 18)
    calendar = french(exceptions={sale: ((time(10), time(16)),)})
    assert is_open(calendar, paris(2026, 1, 18, 11))
    due = add_business_time(calendar, paris(2026, 1, 16, 17), timedelta(hours=2))
    assert due == paris(2026, 1, 18, 11)


def test_exception_opens_on_a_holiday():
    calendar = french(exceptions={date(2026, 7, 14): ((time(9), time(12)),)})
    assert is_open(calendar, paris(2026, 7, 14, 10))
    assert not is_open(calendar, paris(2026, 7, 14, 15))


def test_exception_closes_an_ordinary_day():
    calendar = french(exceptions={date(2026, 1, 19): ()})
    due = add_business_time(calendar, paris(2026, 1, 16, 17), timedelta(hours=2))
    assert due == paris(2026, 1, 20, 10)


def test_next_open_is_now_when_open_else_the_next_opening():
    calendar = french()
    open_now = paris(2026, 1, 14, 10)
    assert next_open(calendar, open_now) is open_now
    assert next_open(calendar, paris(2026, 5, 1, 10)) == paris(2026, 5, 4, 9)
    assert next_open(calendar, paris(2026, 1, 14, 18)) == paris(2026, 1, 15, 9)


def test_closing_time_is_closed():
    assert is_open(weekdays(), paris(2026, 1, 14, 9))
    assert not is_open(weekdays(), paris(2026, 1, 14, 18))


# --- time zones and DST ------------------------------------------------------------


def test_spring_forward_weekend_keeps_wall_clock_hours():
    # DST starts Sunday 29 Mar 2026: Monday 10:00 is 08:00 UTC, not 09:00.
    due = add_business_time(weekdays(), paris(2026, 3, 27, 17), timedelta(hours=2))
    assert due == paris(2026, 3, 30, 10)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 8, tzinfo=UTC)


def test_fall_back_weekend_keeps_wall_clock_hours():
    due = add_business_time(weekdays(), paris(2026, 10, 23, 17), timedelta(hours=2))
    assert due == paris(2026, 10, 26, 10)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 9, tzinfo=UTC)


def test_a_day_open_around_the_clock_lasts_23_or_25_hours_on_dst_sundays():
    sundays = BusinessCalendar(timezone="Europe/Paris", weekly_hours={6: ((time(0), time(0)),)})
    spring, autumn = paris(2026, 3, 28), paris(2026, 10, 24)
    assert business_time_between(sundays, spring, spring + timedelta(days=3)) == timedelta(hours=23)
    assert business_time_between(sundays, autumn, autumn + timedelta(days=3)) == timedelta(hours=25)
    # The 23 open hours of that Sunday run out exactly at Monday midnight.
    due = add_business_time(sundays, spring, timedelta(hours=23))
    assert due == paris(2026, 3, 30)


def test_utc_input_for_a_paris_calendar_comes_back_in_utc():
    friday_17_paris = datetime(2026, 1, 16, 16, tzinfo=UTC)
    due = add_business_time(weekdays(), friday_17_paris, timedelta(hours=2))
    assert due.tzinfo is UTC
    assert due == datetime(2026, 1, 19, 9, tzinfo=UTC)
    assert is_open(weekdays(), datetime(2026, 1, 16, 16, 59, tzinfo=UTC))
    assert not is_open(weekdays(), datetime(2026, 1, 16, 17, tzinfo=UTC))


def test_start_in_another_zone_is_read_as_its_instant():
    new_york = datetime(2026, 1, 16, 11, tzinfo=ZoneInfo("America/New_York"))  # 17:00 Paris
    due = add_business_time(weekdays(), new_york, timedelta(hours=2))
    assert due == paris(2026, 1, 19, 10)
    assert due.tzinfo == ZoneInfo("America/New_York")


def test_always_open_counts_elapsed_time_across_dst():
    start = paris(2026, 3, 29, 1)
    due = add_business_time(ALWAYS_OPEN, start, timedelta(hours=2))
    assert due == paris(2026, 3, 29, 4)  # 02:00-03:00 does not exist that night


# --- business_time_between ---------------------------------------------------------


def test_business_time_between_counts_only_open_hours():
    calendar = weekdays(WITH_LUNCH)
    monday, next_monday = paris(2026, 1, 12), paris(2026, 1, 19)
    assert business_time_between(calendar, monday, next_monday) == timedelta(hours=5 * 8)
    assert business_time_between(calendar, next_monday, monday) == -timedelta(hours=40)


def test_business_time_between_on_a_holiday_is_zero():
    assert business_time_between(french(), paris(2026, 7, 14, 8), paris(2026, 7, 14, 20)) == (
        timedelta(0)
    )


@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    duration=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=300)),
)
def test_measuring_a_deadline_gives_back_the_duration(start, duration):
    calendar = french(hours=WITH_LUNCH, exceptions={date(2026, 3, 29): ((time(1), time(4)),)})
    due = add_business_time(calendar, start, duration)
    assert business_time_between(calendar, start, due) == duration
    if duration:  # the deadline is the earliest such instant: open just before it
        assert is_open(calendar, due - timedelta(microseconds=1))


@settings(max_examples=100, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(PARIS)
    ),
    duration=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
)
def test_round_trip_holds_for_paris_wall_clock_starts_and_24h_days(start, duration):
    calendar = BusinessCalendar(
        timezone="Europe/Paris",
        weekly_hours={0: ((time(0), time(0)),), 6: ((time(1), time(4)), (time(22), time(0)))},
        holiday_country="FR",
    )
    due = add_business_time(calendar, start, duration)
    assert business_time_between(calendar, start, due) == duration


# --- never-open calendars ----------------------------------------------------------


def test_never_open_calendar_raises_instead_of_looping():
    closed = BusinessCalendar(timezone="Europe/Paris", weekly_hours={})
    with pytest.raises(ValueError, match="no opening hours"):
        add_business_time(closed, paris(2026, 1, 14, 10), timedelta(hours=1))
    with pytest.raises(ValueError, match="no opening hours"):
        next_open(closed, paris(2026, 1, 14, 10))
    assert business_time_between(closed, paris(2026, 1, 1), paris(2027, 1, 1)) == timedelta(0)


def test_calendar_open_only_on_a_past_exception_raises():
    calendar = BusinessCalendar(
        timezone="Europe/Paris", weekly_hours={}, exceptions={date(2020, 1, 6): NINE_TO_SIX}
    )
    with pytest.raises(ValueError, match="no opening hours"):
        add_business_time(calendar, paris(2026, 1, 14, 10), timedelta(hours=1))


# --- construction and JSON ---------------------------------------------------------


def test_dict_round_trip_keeps_the_calendar():
    calendar = french(
        hours=WITH_LUNCH,
        holiday_subdivision="57",
        exceptions={date(2026, 12, 24): ((time(9), time(12)),), date(2026, 8, 14): ()},
    )
    data = to_dict(calendar)
    assert data["weekly_hours"]["mon"] == [["09:00", "12:30"], ["13:30", "18:00"]]
    assert data["weekly_hours"]["sun"] == []
    assert data["exceptions"] == {"2026-08-14": [], "2026-12-24": [["09:00", "12:00"]]}
    assert from_dict(data) == calendar
    assert hash(from_dict(data)) == hash(calendar)


def test_interval_ending_at_midnight_is_written_24_00():
    data = {"timezone": "Europe/Paris", "weekly_hours": {"fri": [["20:00", "24:00"]]}}
    calendar = from_dict(data)
    assert calendar.weekly_hours[4] == ((time(20), time(0)),)
    assert to_dict(calendar)["weekly_hours"]["fri"] == [["20:00", "24:00"]]
    assert is_open(calendar, paris(2026, 1, 16, 23, 59))


def test_intervals_are_sorted_on_construction():
    calendar = weekdays(((time(13, 30), time(18)), (time(9), time(12, 30))))
    assert calendar.weekly_hours[0] == WITH_LUNCH


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON object"),
        ({"weekly_hours": {}}, "timezone"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"timezone": "UTC", "week": {}}, r"unknown keys \['week'\]"),
        ({"timezone": "UTC", "weekly_hours": {"monday": []}}, "unknown day 'monday'"),
        ({"timezone": "UTC", "weekly_hours": {"mon": [["9h", "18:00"]]}}, "'9h' is not a time"),
        ({"timezone": "UTC", "weekly_hours": {"mon": [["09:00", "25:00"]]}}, "not a valid time"),
        ({"timezone": "UTC", "weekly_hours": {"mon": [["18:00", "09:00"]]}}, "must be before"),
        ({"timezone": "UTC", "weekly_hours": {"mon": [["09:00", "09:00"]]}}, "must be before"),
        ({"timezone": "UTC", "weekly_hours": {"mon": [["09:00", "00:00"]]}}, "write 24:00"),
        ({"timezone": "UTC", "weekly_hours": {"mon": [["24:00", "24:00"]]}}, "not a valid time"),
        ({"timezone": "UTC", "weekly_hours": {"mon": [["09:00"]]}}, "pair"),
        ({"timezone": "UTC", "weekly_hours": {"mon": "09:00-18:00"}}, "list of"),
        (
            {"timezone": "UTC", "weekly_hours": {"tue": [["09:00", "13:00"], ["12:00", "18:00"]]}},
            r"weekly_hours\.tue: intervals 09:00-13:00 and 12:00-18:00 overlap",
        ),
        ({"timezone": "UTC", "exceptions": {"24/12/2026": []}}, "'24/12/2026' is not a date"),
        (
            {"timezone": "UTC", "exceptions": {"2026-12-24": [["12:00", "09:00"]]}},
            r"exceptions\.2026-12-24\[0\]: start 12:00 must be before end 09:00",
        ),
        ({"timezone": "UTC", "holiday_country": "XX"}, "unknown holiday country"),
        ({"timezone": "UTC", "holiday_country": "FR", "holiday_subdivision": "99"}, "subdivision"),
        ({"timezone": "UTC", "holiday_subdivision": "57"}, "needs a holiday_country"),
        ({"timezone": "UTC", "holiday_country": 33}, "holiday_country: expected a string"),
    ],
)
def test_malformed_dicts_raise_a_clear_value_error(data, message):
    with pytest.raises(ValueError, match=message):
        from_dict(data)


def test_adjacent_intervals_are_not_overlapping():
    data = {"timezone": "UTC", "weekly_hours": {"mon": [["09:00", "12:00"], ["12:00", "18:00"]]}}
    assert len(from_dict(data).weekly_hours[0]) == 2


def test_construction_refuses_a_weekday_out_of_range():
    with pytest.raises(ValueError, match="weekdays are 0"):
        BusinessCalendar(timezone="UTC", weekly_hours={7: NINE_TO_SIX})


def test_calendar_cannot_be_changed_through_the_dicts_it_was_given():
    hours = {0: NINE_TO_SIX}
    calendar = BusinessCalendar(timezone="UTC", weekly_hours=hours)
    hours[1] = NINE_TO_SIX
    assert calendar.weekly_hours[1] == ()
