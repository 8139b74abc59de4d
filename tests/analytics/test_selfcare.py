"""Each self-care KPI on crafted Event rows (docs/kpis.md gives the formulas)."""

from datetime import datetime, timedelta

from relais.analytics.selfcare import EventRow, in_locale, selfcare_report

T0 = datetime(2025, 6, 1, 9, 0)
_ids = iter(range(1, 10_000))


def row(kind: str, minute: int = 0, conversation_id=None, **data) -> EventRow:
    return EventRow(kind, T0 + timedelta(minutes=minute), data, conversation_id, next(_ids))


def test_empty_period_gives_zeros_and_no_made_up_rates():
    report = selfcare_report([])
    assert report.sessions == 0 and report.searches == 0
    assert report.click_through_rate is None and report.escalation_rate is None
    assert report.faq_usage is None and report.helpful_share is None


def test_visitors_views_and_sessions():
    report = selfcare_report([
        row("help.article_viewed", visitor="a", article_id=1),
        row("help.article_viewed", 1, visitor="a", article_id=2),
        row("help.article_viewed", 2, visitor="b", article_id=1),
        row("helpbox.opened", 3, visitor="c"),
        row("helpbox.article_viewed", 4, visitor="c", article_id=1),
        row("bot.answered", 5, conversation_id=7, article_id=1),
    ])  # fmt: skip
    assert report.help_center_visitors == 2
    assert report.visitors == 3
    assert report.sessions == 4  # three visitors and one bot conversation
    assert report.article_views == 4


def test_searches_without_result_and_the_content_gaps():
    report = selfcare_report([
        row("help.searched", query="Carte cadeau", results=0, visitor="a"),
        row("help.searched", 1, query="carte   CADEAU", results=0, visitor="b"),
        row("helpbox.searched", 2, query="facture pro", article_ids=[], visitor="c"),
        row("help.searched", 3, query="annuler", results=3, visitor="d"),
    ])  # fmt: skip
    assert report.searches == 4 and report.searches_without_result == 3
    assert report.no_result_rate == 0.75
    assert report.content_gaps == [("carte cadeau", 2), ("facture pro", 1)]


def test_click_through_rate_counts_searches_with_a_click_over_searches_with_results():
    first = row("help.searched", query="annuler", results=2, visitor="a")
    second = row("help.searched", 1, query="retour", results=1, visitor="b")
    empty = row("help.searched", 2, query="zzz", results=0, visitor="c")
    report = selfcare_report([
        first, second, empty,
        row("help.result_clicked", 3, search_event_id=first.id, article_id=1, visitor="a"),
        row("help.result_clicked", 4, search_event_id=first.id, article_id=2, visitor="a"),
        row("help.result_clicked", 5, search_event_id=99999, article_id=2, visitor="z"),
    ])  # fmt: skip
    assert report.searches_with_result == 2
    assert report.clicked_searches == 1  # one search clicked twice; the unknown one ignored
    assert report.click_through_rate == 0.5


def test_ratings_per_article_and_overall():
    report = selfcare_report([
        row("help.article_rated", article_id=1, helpful=True, visitor="a"),
        row("help.article_rated", article_id=1, helpful=False, visitor="b"),
        row("help.article_rated", article_id=2, helpful=True, visitor="c"),
    ])  # fmt: skip
    assert (report.ratings[1].helpful, report.ratings[1].not_helpful) == (1, 1)
    assert report.ratings[1].helpful_share == 0.5
    assert report.helpful_share == 2 / 3


def test_faq_users_over_visitors():
    report = selfcare_report([
        row("help.article_viewed", visitor="a", article_id=1),
        row("help.faq_clicked", 1, visitor="a", article_id=1, rank=1),
        row("helpbox.article_clicked", 2, visitor="b", article_id=1, source="faq"),
        row("helpbox.article_clicked", 3, visitor="c", article_id=1, source="search"),
        row("help.article_viewed", 4, visitor="d", article_id=1),
    ])  # fmt: skip
    assert report.faq_users == 2 and report.visitors == 4
    assert report.faq_usage == 0.5


def test_entry_point_is_where_each_session_began():
    report = selfcare_report([
        row("helpbox.opened", 0, visitor="a"),
        row("help.article_viewed", 1, visitor="a", article_id=1),  # same visitor, later
        row("help.searched", 2, visitor="b", query="x", results=1),
        row("bot.answered", 3, conversation_id=5),
        row("bot.handed_over", 4, conversation_id=5),
    ])  # fmt: skip
    assert report.entry_points == {"helpbox": 1, "help_center": 1, "bot": 1}


def test_helpbox_opens_escalations_and_the_share_of_sessions_escalated():
    report = selfcare_report([
        row("helpbox.opened", visitor="a"),
        row("helpbox.opened", 1, visitor="a"),
        row("helpbox.escalated", 2, visitor="a"),
        row("helpbox.opened", 3, visitor="b"),
        row("help.article_viewed", 4, visitor="c", article_id=1),
        row("help.escalated", 5, visitor="c"),
        row("bot.answered", 6, conversation_id=8),
        row("bot.handed_over", 7, conversation_id=8),
    ])  # fmt: skip
    assert report.helpbox_opens == 3 and report.helpbox_escalations == 1
    assert report.sessions == 4 and report.escalated_sessions == 3
    assert report.escalation_rate == 0.75


def test_per_locale_keeps_that_language_only():
    rows = [
        row("help.article_viewed", visitor="a", locale="fr", article_id=1),
        row("help.article_viewed", visitor="b", locale="en", article_id=1),
        row("bot.answered", conversation_id=1),  # no locale: only in "all"
    ]
    assert selfcare_report(in_locale(rows, "fr")).sessions == 1
    assert selfcare_report(in_locale(rows, None)).sessions == 3
