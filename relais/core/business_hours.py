"""Business hours and deadlines counted in open time (pure, no Django).

A `BusinessCalendar` says when a team is open: weekly wall-clock hours in one time
zone, the public holidays of a country (closed all day) and dated exceptions.

Every computation runs on UTC instants: `+` and `-` between aware datetimes of one
zone are wall-clock operations that go wrong across DST changes. Each local day's
opening hours become UTC windows, so a long duration costs one step per calendar
day, never one per minute. Results come back in the time zone of the datetime given.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

# (start, end) in the calendar's wall-clock time; an end of 00:00 means 24:00.
Interval = tuple[time, time]
DayHours = tuple[Interval, ...]
Window = tuple[datetime, datetime]

MIDNIGHT = time(0)
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Closed this many days in a row, a calendar is taken as never opening again.
MAX_CLOSED_DAYS = 2 * 366
_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_FULL_DAY: DayHours = ((MIDNIGHT, MIDNIGHT),)
_TIME_PATTERN = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_DICT_KEYS = ("timezone", "weekly_hours", "holiday_country", "holiday_subdivision", "exceptions")


@dataclass(frozen=True)
class BusinessCalendar:
    """When a team is open. On a given local date, an exception wins (empty: closed,
    e.g. a company closure; else its hours, even on a holiday or a Sunday), then a
    public holiday closes the whole day, then the weekly hours apply.

    weekly_hours maps a weekday (0 = Monday .. 6 = Sunday) to its intervals; a missing
    day is closed. Intervals are sorted on construction; overlaps raise ValueError.
    """

    timezone: str
    weekly_hours: Mapping[int, DayHours]
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    exceptions: Mapping[date, DayHours] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_timezone(self.timezone)
        _check_holidays(self.holiday_country, self.holiday_subdivision)
        unknown_days = [day for day in self.weekly_hours if day not in range(7)]
        if unknown_days:
            raise ValueError(f"weekly_hours: weekdays are 0 (Monday) to 6, not {unknown_days}")
        weekly = {
            day: _normalise_day(self.weekly_hours.get(day, ()), f"weekly_hours.{name}")
            for day, name in enumerate(WEEKDAY_NAMES)
        }
        exceptions = {}
        for day, intervals in sorted(self.exceptions.items()):
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValueError(f"exceptions: keys are dates, not {day!r}")
            exceptions[day] = _normalise_day(intervals, f"exceptions.{day.isoformat()}")
        # Private copies: the caller's dicts may change later, this calendar may not.
        object.__setattr__(self, "weekly_hours", weekly)
        object.__setattr__(self, "exceptions", exceptions)

    def __hash__(self) -> int:
        return hash(
            (
                self.timezone,
                tuple(self.weekly_hours.items()),
                self.holiday_country,
                self.holiday_subdivision,
                tuple(self.exceptions.items()),
            )
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_always_open(self) -> bool:
        return (
            self.holiday_country is None
            and not self.exceptions
            and all(hours == _FULL_DAY for hours in self.weekly_hours.values())
        )

    def hours_on(self, day: date) -> DayHours:
        """The opening hours of a local date."""
        if day in self.exceptions:
            return self.exceptions[day]
        if self.holiday_country and day in _holiday_dates(
            self.holiday_country, self.holiday_subdivision, day.year
        ):
            return ()
        return self.weekly_hours[day.weekday()]


def is_open(calendar: BusinessCalendar, at: datetime) -> bool:
    """Whether `at` (aware, any zone) falls in opening hours; windows are [start, end)."""
    moment = _as_utc(at, "at")
    day = moment.astimezone(calendar.zone).date()
    # The day before too: a repeated hour at a midnight DST change belongs to it.
    return any(
        opens <= moment < closes
        for local_day in (day - _DAY, day)
        for opens, closes in _open_windows(calendar, local_day)
    )


def next_open(calendar: BusinessCalendar, at: datetime) -> datetime:
    """`at` itself when open, else the next opening, in `at`'s time zone.

    Raises ValueError when the calendar stays closed for MAX_CLOSED_DAYS.
    """
    moment = _as_utc(at, "at")
    opens, _ = next(_windows_after(calendar, moment))
    return at if opens == moment else opens.astimezone(at.tzinfo)


def add_business_time(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The earliest instant by which `duration` of open time has elapsed since `start`,
    in `start`'s time zone. A zero duration gives `start` itself, even when closed; a
    deadline that falls at a closing time stays there rather than at the next opening.

    Raises ValueError for a naive `start`, a negative duration, or a calendar that
    stays closed for MAX_CLOSED_DAYS.
    """
    moment = _as_utc(start, "start")
    if duration < _ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")
    if duration == _ZERO:
        return start
    if calendar.is_always_open:
        return (moment + duration).astimezone(start.tzinfo)
    left = duration
    for opens, closes in _windows_after(calendar, moment):
        if left <= closes - opens:
            return (opens + left).astimezone(start.tzinfo)
        left -= closes - opens
    raise AssertionError("_windows_after ends only by raising")  # pragma: no cover


