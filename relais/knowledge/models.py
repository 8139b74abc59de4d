"""The knowledge base: one base of articles for two audiences, the public help
center and the agents (internal articles). Every change of an article's text
is kept as an ArticleVersion; feedback from the help center is kept per vote."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Locale(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public (help center)")
    INTERNAL = "internal", _("Internal (agents only)")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120)
    locale = models.CharField(_("language"), max_length=8, choices=Locale.choices, default="fr")
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["locale", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="category_slug_locale")
        ]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    # Rendered and sanitised on every save (rendering.py): pages never render Markdown.
    body_html = models.TextField(editable=False, blank=True)
    locale = models.CharField(_("language"), max_length=8, choices=Locale.choices, default="fr")
    # The versions of one article in each language share a group.
    translation_group = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The number of the latest ArticleVersion.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="article_slug_locale"),
            models.UniqueConstraint(
                fields=["translation_group", "locale"], name="article_one_per_language"
            ),
        ]
        indexes = [models.Index(fields=["status", "visibility", "locale"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.visibility == Visibility.PUBLIC


class ArticleQuestion(models.Model):
    """A way customers ask what the article answers ("annuler ma commande")."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("question variant")
        verbose_name_plural = _("question variants")
        ordering = ["article", "position"]

    def __str__(self) -> str:
        return self.text


class ArticleVersion(models.Model):
    """The article's title and body after one change; never updated."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleFeedback(models.Model):
    """One "was this helpful?" vote; one per visitor and article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    locale = models.CharField(_("language"), max_length=8)
    visitor_id = models.CharField(max_length=64)
    # Hash of the client's address, for rate limiting without keeping the address.
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor_id"], name="feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class FaqContext(models.Model):
    """Where a dynamic FAQ applies: pages (glob or prefix), a product, a step of
    the customer journey, in one language. Empty fields match anything; the
    most specific matching context wins (faq_ranking.best_context)."""

    name = models.CharField(_("name"), max_length=120)
    locale = models.CharField(_("language"), max_length=8, choices=Locale.choices, default="fr")
    page_pattern = models.CharField(
        _("page address"),
        max_length=200,
        blank=True,
        help_text=_('A path prefix ("/help/") or a pattern with * ("/checkout/*").'),
    )
    product = models.CharField(_("product"), max_length=120, blank=True)
    journey_step = models.CharField(
        _("journey step"),
        max_length=60,
        blank=True,
        help_text=_('For example "after-purchase", "delivery", "return".'),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("FAQ context")
        verbose_name_plural = _("FAQ contexts")
        ordering = ["locale", "name"]

    def __str__(self) -> str:
        return self.name


class PlacementKind(models.TextChoices):
    PIN = "pin", _("Pinned on top")
    HIDE = "hide", _("Hidden")


class FaqPlacement(models.Model):
    """A supervisor's hand on a context's FAQ: an article pinned (in order) or hidden."""

    context = models.ForeignKey(FaqContext, on_delete=models.CASCADE, related_name="placements")
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PlacementKind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("FAQ pin or hide")
        verbose_name_plural = _("FAQ pins and hides")
        ordering = ["context", "kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["context", "article"], name="faq_placement_once")
        ]

    def __str__(self) -> str:
        return f"{self.context_id}: {self.kind} {self.article_id}"


class FaqSignal(models.Model):
    """One day's counts for one article on one page / product / step, folded
    from the Event log by the worker (faq_refresh.py): the ranking reads these
    few rows, never the log."""

    day = models.DateField()
    locale = models.CharField(max_length=8)
    page_path = models.CharField(max_length=200, blank=True)
    product = models.CharField(max_length=120, blank=True)
    journey_step = models.CharField(max_length=60, blank=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    bot_answers = models.PositiveIntegerField(default=0)
    search_hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "locale", "page_path", "product", "journey_step", "article"],
                name="faq_signal_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.page_path} {self.article_id}"


class FaqRank(models.Model):
    """A context's precomputed ranking (context null: the language's overall
    ranking, the cold-start fallback), replaced by each refresh."""

    context = models.ForeignKey(
        FaqContext, null=True, blank=True, on_delete=models.CASCADE, related_name="ranks"
    )
    locale = models.CharField(max_length=8)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    views = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    bot_answers = models.PositiveIntegerField(default=0)
    search_hits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-score", "article_id"]
        indexes = [models.Index(fields=["locale", "context", "-score"])]

    def __str__(self) -> str:
        return f"{self.context_id}: {self.article_id} {self.score:.2f}"


class FaqCursor(models.Model):
    """How far the worker has folded the Event log into FaqSignal (one row)."""

    last_event_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"FAQ cursor at event {self.last_event_id}"
