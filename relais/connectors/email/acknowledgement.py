"""The automatic acknowledgement of a new e-mail request: its subject and text.

The built-in text is translated (French, English); an inbox may override the
subject and the body per language with templates holding the placeholders
{reference}, {subject}, {name} and {inbox}. Only those four names are
substituted, by a regular expression: a template is data written by an
administrator, never Python format syntax (`str.format` would let
"{name.__class__}" reach into objects).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from relais.connectors.email.compose import one_line
from relais.connectors.email.config import EmailConfig

PLACEHOLDER = re.compile(r"\{(reference|subject|name|inbox)\}")


def acknowledgement(
    config: EmailConfig | dict[str, Any],
    *,
    language: str,
    reference: str,
    subject: str,
    customer_name: str,
    inbox_name: str,
) -> tuple[str, str]:
    """(subject, body) of the acknowledgement, in `language` when Relais speaks
    it, else in the inbox's language. `reference` is what the customer quotes
    back (e.g. "[#123]"): the subject always contains it, so that a reply finds
    its conversation even when the template forgot it. Empty template fields
    take the built-in text."""
    if isinstance(config, dict):
        config = EmailConfig.model_validate(config)
    if language not in dict(settings.LANGUAGES):
        language = config.language
    values = {
        "reference": reference,
        "subject": one_line(subject),
        "name": one_line(customer_name),
        "inbox": one_line(inbox_name),
    }
    template = config.acknowledgement_templates.get(language)
    with translation.override(language):
        ack_subject = (
            fill_template(template.subject, values)
            if template and template.subject.strip()
            else _default_subject(values)
        )
        body = (
            fill_template(template.body, values)
            if template and template.body.strip()
            else _default_body(values)
        )
    ack_subject = one_line(ack_subject)
    if reference and reference not in ack_subject:
        ack_subject = f"{ack_subject} {reference}".strip()
    return ack_subject, body


def fill_template(template: str, values: dict[str, str]) -> str:
    """`template` with {reference}, {subject}, {name} and {inbox} replaced by
    `values`; any other brace text is left as written."""
    return PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), template)


def _default_subject(values: dict[str, str]) -> str:
    if values["subject"]:
        return _("We have received your request: %(subject)s %(reference)s") % values
    return _("We have received your request %(reference)s") % values


def _default_body(values: dict[str, str]) -> str:
    greeting = _("Hello %(name)s,") % values if values["name"] else _("Hello,")
    paragraphs = [
        greeting,
        _(
            "Thank you for your message. We have received your request and will answer "
            "you as soon as possible."
        ),
        _(
            "Its reference is %(reference)s. To add anything, simply reply to this e-mail, "
            "keeping the reference in the subject."
        )
        % values,
        _("This message was sent automatically."),
    ]
    if values["inbox"]:
        paragraphs.append(values["inbox"])
    return "\n\n".join(paragraphs)
