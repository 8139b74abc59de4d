"""The contact form: what the customer fills in, checked, as a ContactSubmission
and a list of attachments. The honeypot and the time-trap token are fields
too, but spam.judge_submission reads them, never the form's errors: a robot
is not told what gave it away."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from relais.connectors.base import InboundAttachment
from relais.connectors.models import Inbox
from relais.connectors.webform import spam
from relais.connectors.webform.actions import ContactSubmission
from relais.connectors.webform.uploads import MAX_FILES, RefusedUpload, checked_attachments
from relais.core.form_fields import MultipleFileField

PHONE_REGION = "FR"
DEFAULT_REASONS = [
    ("order", _("Question about an order")),
    ("delivery", _("Delivery")),
    ("return", _("Return or refund")),
    ("technical", _("Technical problem")),
    ("other", _("Other")),
]


def reason_choices(inbox: Inbox) -> list[tuple[str, str]]:
    """The inbox's reasons for contact (the value is the text itself), else
    the built-in list (stable keys, labels in the page's language)."""
    configured = inbox.config.get("form_reasons") or []
    reasons = [(reason, reason) for reason in configured] or DEFAULT_REASONS
    return [("", _("Choose…")), *reasons]


class TelInput(forms.TextInput):
    input_type = "tel"


def no_web_address(value: str) -> None:
    # Names carrying links are how contact forms get abused to send spam
    # through the confirmation e-mail, which repeats the name.
    if "://" in value or "www." in value.lower():
        raise ValidationError(_("Enter your name without a web address."))


class ContactForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=120, validators=[no_web_address], strip=True
    )
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=32,
        required=False,
        help_text=_("Only if you would like us to call you back."),
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )
    reason = forms.ChoiceField(label=_("Reason for contact"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your message"),
        max_length=settings.RELAIS_MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False)
    # Hidden off-screen; people leave it empty (see spam.py).
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, inbox: Inbox, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inbox = inbox
        self.fields["reason"].choices = reason_choices(inbox)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        # Interpolated here, not at import: the text follows the page's language.
        self.fields["attachments"].help_text = _(
            "Up to %(count)d files; programs are not accepted."
        ) % {"count": MAX_FILES}
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")
        if not self.is_bound and not self.initial.get(spam.TOKEN_FIELD):
            self.initial[spam.TOKEN_FIELD] = spam.form_token(inbox)
        self.attachments: list[InboundAttachment] = []

    def clean_phone(self) -> str:
        """The number in E.164 form (French numbers may omit +33), or ""."""
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, PHONE_REGION)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(_("Enter a valid phone number, e.g. +33 6 12 34 56 78."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean_attachments(self) -> list:
        try:
            self.attachments = checked_attachments(self.cleaned_data["attachments"])
        except RefusedUpload as refusal:
            raise ValidationError(str(refusal)) from None
        return self.cleaned_data["attachments"]

    def _post_clean(self) -> None:
        # Tie each invalid field to its error message for screen readers.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(described)

    def submission(self, language: str) -> ContactSubmission:
        """The checked answers; call after is_valid()."""
        data = self.cleaned_data
        reason = dict(self.fields["reason"].choices).get(data["reason"]) if data["reason"] else ""
        return ContactSubmission(
            name=data["name"],
            email=data["email"].lower(),
            phone=data["phone"],
            reason=str(reason or ""),
            subject=data["subject"],
            message=data["message"],
            language=language,
        )
