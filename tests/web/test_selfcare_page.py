"""The supervisors' Self-care page and its CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from relais.core.events import record_event
from relais.core.models import Event
from relais.knowledge.actions import create_article
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    article = create_article(title="Annuler", body=".", locale="fr", status="published")
    searched = record_event("help.searched", query="annuler", results=1, visitor="a", locale="fr")
    record_event("help.result_clicked", search_event_id=searched.pk, article_id=article.pk,
                 visitor="a", locale="fr")  # fmt: skip
    record_event("help.searched", query="Carte cadeau", results=0, visitor="b", locale="fr")
    record_event(
        "help.article_rated", article_id=article.pk, helpful=True, visitor="a", locale="fr"
    )
    record_event("helpbox.opened", visitor="c", locale="en")
    record_event("helpbox.escalated", visitor="c", locale="en")
    old = record_event("help.searched", query="ancien", results=0, visitor="d", locale="fr")
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    return article


def test_agents_get_403(console):
    assert console.get("/supervision/self-care/").status_code == 403
    assert console.get("/supervision/self-care/?format=csv").status_code == 403


def test_the_page_shows_the_figures_and_the_gaps(supervisor, events, django_assert_max_num_queries):
    client = console_client(supervisor)
    with django_assert_max_num_queries(6):
        page = client.get("/supervision/self-care/").content.decode()
    assert "carte cadeau" in page and "ancien" not in page  # 40 days ago: outside 30 days
    kpis = page.split('data-testid="selfcare-kpis"')[1]
    click_through = kpis.split('data-kpi="click_through_rate"')[1].split("</tr>")[0]
    assert "Result click-through rate" in click_through and "<td>100 %</td>" in click_through
    assert "Annuler" in page.split('data-testid="selfcare-ratings"')[1]
    assert "ancien" in client.get("/supervision/self-care/?days=90").content.decode()


def test_csv_export_per_locale(supervisor, events):
    response = console_client(supervisor).get("/supervision/self-care/?format=csv&locale=en")
    assert response["Content-Type"].startswith("text/csv")
    rows = {(r[0], r[1]): r[2] for r in csv.reader(io.StringIO(response.content.decode()))}
    assert rows[("kpi", "helpbox_opens")] == "1"
    assert rows[("kpi", "escalation_rate")] == "1.0"
    assert rows[("kpi", "searches")] == "0"
    assert rows[("kpi", "click_through_rate")] == ""
    assert rows[("entry_point", "helpbox")] == "1"
