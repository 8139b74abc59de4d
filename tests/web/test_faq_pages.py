"""The console's FAQ page: supervisors manage contexts, pins and hides and see
the ranking with its counts; agents get 403."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relais.core.events import record_event
from relais.core.models import Event
from relais.knowledge.actions import create_article
from relais.knowledge.faq import top_articles
from relais.knowledge.faq_refresh import refresh_faq
from relais.knowledge.models import FaqContext, FaqPlacement
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb():
    def publish(title, **fields):
        return create_article(title=title, body=".", locale="fr", status="published", **fields)

    return {
        "cancel": publish("Annuler ma commande"),
        "delivery": publish("Suivre ma livraison"),
        "draft": create_article(title="Brouillon", body=".", locale="fr"),
        "english": create_article(title="Cancel", body=".", locale="en", status="published"),
    }


@pytest.fixture
def boss(supervisor):
    return console_client(supervisor)


@pytest.fixture
def checkout(supervisor):
    from relais.knowledge.faq_editing import save_faq_context

    return save_faq_context(None, name="Paiement", locale="fr", page_pattern="/checkout/*")


def test_agents_cannot_open_or_change_the_faq(console, checkout, kb):
    assert console.get("/knowledge/faq/").status_code == 403
    assert console.get(f"/knowledge/faq/{checkout.pk}/").status_code == 403
    response = console.post(
        f"/knowledge/faq/{checkout.pk}/place/", {"article": kb["cancel"].pk, "do": "pin"}
    )
    assert response.status_code == 403
    assert not FaqPlacement.objects.exists()


def test_a_supervisor_creates_a_context(boss):
    response = boss.post(
        "/knowledge/faq/new/",
        {
            "name": "Livraison",
            "locale": "fr",
            "page_pattern": "/orders/*",
            "journey_step": "delivery",
        },
    )
    context = FaqContext.objects.get(name="Livraison")
    assert response.url == f"/knowledge/faq/{context.pk}/"
    assert context.journey_step == "delivery"
    assert Event.objects.filter(kind="faq.context_saved", data__context_id=context.pk).exists()
    assert "Livraison" in boss.get("/knowledge/faq/").content.decode()


def test_a_context_with_a_bad_page_address_is_refused(boss):
    page = boss.post(
        "/knowledge/faq/new/", {"name": "X", "locale": "fr", "page_pattern": "checkout"}
    )
    assert page.status_code == 200 and "must start with /" in page.content.decode()
    assert not FaqContext.objects.exists()


def test_pins_are_ordered_and_hides_leave_the_faq(boss, checkout, kb):
    url = f"/knowledge/faq/{checkout.pk}/place/"
    boss.post(url, {"article": kb["cancel"].pk, "do": "pin"})
    boss.post(url, {"article": kb["delivery"].pk, "do": "pin"})
    boss.post(url, {"article": kb["delivery"].pk, "do": "up"})
    entries = top_articles(locale="fr", page_url="/checkout/pay")
    assert [e.article_id for e in entries] == [kb["delivery"].pk, kb["cancel"].pk]
    boss.post(url, {"article": kb["delivery"].pk, "do": "hide"})
    assert [e.article_id for e in top_articles(locale="fr", page_url="/checkout/")] == [
        kb["cancel"].pk
    ]
    boss.post(url, {"article": kb["delivery"].pk, "do": "remove"})
    assert not FaqPlacement.objects.filter(article=kb["delivery"]).exists()
    kinds = list(Event.objects.filter(kind__startswith="faq.").values_list("kind", flat=True))
    assert kinds[-4:] == [
        "faq.article_pinned", "faq.pin_moved", "faq.article_hidden", "faq.placement_removed"
    ]  # fmt: skip


def test_drafts_and_other_languages_cannot_be_pinned(boss, checkout, kb):
    url = f"/knowledge/faq/{checkout.pk}/place/"
    for article in (kb["draft"], kb["english"]):
        response = boss.post(url, {"article": article.pk, "do": "pin"}, follow=True)
        assert response.status_code == 200
    assert not FaqPlacement.objects.exists()
    assert boss.post(url, {"article": 999999, "do": "pin"}).status_code == 404
    assert boss.post(url, {"article": kb["cancel"].pk, "do": "explode"}).status_code == 400


def test_the_context_page_shows_the_ranking_with_its_counts(
    boss, checkout, kb, django_assert_max_num_queries
):
    event = record_event(
        "helpbox.article_clicked", article_id=kb["delivery"].pk, page_url="/checkout/pay"
    )
    clicked_at = timezone.now() - timedelta(minutes=5)
    Event.objects.filter(pk=event.pk).update(created_at=clicked_at)
    refresh_faq()
    with django_assert_max_num_queries(14):
        page = boss.get(f"/knowledge/faq/{checkout.pk}/").content.decode()
    ranking = page.split('data-testid="faq-ranking"')[1]
    # A click weighs 3, halved every 14 days: yesterday's (just past midnight) 2.9.
    today = timezone.localdate(clicked_at) == timezone.localdate()
    assert "Suivre ma livraison" in ranking and f"<td>{'3.0' if today else '2.9'}</td>" in ranking


def test_deleting_a_context(boss, checkout):
    assert boss.post(f"/knowledge/faq/{checkout.pk}/delete/").url == "/knowledge/faq/"
    assert not FaqContext.objects.exists()
    assert Event.objects.filter(kind="faq.context_deleted").exists()
