"""The words of the bot: each turn's text and buttons, in the bot's language.

Article facts (title, excerpt, help-center link) are read from the public
articles only: the bot never quotes an internal one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from relais.bot.dialogue import ARTICLE, HANDOVER, NO, YES, Choice, numbered
from relais.bot.generative import GeneratedAnswer
from relais.knowledge.models import Article, ArticleStatus, Visibility
from relais.knowledge.rendering import plain_text

EXCERPT_WORDS = 40


@dataclass(frozen=True)
class ArticleFacts:
    article_id: int
    title: str
    excerpt: str
    url: str
    text: str  # the whole article as plain text (the generative prompt)


@dataclass
class Reply:
    """One bot message: its text, its buttons, and what it remembers (metadata)."""

    text: str
    choices: list[Choice] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def body(self, *, buttons: bool) -> str:
        return self.text if buttons or not self.choices else numbered(self.text, self.choices)


def article_facts(article_ids: list[int]) -> dict[int, ArticleFacts]:
    """Public, published articles by id (others are left out)."""
    articles = Article.objects.filter(
        pk__in=article_ids, status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC
    ).only("title", "slug", "locale", "body")
    facts = {}
    for article in articles:
        text = plain_text(article.body)
        facts[article.pk] = ArticleFacts(
            article_id=article.pk,
            title=article.title,
            excerpt=Truncator(text).words(EXCERPT_WORDS),
            url=article_url(article),
            text=text,
        )
    return facts


def article_url(article: Article) -> str:
    path = reverse("help:article", args=[article.locale, article.slug])
    return f"{settings.RELAIS_PUBLIC_URL}{path}"


def answer_reply(
    article: ArticleFacts, locale: str, generated: GeneratedAnswer | None = None
) -> Reply:
    with translation.override(locale):
        lead = generated.text if generated else f"{article.title}\n{article.excerpt}"
        text = "\n\n".join(
            [
                lead,
                _("Read more: %(url)s") % {"url": article.url},
                _("Did this answer your question?"),
            ]
        )
        choices = [
            Choice(YES, _("Yes")),
            Choice(NO, _("No")),
            Choice(HANDOVER, _("Talk to a person")),
        ]
    return Reply(text, choices, {"article": {"id": article.article_id, "url": article.url}})


def clarify_reply(articles: list[ArticleFacts], locale: str) -> Reply:
    with translation.override(locale):
        choices = [Choice(f"{ARTICLE}{a.article_id}", a.title) for a in articles]
        choices.append(Choice(HANDOVER, _("None of these — talk to a person")))
        return Reply(_("Which of these is your question about?"), choices)


def thanks_reply(locale: str) -> Reply:
    with translation.override(locale):
        return Reply(_("Glad I could help! Write again whenever you need."))


def handover_reply(locale: str, *, agents_available: bool = True, ask_email: bool = False) -> Reply:
    """The handover message. With nobody to take the chat now, it says so rather
    than promise an answer "shortly"; `ask_email` (a web chat visitor with no
    known address) asks for the address, which the widget then requires."""
    with translation.override(locale):
        if agents_available:
            return Reply(_("I am passing you to a colleague, who will answer you here shortly."))
        if ask_email:
            away = _(
                "Our advisers are away right now: leave your e-mail address and we will "
                "answer you as soon as possible."
            )
        else:
            away = _(
                "Our advisers are away right now: we will answer you here as soon as possible."
            )
        passing = _("I am passing your request on to a colleague.")
        text = f"{passing} {away}"
    return Reply(text, facts={"agents_available": False, "ask_email": ask_email})


def handover_note(
    *,
    reason: str,
    transcript: list[str],
    guesses: list[tuple[str, float]],
    locale: str,
    agents_available: bool = True,
) -> str:
    """The internal note for the agent taking over: why, what was said, the
    guesses, and whether the customer was told that no one was available."""
    with translation.override(locale):
        lines = [_("The bot handed over: %(reason)s.") % {"reason": reason_label(reason)}]
        if not agents_available:
            lines.append(_("No agent was available: the customer was told so."))
        if transcript:
            lines += ["", _("The customer wrote:"), *(f"› {line}" for line in transcript)]
        if guesses:
            lines += ["", _("The bot's best guesses:")]
            lines += [f"- {title} ({score:.0%})" for title, score in guesses]
        return "\n".join(lines)


def reason_label(reason: str) -> str:
    labels = {
        "person_requested": _("the customer asked for a person"),
        "no_match": _("no article matches the question"),
        "low_confidence": _("no article is close enough"),
        "not_helpful": _("the customer said the answer did not help"),
    }
    return str(labels.get(reason, reason))
