"""Members' sign-in: ask for a link, confirm it (a button, so that a mail
scanner fetching the link does not spend it), sign out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_POST

from relais.community import members
from relais.community.errors import InvalidInput, InvalidToken, RateLimited
from relais.community.sessions import end_member_session, start_member_session
from relais.community.spam import HONEYPOT_FIELD, is_honeypot_filled


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    context = {"honeypot": HONEYPOT_FIELD, "email": "", "display_name": ""}
    context["next"] = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST":
        context |= {k: request.POST.get(k, "") for k in ("email", "display_name")}
        if is_honeypot_filled(request.POST):
            return render(request, "community/sign_in_sent.html")
        try:
            members.request_sign_in(
                context["email"],
                context["display_name"],
                base_url=request.build_absolute_uri("/"),
                language=get_language() or "",
                client_address=request.META.get("REMOTE_ADDR", ""),
                next_path=context["next"],
            )
        except (InvalidInput, RateLimited) as error:
            status = 429 if isinstance(error, RateLimited) else 400
            return render(
                request, "community/sign_in.html", context | {"error": str(error)}, status=status
            )
        return render(request, "community/sign_in_sent.html")
    return render(request, "community/sign_in.html", context)


@require_http_methods(["GET", "POST"])
def sign_in_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        context = {"token": token, "next": request.GET.get("next", "")}
        return render(request, "community/sign_in_confirm.html", context)
    try:
        member = members.sign_in(token)
    except InvalidToken as error:
        return render(request, "community/error.html", {"message": str(error)}, status=400)
    start_member_session(request, member)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    return redirect(target or "community:index")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    end_member_session(request)
    return redirect("community:index")
