"""The console's knowledge page: agents read, supervisors write."""

import pytest

from relais.knowledge.actions import ArticleChanges, create_article, update_article
from relais.knowledge.models import Article, ArticleVersion
from tests.web.conftest import console_client

FORM = {
    "title": "Geste commercial",
    "body": "Jusqu'à **20 €** sans validation.",
    "locale": "fr",
    "visibility": "internal",
    "status": "published",
    "questions": "quel geste commercial\nbon d'achat",
    "tags": "geste, bon d'achat",
    "category": "",
}


@pytest.fixture
def internal(db):
    return create_article(
        title="Remboursements", body="Validation au-delà de 100 €.", locale="fr",
        visibility="internal", status="published",
    )  # fmt: skip


def test_agents_read_internal_articles_but_cannot_edit(console, internal):
    page = console.get("/knowledge/").content.decode()
    assert "Remboursements" in page and 'data-testid="knowledge-new"' not in page
    detail = console.get(f"/knowledge/{internal.pk}/").content.decode()
    assert "<p>Validation au-delà de 100 €.</p>" in detail
    assert 'data-testid="knowledge-edit"' not in detail
    assert console.get("/knowledge/new/").status_code == 403
    assert console.post(f"/knowledge/{internal.pk}/edit/", FORM).status_code == 403
    assert Article.objects.get().title == "Remboursements"


def test_logged_out_visitors_are_sent_to_login(client, internal):
    assert client.get("/knowledge/").url.startswith("/login/")


def test_supervisor_creates_an_article_from_the_form(supervisor):
    response = console_client(supervisor).post("/knowledge/new/", FORM)
    article = Article.objects.get()
    assert response.url == f"/knowledge/{article.pk}/"
    assert [q.text for q in article.questions.all()] == ["quel geste commercial", "bon d'achat"]
    assert article.tags == ["geste", "bon d'achat"] and article.author == supervisor


def test_the_form_reports_bad_input(supervisor):
    response = console_client(supervisor).post("/knowledge/new/", {**FORM, "locale": "de"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not Article.objects.exists()


def test_editing_makes_a_version_and_the_diff_shows_it(supervisor, internal):
    client = console_client(supervisor)
    client.post(f"/knowledge/{internal.pk}/edit/", {**FORM, "body": "Validation au-delà de 50 €."})
    assert ArticleVersion.objects.filter(article=internal).count() == 2
    diff = client.get(f"/knowledge/{internal.pk}/diff/?from=1&to=2").content.decode()
    assert '<span class="diff-removed">-Validation au-delà de 100 €.</span>' in diff
    assert '<span class="diff-added">+Validation au-delà de 50 €.</span>' in diff
    assert client.get(f"/knowledge/{internal.pk}/diff/?from=1&to=9").status_code == 404


def test_list_takes_a_fixed_number_of_queries(console, db, django_assert_num_queries):
    for n in range(15):
        article = create_article(title=f"Article {n}", body="Texte.", locale="fr")
        update_article(article, ArticleChanges(questions=["une question"]))
    console.get("/knowledge/")
    # session + agent + articles with categories + questions prefetch
    with django_assert_num_queries(4):
        console.get("/knowledge/")
