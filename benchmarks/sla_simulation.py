"""A simulated contact-centre day: Relais' routing engine against first-in first-out.

    .venv/bin/python -m benchmarks.sla_simulation [--seeds 5] [--occupancy 0.9]

A discrete-event simulation (relais/planning/simulation.py) plays a day of a
mid-size French contact centre (relais/planning/workload.py: time-varying
Poisson arrivals per channel, log-normal handle times, exponential patience for
calls and chats, an overnight e-mail backlog, two languages and three topics,
VIP and public-post priorities) through `relais.routing.engine.assign`, once
with order="urgency" (Relais) and once with order="fifo", on the same
arrivals and the same staff (8-hour and part-time shifts planned for the
expected work at `--occupancy`). Each seed is one day; figures are the mean
over the days. Targets: call 60 s, chat 2 min, messaging 30 min, e-mail 4 h
("within the day": a third of the opening hours).

Per channel: the share answered within target (abandoned and unanswered items
count as missed), the average and 90th-percentile wait of answered items, the
abandoned share; then agent occupancy. The last line printed is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from statistics import mean

from relais.planning.simulation import DaySummary, simulate, summarise
from relais.planning.workload import (
    ATTENTION,
    DEFAULT_CHANNELS,
    HOUR,
    OPEN_S,
    AgentShift,
    expected_work_per_hour,
    generate_arrivals,
    plan_shifts,
)

POLICIES = {"relais": "urgency", "fifo": "fifo"}
CHANNELS = [channel.name for channel in DEFAULT_CHANNELS]
MODEL_NOTES = (
    "Attention: a call or an e-mail being written takes a whole agent, a chat 1/3, a message"
    " 1/5 (an agent with a chat open takes no call).",
    "Night: 25% of e-mails and 15% of messages arrived overnight and wait at 8:00 (target clock"
    " from 8:00, FIFO place by real arrival). Calls and chats only 8:00-20:00.",
    "Customers: fr 85% / en 15%; billing 45%, orders 35%, technical 20%; VIPs (5%), public"
    " posts (25% of messages) and e-mailed disputes (10%) high priority; high-priority e-mail"
    " has a 1 h target (its own SLA policy), other e-mail 4 h.",
    "Closing: no arrivals after 20:00; the closing shift finishes the queue.",
    "Waits are from queue entry to the first agent, over answered items; abandoned and"
    " unanswered items count as missed.",
)


def run(seeds: list[int], shifts: list[AgentShift]) -> dict[str, list[DaySummary]]:
    """Each seed's day under each policy: the same arrivals, the same staff."""
    days: dict[str, list[DaySummary]] = {policy: [] for policy in POLICIES}
    for seed in seeds:
        arrivals = generate_arrivals(seed)
        for policy, order in POLICIES.items():
            days[policy].append(summarise(simulate(arrivals, shifts, order=order)))
    return days


def channel_figures(days: list[DaySummary]) -> dict[str, dict[str, float | None]]:
    """Per channel, the mean over the days of each day's figures."""
    figures = {}
    for channel in CHANNELS:
        metrics = [day.channels[channel] for day in days]
        figures[channel] = {
            "within_target": round(mean(m.within_target for m in metrics), 4),
            "abandoned": round(mean(m.abandoned_share for m in metrics), 4),
            "wait_avg_s": _mean_or_none([m.wait_avg_s for m in metrics]),
            "wait_p90_s": _mean_or_none([m.wait_p90_s for m in metrics]),
            "unanswered": round(mean(m.offered - m.answered - m.abandoned for m in metrics), 1),
        }
    return figures


