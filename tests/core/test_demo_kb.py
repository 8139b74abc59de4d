import json
from pathlib import Path

import pytest

import relais.core
from relais.core.demo_kb import ENGLISH, INTERNAL, load_demo_kb
from relais.knowledge.models import Article

DEMO_KB = Path(relais.core.__file__).parent / "demo_kb_fr.json"
FIELDS = {"slug", "title", "category", "body", "questions", "locale", "visibility"}


@pytest.mark.django_db
def test_demo_kb_loads_the_french_file_internal_articles_and_translations(tmp_path):
    source = tmp_path / "kb.json"
    french = {
        "slug": "annuler-commande", "title": "Annuler une commande", "category": "Commandes",
        "body": "Depuis Mon compte.", "questions": ["annuler ma commande"], "locale": "fr",
        "visibility": "public",
    }  # fmt: skip
    source.write_text(json.dumps([french]))
    assert load_demo_kb(source) == 1 + len(INTERNAL) + len(ENGLISH)
    assert Article.objects.filter(visibility="internal").count() == len(INTERNAL)
    fr = Article.objects.get(slug="annuler-commande")
    en = Article.objects.get(slug="cancel-an-order")
    assert fr.translation_group == en.translation_group and fr.is_public


@pytest.mark.django_db
def test_demo_kb_without_the_french_file_still_loads(tmp_path):
    assert load_demo_kb(tmp_path / "missing.json") == len(INTERNAL) + len(ENGLISH)


def test_demo_knowledge_base_follows_the_loader_schema():
    articles = json.loads(DEMO_KB.read_text())
    assert 30 <= len(articles) <= 40
    assert len({article["slug"] for article in articles}) == len(articles)
    for article in articles:
        assert set(article) == FIELDS, article["slug"]
        assert article["locale"] == "fr" and article["visibility"] == "public"
        assert article["title"].strip() and article["body"].strip() and article["category"]
        assert 12 <= len(article["questions"]) <= 25, article["slug"]
        assert len(set(article["questions"])) == len(article["questions"]), article["slug"]


def test_demo_knowledge_base_is_searchable_by_its_own_questions():
    from relais.knowledge.retrieval import Document, build_index

    articles = json.loads(DEMO_KB.read_text())
    index = build_index(
        [Document(a["slug"], a["locale"], a["title"], a["body"], a["questions"]) for a in articles],
        semantic=False,
    )
    found = [
        index.search(question, locale="fr", limit=1)[0].document_id == article["slug"]
        for article in articles
        for question in article["questions"]
    ]
    assert sum(found) / len(found) > 0.95
