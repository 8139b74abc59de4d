"""The public contact form of an e-mail inbox: /contact/<public_key>/ and its
thank-you page /contact/<public_key>/thanks/<signed token>/.

GET shows the form (404 unless the inbox is an active e-mail inbox with the
form enabled). POST answers:
- 302 to the thank-you page when stored (and for spam, which is dropped
  silently, see spam.py);
- 200 with the form and its errors when a field is wrong (nothing stored);
- 429 when the client or the e-mail address sent too many forms lately, 400
  when the form expired, 413 when the upload is far too large: the form again
  with a notice, the text kept (files must be attached again).

`?embed=1` renders without page chrome and may be framed by any site (no
allow-list exists for the form; it is public and posts only to Relais).
`?lang=fr|en` picks the language, else the browser's (LocaleMiddleware).
No JavaScript: the pages' CSP refuses every script.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from relais.connectors.email import EMAIL_KIND
from relais.connectors.models import Inbox
from relais.connectors.webform import spam
from relais.connectors.webform.actions import submit_contact_form
from relais.connectors.webform.forms import ContactForm
from relais.connectors.webform.uploads import MAX_TOTAL_BYTES

log = logging.getLogger(__name__)

THANKS_SALT = "relais.webform.thanks"
THANKS_MAX_AGE = 24 * 3600
# Room for the text fields and the multipart framing around the files.
MAX_REQUEST_BYTES = MAX_TOTAL_BYTES + 1024 * 1024
POSTED_TEXT_FIELDS = ("name", "email", "phone", "reason", "subject", "message")


@dataclass(frozen=True)
class Page:
    embed: bool
    language: str  # "fr" or "en"
    query: str  # what to carry from page to page ("?embed=1&lang=en" or "")


def _page(request: HttpRequest) -> Page:
    embed = request.GET.get("embed") == "1"
    asked = request.GET.get("lang", "")[:8]
    chosen = asked if asked and translation.check_for_language(asked) else ""
    try:
        language = translation.get_supported_language_variant(chosen or translation.get_language())
    except LookupError:
        language = "fr"
    params = {"embed": "1"} if embed else {}
    if chosen:
        params["lang"] = language
    return Page(embed, language, f"?{urlencode(params)}" if params else "")


def _form_inbox(public_key: str) -> Inbox:
    inbox = Inbox.objects.filter(public_key=public_key, kind=EMAIL_KIND, is_active=True).first()
    if inbox is None or not inbox.config.get("form_enabled", True):
        raise Http404("no contact form here")
    return inbox


# No CSRF token: the form is public and anonymous (a forged submission gains
# nothing over a direct one) and a cookie would not reach a third-party frame.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def contact_form(request: HttpRequest, public_key: str) -> HttpResponse:
    """Show the contact form, or take a submission (see the module docstring)."""
    inbox = _form_inbox(public_key)
    page = _page(request)
    with translation.override(page.language):
        if request.method == "GET":
            return _form_page(request, inbox, page, ContactForm(inbox))
        return _submit(request, inbox, page)


def _submit(request: HttpRequest, inbox: Inbox, page: Page) -> HttpResponse:
    if _declared_length(request) > MAX_REQUEST_BYTES:
        notice = _("The files are too large. Please send smaller files.")
        return _form_page(request, inbox, page, ContactForm(inbox), notice=notice, status=413)
    verdict, reason = spam.judge_submission(inbox, request.POST)
    if verdict is spam.Verdict.SPAM:
        log.info("web form: submission to inbox %s dropped as spam (%s)", inbox.pk, reason)
        return redirect(_thanks_url(inbox, None, page))
    if verdict is spam.Verdict.EXPIRED:
        notice = _("The form had expired. Please check your message and send it again.")
        return _form_again(request, inbox, page, notice, status=400)
    client = request.META.get("REMOTE_ADDR", "")
    if spam.is_rate_limited(inbox, client, request.POST.get("email", "")):
        notice = _(
            "You have sent several messages in a short time. Please wait a few minutes, "
            "then send this one again: your text is kept below (attach any files again)."
        )
        return _form_again(request, inbox, page, notice, status=429)
    form = ContactForm(inbox, request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, inbox, page, form)
    conversation = submit_contact_form(
        inbox,
        form.submission(page.language),
        form.attachments,
        form_token=form.cleaned_data[spam.TOKEN_FIELD],
    )
    spam.count_submission(inbox, client, form.cleaned_data["email"])
    return redirect(_thanks_url(inbox, conversation.pk, page))


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _form_again(
    request: HttpRequest, inbox: Inbox, page: Page, notice: str, *, status: int
) -> HttpResponse:
    """The form again with the posted text, no error shown, and a new token
    already past the time trap: the person filled it in, and may send it again
    at once without being taken for a robot."""
    initial = {name: request.POST.get(name, "") for name in POSTED_TEXT_FIELDS}
    initial[spam.TOKEN_FIELD] = spam.form_token(inbox, shown_at=time.time() - spam.MIN_FILL_SECONDS)
    form = ContactForm(inbox, initial=initial)
    return _form_page(request, inbox, page, form, notice=notice, status=status)


def _thanks_url(inbox: Inbox, conversation_id: int | None, page: Page) -> str:
    token = signing.dumps({"inbox": inbox.pk, "conversation": conversation_id}, salt=THANKS_SALT)
    return reverse("webform:thanks", args=[inbox.public_key, token]) + page.query


@require_GET
def thanks(request: HttpRequest, public_key: str, token: str) -> HttpResponse:
    """The confirmation page: the conversation's reference, from a signed
    token (ids cannot be enumerated); 404 when forged or older than a day."""
    inbox = _form_inbox(public_key)
    try:
        claims = signing.loads(token, salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        raise Http404("unknown confirmation") from None
    if not isinstance(claims, dict) or claims.get("inbox") != inbox.pk:
        raise Http404("unknown confirmation")
    page = _page(request)
    with translation.override(page.language):
        context = {"inbox": inbox, "page": page, "reference": claims.get("conversation")}
        return _secured(render(request, "webform/thanks.html", context), page)


def _form_page(
    request: HttpRequest,
    inbox: Inbox,
    page: Page,
    form: ContactForm,
    *,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"inbox": inbox, "page": page, "form": form, "notice": notice}
    return _secured(render(request, "webform/form.html", context, status=status), page)


def _secured(response: HttpResponse, page: Page) -> HttpResponse:
    """No scripts at all; framing only in embed mode. Never cached: the form
    carries a fresh time-trap token, the thank-you page a reference."""
    ancestors = "'self' https: http:" if page.embed else "'none'"
    response["Content-Security-Policy"] = "; ".join(
        [
            "default-src 'self'",
            "script-src 'none'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )
    response["Cache-Control"] = "no-store"
    if page.embed:
        response.xframe_options_exempt = True
    return response
