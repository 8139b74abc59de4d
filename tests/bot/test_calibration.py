import pytest

from relais.bot.calibration import (
    AMBIGUOUS,
    BOUND,
    ESTIMATE,
    LEAST_ANSWER,
    MIN_ANSWERED,
    NO_VARIANTS,
    TOO_FEW,
    Asked,
    answer_threshold,
    calibrate,
    clarify_threshold,
    folds,
    judged_answer_threshold,
    refusal_threshold,
    wilson_lower_bound,
    without_right_article,
)
from relais.bot.decision import Thresholds
from relais.knowledge.retrieval import Document, build_index

TOPICS = {
    "suivi": ("Suivre ma commande", ["colis", "suivi", "expédition", "transporteur"]),
    "remboursement": ("Remboursement", ["remboursement", "rembourser", "argent", "crédit"]),
    "retour": ("Retourner un article", ["retour", "renvoyer", "étiquette", "rendre"]),
    "facture": ("Obtenir une facture", ["facture", "justificatif", "TVA", "reçu fiscal"]),
    "compte": ("Mot de passe oublié", ["mot de passe", "connexion", "identifiant", "compte"]),
}


def shop_documents() -> list[Document]:
    documents = []
    for slug, (title, words) in TOPICS.items():
        questions = [f"question sur {a} et {b}" for a in words for b in words if a != b]
        documents.append(Document(slug, "fr", title, " ".join(words), questions))
    return documents


def bm25_only(documents):
    return build_index(documents, semantic=False)


def test_every_variant_of_a_small_knowledge_base_is_held_out_once():
    documents = shop_documents()
    held = [pair for _, out in folds(documents, seed=1) for pair in out]
    every = [(q, d.id) for d in documents for q in d.questions]
    assert sorted(held) == sorted(every)


def test_a_fold_never_takes_all_the_variants_of_an_article():
    documents = [*shop_documents(), Document("seul", "fr", "Seul", "", ["une seule question"])]
    for kept, _ in folds(documents, seed=1):
        assert all(document.questions for document in kept)


def test_calibrated_thresholds_keep_the_held_out_precision():
    calibration = calibrate(shop_documents(), locale="fr", build=bm25_only)
    thresholds = calibration.thresholds
    assert 0 <= thresholds.clarify <= thresholds.answer <= 1
    assert calibration.held_out == sum(len(d.questions) for d in shop_documents())
    assert calibration.precision >= 0.97
    assert calibration.coverage > 0.5


def test_the_answer_threshold_is_the_lowest_that_keeps_precision():
    right = [Asked([0.9 - i / 1000], [True]) for i in range(300)]
    wrong = [Asked([0.3], [False]) for _ in range(50)]
    assert answer_threshold(right + wrong, 0.97) == pytest.approx(0.9 - 299 / 1000)


def test_no_threshold_reaches_precision_on_noise():
    noisy = [Asked([0.5], [i % 2 == 0]) for i in range(200)]
    assert answer_threshold(noisy, 0.97) == 1.0


def test_the_wilson_bound_is_strict_on_few_questions():
    assert wilson_lower_bound(20, 20) < 0.97 < wilson_lower_bound(60, 60)
    assert wilson_lower_bound(990, 1000) > 0.97
    assert wilson_lower_bound(0, 0) == 0.0


def test_out_of_scope_questions_raise_the_answer_threshold():
    right = [Asked([0.6 + i / 1000], [True]) for i in range(300)]
    confident_strangers = [Asked([0.65], [False]) for _ in range(30)]
    assert answer_threshold(right + confident_strangers, 0.97) > 0.65


def test_a_small_sample_judges_precision_and_stand_ins_apart():
    # 300 held-out questions, 97.7 % right in all (7 mistakes at 0.75);
    # 300 stand-ins, 20 of them as confident as 0.8.
    in_scope = [Asked([0.99 - i / 1000], [True]) for i in range(293)]
    in_scope += [Asked([0.75], [False]) for _ in range(7)]
    stand_ins = [Asked([0.8], [False]) for _ in range(20)]
    stand_ins += [Asked([0.1], [False]) for _ in range(280)]
    weight = 0.15 / 0.85
    asked = in_scope + [Asked(a.scores, a.right, weight) for a in stand_ins]
    mixed = answer_threshold(asked, 0.97, bound=False)
    threshold, reason = judged_answer_threshold(in_scope, asked, stand_ins, 0.97, 0.9)
    assert reason == ESTIMATE
    assert threshold < 0.7  # every held-out question answered; 93 % of stand-ins refused
    assert mixed > 0.75  # mixed in, the stand-ins' share of errors keeps it above the mistakes


def test_a_small_sample_refuses_most_of_its_stand_ins():
    in_scope = [Asked([0.99 - i / 1000], [True]) for i in range(300)]
    stand_ins = [Asked([0.8], [False]) for _ in range(100)]  # a third above 0.8
    stand_ins += [Asked([0.1], [False]) for _ in range(200)]
    threshold, _ = judged_answer_threshold(in_scope, in_scope, stand_ins, 0.97, 0.9)
    assert threshold > 0.8


