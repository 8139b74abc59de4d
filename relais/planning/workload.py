"""The day a contact centre faces (pure: no Django): who calls or writes when,
how long each takes, who gives up, and the staff on the floor.

The default day is a mid-size French contact centre, open 8:00-20:00:

| channel   | per day | handle time (log-normal)    | patience (exponential) | target |
| --------- | ------- | --------------------------- | ---------------------- | ------ |
| call      | 1,500   | mean 5 min, CV 0.7          | mean 100 s             | 60 s   |
| chat      | 600     | mean 8 min elapsed, CV 0.6  | mean 4 min             | 2 min  |
| messaging | 500     | mean 10 min elapsed, CV 0.8 | never gives up         | 30 min |
| email     | 1,200   | mean 6 min, CV 0.7          | never gives up         | 4 h (1 h) |

- Arrivals are Poisson with an hourly rate: calls peak at 9-11 h and after
  lunch (14-16 h); chat and messaging grow towards the evening; e-mail is
  flatter. Phone and chat are closed at night, but 25% of the day's e-mails and
  15% of its messages arrived overnight and wait at 8:00 (their target clock
  starts at opening, their place in a first-come queue is their real arrival).
- E-mail "within the day" is taken as 4 hours from queue entry (a third of the
  opening hours; for the night's mail, 12:00). High-priority e-mail (VIPs, and
  the disputes and cancellations that routing rules raise, 10%) has its own
  SLA policy: 1 hour (in brackets above), as Zendesk's and Freshdesk's default policies give
  urgent tickets.
- Customers: 85% write in French, 15% in English; topics billing 45%, orders
  35%, technical 20%; 5% are VIP customers and a quarter of messages are public
  social posts, both high priority (2); the rest normal (1).
- Attention: an agent's whole attention is 1. A call or an e-mail being written
  takes all of it; a chat a third, a message a fifth (the product's capacities:
  3 chats, 5 messages at once). So an agent on a call or writing an e-mail
  takes nothing else, and an agent with one chat open takes no call. E-mail
  capacity (8) counts e-mails assigned and awaiting the customer, which a
  first-answer simulation does not need: one e-mail is written at a time.
- Staff: 8-, 6- and 4-hour shifts starting on the hour, planned so that the
  expected work of each hour fills `target_occupancy` of the agents present
  (`plan_shifts`; breaks are not modelled). Every agent speaks French;
  one in three also English; everyone handles billing and orders, one in two
  technical questions. Skill levels vary (the engine prefers the most skilled).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

HOUR = 3600.0
OPEN_S = 8 * HOUR  # the simulated day's clock: seconds since midnight
CLOSE_S = 20 * HOUR
NIGHT_S = 24 * HOUR - (CLOSE_S - OPEN_S)  # closed hours before opening

# Mirrors relais.accounts.models.DEFAULT_CAPACITY (that module imports Django).
CAPACITY: Mapping[str, int] = {"call": 1, "chat": 3, "messaging": 5, "email": 8}
# Share of an agent's attention one item takes (see the module docstring).
ATTENTION: Mapping[str, float] = {"call": 1.0, "chat": 1 / 3, "messaging": 1 / 5, "email": 1.0}

NORMAL, HIGH = 1, 2


@dataclass(frozen=True, slots=True)
class ChannelModel:
    """One channel's demand: volume, intraday profile, handling and patience."""

    name: str
    daily_volume: float  # expected items per day, overnight ones included
    hourly_profile: tuple[float, ...]  # relative arrival rate of each opening hour
    handle_mean_s: float  # elapsed time an agent holds the item
    handle_cv: float  # coefficient of variation of the log-normal handle time
    target_s: float  # first answer due this long after the target clock starts
    patience_mean_s: float | None = None  # None: the customer never gives up
    overnight_share: float = 0.0  # share of the daily volume waiting at opening
    high_priority_share: float = 0.0  # besides VIPs (e.g. public social posts)
    # The target of high-priority items, when the SLA policies give them their
    # own (None: the channel's target).
    priority_target_s: float | None = None


