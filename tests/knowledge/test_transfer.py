"""Import and export: Markdown folders and CSV, idempotent, errors per file."""

import pytest
from django.core.management import CommandError, call_command

from relais.knowledge.actions import create_article, create_category
from relais.knowledge.models import Article, ArticleVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(db):
    create_article(
        title="Annuler ma commande", body="Depuis **Mon compte**.\n\nAvant l'expédition.",
        locale="fr", status="published", category=create_category(name="Commandes", locale="fr"),
        questions=["annuler une commande", "annulation: comment ?"], tags=["commande"],
    )  # fmt: skip
    create_article(
        title="Gestes commerciaux", body="Jusqu'à 20 €.", locale="fr", visibility="internal"
    )


def snapshot():
    return sorted(
        (a.slug, a.title, a.body, a.locale, a.visibility, a.status, str(a.category), a.tags,
         [q.text for q in a.questions.all()])
        for a in Article.objects.select_related("category").prefetch_related("questions")
    )  # fmt: skip


def test_markdown_round_trip_restores_every_field(base, tmp_path):
    before = snapshot()
    call_command("kb", "export", str(tmp_path))
    text = (tmp_path / "fr" / "annuler-ma-commande.md").read_text()
    assert text.startswith("---\nslug: annuler-ma-commande\ntitle: Annuler ma commande\n")
    Article.objects.all().delete()
    call_command("kb", "import", str(tmp_path))
    assert snapshot() == before


def test_csv_round_trip(base, tmp_path):
    before = snapshot()
    call_command("kb", "export", "--csv", str(tmp_path / "kb.csv"))
    Article.objects.all().delete()
    call_command("kb", "import", str(tmp_path / "kb.csv"))
    assert snapshot() == before


def test_import_is_idempotent_and_updates_make_versions(base, tmp_path):
    call_command("kb", "export", str(tmp_path))
    call_command("kb", "import", str(tmp_path))
    assert Article.objects.count() == 2 and ArticleVersion.objects.count() == 2
    path = tmp_path / "fr" / "gestes-commerciaux.md"
    path.write_text(path.read_text().replace("20 €", "30 €"))
    call_command("kb", "import", str(tmp_path))
    article = Article.objects.get(slug="gestes-commerciaux")
    assert article.body == "Jusqu'à 30 €." and article.version == 2


def test_a_broken_file_is_reported_and_the_others_imported(tmp_path, capsys):
    (tmp_path / "good.md").write_text("---\ntitle: Retours\nlocale: fr\n---\nSous 30 jours.\n")
    (tmp_path / "no-header.md").write_text("Juste du texte")
    (tmp_path / "bad-yaml.md").write_text("---\ntitle: [oops\n---\ntexte\n")
    (tmp_path / "bad-locale.md").write_text("---\ntitle: X\nlocale: de\n---\ntexte\n")
    with pytest.raises(CommandError):
        call_command("kb", "import", str(tmp_path))
    errors = capsys.readouterr().err
    assert "no-header.md: no front matter" in errors
    assert "bad-yaml.md: invalid front matter" in errors and "bad-locale.md" in errors
    assert list(Article.objects.values_list("slug", flat=True)) == ["good"]


def test_import_refuses_a_path_that_is_neither_folder_nor_csv(tmp_path):
    with pytest.raises(CommandError):
        call_command("kb", "import", str(tmp_path / "missing.txt"))
