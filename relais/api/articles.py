"""Knowledge base articles. Every agent reads them all (internal and drafts
included); supervisors and admins write (403 for agents)."""

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Status

from relais.api.auth import current_agent
from relais.api.pagination import paginate
from relais.api.schemas.articles import (
    ArticleDetailOut,
    ArticleIn,
    ArticlePage,
    ArticlePatch,
    ArticleQuery,
)
from relais.api.schemas.common import READ_ERRORS, WRITE_ERRORS
from relais.knowledge import actions
from relais.knowledge.queries import articles_with_details, get_article_details

router = Router(tags=["knowledge"])


@router.get("/articles", response={200: ArticlePage, **READ_ERRORS})
def list_articles(request: HttpRequest, filters: Query[ArticleQuery]):
    articles = articles_with_details().filter(
        **{
            f: getattr(filters, f)
            for f in ("locale", "status", "visibility")
            if getattr(filters, f)
        }
    )
    if q := filters.q.strip():
        articles = articles.filter(
            Q(title__icontains=q) | Q(body__icontains=q) | Q(questions__text__icontains=q)
        ).distinct()
    return paginate(articles, cursor=filters.cursor, limit=filters.limit)


@router.post("/articles", response={201: ArticleDetailOut, **WRITE_ERRORS})
def create_article(request: HttpRequest, payload: ArticleIn):
    agent = current_agent(request)
    actions.check_can_edit(agent)
    data = payload.dict(exclude={"category"})
    category = _category(payload.category, payload.locale)
    article = actions.create_article(**data, author=agent, category=category)
    return Status(201, get_article_details(article.pk))


@router.get("/articles/{int:article_id}", response={200: ArticleDetailOut, **READ_ERRORS})
def get_article(request: HttpRequest, article_id: int):
    return get_article_details(article_id)


@router.patch("/articles/{int:article_id}", response={200: ArticleDetailOut, **WRITE_ERRORS})
def patch_article(request: HttpRequest, article_id: int, payload: ArticlePatch):
    agent = current_agent(request)
    actions.check_can_edit(agent)
    article = get_article_details(article_id)
    fields = payload.dict(exclude_unset=True, exclude={"category"})
    if "category" in payload.model_fields_set:
        fields["category"] = _category(payload.category, fields.get("locale", article.locale))
        fields["clear_category"] = fields["category"] is None
    actions.update_article(article, actions.ArticleChanges(**fields), author=agent)
    return get_article_details(article_id)


def _category(name: str | None, locale: str):
    """The category of this slug or name in this language, created if new."""
    return actions.create_category(name=name, locale=locale) if name else None
