"""The dynamic FAQ's pure core: context matching, decay, pins and hides."""

from datetime import date, timedelta

from relais.knowledge.faq_ranking import (
    ContextRule,
    Signal,
    best_context,
    final_order,
    page_path,
    pattern_matches,
    score_signals,
    signals_for,
)

TODAY = date(2025, 6, 30)


def test_page_path_keeps_the_path_of_full_urls_and_paths():
    assert page_path("https://shop.example/checkout/pay?x=1#top") == "/checkout/pay"
    assert page_path("/help/fr/") == "/help/fr/"
    assert page_path("checkout") == "/checkout"
    assert page_path("") == ""


def test_patterns_are_globs_with_a_star_else_prefixes():
    assert pattern_matches("/checkout/*", "/checkout/pay")
    assert not pattern_matches("/checkout/*", "/cart")
    assert pattern_matches("/help/", "/help/fr/a/x/")
    assert not pattern_matches("/help/", "/helpful")
    assert pattern_matches("", "/anything")


def test_the_most_specific_matching_context_of_the_locale_wins():
    rules = [
        ContextRule(1, "fr", page_pattern="/checkout/"),
        ContextRule(2, "fr", page_pattern="/checkout/*", journey_step="delivery"),
        ContextRule(3, "en", page_pattern="/checkout/*", journey_step="delivery"),
        ContextRule(4, "fr", product="sofa"),
    ]
    found = best_context(rules, locale="fr", url="/checkout/pay", journey_step="Delivery")
    assert found.id == 2
    assert best_context(rules, locale="fr", url="/checkout/pay").id == 1
    assert best_context(rules, locale="fr", url="/p/1", product="SOFA").id == 4
    assert best_context(rules, locale="fr", url="/p/1", product="chair") is None


def test_recent_behaviour_outweighs_older_behaviour():
    signals = [
        Signal(1, TODAY - timedelta(days=28), views=10),  # a quarter of its weight left
        Signal(2, TODAY, views=4),
        Signal(3, TODAY - timedelta(days=200), views=1000),  # out of the window
    ]
    scores = score_signals(signals, today=TODAY)
    assert [score.article_id for score in scores] == [2, 1]
    assert scores[1].score == 10 * 0.25
    assert scores[1].counts["views"] == 10


def test_a_click_is_worth_more_than_a_view():
    scores = score_signals([Signal(1, TODAY, views=2), Signal(2, TODAY, clicks=1)], today=TODAY)
    assert [score.article_id for score in scores] == [2, 1]


def test_a_context_counts_only_the_signals_on_its_pages():
    rule = ContextRule(1, "fr", page_pattern="/checkout/*", product="sofa")
    signals = [
        Signal(1, TODAY, page_path="/checkout/pay", product="sofa", views=1),
        Signal(2, TODAY, page_path="/checkout/pay", product="chair", views=1),
        Signal(3, TODAY, page_path="/help/fr/", views=1),
    ]
    assert [signal.article_id for signal in signals_for(rule, signals)] == [1]


def test_pins_come_first_in_order_hides_never_show_and_fallbacks_fill_up():
    order = final_order(
        pinned=[9, 8], hidden=[2, 5], ranked=[1, 2, 9, 3], fallbacks=[[5, 4, 6]], limit=5
    )
    assert order == [9, 8, 1, 3, 4]
    assert final_order(pinned=[], hidden=[], ranked=[], fallbacks=[[7]], limit=3) == [7]
    assert final_order(pinned=[1, 2], hidden=[], ranked=[3], limit=1) == [1]
