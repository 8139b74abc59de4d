import pytest

from relais.connectors.models import Inbox
from relais.knowledge.actions import create_article
from tests.api.conftest import ApiClient, error_code
from tests.bot.conftest import ARTICLES
from tests.factories import make_inbox


@pytest.fixture
def help_articles(db):
    """The bot tests' knowledge base, and one internal article."""
    public = [
        create_article(title=t, body=b, locale="fr", status="published", questions=q)
        for t, b, q in ARTICLES
    ]
    internal = create_article(
        title="Procédure interne", body="annuler commande remboursement manuel",
        locale="fr", status="published", visibility="internal",
    )  # fmt: skip
    return [*public, internal]


def test_a_clear_question_gets_the_answer_with_candidates(as_agent, help_articles):
    response = as_agent.post("/bot/answer", {"question": "Je veux annuler ma commande"})
    assert response.status_code == 200
    body = response.json()
    assert body["action"] == "answer" and body["article_id"] == help_articles[1].pk
    assert 0.6 <= body["confidence"] <= 1 and body["reason"] == "confident"
    assert body["candidates"][0] == {
        "article_id": help_articles[1].pk,
        "title": "Annuler ma commande",
        "score": pytest.approx(body["confidence"]),
    }
    # The bot answers with public articles only.
    assert help_articles[-1].pk not in [c["article_id"] for c in body["candidates"]]


def test_vague_questions_clarify_and_persons_hand_over(as_agent, help_articles):
    vague = as_agent.post("/bot/answer", {"question": "ma commande", "locale": "fr"}).json()
    assert vague["action"] == "clarify" and vague["article_id"] is None
    assert len(vague["candidates"]) >= 2
    person = as_agent.post("/bot/answer", {"question": "je veux parler à un conseiller"})
    assert person.json()["action"] == "handover" and person.json()["reason"] == "person_requested"


def test_a_token_is_required(db):
    assert ApiClient(None).post("/bot/answer", {"question": "x"}).status_code == 401
    assert ApiClient("wrong").post("/bot/answer", {"question": "x"}).status_code == 401


@pytest.mark.parametrize(
    "bad", [{}, {"question": ""}, {"question": "x" * 2001}, {"question": "ok", "locale": "de"},
            {"question": 12}],
)  # fmt: skip
def test_bad_input_is_a_400(as_agent, bad):
    response = as_agent.post("/bot/answer", bad)
    assert response.status_code == 400 and error_code(response) == "invalid_request"


def test_admin_turns_the_bot_on_through_the_inbox_api(as_admin):
    inbox = make_inbox("webchat", name="Chat")
    response = as_admin.patch(
        f"/inboxes/{inbox.pk}",
        {"bot": {"enabled": True, "name": "Robin", "thresholds": {"answer": 0.7, "clarify": 0.3}}},
    )
    assert response.status_code == 200, response.json()
    inbox.refresh_from_db()
    assert inbox.config["bot"]["enabled"] and inbox.config["bot"]["name"] == "Robin"
    assert inbox.config["bot"]["thresholds"] == {"answer": 0.7, "clarify": 0.3, "choices": 3}


@pytest.mark.parametrize(
    "bot",
    [{"enabled": "maybe"}, {"locale": "de"}, {"name": ""}, {"surprise": 1},
     {"thresholds": {"answer": 0.2, "clarify": 0.5}}, {"thresholds": {"answer": 2, "clarify": 0}}],
)  # fmt: skip
def test_bad_bot_settings_are_refused(as_admin, bot):
    inbox = make_inbox("webchat", name="Chat")
    response = as_admin.patch(f"/inboxes/{inbox.pk}", {"bot": bot})
    assert response.status_code == 400
    assert Inbox.objects.get(pk=inbox.pk).config == {}


def test_email_inboxes_have_no_bot(as_admin):
    created = {"kind": "email", "name": "Mail", "address": "support@example.com"}
    response = as_admin.post("/inboxes", {**created, "bot": {"enabled": True}})
    assert response.status_code == 400
