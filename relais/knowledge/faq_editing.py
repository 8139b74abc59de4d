"""Supervisors' hands on the dynamic FAQ: contexts, pins and hides. Each
action validates, writes in one transaction and appends a "faq.*" Event; a
saved context is ranked again on commit so that the page shows it at once."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from relais.core.events import record_event
from relais.knowledge.errors import InvalidArticle
from relais.knowledge.faq_ranking import PATH_MAX
from relais.knowledge.faq_refresh import rank_context
from relais.knowledge.models import Article, FaqContext, FaqPlacement, Locale, PlacementKind


def save_faq_context(
    context: FaqContext | None,
    *,
    name: str,
    locale: str,
    page_pattern: str = "",
    product: str = "",
    journey_step: str = "",
    actor=None,
) -> FaqContext:
    """Create (context None) or change a FAQ context; appends "faq.context_saved"."""
    name = " ".join(name.split())
    if not name:
        raise InvalidArticle(_("a FAQ context needs a name"), field="name")
    if locale not in Locale.values:
        raise InvalidArticle(_("unknown language"), field="locale")
    page_pattern = page_pattern.strip()
    if page_pattern and not page_pattern.startswith(("/", "*")):
        raise InvalidArticle(_("the page address must start with /"), field="page_pattern")
    context = context or FaqContext()
    context.name = name[:120]
    context.locale = locale
    context.page_pattern = page_pattern[:PATH_MAX]
    context.product = product.strip()[:120]
    context.journey_step = journey_step.strip()[:60]
    created = context.pk is None
    with transaction.atomic():
        context.save()
        record_event("faq.context_saved", actor=actor, created=created, **_context_data(context))
        transaction.on_commit(lambda: rank_context(context))
    return context


def delete_faq_context(context: FaqContext, *, actor=None) -> None:
    with transaction.atomic():
        record_event("faq.context_deleted", actor=actor, **_context_data(context))
        context.delete()


def place_article(context: FaqContext, article: Article, kind: str, *, actor=None) -> FaqPlacement:
    """Pin an article at the end of the context's pins, or hide it; an article
    already placed changes kind. Pins must be public articles of the context's
    language (the FAQ links to the help center)."""
    if kind not in PlacementKind.values:
        raise InvalidArticle(_("pin or hide"), field="kind")
    if article.locale != context.locale:
        raise InvalidArticle(_("this article is in another language"), field="article")
    if kind == PlacementKind.PIN and not article.is_public:
        raise InvalidArticle(_("only published public articles can be pinned"), field="article")
    with transaction.atomic():
        last = FaqPlacement.objects.filter(context=context, kind=kind).aggregate(n=Max("position"))
        placement, _created = FaqPlacement.objects.update_or_create(
            context=context,
            article=article,
            defaults={"kind": kind, "position": (last["n"] or 0) + 1},
        )
        record_event(
            f"faq.article_{'pinned' if kind == PlacementKind.PIN else 'hidden'}",
            actor=actor,
            context_id=context.pk,
            article_id=article.pk,
        )
    return placement


def remove_placement(context: FaqContext, article_id: int, *, actor=None) -> bool:
    """Unpin or unhide; False when the article was not placed."""
    with transaction.atomic():
        deleted, _rows = FaqPlacement.objects.filter(
            context=context, article_id=article_id
        ).delete()
        if deleted:
            record_event(
                "faq.placement_removed", actor=actor, context_id=context.pk, article_id=article_id
            )
    return bool(deleted)


def move_pin(context: FaqContext, article_id: int, step: int, *, actor=None) -> None:
    """Move a pin one place up (step -1) or down (+1); the pins are renumbered."""
    with transaction.atomic():
        pins = list(
            FaqPlacement.objects.select_for_update()
            .filter(context=context, kind=PlacementKind.PIN)
            .order_by("position", "id")
        )
        ids = [pin.article_id for pin in pins]
        if article_id not in ids:
            raise InvalidArticle(_("this article is not pinned"), field="article")
        at = ids.index(article_id)
        to = min(max(at + step, 0), len(pins) - 1)
        pins.insert(to, pins.pop(at))
        for position, pin in enumerate(pins):
            pin.position = position
        FaqPlacement.objects.bulk_update(pins, ["position"])
        record_event(
            "faq.pin_moved", actor=actor, context_id=context.pk, article_id=article_id, to=to
        )


def _context_data(context: FaqContext) -> dict:
    return {
        "context_id": context.pk,
        "locale": context.locale,
        "page_pattern": context.page_pattern,
        "product": context.product,
        "journey_step": context.journey_step,
    }
