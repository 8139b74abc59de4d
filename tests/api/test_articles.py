from relais.core.models import Event
from relais.knowledge.actions import create_article
from relais.knowledge.models import Article, ArticleVersion
from tests.api.conftest import error_code

ARTICLE = {
    "title": "Annuler ma commande",
    "body": "Depuis **Mon compte**, choisissez *Annuler*.",
    "locale": "fr",
    "visibility": "public",
    "status": "published",
    "questions": ["comment annuler ma commande", "annulation commande"],
    "category": "Commandes",
    "tags": ["commande", "annulation"],
}


def test_supervisor_creates_a_published_article_with_its_questions(as_supervisor):
    response = as_supervisor.post("/articles", ARTICLE)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "annuler-ma-commande"
    assert body["questions"] == ARTICLE["questions"]
    assert body["category"] == {"slug": "commandes", "name": "Commandes"}
    assert "<strong>Mon compte</strong>" in body["body_html"]
    assert body["version"] == 1 and body["published_at"]
    assert Event.objects.filter(kind="knowledge.article_created").count() == 1


def test_agent_may_read_but_not_write(as_agent, as_supervisor):
    created = as_supervisor.post("/articles", {**ARTICLE, "visibility": "internal"}).json()
    assert as_agent.get(f"/articles/{created['id']}").json()["visibility"] == "internal"
    response = as_agent.post("/articles", ARTICLE)
    assert response.status_code == 403 and error_code(response) == "forbidden"
    response = as_agent.patch(f"/articles/{created['id']}", {"title": "Piraté"})
    assert response.status_code == 403
    assert Article.objects.get().title == ARTICLE["title"]


def test_requests_without_a_token_are_refused(db):
    from tests.api.conftest import ApiClient

    assert ApiClient(None).get("/articles").status_code == 401
    assert ApiClient("nope").post("/articles", ARTICLE).status_code == 401


def test_bad_input_is_a_clear_400(as_admin):
    for bad in (
        {**ARTICLE, "locale": "de"},
        {**ARTICLE, "visibility": "secret"},
        {**ARTICLE, "title": ""},
        {**ARTICLE, "questions": "not a list"},
        {"title": "Sans corps", "locale": "fr"},
    ):
        response = as_admin.post("/articles", bad)
        assert response.status_code == 400, bad
        assert error_code(response) == "invalid_request"
        assert response.json()["error"]["fields"]
    response = as_admin.post("/articles", {**ARTICLE, "title": "   ", "body": "x"})
    assert response.status_code == 400 and error_code(response) == "invalid_input"
    assert not Article.objects.exists()


def test_a_taken_slug_is_a_conflict(as_admin):
    assert as_admin.post("/articles", {**ARTICLE, "slug": "annuler"}).status_code == 201
    response = as_admin.post("/articles", {**ARTICLE, "slug": "annuler"})
    assert response.status_code == 409 and error_code(response) == "duplicate"
    # Without a slug, a free one is made from the title.
    assert as_admin.post("/articles", ARTICLE).json()["slug"] == "annuler-ma-commande"
    assert as_admin.post("/articles", ARTICLE).json()["slug"] == "annuler-ma-commande-2"


def test_list_filters_by_locale_status_visibility_and_words(as_agent, admin):
    create_article(title="Annuler", body="Annulez.", locale="fr", status="published")
    create_article(title="Cancel", body="Cancel it.", locale="en", status="published")
    create_article(
        title="Geste commercial", body="Jusqu'à 20 €.", locale="fr", visibility="internal"
    )
    create_article(title="Retour", body="Étiquette.", locale="fr", questions=["renvoyer un colis"])

    def titles(**params):
        response = as_agent.get("/articles", **params)
        assert response.status_code == 200
        return sorted(item["title"] for item in response.json()["items"])

    assert titles(locale="en") == ["Cancel"]
    assert titles(status="draft") == ["Geste commercial", "Retour"]
    assert titles(visibility="internal") == ["Geste commercial"]
    assert titles(q="colis") == ["Retour"]
    assert as_agent.get("/articles", status="bogus").status_code == 400


def test_patch_makes_a_new_version_and_keeps_the_old_one(as_supervisor, supervisor):
    article = create_article(title="Retours", body="Sous 14 jours.", locale="fr")
    response = as_supervisor.patch(
        f"/articles/{article.pk}",
        {"body": "Sous 30 jours.", "status": "published", "questions": ["délai de retour"]},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 2 and body["status"] == "published"
    assert body["questions"] == ["délai de retour"]
    versions = ArticleVersion.objects.filter(article=article).order_by("number")
    assert [v.body for v in versions] == ["Sous 14 jours.", "Sous 30 jours."]
    assert versions[1].author == supervisor
    event = Event.objects.get(kind="knowledge.article_updated")
    assert set(event.data["changed"]) == {"body", "status", "questions"}


def test_patch_of_an_unknown_article_is_404(as_admin):
    response = as_admin.patch("/articles/999", {"title": "x"})
    assert response.status_code == 404 and error_code(response) == "not_found"
    assert as_admin.get("/articles/999").status_code == 404


def test_get_names_the_translations(as_agent):
    from relais.knowledge.actions import link_translation

    fr = create_article(title="Annuler", body="Annulez.", locale="fr")
    en = create_article(title="Cancel", body="Cancel it.", locale="en")
    link_translation(fr, en)
    assert as_agent.get(f"/articles/{fr.pk}").json()["translations"] == {"en": en.pk}
