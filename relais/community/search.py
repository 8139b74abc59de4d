"""Ranked forum search with the knowledge base's own retrieval (French and
English normalising, stems, spelling, BM25): "remboursement commande" finds
"Rembourser ma commande ?", best first.

A thread is one Document: its title, its question (weighted as a question
variant) and its answers (the body). Readers' index holds the visible posts
of visible threads only, so a hidden answer never makes a thread match;
moderators' index holds everything. Like the knowledge index, each is a
per-process cache behind a stamp (two small aggregate queries a search),
rebuilt when a post is added, deleted, hidden or shown. A small forum's
index is rebuilt in the request; a large one's (seconds for 20k threads) in a
background thread while searches keep the previous index, so a busy forum
never makes a reader wait for the rebuild. Whatever the index says, the
caller filters the ids it returns through the database (visible_threads), so
a thread hidden a moment ago never appears.
"""

from __future__ import annotations

import heapq
import threading
import time
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Max

from relais.community.models import Post, Thread
from relais.core.models import Event
from relais.knowledge.retrieval import Document, Index, build_index

MAX_RESULTS = 500  # a search deeper than 25 pages is a different search
MODERATION_KINDS = ("community.post_hidden", "community.post_unhidden", "community.post_deleted")
# An index whose last build took longer than this is rebuilt in the background.
SYNC_REBUILD_SECONDS = 0.25


@dataclass
class _Built:
    stamp: tuple
    index: Index
    seconds: float  # how long the build took


_built: dict[bool, _Built] = {}
_lock = threading.Lock()  # one build at a time
# Which indexes a background thread is rebuilding; its own lock, so that a
# search during a rebuild never waits for the build lock.
_rebuilding: set[bool] = set()
_rebuilding_lock = threading.Lock()


def forum_stamp() -> tuple:
    """Moves whenever a post is added or deleted (count, latest id) or a
    moderator hides or shows one (the latest such Event: few rows on the
    (kind, created_at) index). Cheap: no scan of the posts' text or flags."""
    posts = Post.objects.aggregate(count=Count("id"), last=Max("id"))
    moderated = Event.objects.filter(kind__in=MODERATION_KINDS).aggregate(last=Max("id"))
    return (posts["count"], posts["last"], moderated["last"])


def thread_documents(*, include_hidden: bool) -> list[Document]:
    threads = Thread.objects.all() if include_hidden else Thread.objects.filter(is_hidden=False)
    posts = Post.objects.filter(thread__in=threads)
    if not include_hidden:
        posts = posts.filter(is_hidden=False)
    questions: dict[int, list[str]] = {}
    answers: dict[int, list[str]] = {}
    for thread_id, is_question, body in posts.values_list("thread_id", "is_question", "body"):
        (questions if is_question else answers).setdefault(thread_id, []).append(body)
    return [
        Document(
            id=pk,
            locale=language,
            title=title,
            body="\n\n".join(answers.get(pk, [])),
            questions=questions.get(pk, []),
        )
        for pk, title, language in threads.values_list("pk", "title", "language")
    ]


def current_index(*, include_hidden: bool) -> Index:
    stamp = forum_stamp()
    built = _built.get(include_hidden)
    if built is not None and built.stamp == stamp:
        return built.index
    if built is not None and built.seconds > SYNC_REBUILD_SECONDS:
        _rebuild_in_background(include_hidden, stamp)
        return built.index
    with _lock:
        built = _built.get(include_hidden)
        if built is None or built.stamp != stamp:
            built = _build(include_hidden, stamp)
    return built.index


def _build(include_hidden: bool, stamp: tuple) -> _Built:
    """Build and publish an index (the caller holds the lock)."""
    started = time.perf_counter()
    documents = thread_documents(include_hidden=include_hidden)
    # BM25 alone: a learned scorer per forum change would cost more than
    # the search it improves.
    index = build_index(documents, semantic=False)
    built = _Built(stamp, index, time.perf_counter() - started)
    _built[include_hidden] = built
    return built


def _rebuild_in_background(include_hidden: bool, stamp: tuple) -> None:
    with _rebuilding_lock:
        if include_hidden in _rebuilding:
            return
        _rebuilding.add(include_hidden)

    def rebuild() -> None:
        try:
            with _lock:
                _build(include_hidden, stamp)
        finally:
            with _rebuilding_lock:
                _rebuilding.discard(include_hidden)
            connections.close_all()  # this thread's own connections

    threading.Thread(target=rebuild, name="forum-index", daemon=True).start()


def search_thread_ids(query: str, *, include_hidden: bool) -> list[int]:
    """Ids of the threads matching `query`, best first (at most MAX_RESULTS)."""
    if not query.strip():
        return []
    scored: list[tuple[float, int]] = []
    for part in current_index(include_hidden=include_hidden).parts.values():
        documents = part.documents
        scored.extend((score, documents[number].id) for number, score in part.rank(query).items())
    # Every thread sharing a common word matches: keep the best few hundred
    # without sorting (or wrapping as Candidates) thousands of them.
    best = heapq.nlargest(MAX_RESULTS, scored, key=lambda item: (item[0], -item[1]))
    return [int(thread_id) for _score, thread_id in best]


def forget_indexes() -> None:
    """Drop the cached indexes (tests roll back posts with their transaction,
    which can bring a stamp back to an earlier value)."""
    with _lock:
        _built.clear()
