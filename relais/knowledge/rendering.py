"""Markdown to safe HTML. Articles are written by staff, but imports and
promoted community threads carry text from anyone: raw HTML in the Markdown is
escaped by the parser, and nh3 cleans what the parser produced anyway."""

import difflib

import nh3
from markdown_it import MarkdownIt

# "js-default": CommonMark without raw HTML, plus tables and strikethrough.
_markdown = MarkdownIt("js-default", {"linkify": False, "typographer": False})

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str) -> str:
    """Sanitised HTML for `text` (Markdown)."""
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
    )


def plain_text(text: str) -> str:
    """The words of a Markdown text, for meta descriptions and search snippets."""
    return " ".join(nh3.clean(_markdown.render(text), tags=set()).split())


def diff_lines(old: str, new: str, *, old_label: str, new_label: str) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) pairs, kind being "added", "removed",
    "hunk" or "context", for templates to colour without parsing."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_label, new_label, lineterm="", n=2
    )
    result = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "context")
        result.append((kind, line))
    return result