def business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Open time from `start` to `end` (aware, any zones); negative when `end` comes first."""
    begin, finish = _as_utc(start, "start"), _as_utc(end, "end")
    if finish < begin:
        return -business_time_between(calendar, end, start)
    if calendar.is_always_open:
        return finish - begin
    zone = calendar.zone
    day = begin.astimezone(zone).date() - _DAY
    last_day = finish.astimezone(zone).date()
    total = _ZERO
    while day <= last_day:
        for opens, closes in _open_windows(calendar, day):
            overlap = min(closes, finish) - max(opens, begin)
            if overlap > _ZERO:
                total += overlap
        day += _DAY
    return total


def to_dict(calendar: BusinessCalendar) -> dict[str, Any]:
    """A JSON-ready form that `from_dict` reads back."""
    return {
        "timezone": calendar.timezone,
        "weekly_hours": {
            name: _intervals_to_json(calendar.weekly_hours[day])
            for day, name in enumerate(WEEKDAY_NAMES)
        },
        "holiday_country": calendar.holiday_country,
        "holiday_subdivision": calendar.holiday_subdivision,
        "exceptions": {
            day.isoformat(): _intervals_to_json(hours) for day, hours in calendar.exceptions.items()
        },
    }


def from_dict(data: Mapping[str, Any]) -> BusinessCalendar:
    """Read a calendar stored as JSON, e.g. {"timezone": "Europe/Paris", "weekly_hours":
    {"mon": [["09:00", "12:30"], ["13:30", "18:00"]]}, "holiday_country": "FR",
    "exceptions": {"2026-12-24": [["09:00", "12:00"]], "2026-08-14": []}}.

    Raises ValueError naming the faulty field.
    """
    if not isinstance(data, Mapping):
        raise ValueError("a business calendar is a JSON object")
    unknown = sorted(set(data) - set(_DICT_KEYS))
    if unknown:
        raise ValueError(f"unknown keys {unknown}; expected some of {list(_DICT_KEYS)}")
    timezone = data.get("timezone")
    if not isinstance(timezone, str):
        raise ValueError("timezone: expected a time zone name such as 'Europe/Paris'")
    weekly = {}
    for name, intervals in _json_object(data.get("weekly_hours", {}), "weekly_hours").items():
        if name not in WEEKDAY_NAMES:
            raise ValueError(f"weekly_hours: unknown day {name!r}; expected one of {WEEKDAY_NAMES}")
        weekly[WEEKDAY_NAMES.index(name)] = _intervals_from_json(intervals, f"weekly_hours.{name}")
    exceptions = {}
    for key, intervals in _json_object(data.get("exceptions", {}), "exceptions").items():
        try:
            day = date.fromisoformat(key)
        except (TypeError, ValueError):
            raise ValueError(f"exceptions: {key!r} is not a date (expected YYYY-MM-DD)") from None
        exceptions[day] = _intervals_from_json(intervals, f"exceptions.{key}")
    return BusinessCalendar(
        timezone=timezone,
        weekly_hours=weekly,
        holiday_country=_optional_text(data.get("holiday_country"), "holiday_country"),
        holiday_subdivision=_optional_text(data.get("holiday_subdivision"), "holiday_subdivision"),
        exceptions=exceptions,
    )


def _windows_after(calendar: BusinessCalendar, moment: datetime) -> Iterator[Window]:
    """Open windows ending after `moment` (UTC), in order, the first clipped to start
    no earlier than it. Raises ValueError after MAX_CLOSED_DAYS closed days in a row."""
    day = moment.astimezone(calendar.zone).date() - _DAY
    closed_days = 0
    while closed_days <= MAX_CLOSED_DAYS:
        closed_days += 1
        for opens, closes in _open_windows(calendar, day):
            if closes > moment:
                closed_days = 0
                yield max(opens, moment), closes
        day += _DAY
    raise ValueError(
        f"the calendar has no opening hours in the {MAX_CLOSED_DAYS} days "
        f"after {moment.isoformat()}; check its weekly hours and exceptions"
    )


def _open_windows(calendar: BusinessCalendar, day: date) -> list[Window]:
    """A local date's opening hours as UTC windows. A wall-clock time skipped by a DST
    change maps to the instant just after the gap; a repeated one to its first pass."""
    zone = calendar.zone
    windows: list[Window] = []
    for start, end in calendar.hours_on(day):
        opens = datetime.combine(day, start, zone).astimezone(UTC)
        closes_on = day + _DAY if end == MIDNIGHT else day
        closes = datetime.combine(closes_on, end, zone).astimezone(UTC)
        if windows:  # intervals squeezed by a DST gap must not overlap
            opens = max(opens, windows[-1][1])
        if opens < closes:
            windows.append((opens, closes))
    return windows


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def _since_midnight(moment: time, *, is_end: bool) -> timedelta:
    if is_end and moment == MIDNIGHT:
        return _DAY
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _normalise_day(intervals: Iterable[Sequence[time]], where: str) -> DayHours:
    checked = []
    for index, interval in enumerate(intervals):
        if len(interval) != 2 or not all(isinstance(part, time) for part in interval):
            raise ValueError(f"{where}[{index}]: an interval is a (start, end) pair of times")
        start, end = interval
        if any(part.tzinfo is not None or part.microsecond for part in interval):
            raise ValueError(f"{where}[{index}]: times are whole seconds, without tzinfo")
        if _since_midnight(start, is_end=False) >= _since_midnight(end, is_end=True):
            raise ValueError(
                f"{where}[{index}]: start {_format_time(start, False)} must be before "
                f"end {_format_time(end, True)}"
            )
        checked.append((start, end))
    checked.sort(key=lambda interval: _since_midnight(interval[0], is_end=False))
    for previous, current in zip(checked, checked[1:], strict=False):
        if _since_midnight(current[0], is_end=False) < _since_midnight(previous[1], is_end=True):
            raise ValueError(
                f"{where}: intervals {_format_interval(previous)} and "
                f"{_format_interval(current)} overlap"
            )
    return tuple(checked)


@functools.lru_cache(maxsize=64)
def _check_holidays(country: str | None, subdivision: str | None) -> None:
    if country is None:
        if subdivision is not None:
            raise ValueError("holiday_subdivision needs a holiday_country")
        return
    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError as error:
        raise ValueError(f"unknown holiday country or subdivision: {error}") from None


@functools.lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r}; expected e.g. 'Europe/Paris'") from None


def _json_object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _optional_text(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{where}: expected a string or null, got {type(value).__name__}")
    return value or None


def _intervals_from_json(value: Any, where: str) -> DayHours:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of [start, end] pairs")
    intervals = []
    for index, pair in enumerate(value):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f'{where}[{index}]: expected a ["HH:MM", "HH:MM"] pair, got {pair!r}')
        start = _parse_time(pair[0], f"{where}[{index}] start", is_end=False)
        end = _parse_time(pair[1], f"{where}[{index}] end", is_end=True)
        intervals.append((start, end))
    return tuple(intervals)


def _parse_time(text: Any, where: str, *, is_end: bool) -> time:
    match = _TIME_PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{where}: {text!r} is not a time (expected HH:MM)")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if is_end and (hour, minute, second) == (24, 0, 0):
        return MIDNIGHT
    if is_end and (hour, minute, second) == (0, 0, 0):
        raise ValueError(f"{where}: write 24:00, not {text!r}, for midnight at the end of a day")
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{where}: {text!r} is not a valid time of day")
    return time(hour, minute, second)


def _format_time(moment: time, is_end: bool) -> str:
    if is_end and moment == MIDNIGHT:
        return "24:00"
    return f"{moment:%H:%M:%S}" if moment.second else f"{moment:%H:%M}"


def _format_interval(interval: Interval) -> str:
    return f"{_format_time(interval[0], False)}-{_format_time(interval[1], True)}"


def _intervals_to_json(hours: DayHours) -> list[list[str]]:
    return [[_format_time(start, False), _format_time(end, True)] for start, end in hours]


# Elapsed time: deadlines of targets that do not count business hours.
ALWAYS_OPEN = BusinessCalendar(timezone="UTC", weekly_hours=dict.fromkeys(range(7), _FULL_DAY))
