import pytest

from relais.knowledge.retrieval import Candidate, Document, build_index
from relais.knowledge.retrieval import learned as learned_module
from relais.knowledge.retrieval.index import LEAST_UNMATCHED
from relais.knowledge.retrieval.spelling import SpellingCorrector

SHOP = [
    Document(
        "suivi",
        "fr",
        "Suivre ma commande",
        "Le numéro de suivi est dans votre espace client.",
        ["Où est mon colis ?", "Je n'ai pas reçu ma commande"],
    ),
    Document(
        "remboursement",
        "fr",
        "Délai de remboursement",
        "Nous remboursons sous 3 jours ouvrés après réception du retour.",
        ["Quand serai-je remboursé ?", "Je n'ai pas reçu mon remboursement"],
    ),
    Document(
        "interne",
        "fr",
        "Procédure interne de remboursement",
        "Réservé aux conseillers.",
        ["rembourser un client"],
        visibility="internal",
    ),
    Document(
        "tracking", "en", "Track my order", "Tracking is in your account.", ["Where is my parcel?"]
    ),
]


@pytest.fixture(scope="module")
def index():
    return build_index(SHOP, semantic=False)


def test_search_finds_the_article_of_a_paraphrase(index):
    found = index.search("jai pas recu mon colis", locale="fr")
    assert found[0] == Candidate("suivi", "Suivre ma commande", found[0].score)


def test_scores_lie_between_zero_and_one_and_add_up_to_at_most_one(index):
    found = index.search("reçu remboursement commande", locale="fr")
    assert all(0 < candidate.score <= 1 for candidate in found)
    assert sum(candidate.score for candidate in found) <= 1 + 1e-9
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_a_locale_searches_only_its_language(index):
    assert [c.document_id for c in index.search("where is my parcel", locale="en")] == ["tracking"]
    assert all(c.document_id != "tracking" for c in index.search("colis", locale="fr-FR"))


def test_no_locale_searches_every_language(index):
    ids = {c.document_id for c in index.search("parcel colis")}
    assert {"tracking", "suivi"} <= ids


def test_visibility_filter_keeps_internal_articles_out(index):
    every = {c.document_id for c in index.search("rembourser un client", locale="fr")}
    public = {
        c.document_id
        for c in index.search("rembourser un client", locale="fr", visibility=("public",))
    }
    assert "interne" in every
    assert "interne" not in public


def test_limit_and_empty_queries(index):
    assert len(index.search("remboursement commande reçu", locale="fr", limit=1)) == 1
    assert index.search("", locale="fr") == []
    assert index.search("   ", locale="fr") == []
    assert index.search("zzzz qqqq", locale="fr") == []


def test_a_query_about_something_else_scores_low(index):
    found = index.search("horoscope du jour", locale="fr")
    assert not found or found[0].score < 0.3


GIBBERISH = ["zzzz qqqq", "xqzv blorp fnark", "asdfgh jkl", "est-ce que c'est", "the and of"]


@pytest.mark.parametrize("query", GIBBERISH)
def test_gibberish_and_stop_words_alone_find_nothing(index, query):
    assert index.search(query, locale="fr") == []
    assert index.search(query, locale="en") == []


def test_where_finds_the_tracking_article_not_the_damaged_parcel_one():
    documents = [
        Document(
            "suivi", "fr", "Suivre ma commande", "Le suivi est dans votre espace.",
            ["Où en est ma commande ?", "Mon colis est où ?", "suivre mon colis"],
        ),
        Document(
            "endommage", "fr", "Colis endommagé", "Prenez des photos du colis.",
            ["mon colis est abîmé", "colis cassé", "le colis est arrivé ouvert"],
        ),
    ]  # fmt: skip
    index = build_index(documents, semantic=False)
    for query in ("où est mon colis", "ou est mon colis svp", "mon colis est ou"):
        assert index.search(query, locale="fr")[0].document_id == "suivi"


def learned_without_embeddings(monkeypatch, documents):
    pytest.importorskip("sklearn")
    from relais.knowledge.retrieval import embeddings

    monkeypatch.setattr(embeddings, "available", lambda: False)
    index = build_index(documents)
    assert index.semantic
    return index


@pytest.mark.parametrize("query", GIBBERISH)
def test_the_learned_scorer_finds_nothing_for_gibberish(monkeypatch, query):
    index = learned_without_embeddings(monkeypatch, SHOP)
    assert index.search(query, locale="fr") == []


def test_the_learned_scorer_keeps_unmatched_articles_only_with_a_real_score(monkeypatch):
    index = learned_without_embeddings(monkeypatch, SHOP)
    found = index.search("geste commercial remboursement", locale="fr")
    assert found[0].document_id in ("remboursement", "interne")
    unmatched = [c for c in found if c.document_id in ("suivi", "tracking")]
    assert all(c.score >= LEAST_UNMATCHED for c in unmatched)


def test_typos_are_corrected_against_the_vocabulary(index):
    assert index.search("remboursment", locale="fr")[0].document_id == "remboursement"
    corrector = SpellingCorrector({"rembours": 3, "livraison": 5})
    assert corrector.correct("remboursz") == "rembours"
    assert corrector.correct("livriason") == "livraison"
    assert corrector.correct("colis") == "colis"  # unknown but no neighbour: kept
    assert corrector.correct("abc") == "abc"  # too short to guess


def test_an_empty_knowledge_base_finds_nothing():
    assert build_index([], semantic=False).search("colis") == []


def test_semantic_true_without_the_extra_raises(monkeypatch):
    monkeypatch.setattr(learned_module, "available", lambda: False)
    with pytest.raises(ImportError):
        build_index(SHOP, semantic=True)
    assert not build_index(SHOP).semantic  # None: BM25 alone, quietly


def test_learned_scorer_without_embeddings_ranks_and_fuses(monkeypatch):
    pytest.importorskip("sklearn")
    from relais.knowledge.retrieval import embeddings

    monkeypatch.setattr(embeddings, "available", lambda: False)
    index = build_index(SHOP)
    assert index.semantic
    found = index.search("quand vais-je etre rembourse", locale="fr", visibility=("public",))
    assert found[0].document_id == "remboursement"
    assert sum(c.score for c in found) <= 1 + 1e-9


def test_semantic_index_uses_the_packaged_model_loaded_once():
    from relais.knowledge.retrieval import embeddings

    if not embeddings.available():
        pytest.skip("the 'semantic' extra is not installed")
    index = build_index(SHOP, semantic=True)
    assert index.semantic
    assert embeddings.model() is embeddings.model()
    found = index.search("mon paquet n'est jamais arrivé", locale="fr", visibility=("public",))
    assert found[0].document_id == "suivi"  # no word in common: the embedding is the evidence
    for query in GIBBERISH:
        assert index.search(query, locale="fr") == []
