import json

import pytest

from relais.core.demo_kb import ENGLISH, INTERNAL, load_demo_kb
from relais.knowledge.models import Article

pytestmark = pytest.mark.django_db


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


def test_demo_kb_without_the_french_file_still_loads(tmp_path):
    assert load_demo_kb(tmp_path / "missing.json") == len(INTERNAL) + len(ENGLISH)
