import pytest

from relais.bot.decision import Decision, Thresholds, decide
from relais.knowledge.retrieval import Document, build_index

KB = [
    Document(
        "suivi",
        "fr",
        "Suivre ma commande",
        "Le numéro de suivi est dans votre espace client.",
        ["Où est mon colis ?", "Comment suivre ma commande ?", "numéro de suivi du colis"],
    ),
    Document(
        "remboursement",
        "fr",
        "Délai de remboursement",
        "Nous remboursons sous 3 jours ouvrés après réception du retour.",
        ["Quand serai-je remboursé ?", "Délai de remboursement d'un retour"],
    ),
    Document(
        "retour",
        "fr",
        "Retourner un article",
        "Imprimez l'étiquette de retour depuis Mes commandes.",
        ["Comment retourner un article ?", "étiquette de retour"],
    ),
    Document(
        "procedure-interne",
        "fr",
        "Geste commercial",
        "Réservé aux conseillers : offrir un bon d'achat.",
        ["offrir un geste commercial bon d'achat"],
        visibility="internal",
    ),
]


@pytest.fixture(scope="module")
def index():
    return build_index(KB, semantic=False)


def test_a_clear_question_is_answered_with_its_article(index):
    decision = decide("où est mon colis", locale="fr", index=index)
    assert decision.action == "answer"
    assert decision.document_id == "suivi"
    assert decision.confidence >= Thresholds().answer
    assert decision.candidates[0].document_id == "suivi"


def test_an_ambiguous_question_offers_the_plausible_articles(index):
    thresholds = Thresholds(answer=0.6, clarify=0.1)
    decision = decide("article remboursé", locale="fr", index=index, thresholds=thresholds)
    assert decision.action == "clarify"
    assert decision.document_id is None
    offered = {c.document_id for c in decision.candidates}
    assert offered == {"retour", "remboursement"}
    assert all(c.score >= thresholds.clarify for c in decision.candidates)


def test_an_out_of_scope_question_is_handed_over(index):
    decision = decide("quel temps fera-t-il demain à Paris", locale="fr", index=index)
    assert decision.action == "handover"
    assert decision.document_id is None


def test_an_unknown_vocabulary_hands_over_with_no_match(index):
    decision = decide("zzzz qqqq", locale="fr", index=index)
    assert decision == Decision("handover", None, 0.0, [], "no_match")


@pytest.mark.parametrize(
    "message",
    [
        "Je veux parler à un conseiller",
        "un humain svp",
        "passez-moi un agent",
        "je voudrais parler à quelqu'un, où est mon colis ?",
        "agent please",
        "Can I talk to a real person about my parcel?",
    ],
)
def test_a_request_for_a_person_always_hands_over(index, message):
    decision = decide(message, locale="fr", index=index)
    assert decision.action == "handover"
    assert decision.reason == "person_requested"


def test_internal_articles_are_never_answered_to_customers(index):
    decision = decide("offrir un geste commercial bon d'achat", locale="fr", index=index)
    assert decision.document_id != "procedure-interne"
    assert all(c.document_id != "procedure-interne" for c in decision.candidates)


def test_the_answer_threshold_is_respected(index):
    strict = Thresholds(answer=1.0, clarify=0.1)
    decision = decide("où est mon colis", locale="fr", index=index, thresholds=strict)
    assert decision.action == "clarify"
    assert decision.candidates[0].document_id == "suivi"
    lenient = Thresholds(answer=0.05, clarify=0.01)
    assert decide("retour remboursement", locale="fr", index=index, thresholds=lenient).action == (
        "answer"
    )


def test_the_clarify_threshold_and_choices_are_respected(index):
    picky = Thresholds(answer=1.0, clarify=1.0)
    assert decide("retour remboursement", locale="fr", index=index, thresholds=picky).action == (
        "handover"
    )
    one = Thresholds(answer=1.0, clarify=0.0, choices=1)
    assert (
        len(decide("retour remboursement", locale="fr", index=index, thresholds=one).candidates)
        == 1
    )


def test_the_bot_answers_only_with_articles_of_the_index(index):
    ids = {document.id for document in KB}
    for question in ["colis", "remboursement", "bonjour", "retour colis remboursement"]:
        decision = decide(question, locale="fr", index=index, thresholds=Thresholds(0.0, 0.0))
        assert decision.document_id is None or decision.document_id in ids


@pytest.mark.parametrize(
    "kwargs", [{"answer": 0.2, "clarify": 0.5}, {"answer": 1.5}, {"clarify": -0.1}, {"choices": 0}]
)
def test_inconsistent_thresholds_are_refused(kwargs):
    with pytest.raises(ValueError):
        Thresholds(**kwargs)
