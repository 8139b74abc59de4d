"""The channel choices an agent makes in the reply box — a WhatsApp template
and its values, reply buttons — read from the posted form and checked against
what the channel offers (Connector.reply_constraints), as the reply's
metadata for the connector (connectors/whatsapp/sending.py reads it).

Form fields: `template` (an option's key, "name:language"),
`template_param:<key>` (one per parameter of that template, in order: each
template's fields are apart, so only the chosen one's count), `button` (up
to the channel's count; blank ones ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from relais.conversations.errors import InvalidInput

MAX_PARAMETER_LENGTH = 1024
PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class ReplyChoices:
    metadata: dict[str, Any] = field(default_factory=dict)
    # The text to store for a template (its preview filled in), else None:
    # the agent's own text.
    body: str | None = None


def reply_choices(post: QueryDict, constraints: dict[str, Any]) -> ReplyChoices:
    """The choices in `post`; raises InvalidInput in plain words for a template
    or buttons the channel does not offer, missing values, or free text where
    the channel takes none (`text_disabled`)."""
    template = _template(post, constraints)
    buttons = _buttons(post, constraints)
    if template is not None and buttons:
        raise InvalidInput(_("Send either a template or buttons, not both."))
    if template is not None:
        option, values = template
        metadata = {
            "template": {
                "name": option["name"],
                "language": option["language"],
                "parameters": values,
            }
        }
        return ReplyChoices(metadata, body=template_text(option, values))
    if constraints.get("text_disabled"):
        raise InvalidInput(constraints["text_disabled"])
    if buttons:
        return ReplyChoices({"buttons": buttons})
    return ReplyChoices()


def _template(
    post: QueryDict, constraints: dict[str, Any]
) -> tuple[dict[str, Any], list[str]] | None:
    key = post.get("template", "").strip()
    if not key:
        return None
    options = {option["key"]: option for option in constraints.get("template_options") or ()}
    option = options.get(key)
    if option is None:
        raise InvalidInput(_("This template is not offered on this channel."))
    values = [value.strip() for value in post.getlist(f"template_param:{key}")]
    names = option["parameters"]
    if len(values) != len(names) or not all(values):
        raise InvalidInput(
            _("The template %(name)s needs a value for each of: %(fields)s.")
            % {"name": option["name"], "fields": ", ".join(names)}
        )
    if any(len(value) > MAX_PARAMETER_LENGTH for value in values):
        raise InvalidInput(
            _("A template value is at most %(max)d characters.") % {"max": MAX_PARAMETER_LENGTH}
        )
    return option, values


def _buttons(post: QueryDict, constraints: dict[str, Any]) -> list[dict[str, str]]:
    titles = [title.strip() for title in post.getlist("button") if title.strip()]
    if not titles:
        return []
    allowed = int(constraints.get("buttons") or 0)
    if not allowed:
        raise InvalidInput(_("This channel cannot show reply buttons."))
    if len(titles) > allowed:
        raise InvalidInput(_("At most %(count)d reply buttons.") % {"count": allowed})
    longest = int(constraints.get("button_title_max") or 0)
    if longest and any(len(title) > longest for title in titles):
        raise InvalidInput(_("A button title is at most %(max)d characters.") % {"max": longest})
    if len(set(titles)) != len(titles):
        raise InvalidInput(_("Two buttons have the same title."))
    return [{"id": f"button-{index}", "title": title} for index, title in enumerate(titles, 1)]


def template_text(option: dict[str, Any], values: list[str]) -> str:
    """What the customer reads: the preview with {{1}}, {{2}}… filled in, or
    the template's name and values when it has no preview."""
    preview = option.get("preview") or ""
    if not preview:
        return f"[{option['name']}] " + " · ".join(values)

    def value(match: re.Match) -> str:
        index = int(match.group(1)) - 1
        return values[index] if 0 <= index < len(values) else match.group(0)

    return PLACEHOLDER.sub(value, preview)
