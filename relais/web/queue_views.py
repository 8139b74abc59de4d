"""Pull routing from the console: the "Next" button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.routing.live import take_next


@login_required
@require_POST
def next_conversation(request: HttpRequest) -> HttpResponse:
    conversation = take_next(request.user)
    if conversation is None:
        messages.info(request, _("Nothing is waiting that you can take right now."))
        return redirect(reverse("web:inbox"))
    return redirect(reverse("web:conversation", args=[conversation.pk]))
