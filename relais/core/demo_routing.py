"""The demo's routing: opening hours, service levels, routing rules, skills
and customer segments (plain data, applied by `relais.core.demo_data`).

As the routing issue asks, cancellations and disputes go to the e-mail team
and product questions on the chat go to sales; VIP customers jump the queue.
"""

from __future__ import annotations

from datetime import timedelta

from relais.accounts.models import Agent, Team
from relais.contacts.models import Contact
from relais.conversations.models import Priority
from relais.core.demo_people import EMAIL_TEAM, SALES
from relais.routing.models import BusinessSchedule, RoutingRule, SlaPolicy

SKILLS = {
    "lea": {"lang:fr": 5, "lang:en": 4, "topic:billing": 4},
    "karim": {"lang:fr": 5, "lang:en": 2, "topic:delivery": 4},
    "sophie": {"lang:fr": 5, "lang:en": 3, "topic:product": 5},
    "hugo": {"lang:fr": 5, "lang:en": 5, "topic:billing": 3, "topic:product": 3},
}
SEGMENTS = {"claire.dupont@example.com": "vip", "b.caron@caron-archi.example": "pro"}


def set_up_routing(teams: dict[str, Team], agents: dict[str, Agent]) -> None:
    for key, skills in SKILLS.items():
        if key in agents:
            Agent.objects.filter(pk=agents[key].pk).update(skills=skills)
    schedule = BusinessSchedule.objects.create(
        name="Service client (lun.–ven. 9 h–19 h, sam. 9 h–13 h)",
        weekly_hours={
            **{day: [["09:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
            "sat": [["09:00", "13:00"]],
            "sun": [],
        },
        holiday_country="FR",
        exceptions={"2026-12-24": [["09:00", "16:00"]], "2026-12-31": [["09:00", "16:00"]]},
        is_default=True,
    )
    _create_policies(schedule)
    _create_rules(teams)


def _create_policies(schedule: BusinessSchedule) -> None:
    warn_then_raise = [
        {"when": "at_risk", "action": "notify", "target": "supervisors"},
        {"when": "breached", "action": "raise_priority", "target": ""},
    ]
    policies = [
        ("Téléphone", ["call"], [], timedelta(seconds=60), None, None, False),
        ("Chat", ["chat"], [], timedelta(minutes=2), timedelta(minutes=2), None, False),
        (
            "Réseaux sociaux et messageries",
            ["messaging"],
            [],
            timedelta(minutes=30),
            timedelta(minutes=30),
            None,
            False,
        ),
        ("E-mail prioritaire", ["email"], [2, 3], timedelta(hours=2), timedelta(hours=4),
         timedelta(days=1), True),
        ("E-mail", ["email"], [], timedelta(hours=8), timedelta(hours=8), timedelta(hours=30),
         True),
    ]  # fmt: skip
    for position, (name, channels, priorities, first, following, resolution, business) in enumerate(
        policies
    ):
        SlaPolicy.objects.create(
            name=name,
            position=position,
            channels=channels,
            priorities=priorities,
            first_response=first,
            next_response=following,
            resolution=resolution,
            business_hours=business,
            schedule=schedule if business else None,
            escalation=warn_then_raise,
        )


def _create_rules(teams: dict[str, Team]) -> None:
    RoutingRule.objects.create(
        name="Résiliations et litiges → équipe e-mail",
        position=0,
        conditions={
            "keywords": ["résiliation", "résilier", "litige", "contestation", "mise en demeure"]
        },
        team=teams.get(EMAIL_TEAM),
        priority=Priority.HIGH,
        tags=["résiliation-litige"],
        skills={"topic:billing": 2},
    )
    RoutingRule.objects.create(
        name="Questions produit sur le chat → ventes",
        position=1,
        conditions={
            "channels": ["chat"],
            "keywords": ["taille", "stock", "disponible", "couleur", "dimensions", "produit"],
        },
        team=teams.get(SALES),
        tags=["question-produit"],
    )
    RoutingRule.objects.create(
        name="Clients VIP en priorité",
        position=2,
        conditions={"segments": ["vip"]},
        priority=Priority.URGENT,
        tags=["vip"],
    )


def mark_segments() -> None:
    for email, segment in SEGMENTS.items():
        Contact.objects.filter(email=email).update(segment=segment)
