import pytest

from relais.knowledge.retrieval.bm25 import BM25, FieldedBM25


def make_bm25(*units: list[str]) -> BM25:
    bm25 = BM25()
    for terms in units:
        bm25.add(terms)
    bm25.finish()
    return bm25


def test_rare_terms_outweigh_common_ones():
    bm25 = make_bm25(["command", "colis"], ["command", "rembours"], ["command", "factur"])
    assert bm25.idf["colis"] > bm25.idf["command"] > 0


def test_units_without_any_query_term_are_not_scored():
    bm25 = make_bm25(["command", "colis"], ["factur"])
    assert set(bm25.scores(["colis"])) == {0}
    assert bm25.scores(["inconnu"]) == {}


def test_a_shorter_unit_scores_higher_for_the_same_match():
    bm25 = make_bm25(["colis"], ["colis", "retard", "transport", "livr"])
    scores = bm25.scores(["colis"])
    assert scores[0] > scores[1]


def test_repeated_query_terms_count_once():
    bm25 = make_bm25(["colis"], ["factur"])
    assert bm25.scores(["colis", "colis"]) == pytest.approx(bm25.scores(["colis"]))


def test_the_best_question_variant_counts_not_the_number_of_variants():
    index = FieldedBM25()
    for _ in range(20):
        index.add(0, "questions", ["colis", "retard"])
    index.add(1, "questions", ["colis", "retard"])
    index.finish()
    scores = index.scores(["colis", "retard"])
    assert scores[0] == pytest.approx(scores[1])


def test_fields_add_up_with_their_weights():
    index = FieldedBM25(weights={"title": 2.0, "questions": 1.0, "body": 0.0})
    index.add(0, "title", ["factur"])
    index.add(1, "questions", ["factur"])
    index.add(2, "body", ["factur"])
    index.finish()
    scores = index.scores(["factur"])
    assert scores[0] > scores[1] > 0
    assert scores.get(2, 0.0) == 0.0


def test_coverage_weighs_unknown_query_terms_as_the_rarest():
    index = FieldedBM25()
    index.add(0, "questions", ["jour", "livr"])
    index.add(1, "questions", ["jour", "factur"])
    index.finish()
    assert index.matched_terms({"jour", "livr"}, ["jour", "livr"]) == 1.0
    assert index.matched_terms({"jour"}, ["jour", "horoscop"]) < 0.5
