"""What the forum's pages read: the thread list (sort, topic, ranked search)
and one thread with its posts, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from relais.community.models import Post, Thread, Vote
from relais.community.search import search_thread_ids

SORTS = ("newest", "votes", "unanswered")
PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class ThreadFilter:
    sort: str = "newest"
    topic_slug: str = ""
    query: str = ""

    @classmethod
    def from_params(cls, params) -> ThreadFilter:
        sort = params.get("sort", "newest")
        return cls(
            sort=sort if sort in SORTS else "newest",
            topic_slug=params.get("topic", "")[:120],
            query=" ".join(params.get("q", "").split())[:MAX_QUERY_LENGTH],
        )


def visible_threads(*, include_hidden: bool = False) -> QuerySet[Thread]:
    threads = Thread.objects.all()
    return threads if include_hidden else threads.filter(is_hidden=False)


def list_threads(flt: ThreadFilter, *, include_hidden: bool, page: str | int = 1) -> Page:
    """A page of threads with their topic and author loaded (no N+1). With a
    query, the matching threads best first (the sort's "unanswered" still
    filters)."""
    threads = visible_threads(include_hidden=include_hidden).select_related(
        "topic", "author_member", "author_agent"
    )
    if flt.topic_slug:
        threads = threads.filter(topic__slug=flt.topic_slug)
    if flt.sort == "unanswered":
        threads = threads.filter(answer_count=0)
    if flt.query:
        return _ranked_page(threads, flt.query, include_hidden, page)
    if flt.sort == "votes":
        threads = threads.order_by("-score", "-created_at", "-id")
    else:
        threads = threads.order_by("-created_at", "-id")
    return Paginator(threads, PAGE_SIZE).get_page(page)


def _ranked_page(threads: QuerySet[Thread], query: str, include_hidden: bool, page) -> Page:
    """The search index ranks; the database decides what may be shown (the
    filters above, and visibility even if the index is a moment stale)."""
    ranked = search_thread_ids(query, include_hidden=include_hidden)
    shown = set(threads.filter(pk__in=ranked).values_list("pk", flat=True))
    result = Paginator([pk for pk in ranked if pk in shown], PAGE_SIZE).get_page(page)
    by_id = threads.in_bulk(result.object_list)
    result.object_list = [by_id[pk] for pk in result.object_list if pk in by_id]
    return result


def thread_posts(thread: Thread, *, include_hidden: bool) -> list[Post]:
    posts = thread.posts.select_related("member", "agent").order_by("-is_question", "created_at")
    if not include_hidden:
        posts = posts.filter(is_hidden=False)
    return list(posts)


def member_votes(member_id: int | None, posts: list[Post]) -> dict[int, int]:
    """post id -> the member's vote, for the posts shown."""
    if member_id is None or not posts:
        return {}
    votes = Vote.objects.filter(member_id=member_id, post__in=[post.pk for post in posts])
    return dict(votes.values_list("post_id", "value"))