def _mean_or_none(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return round(mean(present), 1) if present else None


def print_model(shifts: list[AgentShift], occupancy: float) -> None:
    print("The day: 8:00-20:00, Poisson arrivals with an hourly profile, mean over seeds.")
    print(
        f"{'channel':<10} {'per day':>7} {'handle':>8} {'patience':>9}"
        f" {'target':>7} {'attention':>9}"
    )
    for channel in DEFAULT_CHANNELS:
        patience = _duration(channel.patience_mean_s) if channel.patience_mean_s else "none"
        print(
            f"{channel.name:<10} {channel.daily_volume:>7.0f} {_duration(channel.handle_mean_s):>8}"
            f" {patience:>9} {_duration(channel.target_s):>7} {ATTENTION[channel.name]:>9.2f}"
        )
    plan = Counter((shift.start, shift.end) for shift in sorted(shifts, key=lambda s: s.start))
    hours = sum(shift.end - shift.start for shift in shifts) / HOUR
    print(
        f"Staff: {len(shifts)} agents, {hours:.0f} agent-hours, planned for {occupancy:.0%}"
        " of the expected work each hour; shifts: "
        + ", ".join(
            f"{count} x {_clock(start)}-{_clock(end)}" for (start, end), count in plan.items()
        )
    )
    for line in MODEL_NOTES:
        print(line)
    print()


def print_results(figures: dict[str, dict], days: dict[str, list[DaySummary]]) -> dict[str, bool]:
    print(
        f"{'channel':<10} {'policy':<7} {'within target':>22}"
        f" {'avg wait':>9} {'p90 wait':>9} {'abandoned':>9}"
    )
    wins = {}
    for channel in CHANNELS:
        for policy in POLICIES:
            figure = figures[policy][channel]
            spread = [day.channels[channel].within_target for day in days[policy]]
            print(
                f"{channel:<10} {policy:<7} {figure['within_target']:>7.1%}"
                f" (days {min(spread):.1%}-{max(spread):.1%})"
                f" {_duration(figure['wait_avg_s']):>9} {_duration(figure['wait_p90_s']):>9}"
                f" {figure['abandoned']:>9.1%}"
            )
        wins[channel] = _print_verdict(channel, figures, days)
    return wins


def _print_verdict(
    channel: str, figures: dict[str, dict], days: dict[str, list[DaySummary]]
) -> bool:
    relais, fifo = (figures[policy][channel]["within_target"] for policy in POLICIES)
    ahead = sum(
        mine.channels[channel].within_target > theirs.channels[channel].within_target
        for mine, theirs in zip(days["relais"], days["fifo"], strict=True)
    )
    verdict = "relais ahead" if relais > fifo else "TIE" if relais == fifo else "FIFO AHEAD"
    print(
        f"{'':<10} -> {verdict} by {100 * (relais - fifo):+.1f} points,"
        f" relais ahead on {ahead}/{len(days['relais'])} days"
    )
    return relais > fifo


def print_occupancy(days: dict[str, list[DaySummary]]) -> dict[str, dict[str, float]]:
    print()
    print("Occupancy (attention in use / agents present), by opening hour:")
    print(f"{'':<7} {'day':>5} " + " ".join(f"{8 + hour:>4}h" for hour in range(12)))
    occupancy = {}
    for policy, summaries in days.items():
        hourly = [
            mean(hours) for hours in zip(*(s.hourly_occupancy for s in summaries), strict=True)
        ]
        overall = mean(summary.occupancy for summary in summaries)
        print(f"{policy:<7} {overall:>5.0%} " + " ".join(f"{value:>5.0%}" for value in hourly))
        last = max(summary.last_answer_at or OPEN_S for summary in summaries)
        occupancy[policy] = {"day": round(overall, 4), "peak_hour": round(max(hourly), 4)}
        occupancy[policy]["last_answer_h"] = round(last / HOUR, 2)
    return occupancy


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * HOUR:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / HOUR:.1f} h"


def _clock(seconds: float) -> str:
    return f"{int(seconds // HOUR)}:{int(seconds % HOUR // 60):02d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="days simulated (seeds 1..N)")
    parser.add_argument("--occupancy", type=float, default=0.9, help="staff planning target")
    args = parser.parse_args()

    seeds = list(range(1, args.seeds + 1))
    shifts = plan_shifts(expected_work_per_hour(), target_occupancy=args.occupancy)
    print_model(shifts, args.occupancy)
    started = time.perf_counter()
    days = run(seeds, shifts)
    elapsed = time.perf_counter() - started
    figures = {policy: channel_figures(summaries) for policy, summaries in days.items()}
    wins = print_results(figures, days)
    occupancy = print_occupancy(days)
    print(f"\n{len(seeds)} days x {len(POLICIES)} policies simulated in {elapsed:.1f} s")
    print(
        json.dumps(
            {
                **figures,
                "relais_beats_fifo": wins,
                "occupancy": occupancy,
                "agents": len(shifts),
                "seeds": seeds,
                "runs": len(seeds),
                "targets_s": {channel.name: channel.target_s for channel in DEFAULT_CHANNELS},
                "priority_targets_s": {
                    channel.name: channel.priority_target_s
                    for channel in DEFAULT_CHANNELS
                    if channel.priority_target_s
                },
            }
        )
    )


if __name__ == "__main__":
    main()
