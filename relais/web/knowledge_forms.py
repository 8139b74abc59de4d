"""The knowledge page's article form: parses what the browser sends; the
knowledge actions validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.knowledge.actions import ArticleChanges
from relais.knowledge.models import Article, ArticleStatus, Category, Locale, Visibility


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Body (Markdown)"), widget=forms.Textarea(attrs={"rows": 16}), strip=False
    )
    locale = forms.ChoiceField(label=_("Language"), choices=Locale.choices)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ArticleStatus.choices)
    questions = forms.CharField(
        label=_("Question variants, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    tags = forms.CharField(label=_("Tags, separated by commas"), required=False)

    @classmethod
    def for_article(cls, article: Article) -> ArticleForm:
        return cls(
            initial={
                "title": article.title,
                "body": article.body,
                "locale": article.locale,
                "category": article.category_id,
                "visibility": article.visibility,
                "status": article.status,
                "questions": "\n".join(q.text for q in article.questions.all()),
                "tags": ", ".join(article.tags),
            }
        )

    def creation_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["questions"] = data["questions"].splitlines()
        data["tags"] = [tag for tag in data["tags"].split(",") if tag.strip()]
        return data

    def changes(self) -> ArticleChanges:
        data = self.creation_fields()
        return ArticleChanges(**data, clear_category=data["category"] is None)
