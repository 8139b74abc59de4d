"""Members' Markdown as safe HTML (pure).

markdown-it-py renders CommonMark with raw HTML turned off (so `<script>` is
shown as text); nh3 then keeps only an allow-list of tags, drops every
attribute but links' href (http, https, mailto) and marks links rel="nofollow
ugc noopener" — a forum is a target for link spam.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
# Headings inside a post sit under the page's h1/h2: shift them down.
HEADING_SHIFT = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def _shift_headings(tokens, idx, options, env):
    token = tokens[idx]
    token.tag = HEADING_SHIFT.get(token.tag, token.tag)
    return _parser.renderer.renderToken(tokens, idx, options, env)


_parser.add_render_rule("heading_open", _shift_headings)
_parser.add_render_rule("heading_close", _shift_headings)


def render_markdown(source: str) -> str:
    """Sanitised HTML for the Markdown `source`. Never raises."""
    html = _parser.render(source)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href"}},
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
    )
