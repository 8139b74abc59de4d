"""The dynamic FAQ against the database: events folded into counters by the
worker's job, rankings per context, pins and hides, the cold start, and a
per-request cost that does not grow with the traffic."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relais.core.events import record_event
from relais.core.models import Event
from relais.knowledge.actions import create_article
from relais.knowledge.faq import top_articles
from relais.knowledge.faq_refresh import fold_new_events, rank_all, refresh_faq
from relais.knowledge.models import FaqContext, FaqCursor, FaqPlacement, FaqSignal

pytestmark = pytest.mark.django_db


def publish(title: str, **fields):
    fields.setdefault("locale", "fr")
    return create_article(title=title, body=f"{title}.", status="published", **fields)


@pytest.fixture
def kb():
    return {
        "cancel": publish("Annuler ma commande"),
        "delivery": publish("Suivre ma livraison"),
        "refund": publish("Être remboursé"),
        "internal": publish("Geste commercial", visibility="internal"),
        "english": publish("Track my parcel", locale="en"),
    }


def happened(kind: str, *, days_ago: int = 0, **data) -> Event:
    """An Event as the help center, helpbox or bot write it, aged."""
    event = record_event(kind, **data)
    at = timezone.now() - timedelta(days=days_ago, minutes=5)
    Event.objects.filter(pk=event.pk).update(created_at=at)
    return event


def test_events_fold_into_daily_counters_once(kb):
    happened("help.article_viewed", article_id=kb["cancel"].pk, locale="fr")
    happened("help.article_viewed", article_id=kb["cancel"].pk, page_url="/help/fr/a/x/")
    happened(
        "helpbox.article_clicked",
        article_id=kb["delivery"].pk,
        page_url="https://shop.example/checkout/pay?step=2",
        product="sofa",
        journey_step="delivery",
    )
    happened("helpbox.searched", query="rembourser", article_ids=[kb["refund"].pk, 1])
    happened("bot.answered", article_id=kb["refund"].pk)
    happened("help.searched", query="rien", results=0)  # no article: not a FAQ signal
    record_event("help.article_viewed", article_id=kb["cancel"].pk)  # too fresh yet

    assert fold_new_events() == 5
    assert fold_new_events() == 0  # nothing counted twice
    rows = {
        (s.article_id, s.page_path, s.product, s.journey_step): (
            s.views, s.clicks, s.search_hits, s.bot_answers
        )
        for s in FaqSignal.objects.all()
    }  # fmt: skip
    assert rows == {
        (kb["cancel"].pk, "/help/fr/", "", ""): (1, 0, 0, 0),
        (kb["cancel"].pk, "/help/fr/a/x/", "", ""): (1, 0, 0, 0),
        (kb["delivery"].pk, "/checkout/pay", "sofa", "delivery"): (0, 1, 0, 0),
        (kb["refund"].pk, "", "", ""): (0, 0, 1, 1),
    }


def test_a_batch_another_worker_folded_is_not_counted_again(kb, monkeypatch):
    happened("help.article_viewed", article_id=kb["cancel"].pk)
    real_filter = FaqCursor.objects.filter

    def overtaken(*args, **kwargs):
        FaqCursor.objects.update(last_event_id=10**9)  # the other worker committed first
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(FaqCursor.objects, "filter", overtaken)
    assert fold_new_events() == 0
    assert not FaqSignal.objects.exists()


def test_a_context_ranks_what_customers_on_its_pages_clicked(kb):
    checkout = FaqContext.objects.create(name="Paiement", locale="fr", page_pattern="/checkout/*")
    for _ in range(3):
        happened("helpbox.article_clicked", article_id=kb["delivery"].pk, page_url="/checkout/pay")
    for _ in range(10):
        happened("help.article_viewed", article_id=kb["cancel"].pk)
    refresh_faq()

    at_checkout = top_articles(locale="fr", page_url="https://shop.example/checkout/pay")
    assert [entry.article_id for entry in at_checkout][:2] == [kb["delivery"].pk, kb["cancel"].pk]
    assert at_checkout[0].url == f"/help/fr/a/{kb['delivery'].slug}/"
    assert at_checkout[0].score > 0
    on_help = top_articles(locale="fr", page_url="/help/fr/")
    assert on_help[0].article_id == kb["cancel"].pk
    assert checkout.ranks.count() == 1


def test_recent_clicks_outrank_older_ones(kb):
    for _ in range(4):
        happened("help.result_clicked", article_id=kb["cancel"].pk, days_ago=60)
    happened("help.result_clicked", article_id=kb["refund"].pk, days_ago=1)
    refresh_faq()
    order = [entry.article_id for entry in top_articles(locale="fr", limit=2)]
    assert order == [kb["refund"].pk, kb["cancel"].pk]


def test_pins_lead_in_order_and_hidden_articles_never_show(kb):
    context = FaqContext.objects.create(name="Aide", locale="fr", page_pattern="/help/")
    happened("help.article_viewed", article_id=kb["cancel"].pk)
    happened("help.article_viewed", article_id=kb["delivery"].pk)
    refresh_faq()
    FaqPlacement.objects.create(context=context, article=kb["refund"], kind="pin", position=1)
    FaqPlacement.objects.create(context=context, article=kb["delivery"], kind="pin", position=0)
    FaqPlacement.objects.create(context=context, article=kb["cancel"], kind="hide")
    order = [entry.article_id for entry in top_articles(locale="fr", page_url="/help/fr/")]
    assert order == [kb["delivery"].pk, kb["refund"].pk]


def test_cold_start_shows_the_newest_public_articles_of_the_locale(kb):
    entries = top_articles(locale="fr", page_url="/nowhere", limit=10)
    assert {entry.title for entry in entries} == {
        "Annuler ma commande", "Suivre ma livraison", "Être remboursé"
    }  # fmt: skip
    assert [entry.title for entry in top_articles(locale="en")] == ["Track my parcel"]
    assert top_articles(locale="fr", limit=0) == []


def test_internal_and_unpublished_articles_never_reach_the_faq(kb):
    happened("help.article_viewed", article_id=kb["internal"].pk)
    happened("bot.answered", article_id=kb["cancel"].pk)
    refresh_faq()
    kb["cancel"].status = "archived"
    kb["cancel"].save()
    titles = {entry.title for entry in top_articles(locale="fr", limit=10)}
    assert "Geste commercial" not in titles and "Annuler ma commande" not in titles


def test_the_faq_costs_a_few_queries_whatever_the_traffic(kb, django_assert_num_queries):
    context = FaqContext.objects.create(name="Aide", locale="fr", page_pattern="/help/")
    FaqPlacement.objects.create(context=context, article=kb["refund"], kind="pin")
    for article in ("cancel", "delivery"):
        for _ in range(20):
            happened("help.article_viewed", article_id=kb[article].pk)
    refresh_faq()
    with django_assert_num_queries(3):  # contexts, pins and hides, rankings
        entries = top_articles(locale="fr", page_url="/help/fr/", limit=3)
    assert len(entries) == 3


def test_ranking_again_replaces_the_old_ranking(kb):
    happened("help.article_viewed", article_id=kb["cancel"].pk)
    refresh_faq()
    rank_all()
    assert top_articles(locale="fr", limit=1)[0].article_id == kb["cancel"].pk