DEFAULT_CHANNELS: tuple[ChannelModel, ...] = (
    ChannelModel(
        "call", 1500, (6, 10, 11, 10, 7, 6, 9, 10, 8, 7, 5, 4), 300, 0.7, 60, patience_mean_s=100
    ),
    ChannelModel(
        "chat", 600, (4, 7, 9, 9, 8, 7, 9, 9, 9, 9, 10, 10), 480, 0.6, 120, patience_mean_s=240
    ),
    ChannelModel(
        "messaging",
        500,
        (5, 7, 8, 8, 9, 8, 8, 8, 8, 9, 10, 12),
        600,
        0.8,
        1800,
        overnight_share=0.15,
        high_priority_share=0.25,
    ),
    ChannelModel(
        "email",
        1200,
        (9, 10, 10, 9, 8, 7, 9, 9, 8, 8, 7, 6),
        360,
        0.7,
        4 * HOUR,
        overnight_share=0.25,
        # Disputes and cancellations, raised by the routing rules (as in the demo).
        high_priority_share=0.10,
        priority_target_s=1 * HOUR,
    ),
)


@dataclass(frozen=True, slots=True)
class CustomerMix:
    """Who the customers are: languages, topics, VIP share (shares sum to 1)."""

    languages: Mapping[str, float] = field(default_factory=lambda: {"fr": 0.85, "en": 0.15})
    topics: Mapping[str, float] = field(
        default_factory=lambda: {"billing": 0.45, "orders": 0.35, "technical": 0.20}
    )
    vip_share: float = 0.05


@dataclass(frozen=True, slots=True)
class Arrival:
    """One customer request, with everything the day will hold for it."""

    id: int
    channel: str
    arrived_at: float  # real arrival (before OPEN_S for the night's mail)
    queued_at: float  # when it enters the queue and its target clock starts
    deadline: float
    handle_s: float
    patience_s: float  # math.inf: never gives up
    priority: int
    skills: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class AgentShift:
    """One agent's presence on the floor and their skills."""

    id: int
    start: float
    end: float
    skills: Mapping[str, int]


def generate_arrivals(
    seed: int,
    channels: tuple[ChannelModel, ...] = DEFAULT_CHANNELS,
    mix: CustomerMix | None = None,
) -> list[Arrival]:
    """The day's requests for `seed`, ordered by queue entry then arrival, ids
    from 1. Each channel draws from its own stream, so the same seed gives the
    same day whatever is simulated on it."""
    mix = mix or CustomerMix()
    drafts = []
    for channel in channels:
        rng = random.Random(f"{seed}:{channel.name}")
        for arrived_at in _arrival_times(channel, rng):
            drafts.append((max(arrived_at, OPEN_S), arrived_at, channel, rng.getrandbits(64)))
    drafts.sort(key=lambda draft: (draft[0], draft[1], draft[2].name))
    arrivals = []
    for number, (queued_at, arrived_at, channel, attribute_seed) in enumerate(drafts, start=1):
        rng = random.Random(attribute_seed)
        arrivals.append(_arrival(number, channel, arrived_at, queued_at, rng, mix))
    return arrivals


def _arrival_times(channel: ChannelModel, rng: random.Random) -> list[float]:
    """Poisson arrival times: uniform overnight, then piecewise constant per hour."""
    periods = [(OPEN_S - NIGHT_S, OPEN_S, channel.daily_volume * channel.overnight_share)]
    day_volume = channel.daily_volume * (1 - channel.overnight_share)
    total_weight = sum(channel.hourly_profile)
    for hour, weight in enumerate(channel.hourly_profile):
        start = OPEN_S + hour * HOUR
        periods.append((start, start + HOUR, day_volume * weight / total_weight))
    times = []
    for start, end, expected in periods:
        if expected <= 0:
            continue
        rate = expected / (end - start)
        moment = start + rng.expovariate(rate)
        while moment < end:
            times.append(moment)
            moment += rng.expovariate(rate)
    return times


