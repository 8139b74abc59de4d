"""The forum's form posts: thin views over actions.py and moderation.py.

Errors: a reader who is not signed in goes to the sign-in page; NotAllowed is
403, RateLimited 429 (both a short page saying why); InvalidInput comes back
to the page as a message. A filled honeypot looks like success and stores
nothing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.community import actions, moderation
from relais.community.errors import InvalidInput, NotAllowed, RateLimited
from relais.community.models import Post, Thread
from relais.community.sessions import poster_for
from relais.community.spam import is_honeypot_filled
from relais.web.redirects import safe_return_url


def community_post(view: Callable) -> Callable:
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as error:
            if not poster_for(request).signed_in:
                return redirect(f"{reverse('community:sign_in')}?next={request.path}")
            return _error_page(request, error, 403)
        except RateLimited as error:
            return _error_page(request, error, 429)
        except InvalidInput as error:
            messages.error(request, str(error))
            return redirect(safe_return_url(request, _back(request, kwargs)))

    return wrapper


def _error_page(request: HttpRequest, error: Exception, status: int) -> HttpResponse:
    return render(request, "community/error.html", {"message": str(error)}, status=status)


def _back(request: HttpRequest, kwargs: dict) -> str:
    if "thread_id" in kwargs:
        return reverse("community:thread", args=[kwargs["thread_id"]])
    if "post_id" in kwargs:
        thread_id = Post.objects.filter(pk=kwargs["post_id"]).values_list("thread_id", flat=True)
        return reverse("community:thread", args=[thread_id.first() or 0])
    return reverse("community:ask")


def _thread_url(thread_id: int, anchor: str = "") -> str:
    return reverse("community:thread", args=[thread_id]) + (f"#{anchor}" if anchor else "")


@community_post
def ask(request: HttpRequest) -> HttpResponse:
    if is_honeypot_filled(request.POST):
        return redirect("community:index")
    thread = actions.ask_question(
        poster_for(request),
        topic_id=_int(request.POST.get("topic")),
        title=request.POST.get("title", ""),
        body=request.POST.get("body", ""),
        language=get_language() or "",
    )
    return redirect(_thread_url(thread.pk))


@community_post
def answer(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(Thread, pk=thread_id)
    if is_honeypot_filled(request.POST):
        return redirect(_thread_url(thread.pk))
    post = actions.answer_question(poster_for(request), thread, request.POST.get("body", ""))
    return redirect(_thread_url(thread.pk, f"post-{post.pk}"))


@community_post
def vote(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=post_id)
    value = {"up": 1, "down": -1}.get(request.POST.get("value", ""), 0)
    actions.vote(poster_for(request), post, value)
    return redirect(_thread_url(post.thread_id, f"post-{post.pk}"))


@community_post
def accept(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("thread"), pk=post_id)
    actions.accept_answer(poster_for(request), post)
    return redirect(_thread_url(post.thread_id, f"post-{post.pk}"))


@community_post
def flag(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=post_id)
    actions.flag_post(poster_for(request), post, request.POST.get("reason", ""))
    messages.success(request, _("Thank you: the moderators will have a look."))
    return redirect(_thread_url(post.thread_id, f"post-{post.pk}"))


@community_post
def moderate_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("thread"), pk=post_id)
    agent = poster_for(request).agent
    match request.POST.get("action"):
        case "hide" | "unhide" as action:
            moderation.set_post_hidden(agent, post, action == "hide")
        case "delete":
            moderation.delete_post(agent, post)
            if post.is_question:
                return redirect("community:index")
        case _:
            raise InvalidInput(_("Unknown moderation action."))
    return redirect(_thread_url(post.thread_id))


@community_post
def moderate_thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(Thread, pk=thread_id)
    agent = poster_for(request).agent
    match request.POST.get("action"):
        case "lock" | "unlock" as action:
            moderation.set_thread_locked(agent, thread, action == "lock")
        case "move":
            moderation.move_thread(agent, thread, _int(request.POST.get("topic")))
        case "promote":
            moderation.promote_thread(
                agent, Thread.objects.select_related("accepted_answer").get(pk=thread.pk)
            )
            messages.success(request, _("A draft article was made from this thread."))
        case _:
            raise InvalidInput(_("Unknown moderation action."))
    return redirect(_thread_url(thread.pk))


def _int(raw: str | None) -> int:
    try:
        return int(raw or 0)
    except ValueError:
        return 0
