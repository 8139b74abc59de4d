from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from relais.api.schemas.common import PageQuery

LocaleIn = Literal["fr", "en"]
VisibilityIn = Literal["public", "internal"]
StatusIn = Literal["draft", "published", "archived"]


class ArticleIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=200_000)
    locale: LocaleIn
    visibility: VisibilityIn = "public"
    status: StatusIn = "draft"
    slug: str | None = Field(None, max_length=200)
    questions: list[str] = Field(default_factory=list, max_length=50)
    category: str | None = Field(None, max_length=120, description="A category slug or name.")
    tags: list[str] = Field(default_factory=list, max_length=20)


class ArticlePatch(Schema):
    """Only the fields given change; a new title or body makes a new version."""

    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=200_000)
    locale: LocaleIn | None = None
    visibility: VisibilityIn | None = None
    status: StatusIn | None = None
    questions: list[str] | None = Field(None, max_length=50)
    category: str | None = Field(None, max_length=120, description='"" removes the category.')
    tags: list[str] | None = Field(None, max_length=20)


class CategoryOut(Schema):
    slug: str
    name: str


class ArticleOut(Schema):
    id: int
    title: str
    slug: str
    locale: str
    visibility: str
    status: str
    category: CategoryOut | None
    tags: list[str]
    version: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class ArticleDetailOut(ArticleOut):
    body: str
    body_html: str
    questions: list[str]
    translations: dict[str, int]

    @staticmethod
    def resolve_questions(article) -> list[str]:
        return [question.text for question in article.questions.all()]

    @staticmethod
    def resolve_translations(article) -> dict[str, int]:
        """{"en": id, …}: the same article in the other languages."""
        return getattr(article, "translation_ids", {})


class ArticlePage(Schema):
    items: list[ArticleOut]
    next: str | None


class ArticleQuery(PageQuery):
    locale: LocaleIn | None = None
    status: StatusIn | None = None
    visibility: VisibilityIn | None = None
    q: str = Field("", max_length=200, description="Words of the title, body or questions.")
