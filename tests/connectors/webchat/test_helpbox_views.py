"""The helpbox endpoints the widget frame calls, and the Events they record."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.analytics.queries import selfcare_rows
from relais.analytics.selfcare import selfcare_report
from relais.analytics.selfcare_sql import selfcare_report_sql
from relais.connectors.webchat import issue_visitor_token
from relais.core.models import Event
from relais.knowledge.actions import create_article
from tests.factories import make_inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_inbox():
    return make_inbox("webchat", name="Boutique", help_mode=True)


@pytest.fixture
def published():
    return [
        create_article(title="Suivre ma commande", body="Le lien de suivi est dans l'e-mail.",
                       locale="fr", status="published", questions=["où est mon colis"]),
        create_article(title="Retourner un article", body="Trente jours pour changer d'avis.",
                       locale="fr", status="published"),
        create_article(title="Note interne", body="colis perdu procédure transporteur",
                       locale="fr", status="published", visibility="internal"),
    ]  # fmt: skip


def call(client, inbox, name, **payload):
    return client.post(
        reverse(f"webchat:help_{name}", args=[inbox.public_key]),
        data=json.dumps(payload),
        content_type="application/json",
    )


def token_for(inbox, visitor="visitor-1"):
    return issue_visitor_token(inbox, visitor)


def test_opening_suggests_the_faq_and_records_the_visit(client, help_inbox, published):
    response = call(
        client, help_inbox, "open", token=token_for(help_inbox), lang="fr",
        page_url="https://shop.example/commande/42", product="chaussures",
        journey_step="checkout",
    )  # fmt: skip
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    titles = {s["title"] for s in suggestions}
    assert {"Suivre ma commande", "Retourner un article"} <= titles
    assert "Note interne" not in titles
    assert all(s["url"].startswith("/help/fr/a/") for s in suggestions)
    event = Event.objects.get(kind="helpbox.opened")
    assert event.data["visitor"] == "visitor-1" and event.data["product"] == "chaussures"
    assert event.data["page_url"] == "https://shop.example/commande/42"
    assert event.data["suggestions"] == len(suggestions)


def test_search_finds_public_articles_and_records_the_count(client, help_inbox, published):
    response = call(client, help_inbox, "search", token=token_for(help_inbox), lang="fr",
                    q="où est mon colis")  # fmt: skip
    results = response.json()["results"]
    assert results[0]["title"] == "Suivre ma commande"
    assert results[0]["url"] == f"/help/fr/a/{published[0].slug}/"
    assert "Note interne" not in {r["title"] for r in results}
    event = Event.objects.get(kind="helpbox.searched")
    assert response.json()["search_event_id"] == event.pk
    assert event.data["results"] == len(results) and event.data["query"] == "où est mon colis"
    assert event.data["article_ids"][0] == published[0].pk


def test_an_empty_search_finds_nothing_and_says_so(client, help_inbox, published):
    response = call(client, help_inbox, "search", token=token_for(help_inbox), q="   ")
    event = Event.objects.get(kind="helpbox.searched")
    assert response.json() == {"results": [], "search_event_id": event.pk}
    assert event.data["results"] == 0


def test_clicks_and_escalations_are_recorded(client, help_inbox, published):
    token = token_for(help_inbox)
    clicked = call(client, help_inbox, "step", token=token, step="article_clicked",
                   source="faq", article_id=published[0].pk)  # fmt: skip
    assert clicked.status_code == 204
    assert call(client, help_inbox, "step", token=token, step="escalated").status_code == 204
    click = Event.objects.get(kind="helpbox.article_clicked")
    assert click.data["article_id"] == published[0].pk and click.data["visitor"] == "visitor-1"
    assert click.data["source"] == "faq"
    assert Event.objects.get(kind="helpbox.escalated").data["visitor"] == "visitor-1"


def test_a_search_result_click_names_its_search(client, help_inbox, published):
    token = token_for(help_inbox)
    search_id = call(client, help_inbox, "search", token=token, q="colis").json()["search_event_id"]
    clicked = call(client, help_inbox, "step", token=token, step="article_clicked", source="search",
                   search_event_id=search_id, article_id=published[0].pk)  # fmt: skip
    assert clicked.status_code == 204
    click = Event.objects.get(kind="helpbox.article_clicked")
    assert click.data["source"] == "search" and click.data["search_event_id"] == search_id


def test_the_old_suggestion_step_counts_as_a_faq_click(client, help_inbox, published):
    call(client, help_inbox, "step", token=token_for(help_inbox), step="suggestion_clicked",
         article_id=published[0].pk)  # fmt: skip
    assert Event.objects.get(kind="helpbox.article_clicked").data["source"] == "faq"


def test_a_click_cannot_name_another_visitors_search(client, help_inbox, published):
    other = call(client, help_inbox, "search", token=token_for(help_inbox, "visitor-2"), q="colis")
    response = call(client, help_inbox, "step", token=token_for(help_inbox), step="article_clicked",
                    source="search", search_event_id=other.json()["search_event_id"],
                    article_id=published[0].pk)  # fmt: skip
    assert response.status_code == 400
    assert not Event.objects.filter(kind="helpbox.article_clicked").exists()


@pytest.mark.parametrize(
    "payload",
    [{"step": "opened"}, {"step": "suggestion_clicked"},
     {"step": "suggestion_clicked", "article_id": "1"},
     {"step": "suggestion_clicked", "article_id": 999999},
     {"step": "article_clicked", "article_id": 1},
     {"step": "article_clicked", "article_id": 1, "source": "elsewhere"},
     {"step": "article_clicked", "article_id": 1, "source": "search"},
     {"step": "article_clicked", "article_id": 1, "source": "search", "search_event_id": "7"}],
)  # fmt: skip
def test_bad_steps_are_refused(client, help_inbox, published, payload):
    payload = {**payload}
    if payload.get("article_id") == 1:
        payload["article_id"] = published[0].pk  # a real article: the step itself is wrong
    response = call(client, help_inbox, "step", token=token_for(help_inbox), **payload)
    assert response.status_code == 400
    assert not Event.objects.filter(kind__startswith="helpbox.").exists()


def test_a_helpbox_visit_counts_in_the_self_care_report(client, help_inbox, published):
    token = token_for(help_inbox)
    call(client, help_inbox, "open", token=token, lang="fr")
    search_id = call(client, help_inbox, "search", token=token, q="colis").json()["search_event_id"]
    call(client, help_inbox, "step", token=token, step="article_clicked", source="search",
         search_event_id=search_id, article_id=published[0].pk)  # fmt: skip
    call(client, help_inbox, "step", token=token, step="article_clicked", source="faq",
         article_id=published[1].pk)  # fmt: skip
    start, end = timezone.now() - timedelta(days=1), timezone.now() + timedelta(minutes=1)
    report, _titles = selfcare_report_sql(start, end, None)
    assert report.sessions == 1 and report.visitors == 1
    assert report.entry_points == {"helpbox": 1}
    assert report.click_through_rate == 1.0
    assert report.faq_users == 1
    assert report == selfcare_report(selfcare_rows(start, end))


def test_a_forged_or_foreign_token_is_refused(client, help_inbox):
    other = make_inbox("webchat", help_mode=True)
    for token in ("forged", token_for(other), None):
        assert call(client, help_inbox, "open", token=token).status_code == 403
    assert not Event.objects.exists()


def test_malformed_bodies_are_refused(client, help_inbox):
    url = reverse("webchat:help_open", args=[help_inbox.public_key])
    assert client.post(url, data="not json", content_type="application/json").status_code == 400
    assert client.post(url, data="[]", content_type="application/json").status_code == 400
    assert client.post(url, data={"token": "x"}).status_code == 400  # form-encoded
    assert client.get(url).status_code == 405


def test_no_helpbox_without_the_help_mode(client):
    inbox = make_inbox("webchat")
    assert call(client, inbox, "open", token=token_for(inbox)).status_code == 404


def test_the_frame_opens_on_the_helpbox_in_help_mode(client, help_inbox):
    page = client.get(reverse("webchat:frame", args=[help_inbox.public_key])).content.decode()
    assert 'data-testid="helpbox"' in page and "helpbox.js" in page
    plain = make_inbox("webchat")
    page = client.get(reverse("webchat:frame", args=[plain.public_key])).content.decode()
    assert 'data-testid="helpbox"' not in page
