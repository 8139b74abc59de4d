"""The self-care KPIs counted in SQL agree with a hand count and with the
in-memory formulas (selfcare.py), in a bounded number of queries."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from relais.analytics.queries import selfcare_rows
from relais.analytics.selfcare import in_locale, selfcare_report
from relais.analytics.selfcare_sql import selfcare_report_sql
from relais.core.models import Event
from relais.knowledge.actions import create_article
from tests.factories import make_conversation, make_inbox

pytestmark = pytest.mark.django_db

START = datetime(2025, 6, 1, tzinfo=UTC)
END = START + timedelta(days=30)


@pytest.fixture
def insert():
    """bulk_create Events at the created_at given (auto_now_add off meanwhile)."""
    field = Event._meta.get_field("created_at")

    def insert(events: list[Event]) -> list[Event]:
        field.auto_now_add = False
        try:
            return Event.objects.bulk_create(events, batch_size=500)
        finally:
            field.auto_now_add = True

    return insert


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def seed_help_center(insert, articles: list[int]) -> None:
    """500 help-center visitors, each: a view, a search (results = v % 4),
    a click on it for v % 3 == 0 when it had results, a FAQ click for
    v % 5 == 0, a rating for v % 10 == 0 (helpful when v % 20 == 0), an
    escalation for v % 8 == 0."""
    for v in range(500):
        data = {"visitor": f"v{v}", "locale": "fr" if v % 2 else "en"}
        insert(
            [Event(kind="help.article_viewed", created_at=at(v), data={**data, "article_id": 1})]
        )
        (search,) = insert([Event(kind="help.searched", created_at=at(v + 1), data={
            **data, "query": f"Carte  N°{v % 7}", "results": v % 4})])  # fmt: skip
        later = []
        if v % 4 and v % 3 == 0:
            later.append(("help.result_clicked", {"search_event_id": search.pk}))
        if v % 5 == 0:
            later.append(("help.faq_clicked", {"article_id": articles[0], "rank": 1}))
        if v % 10 == 0:
            rating = {"article_id": articles[v % 20 // 10], "helpful": v % 20 == 0}
            later.append(("help.article_rated", rating))
        if v % 8 == 0:
            later.append(("help.escalated", {}))
        insert([Event(kind=kind, created_at=at(v + 2), data={**data, **extra})
                for kind, extra in later])  # fmt: skip


def seed_helpbox_and_bot(insert, conversations: list[int]) -> None:
    """300 helpbox visitors (opened, a search with article ids unless
    i % 3 == 0, escalated for i % 6 == 0), and bot conversations answered,
    handed over for c % 4 == 0; plus Events outside the period or of other kinds."""
    events = []
    for i in range(300):
        data = {"visitor": f"h{i}", "locale": "fr"}
        ids = [] if i % 3 == 0 else [1, 2]
        events += [
            Event(kind="helpbox.opened", created_at=at(i), data=data),
            Event(kind="helpbox.searched", created_at=at(i + 1),
                  data={**data, "query": "Échange", "article_ids": ids}),
        ]  # fmt: skip
        if i % 6 == 0:
            events.append(Event(kind="helpbox.escalated", created_at=at(i + 2), data=data))
    for c, pk in enumerate(conversations):
        events.append(Event(kind="bot.answered", created_at=at(c), conversation_id=pk, data={}))
        if c % 4 == 0:
            events.append(Event(kind="bot.handed_over", created_at=at(c + 1), conversation_id=pk))
    before = START - timedelta(seconds=1)
    events += [
        Event(kind="help.article_viewed", created_at=before, data={"visitor": "old"}),
        Event(kind="help.article_viewed", created_at=END, data={"visitor": "next"}),
        Event(kind="message.received", created_at=at(5), data={"visitor": "v1"}),
    ]
    insert(events)


@pytest.fixture
def seeded(insert):
    articles = [create_article(title=t, body=".", locale="fr").pk for t in ("Carte", "Retour")]
    inbox = make_inbox()
    conversations = [make_conversation(inbox).pk for _ in range(8)]
    seed_help_center(insert, articles)
    seed_helpbox_and_bot(insert, conversations)
    return articles


def test_a_few_thousand_events_match_the_hand_count(seeded):
    report, titles = selfcare_report_sql(START, END, None)
    v = range(500)
    assert Event.objects.count() > 2000
    assert report.help_center_visitors == 500 and report.visitors == 800
    assert report.sessions == 808  # and the 8 bot conversations
    assert report.article_views == 500
    assert report.searches == 800
    assert report.searches_without_result == sum(x % 4 == 0 for x in v) + 100
    assert report.clicked_searches == sum(x % 4 != 0 and x % 3 == 0 for x in v)
    assert report.faq_users == 100
    assert report.helpbox_opens == 300 and report.helpbox_escalations == 50
    assert report.escalated_sessions == sum(x % 8 == 0 for x in v) + 50 + 2
    assert report.entry_points == {"help_center": 500, "helpbox": 300, "bot": 8}
    assert report.content_gaps[0] == ("échange", 100)
    assert ("carte n°0", sum(x % 4 == 0 and x % 7 == 0 for x in v)) in report.content_gaps
    first, second = seeded
    assert (report.ratings[first].helpful, report.ratings[first].not_helpful) == (25, 0)
    assert (report.ratings[second].helpful, report.ratings[second].not_helpful) == (0, 25)
    assert titles == {first: "Carte", second: "Retour"}
    assert selfcare_report_sql(START, END, "en")[0].visitors == 250  # even visitors, no helpbox


@pytest.mark.parametrize("locale", [None, "fr", "en"])
def test_sql_and_in_memory_reports_agree(seeded, locale):
    in_memory = selfcare_report(in_locale(selfcare_rows(START, END), locale))
    assert selfcare_report_sql(START, END, locale)[0] == in_memory


def test_odd_json_values_are_counted_as_python_reads_them(insert):
    """Numbers, nulls, empty strings and missing keys where strings, lists
    and booleans are expected: the SQL agrees with the in-memory formulas."""
    rng = random.Random(7)
    choices = {
        "visitor": ["a", "b", "", 5, None, ...],
        "results": [0, 1, 3, None, "", "2", 0.0, ...],
        "article_ids": [[], [1], {}, ...],
        "helpful": [True, False, 1, 0, None, ...],
        "article_id": [1, 2, "3", 2.5, ...],
        "source": ["faq", "search", ...],
        "locale": ["fr", "en", ...],
        "query": ["Carte cadeau", " carte  CADEAU ", "", 12, ...],
    }
    kinds = ["help.searched", "helpbox.searched", "help.result_clicked", "helpbox.article_clicked",
             "help.article_rated", "help.faq_clicked", "helpbox.opened", "help.escalated",
    ]  # fmt: skip
    events = []
    for _ in range(600):
        data = {key: value for key, values in choices.items()
                if (value := rng.choice(values)) is not ...}  # fmt: skip
        events.append(Event(kind=rng.choice(kinds), created_at=at(rng.randrange(50)), data=data))
    searches = insert(events)
    clicks = [Event(kind="help.result_clicked", created_at=at(n), data={
        "visitor": "c", "search_event_id": rng.choice([s.pk, str(s.pk), 0, None])})
        for n, s in enumerate(searches[:200])]  # fmt: skip
    insert(clicks)
    for locale in (None, "fr"):
        in_memory = selfcare_report(in_locale(selfcare_rows(START, END), locale))
        assert selfcare_report_sql(START, END, locale)[0] == in_memory


def test_an_empty_period_gives_zeros(db):
    report, titles = selfcare_report_sql(START, END, "fr")
    assert report.sessions == 0 and report.entry_points == {} and titles == {}
    assert report.click_through_rate is None


def test_the_number_of_queries_does_not_grow_with_the_events(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        selfcare_report_sql(START, END, None)