def _arrival(
    number: int,
    channel: ChannelModel,
    arrived_at: float,
    queued_at: float,
    rng: random.Random,
    mix: CustomerMix,
) -> Arrival:
    sigma = math.sqrt(math.log(1 + channel.handle_cv**2))
    mu = math.log(channel.handle_mean_s) - sigma**2 / 2
    patience = math.inf
    if channel.patience_mean_s is not None:
        patience = rng.expovariate(1 / channel.patience_mean_s)
    high = rng.random() < mix.vip_share or rng.random() < channel.high_priority_share
    language = _pick(mix.languages, rng.random())
    topic = _pick(mix.topics, rng.random())
    return Arrival(
        id=number,
        channel=channel.name,
        arrived_at=arrived_at,
        queued_at=queued_at,
        deadline=queued_at
        + (channel.priority_target_s if high and channel.priority_target_s else channel.target_s),
        handle_s=rng.lognormvariate(mu, sigma),
        patience_s=patience,
        priority=HIGH if high else NORMAL,
        skills={f"lang:{language}": 1, f"topic:{topic}": 1},
    )


def _pick(shares: Mapping[str, float], draw: float) -> str:
    cumulated = 0.0
    for name, share in shares.items():
        cumulated += share
        if draw < cumulated:
            return name
    return name


def expected_work_per_hour(
    channels: tuple[ChannelModel, ...] = DEFAULT_CHANNELS,
    attention: Mapping[str, float] = ATTENTION,
    backlog_hours: float = 4.0,
) -> list[float]:
    """Agents' worth of work arriving in each opening hour (attention x handle
    time); the overnight backlog is spread over the first `backlog_hours`."""
    hours = round((CLOSE_S - OPEN_S) / HOUR)
    work = [0.0] * hours
    for channel in channels:
        per_item = channel.handle_mean_s * attention[channel.name] / HOUR
        day_volume = channel.daily_volume * (1 - channel.overnight_share)
        backlog = channel.daily_volume * channel.overnight_share
        total_weight = sum(channel.hourly_profile)
        for hour, weight in enumerate(channel.hourly_profile):
            work[hour] += day_volume * weight / total_weight * per_item
            if hour < backlog_hours:
                work[hour] += backlog / backlog_hours * per_item
    return work


def plan_shifts(
    work_per_hour: list[float],
    target_occupancy: float = 0.9,
    shift_lengths: tuple[int, ...] = (8, 6, 4),
) -> list[AgentShift]:
    """Enough agents each hour for the expected work to fill `target_occupancy`
    of them. Walking through the day, whenever the agents present fall short,
    start shifts on that hour: the longest of `shift_lengths` during which the
    new agent is needed every hour, else the shortest (cut at closing)."""
    needed = [math.ceil(work / target_occupancy) for work in work_per_hour]
    present = [0] * len(needed)
    shifts: list[AgentShift] = []
    for hour in range(len(needed)):
        while present[hour] < needed[hour]:
            length = next(
                (
                    length
                    for length in shift_lengths
                    if all(
                        present[later] < needed[later]
                        for later in range(hour, min(hour + length, len(needed)))
                    )
                ),
                min(shift_lengths),
            )
            for later in range(hour, min(hour + length, len(needed))):
                present[later] += 1
            start = OPEN_S + hour * HOUR
            index = len(shifts)
            end = min(start + length * HOUR, CLOSE_S)
            shifts.append(AgentShift(index + 1, start, end, agent_skills(index)))
    return shifts


def agent_skills(index: int) -> dict[str, int]:
    """A deterministic skills mix: French for all, English for one in three,
    technical for one in two, levels varying between 2 and 5."""
    skills = {
        "lang:fr": 5,
        "topic:billing": 2 + index % 3,
        "topic:orders": 2 + (index + 1) % 3,
    }
    if index % 3 == 0:
        skills["lang:en"] = 3 + index % 2
    if index % 2 == 1:
        skills["topic:technical"] = 2 + index % 4
    return skills
