"""Generative answers against a fake OpenAI-compatible server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from relais.bot.generative import SourceArticle, checked_answer, generate_answer
from tests.bot.conftest import bot_messages

ARTICLES = [
    SourceArticle(11, "Annuler ma commande", "Depuis votre compte, avant l'expédition."),
    SourceArticle(12, "Suivre ma commande", "Le lien de suivi est dans l'e-mail."),
]


class FakeCompletions(BaseHTTPRequestHandler):
    """Answers POST /v1/chat/completions as the documented format does; the
    test sets `reply` (text, an HTTP status, or "hang": no answer until the
    test ends, however long the client waits)."""

    reply: object = ""
    requests: list = []
    test_over = threading.Event()

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        FakeCompletions.requests.append(
            (self.path, self.headers.get("Authorization"), json.loads(self.rfile.read(length)))
        )
        if FakeCompletions.reply == "hang":
            FakeCompletions.test_over.wait(timeout=60)
            return
        if isinstance(FakeCompletions.reply, int):
            self.send_response(FakeCompletions.reply)
            self.end_headers()
            return
        body = json.dumps(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": "fake",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": FakeCompletions.reply},
                        "finish_reason": "stop",
                    }
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def llm(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCompletions)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.RELAIS_LLM_BASE_URL = f"http://127.0.0.1:{server.server_port}/v1"
    settings.RELAIS_LLM_MODEL = "fake-model"
    settings.RELAIS_LLM_API_KEY = "sk-test"
    # A safety net: the server answers at once, but shares a loaded machine.
    settings.RELAIS_LLM_TIMEOUT = 30
    FakeCompletions.requests = []
    FakeCompletions.test_over = threading.Event()
    yield FakeCompletions
    FakeCompletions.test_over.set()
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_cited_answer_is_used(llm):
    llm.reply = "Annulez-la depuis votre compte avant l'expédition [1]."
    answer = generate_answer("Comment annuler ?", ARTICLES, locale="fr")
    assert answer is not None and answer.cited == [11]
    path, authorization, request = llm.requests[0]
    assert path == "/v1/chat/completions" and authorization == "Bearer sk-test"
    assert request["model"] == "fake-model"
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    # Only the articles and the question go out.
    assert "[1] Annuler ma commande" in request["messages"][1]["content"]
    assert request["messages"][1]["content"].endswith("Comment annuler ?")


@pytest.mark.parametrize("reply", ["Annulez depuis votre compte.", "Voir [3].", "AUCUNE_REPONSE"])
def test_an_answer_without_a_valid_citation_is_refused(llm, reply):
    llm.reply = reply
    assert generate_answer("Comment annuler ?", ARTICLES, locale="fr") is None


@pytest.mark.parametrize("reply", [500, 401])
def test_errors_fall_back(llm, reply):
    llm.reply = reply
    assert generate_answer("Comment annuler ?", ARTICLES, locale="fr") is None


def test_a_server_that_does_not_answer_in_time_falls_back(llm, settings):
    settings.RELAIS_LLM_TIMEOUT = 0.2
    llm.reply = "hang"
    assert generate_answer("Comment annuler ?", ARTICLES, locale="fr") is None


def test_off_without_settings(settings):
    settings.RELAIS_LLM_BASE_URL = ""
    assert generate_answer("Comment annuler ?", ARTICLES, locale="fr") is None


def test_citations_are_checked():
    assert checked_answer("[1] et [2]", ARTICLES).cited == [11, 12]
    assert checked_answer("[0]", ARTICLES) is None


@pytest.mark.django_db
def test_the_bot_uses_the_generated_answer_or_falls_back(llm, bot_inbox, articles, say):
    llm.reply = "Depuis votre compte, tant qu'elle n'est pas partie [1]."
    conversation = say(bot_inbox, "Je veux annuler ma commande", visitor="g1")
    answer = bot_messages(conversation)[-1]
    assert answer.body.startswith("Depuis votre compte, tant qu'elle n'est pas partie [1].")
    assert "/help/fr/a/annuler-ma-commande/" in answer.body

    llm.reply = 500
    conversation = say(bot_inbox, "Je veux annuler ma commande", visitor="g2")
    assert bot_messages(conversation)[-1].body.startswith("Annuler ma commande\n")
