"""Helpers that append Events: one place knows each event's shape."""

from typing import Any

from relais.core.models import Event


def record_event(
    kind: str, *, conversation=None, message=None, contact=None, actor=None, **data: Any
) -> Event:
    """Append one Event. Call inside the action's transaction."""
    return Event.objects.create(
        kind=kind,
        conversation=conversation,
        message=message,
        contact=contact,
        actor=actor,
        data=data,
    )
