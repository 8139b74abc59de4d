import pytest

from relais.core.models import Event
from relais.knowledge import actions
from relais.knowledge.actions import ArticleChanges, create_article, update_article
from relais.knowledge.errors import AlreadyRated, InvalidArticle, NotAllowedToEdit
from relais.knowledge.index import AGENTS, PUBLIC, search_articles
from relais.knowledge.rendering import diff_lines, render_markdown
from tests.factories import make_agent

pytestmark = pytest.mark.django_db


def test_create_keeps_the_community_signature_and_makes_version_one():
    author = make_agent("supervisor")
    article = create_article(
        title=" Annuler  ma commande ", body="Texte", locale="fr", questions=["a", "A", " "],
        author=author, tags=["Commande", "commande"],
    )  # fmt: skip
    assert article.title == "Annuler ma commande" and article.status == "draft"
    assert [q.text for q in article.questions.all()] == ["a"] and article.tags == ["commande"]
    version = article.versions.get()
    assert (version.number, version.author, version.body) == (1, author, "Texte")
    assert Event.objects.get(kind="knowledge.article_created").actor == author


@pytest.mark.parametrize(
    "bad",
    [{"title": ""}, {"body": "  "}, {"locale": "de"}, {"visibility": "x"}, {"status": "live"},
     {"questions": "not a list"}, {"tags": ["x" * 60]}],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_is_stored(bad):
    with pytest.raises(InvalidArticle):
        create_article(**{"title": "T", "body": "B", "locale": "fr", **bad})
    assert not Event.objects.exists()


def test_updates_version_the_text_only():
    article = create_article(title="Retours", body="14 jours", locale="fr")
    update_article(article, ArticleChanges(tags=["retour"]))
    assert article.version == 1
    update_article(article, ArticleChanges(body="30 jours"))
    update_article(article, ArticleChanges(body="30 jours"))  # no change, no version
    assert list(article.versions.values_list("number", "body")) == [
        (2, "30 jours"),
        (1, "14 jours"),
    ]
    assert Event.objects.filter(kind="knowledge.article_updated").count() == 2


def test_diff_between_versions():
    lines = diff_lines("a\nb\nc", "a\nB\nc", old_label="v1", new_label="v2")
    assert ("removed", "-b") in lines and ("added", "+B") in lines


def test_publish_and_archive_are_idempotent_and_recorded():
    article = create_article(title="T", body="B", locale="fr")
    actions.publish_article(article)
    first = article.published_at
    actions.publish_article(article)
    assert first and Event.objects.filter(kind="knowledge.article_published").count() == 1
    actions.archive_article(article)
    assert article.status == "archived" and article.published_at == first


def test_translations_find_each_other_and_refuse_two_of_one_language():
    fr = create_article(title="Annuler", body="B", locale="fr")
    en = create_article(title="Cancel", body="B", locale="en")
    other_fr = create_article(title="Annulation", body="B", locale="fr")
    actions.link_translation(fr, en)
    en.refresh_from_db()
    assert en.translation_group == fr.translation_group
    with pytest.raises(InvalidArticle):
        actions.link_translation(en, other_fr)
    with pytest.raises(InvalidArticle):
        actions.link_translation(fr, fr)


def test_markdown_is_sanitised():
    html = render_markdown("<script>alert(1)</script>\n\n[x](javascript:alert(1)) **ok**")
    assert "<script>" not in html and 'href="javascript' not in html
    assert "<strong>ok</strong>" in html
    assert 'rel="noopener noreferrer nofollow"' in render_markdown("[a](https://example.com)")


def test_one_vote_per_visitor():
    article = create_article(title="T", body="B", locale="fr", status="published")
    actions.record_feedback(article, helpful=True, visitor_id="v1", locale="fr")
    with pytest.raises(AlreadyRated):
        actions.record_feedback(article, helpful=False, visitor_id="v1", locale="fr")
    assert Event.objects.filter(kind="help.article_rated").count() == 1


def test_only_supervisors_and_admins_edit():
    with pytest.raises(NotAllowedToEdit):
        actions.check_can_edit(make_agent("agent"))
    actions.check_can_edit(make_agent("admin"))


def test_index_follows_changes_and_keeps_audiences_apart():
    create_article(title="Annuler ma commande", body="B", locale="fr", status="published")
    internal = create_article(
        title="Geste commercial remboursement", body="B", locale="fr", status="published",
        visibility="internal",
    )  # fmt: skip
    assert search_articles("geste commercial", audience=PUBLIC) == []
    assert [c.document_id for c in search_articles("geste commercial", audience=AGENTS)] == [
        internal.pk
    ]
    article = create_article(title="Suivre mon colis", body="B", locale="fr")
    assert search_articles("colis", audience=PUBLIC) == []
    actions.publish_article(article)
    assert [c.document_id for c in search_articles("colis", audience=PUBLIC)] == [article.pk]
