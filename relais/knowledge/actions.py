"""What changes the knowledge base. Each action validates its input, writes in
one transaction and appends Events ("knowledge.*" for editors' changes,
"help.article_rated" for visitors' votes); it raises a KnowledgeError subclass
for bad input and leaves nothing half-written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from relais.core.events import record_event
from relais.knowledge.errors import (
    AlreadyRated,
    DuplicateArticle,
    InvalidArticle,
    NotAllowedToEdit,
    RatedTooOften,
)
from relais.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleQuestion,
    ArticleStatus,
    ArticleVersion,
    Category,
    Locale,
    Visibility,
)
from relais.knowledge.rendering import render_markdown

TITLE_MAX = 200
QUESTION_MAX = 300
TAG_MAX = 50
COMMENT_MAX = 2000
MAX_QUESTIONS = 50
MAX_TAGS = 20
# Votes from one client address per hour: more is a script, not a reader.
RATINGS_PER_HOUR = 30


def check_can_edit(agent) -> None:
    """Supervisors and admins write the knowledge base; agents only read it."""
    if agent is None or not getattr(agent, "sees_everything", False):
        raise NotAllowedToEdit(_("only supervisors and administrators edit articles"))


def create_article(
    *,
    title: str,
    body: str,
    locale: str,
    visibility: str = "public",
    status: str = "draft",
    questions: Sequence[str] = (),
    author=None,
    category=None,
    tags: Sequence[str] = (),
    slug: str | None = None,
) -> Article:
    """A new article with its first version. The slug comes from the title when
    not given (made unique in its language by a suffix); a slug given and
    already taken raises DuplicateArticle."""
    title = _clean_title(title)
    body = _clean_body(body)
    _check_choice(locale, Locale.values, "locale")
    _check_choice(visibility, Visibility.values, "visibility")
    _check_choice(status, ArticleStatus.values, "status")
    variants, tag_list = clean_questions(questions), clean_tags(tags)
    with transaction.atomic():
        if slug:
            slug = _clean_slug(slug)
            if Article.objects.filter(slug=slug, locale=locale).exists():
                raise DuplicateArticle(_("an article with this slug exists already"), field="slug")
        else:
            slug = _free_slug(title, locale)
        article = Article(
            title=title,
            slug=slug,
            body=body,
            body_html=render_markdown(body),
            locale=locale,
            visibility=visibility,
            status=status,
            author=author,
            category=category,
            tags=tag_list,
            published_at=timezone.now() if status == ArticleStatus.PUBLISHED else None,
        )
        _save(article)
        _replace_questions(article, variants)
        _add_version(article, author)
        record_event("knowledge.article_created", actor=author, **_event_data(article))
    return article


@dataclass(frozen=True)
class ArticleChanges:
    """What an update changes; None leaves a field as it is."""

    title: str | None = None
    body: str | None = None
    locale: str | None = None
    visibility: str | None = None
    status: str | None = None
    questions: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    category: Category | None = None
    clear_category: bool = False


def update_article(article: Article, changes: ArticleChanges, *, author=None) -> Article:
    """Apply `changes`; a new ArticleVersion when the title or body changed.
    Appends "knowledge.article_updated" with the names of the changed fields."""
    changed: list[str] = []
    if changes.title is not None and _clean_title(changes.title) != article.title:
        article.title = _clean_title(changes.title)
        changed.append("title")
    if changes.body is not None and _clean_body(changes.body) != article.body:
        article.body = _clean_body(changes.body)
        article.body_html = render_markdown(article.body)
        changed.append("body")
    for field, choices in (
        ("locale", Locale.values),
        ("visibility", Visibility.values),
        ("status", ArticleStatus.values),
    ):
        value = getattr(changes, field)
        if value is not None and value != getattr(article, field):
            _check_choice(value, choices, field)
            setattr(article, field, value)
            changed.append(field)
    if changes.tags is not None and clean_tags(changes.tags) != article.tags:
        article.tags = clean_tags(changes.tags)
        changed.append("tags")
    category = None if changes.clear_category else (changes.category or article.category)
    if category != article.category:
        article.category = category
        changed.append("category")
    variants = None if changes.questions is None else clean_questions(changes.questions)
    with transaction.atomic():
        if variants is not None and variants != list(
            article.questions.values_list("text", flat=True)
        ):
            _replace_questions(article, variants)
            changed.append("questions")
        if not changed:
            return article
        if "status" in changed and article.status == ArticleStatus.PUBLISHED:
            article.published_at = article.published_at or timezone.now()
        _save(article)
        if "title" in changed or "body" in changed:
            _add_version(article, author)
        record_event(
            "knowledge.article_updated", actor=author, changed=changed, **_event_data(article)
        )
    return article


def record_admin_change(article: Article, *, author, created: bool) -> None:
    """After the Django admin saved `article`: render its body, add a version if
    its text differs from the latest one, append the Event."""
    with transaction.atomic():
        latest = article.versions.order_by("-number").first()
        Article.objects.filter(pk=article.pk).update(body_html=render_markdown(article.body))
        if latest is None or (latest.title, latest.body) != (article.title, article.body):
            _add_version(article, author)
        kind = "knowledge.article_created" if created else "knowledge.article_updated"
        record_event(kind, actor=author, source="admin", **_event_data(article))


def publish_article(article: Article, *, actor=None) -> Article:
    """Published (the help center shows it if public); idempotent."""
    return _set_status(article, ArticleStatus.PUBLISHED, "knowledge.article_published", actor)


def archive_article(article: Article, *, actor=None) -> Article:
    """Archived: off the help center and search, kept with its history; idempotent."""
    return _set_status(article, ArticleStatus.ARCHIVED, "knowledge.article_archived", actor)


def link_translation(article: Article, translation: Article, *, actor=None) -> Article:
    """Make `translation` (and the translations it already has) a translation of
    `article`. Refused when it would give the group two articles in one language."""
    if article.pk == translation.pk:
        raise InvalidArticle(_("an article cannot be its own translation"))
    with transaction.atomic():
        joining = list(Article.objects.filter(translation_group=translation.translation_group))
        present = set(
            Article.objects.filter(translation_group=article.translation_group).values_list(
                "locale", flat=True
            )
        )
        if present & {other.locale for other in joining}:
            raise InvalidArticle(_("this language already has a translation of this article"))
        Article.objects.filter(translation_group=translation.translation_group).update(
            translation_group=article.translation_group, updated_at=timezone.now()
        )
        translation.translation_group = article.translation_group
        record_event(
            "knowledge.translation_linked",
            actor=actor,
            article_id=article.pk,
            translation_ids=[other.pk for other in joining],
        )
    return translation


def record_feedback(
    article: Article,
    *,
    helpful: bool,
    visitor_id: str,
    locale: str,
    comment: str = "",
    client_hash: str = "",
    agent=None,
) -> ArticleFeedback:
    """One visitor's vote on one article; a second vote raises AlreadyRated,
    too many votes from one client address RatedTooOften. Appends
    "help.article_rated"."""
    comment = comment.strip()[:COMMENT_MAX]
    if not visitor_id:
        raise InvalidArticle(_("a vote needs a visitor"))
    since = timezone.now() - timedelta(hours=1)
    recent = ArticleFeedback.objects.filter(client_hash=client_hash, created_at__gte=since)
    if client_hash and recent.count() >= RATINGS_PER_HOUR:
        raise RatedTooOften(_("too many votes, try again later"))
    try:
        with transaction.atomic():
            feedback = ArticleFeedback.objects.create(
                article=article,
                helpful=helpful,
                comment=comment,
                locale=locale,
                visitor_id=visitor_id,
                client_hash=client_hash,
                agent=agent,
            )
            record_event(
                "help.article_rated",
                actor=agent,
                article_id=article.pk,
                helpful=helpful,
                commented=bool(comment),
                locale=locale,
                visitor=visitor_id,
            )
    except IntegrityError:
        raise AlreadyRated(_("you already rated this article")) from None
    return feedback


def create_category(
    *, name: str, locale: str, slug: str = "", position: int = 0, description: str = ""
) -> Category:
    """A category, or the existing one with this slug in this language."""
    name = name.strip()
    if not name:
        raise InvalidArticle(_("a category needs a name"), field="category")
    _check_choice(locale, Locale.values, "locale")
    slug = _clean_slug(slug or name)
    with transaction.atomic():
        category, created = Category.objects.get_or_create(
            slug=slug,
            locale=locale,
            defaults={"name": name[:120], "position": position, "description": description},
        )
        if created:
            record_event(
                "knowledge.category_created", category_id=category.pk, slug=slug, locale=locale
            )
    return category


def clean_questions(questions: Sequence[str]) -> list[str]:
    """Stripped, without blanks or repeats, in order."""
    if isinstance(questions, str):
        raise InvalidArticle(_("questions must be a list"), field="questions")
    seen: dict[str, str] = {}
    for question in questions:
        text = " ".join(str(question).split())
        if len(text) > QUESTION_MAX:
            raise InvalidArticle(_("a question is too long"), field="questions")
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    if len(seen) > MAX_QUESTIONS:
        raise InvalidArticle(_("too many questions"), field="questions")
    return list(seen.values())


def clean_tags(tags: Sequence[str]) -> list[str]:
    if isinstance(tags, str):
        raise InvalidArticle(_("tags must be a list"), field="tags")
    cleaned: list[str] = []
    for tag in tags:
        text = " ".join(str(tag).split()).lower()
        if len(text) > TAG_MAX:
            raise InvalidArticle(_("a tag is too long"), field="tags")
        if text and text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_TAGS:
        raise InvalidArticle(_("too many tags"), field="tags")
    return cleaned


def _set_status(article: Article, status: str, kind: str, actor) -> Article:
    if article.status == status:
        return article
    with transaction.atomic():
        article.status = status
        if status == ArticleStatus.PUBLISHED:
            article.published_at = article.published_at or timezone.now()
        article.save(update_fields=["status", "published_at", "updated_at"])
        record_event(kind, actor=actor, **_event_data(article))
    return article


def _save(article: Article) -> None:
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        raise DuplicateArticle(
            _("an article with this slug exists already in this language"), field="slug"
        ) from None


def _add_version(article: Article, author) -> None:
    article.version += 1
    Article.objects.filter(pk=article.pk).update(version=article.version)
    ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        author=author,
    )


def _replace_questions(article: Article, questions: list[str]) -> None:
    article.questions.all().delete()
    ArticleQuestion.objects.bulk_create(
        ArticleQuestion(article=article, text=text, position=n) for n, text in enumerate(questions)
    )


def _event_data(article: Article) -> dict:
    return {
        "article_id": article.pk,
        "locale": article.locale,
        "visibility": article.visibility,
        "status": article.status,
        "version": article.version,
    }


def _clean_title(title: str) -> str:
    title = " ".join(str(title).split())
    if not title:
        raise InvalidArticle(_("an article needs a title"), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidArticle(_("the title is too long"), field="title")
    return title


def _clean_body(body: str) -> str:
    body = str(body).strip()
    if not body:
        raise InvalidArticle(_("an article needs a body"), field="body")
    return body


def _clean_slug(slug: str) -> str:
    cleaned = slugify(slug)[:200]
    if not cleaned:
        raise InvalidArticle(_("invalid slug"), field="slug")
    return cleaned


def _check_choice(value: str, choices: list[str], field: str) -> None:
    if value not in choices:
        raise InvalidArticle(
            _("%(field)s must be one of: %(choices)s")
            % {"field": field, "choices": ", ".join(choices)},
            field=field,
        )


def _free_slug(title: str, locale: str) -> str:
    base = slugify(title)[:190] or "article"
    taken = set(
        Article.objects.filter(slug__startswith=base, locale=locale).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
