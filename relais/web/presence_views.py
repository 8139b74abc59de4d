"""The agent's own presence, changed from the console header."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.actions import InvalidAgentInput, set_presence
from relais.web.redirects import is_htmx, safe_return_url


@login_required
@require_POST
def presence(request: HttpRequest) -> HttpResponse:
    try:
        set_presence(request.user, request.POST.get("presence", ""))
    except InvalidAgentInput:
        messages.error(request, _("Unknown presence."))
    if is_htmx(request):
        return render(request, "web/_flash.html")
    return redirect(safe_return_url(request, reverse("web:inbox")))