def test_the_clarify_threshold_stops_where_offered_articles_stop_being_right():
    asked = [Asked([0.5, 0.3, 0.1], [False, True, False]) for _ in range(10)]
    threshold = clarify_threshold(asked, answer=0.4, plausible=0.25)
    assert threshold == pytest.approx(0.3)  # the band at 0.1 is never right
    assert clarify_threshold(asked, answer=0.2, plausible=0.25) <= 0.2


def test_a_question_without_its_article_is_renormalised_over_the_others():
    stranger = without_right_article(Asked([0.8, 0.1, 0.05], [True, False, False]))
    assert stranger.scores == pytest.approx([0.5, 0.25])
    assert stranger.right == [False, False]
    assert without_right_article(Asked([1.0], [True])) is None


def test_a_knowledge_base_without_variants_keeps_the_default_thresholds():
    documents = [Document("a", "fr", "Titre", "Corps"), Document("b", "fr", "Autre", "Texte")]
    calibration = calibrate(documents, locale="fr", build=bm25_only)
    assert calibration.thresholds == Thresholds()
    assert calibration.held_out == 0
    assert (calibration.reason, calibration.calibrated) == (NO_VARIANTS, False)


def test_known_out_of_scope_questions_are_refused_as_often_as_asked():
    strangers = [Asked([i / 100], [False]) for i in range(100)]
    threshold = refusal_threshold(strangers, 0.9)
    assert sum(a.scores[0] < threshold for a in strangers) >= 90
    assert refusal_threshold([], 0.9) == 0.0


def test_calibrate_refuses_the_known_out_of_scope_questions():
    outside = ["question sur colis et argent", "question sur facture et connexion"] * 5
    calibration = calibrate(shop_documents(), locale="fr", out_of_scope=outside, build=bm25_only)
    index = bm25_only(shop_documents())
    answered = [
        index.search(q, locale="fr")[0].score >= calibration.thresholds.answer for q in outside
    ]
    assert sum(answered) <= 1


def test_a_small_sample_is_judged_by_its_precision_not_the_bound():
    # 200 right answers and 5 wrong ones at 0.95: 97.6% precise in all, but on
    # 205 questions the lower bound stays under 97% below the mistakes, and
    # only the 40 answers above them would be given.
    right = [Asked([0.99 - i / 1000], [True]) for i in range(200)]
    wrong = [Asked([0.95], [False]) for _ in range(5)]
    assert answer_threshold(right + wrong, 0.97) == pytest.approx(0.951)
    assert answer_threshold(right + wrong, 0.97, bound=False) == pytest.approx(0.99 - 199 / 1000)


def test_the_estimate_needs_enough_answered_questions():
    few = [Asked([0.9], [True]) for _ in range(MIN_ANSWERED - 1)]
    assert answer_threshold(few, 0.97, bound=False) == 1.0
    enough = few + [Asked([0.8], [True])]
    assert answer_threshold(enough, 0.97, bound=False) == pytest.approx(0.8)


def test_a_small_clean_knowledge_base_gets_calibrated_thresholds_by_estimate():
    calibration = calibrate(shop_documents(), locale="fr", build=bm25_only)
    assert (calibration.reason, calibration.calibrated) == (ESTIMATE, True)
    assert LEAST_ANSWER <= calibration.thresholds.answer < 1.0


def test_a_tiny_knowledge_base_keeps_usable_defaults_and_says_why():
    documents = [
        Document("suivi", "fr", "Suivre ma commande", "colis", ["où est mon colis", "suivi"]),
        Document("retour", "fr", "Retourner un article", "retour", ["renvoyer", "retour"]),
    ]
    calibration = calibrate(documents, locale="fr", build=bm25_only)
    assert calibration.held_out == 4
    assert (calibration.reason, calibration.calibrated) == (TOO_FEW, False)
    assert calibration.thresholds == Thresholds()


def test_an_ambiguous_knowledge_base_keeps_the_defaults_and_says_so():
    # Every article has the same variants: held out, any of them is a coin toss.
    same = [f"question {word}" for word in ("colis", "argent", "compte", "facture")] * 5
    documents = [Document(slug, "fr", "Aide", "aide", list(same)) for slug in "abcde"]
    calibration = calibrate(documents, locale="fr", build=bm25_only)
    assert (calibration.reason, calibration.calibrated) == (AMBIGUOUS, False)
    assert calibration.thresholds == Thresholds()


def test_a_large_sample_is_judged_by_the_lower_bound():
    documents = [
        Document(
            slug,
            "fr",
            title,
            " ".join(words),
            [f"{a} {b} {n}" for a in words for b in words for n in range(14)],
        )
        for slug, (title, words) in TOPICS.items()
    ]
    calibration = calibrate(documents, locale="fr", build=bm25_only)
    assert calibration.held_out >= 1_000
    assert calibration.reason == BOUND
