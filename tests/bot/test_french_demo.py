"""The French demo knowledge base, with the thresholds calibrated on it,
answers clear questions, asks about vague ones and hands over the rest.

The questions are written here, apart from the knowledge base's variants;
BM25 alone (no optional extra) keeps the test the same everywhere.
"""

import json
from pathlib import Path

import pytest

import relais.core
from relais.bot.calibration import ESTIMATE, calibrate
from relais.bot.decision import decide
from relais.knowledge.retrieval import Document, build_index

DEMO_KB = Path(relais.core.__file__).parent / "demo_kb_fr.json"


def bm25_only(documents):
    return build_index(documents, semantic=False)


@pytest.fixture(scope="module")
def demo():
    articles = json.loads(DEMO_KB.read_text())
    documents = [
        Document(a["slug"], a["locale"], a["title"], a["body"], a["questions"], a["visibility"])
        for a in articles
    ]
    calibration = calibrate(documents, locale="fr", build=bm25_only)
    return bm25_only(documents), calibration


def ask(demo, question):
    index, calibration = demo
    return decide(question, locale="fr", index=index, thresholds=calibration.thresholds)


def test_the_demo_knowledge_base_is_calibrated_to_answer(demo):
    _, calibration = demo
    assert calibration.reason == ESTIMATE
    assert calibration.thresholds.answer < 1.0
    assert calibration.precision >= 0.97
    assert calibration.coverage > 0.2


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("je veux annuler ma commande", "modifier-annuler-commande"),
        ("quand est-ce que je vais être remboursé ?", "delai-de-remboursement"),
        ("j'ai oublié mon mot de passe", "mot-de-passe-oublie"),
        ("je voudrais ma facture", "obtenir-une-facture"),
        ("livrez-vous en Belgique ?", "livraison-a-l-etranger"),
        ("mon code promo ne marche pas", "code-promo"),
        ("comment supprimer mon compte", "supprimer-mon-compte"),
        ("je veux me désinscrire de la newsletter", "newsletter"),
        ("j'ai été prélevé deux fois", "debite-deux-fois"),
    ],
)
def test_clear_questions_are_answered_with_their_article(demo, question, article):
    decision = ask(demo, question)
    assert (decision.action, decision.document_id) == ("answer", article)


@pytest.mark.parametrize("question", ["commande", "ma commande", "article"])
def test_vague_questions_get_a_clarifying_question(demo, question):
    decision = ask(demo, question)
    assert decision.action == "clarify"
    assert 1 <= len(decision.candidates) <= 3


@pytest.mark.parametrize(
    "question",
    [
        "recette de la tarte aux pommes",
        "qui a gagné le match hier soir",
        "horoscope du jour",
        "je cherche un emploi chez vous",
    ],
)
def test_out_of_scope_questions_are_handed_over(demo, question):
    assert ask(demo, question).action == "handover"


def test_a_request_for_a_person_is_handed_over_even_on_a_calibrated_base(demo):
    decision = ask(demo, "je veux parler à un conseiller pour annuler ma commande")
    assert (decision.action, decision.reason) == ("handover", "person_requested")


@pytest.mark.parametrize("question", ["où est mon colis", "ou est mon colis ?"])
def test_where_is_my_parcel_is_about_tracking_not_damage(demo, question):
    decision = ask(demo, question)
    assert decision.action in ("answer", "clarify")
    assert decision.candidates[0].document_id == "suivre-ma-commande"


@pytest.mark.parametrize("question", ["zzzz qqqq", "xqzv blorp fnark", "est-ce que c'est"])
def test_gibberish_is_handed_over_with_no_match(demo, question):
    assert ask(demo, question).reason == "no_match"
