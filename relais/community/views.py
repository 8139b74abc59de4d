"""The forum's pages (public to read): the thread list, a thread, the form to
ask. Form posts are in posts.py, the sign-in in sign_in_views.py."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from relais.community.actions import can_accept
from relais.community.models import Thread, Topic
from relais.community.queries import SORTS, ThreadFilter, list_threads, member_votes, thread_posts
from relais.community.sessions import poster_for
from relais.community.spam import HONEYPOT_FIELD


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    poster = poster_for(request)
    flt = ThreadFilter.from_params(request.GET)
    page = list_threads(flt, include_hidden=poster.is_agent, page=request.GET.get("page", 1))
    context = {
        "page": page,
        "filter": flt,
        "sorts": SORTS,
        "topics": list(Topic.objects.all()),
        "poster": poster,
    }
    return render(request, "community/index.html", context)


@require_GET
def thread_page(request: HttpRequest, thread_id: int) -> HttpResponse:
    poster = poster_for(request)
    thread = get_object_or_404(
        Thread.objects.select_related("topic", "author_member", "author_agent"), pk=thread_id
    )
    if thread.is_hidden and not poster.is_agent:
        raise Http404
    posts = thread_posts(thread, include_hidden=poster.is_agent)
    member_id = poster.member.pk if poster.member and not poster.is_agent else None
    votes = member_votes(member_id, posts)
    for post in posts:
        post.my_vote = votes.get(post.pk, 0)
    context = {
        "thread": thread,
        "question": next((post for post in posts if post.is_question), None),
        "answers": [post for post in posts if not post.is_question],
        "can_accept": can_accept(poster, thread),
        "poster": poster,
        "topics": list(Topic.objects.all()) if poster.is_agent else [],
        "honeypot": HONEYPOT_FIELD,
    }
    return render(request, "community/thread.html", context)


@require_GET
def ask_page(request: HttpRequest) -> HttpResponse:
    context = {
        "topics": list(Topic.objects.all()),
        "poster": poster_for(request),
        "honeypot": HONEYPOT_FIELD,
        "selected_topic": request.GET.get("topic", ""),
    }
    return render(request, "community/ask.html", context)
