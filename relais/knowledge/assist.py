"""Agent assist: the articles that may answer a conversation, found in the
agents' index (public and internal articles), and what inserting one into the
reply puts there. Every insertion appends "assist.article_inserted", so the
KPIs can tell which articles help agents."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from relais.conversations.models import Conversation, Direction, Message, MessageKind
from relais.core.events import record_event
from relais.knowledge.errors import InvalidArticle
from relais.knowledge.index import AGENTS, search_articles
from relais.knowledge.models import Article, ArticleStatus, Visibility

RECENT_MESSAGES = 3  # the customer's latest messages make the query
QUERY_MAX = 1000
EXCERPT_LENGTH = 220
SUGGESTIONS = 6
MODES = ("link", "text")
SOURCES = ("suggested", "searched")
_BLOCK_END = re.compile(r"</(?:p|li|h\d|pre|blockquote|tr)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Suggestion:
    article_id: int
    title: str
    excerpt: str
    is_public: bool  # False: internal, never shown to customers, no link
    help_path: str  # the help-center path of public articles, else ""
    rank: int


def conversation_query(conversation: Conversation) -> str:
    """What the customer is asking: the subject and their latest messages."""
    bodies = list(
        Message.objects.filter(
            conversation=conversation, direction=Direction.INBOUND, kind=MessageKind.MESSAGE
        )
        .order_by("-id")
        .values_list("body", flat=True)[:RECENT_MESSAGES]
    )
    return " ".join([conversation.subject, *reversed(bodies)])[:QUERY_MAX]


def suggest_articles(conversation: Conversation, *, query: str = "") -> list[Suggestion]:
    """Published public and internal articles for the conversation (or for the
    agent's own `query`), best first, in two queries besides the index stamp."""
    text = " ".join(query.split())[:200] or conversation_query(conversation)
    candidates = search_articles(text, audience=AGENTS, limit=SUGGESTIONS)
    found = (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .only("title", "slug", "locale", "visibility", "body_html")
        .in_bulk([int(candidate.document_id) for candidate in candidates])
    )
    suggestions = []
    for candidate in candidates:
        article = found.get(int(candidate.document_id))
        if article is None:
            continue
        suggestions.append(
            Suggestion(
                article_id=article.pk,
                title=article.title,
                excerpt=Truncator(plain_text(article)).chars(EXCERPT_LENGTH),
                is_public=article.visibility == Visibility.PUBLIC,
                help_path=help_path(article) if article.visibility == Visibility.PUBLIC else "",
                rank=len(suggestions) + 1,
            )
        )
    return suggestions


def help_path(article: Article) -> str:
    return reverse("help:article", args=[article.locale, article.slug])


def plain_text(article: Article) -> str:
    """The rendered body as plain text, one paragraph or list item a line."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", article.body_html))
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)


def insert_article(
    conversation: Conversation,
    article_id: int,
    *,
    mode: str,
    agent,
    site_url: str,
    source: str = "suggested",
    rank: int | None = None,
) -> str:
    """The text an agent inserts into the reply: the public article's
    help-center address (mode "link", public only) or its text (mode "text").
    Appends "assist.article_inserted". Raises InvalidArticle for an unknown or
    unpublished article, or a link to an internal one."""
    if mode not in MODES:
        raise InvalidArticle(_("insert a link or the text"), field="mode")
    article = Article.objects.filter(pk=article_id, status=ArticleStatus.PUBLISHED).first()
    if article is None:
        raise InvalidArticle(_("no such published article"), field="article")
    public = article.visibility == Visibility.PUBLIC
    if mode == "link" and not public:
        raise InvalidArticle(_("an internal article has no public link"), field="mode")
    text = site_url.rstrip("/") + help_path(article) if mode == "link" else plain_text(article)
    record_event(
        "assist.article_inserted",
        conversation=conversation,
        actor=agent,
        article_id=article.pk,
        visibility=article.visibility,
        locale=article.locale,
        mode=mode,
        source=source if source in SOURCES else "suggested",
        rank=rank,
    )
    return text
