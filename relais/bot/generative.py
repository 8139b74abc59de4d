"""Optional generative answers through an OpenAI-compatible endpoint.

Off unless RELAIS_LLM_BASE_URL and RELAIS_LLM_MODEL are set. The prompt holds
only the articles retrieval found and the customer's question, numbered [1],
[2]…; the answer must cite at least one of them and nothing else, or it is
dropped and the bot sends the plain article answer. Network calls happen in
the bot's task, never inside a request or a database transaction; a timeout
or an HTTP error also falls back (None), logged, never raised.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import httpx
from django.conf import settings

log = logging.getLogger(__name__)

CITATION = re.compile(r"\[(\d{1,2})\]")
MAX_ANSWER_CHARS = 1500
MAX_ARTICLE_CHARS = 4000

SYSTEM_PROMPT = {
    "fr": (
        "Tu es l'assistant du service client. Réponds en français, brièvement, "
        "uniquement à partir des articles fournis. Cite chaque article utilisé par "
        "son numéro entre crochets, par exemple [1]. Si les articles ne répondent "
        "pas à la question, réponds exactement : AUCUNE_REPONSE"
    ),
    "en": (
        "You are the customer service assistant. Answer in English, briefly, using "
        "only the articles provided. Cite every article you use by its number in "
        "square brackets, for example [1]. If the articles do not answer the "
        "question, reply exactly: NO_ANSWER"
    ),
}


@dataclass(frozen=True)
class SourceArticle:
    article_id: int
    title: str
    text: str


@dataclass(frozen=True)
class GeneratedAnswer:
    text: str
    cited: list[int]  # article ids, in citation order


def is_enabled() -> bool:
    return bool(settings.RELAIS_LLM_BASE_URL and settings.RELAIS_LLM_MODEL)


def build_messages(question: str, articles: list[SourceArticle], locale: str) -> list[dict]:
    """The chat messages: instructions, then the numbered articles and the question."""
    sources = "\n\n".join(
        f"[{number}] {article.title}\n{article.text[:MAX_ARTICLE_CHARS]}"
        for number, article in enumerate(articles, 1)
    )
    return [
        {"role": "system", "content": SYSTEM_PROMPT.get(locale, SYSTEM_PROMPT["en"])},
        {"role": "user", "content": f"{sources}\n\n---\n{question}"},
    ]


def checked_answer(text: str, articles: list[SourceArticle]) -> GeneratedAnswer | None:
    """The answer if it cites only given articles, at least one; else None."""
    text = (text or "").strip()
    numbers = [int(found) for found in CITATION.findall(text)]
    if not text or not numbers or len(text) > MAX_ANSWER_CHARS:
        return None
    if any(not 1 <= number <= len(articles) for number in numbers):
        return None
    cited = list(dict.fromkeys(articles[number - 1].article_id for number in numbers))
    return GeneratedAnswer(text, cited)


def generate_answer(
    question: str, articles: list[SourceArticle], *, locale: str
) -> GeneratedAnswer | None:
    """Ask the endpoint; None when it is off, fails, times out or cites badly."""
    if not is_enabled() or not articles:
        return None
    headers = {"Content-Type": "application/json"}
    if settings.RELAIS_LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.RELAIS_LLM_API_KEY}"
    payload = {
        "model": settings.RELAIS_LLM_MODEL,
        "messages": build_messages(question, articles, locale),
        "temperature": 0,
    }
    try:
        response = httpx.post(
            f"{settings.RELAIS_LLM_BASE_URL}/chat/completions",
            json=payload,
            headers=headers,
            timeout=settings.RELAIS_LLM_TIMEOUT,
        )
        response.raise_for_status()
        text = response.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as error:
        log.warning("generative answer unavailable: %s", error)
        return None
    answer = checked_answer(text if isinstance(text, str) else "", articles)
    if answer is None:
        log.info("generative answer dropped: no valid citation")
    return answer
