"""The HTML part of a mail: sanitised for display, turned into plain text when
the mail has no text part, and scanned for the inline images it shows.

Sanitising is nh3's (ammonia) allow-list: no scripts, styles, event handlers,
forms, javascript:/data: URLs or relative URLs (which would point at our own
site) survive. Inline styles are kept but restricted
to harmless properties (no url(), positioning or background images). Remote
images are kept; whether to load them is the display's decision.
"""

from __future__ import annotations

import re
import urllib.parse
from html.parser import HTMLParser

import nh3

from .decoding import clean

URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
STYLE_PROPERTIES = {
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "font-size",
    "font-family",
    "text-align",
    "text-decoration",
    "vertical-align",
    "line-height",
    "white-space",
    "width",
    "height",
    "max-width",
    "margin",
    "margin-top",
    "margin-bottom",
    "margin-left",
    "margin-right",
    "padding",
    "padding-top",
    "padding-bottom",
    "padding-left",
    "padding-right",
    "border",
    "border-collapse",
    "border-top",
    "border-bottom",
    "border-left",
    "border-right",
}
ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
ATTRIBUTES["*"] = {"style", "dir", "lang", "title"}
ATTRIBUTES["img"] = ATTRIBUTES.get("img", set()) | {"src", "alt", "width", "height"}
ATTRIBUTES["a"] = ATTRIBUTES.get("a", set()) | {"href"}
ATTRIBUTES["font"] = {"color", "face", "size"}
TAGS = set(nh3.ALLOWED_TAGS) | {"font"}
DROPPED_WITH_CONTENT = {"script", "style", "title", "noscript", "template"}

_CID = re.compile(r"""cid:([^"'\s<>)]+)""", re.IGNORECASE)


def sanitise_html(html: str) -> str:
    """Safe HTML for display; cid: image sources are kept for the caller to
    rewrite. Never raises."""
    try:
        return nh3.clean(
            clean(html),
            tags=TAGS,
            clean_content_tags=DROPPED_WITH_CONTENT,
            attributes=ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            url_relative="deny",  # "/logout" would be a request to our own site
            filter_style_properties=STYLE_PROPERTIES,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        ).strip()
    except Exception:  # a sanitiser failure must not lose the mail
        return ""


def cid_references(html: str) -> set[str]:
    """The Content-IDs that the HTML refers to as cid: URLs (RFC 2392)."""
    return {urllib.parse.unquote(found) for found in _CID.findall(html)}


def html_to_text(html: str, max_chars: int) -> str:
    """Readable plain text of an HTML body: block elements become lines,
    blockquotes become "> " quoted lines, scripts and styles disappear.
    Conversion stops after about `max_chars` characters of text or five times
    that of HTML (html.parser is pure Python: this bounds its work)."""
    converter = _TextConverter()
    chunk = 65536
    try:
        for start in range(0, min(len(html), max_chars * 5), chunk):
            converter.feed(html[start : start + chunk])
            if converter.size > max_chars:
                break
        converter.close()
    except Exception:  # html.parser is lenient; keep what was converted so far
        return converter.text()
    return converter.text()


class _TextConverter(HTMLParser):
    BLOCKS = {"div", "tr", "li", "dt", "dd", "pre", "center", "section", "article", "header"}
    PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "dl"}
    HIDDEN = {"script", "style", "head", "title", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self.current: list[str] = []
        self.depth = 0  # blockquote nesting
        self.line_depth = 0
        self.hidden = 0
        self.pre = 0
        self.size = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._block(tag)
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "body":  # an unclosed <head> or <title> must not hide the body
            self.hidden = 0
        elif tag == "br":
            self._flush(force=True)
        elif tag == "blockquote":
            self._paragraph()
            self.depth += 1
        elif tag == "li":
            self.current.append("- ")
            self.line_depth = self.depth
        elif tag in ("td", "th") and self.current:
            self.current.append(" ")
        elif tag == "pre":
            self.pre += 1
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.handle_data(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        self._block(tag)
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "blockquote":
            self._flush()
            self.depth = max(0, self.depth - 1)
            self._paragraph()
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            for index, piece in enumerate(data.split("\n")):
                if index:
                    self._flush(force=True)
                self._append(piece)
            return
        self._append(re.sub(r"\s+", " ", data))

    def _append(self, piece: str) -> None:
        if not self.current:
            piece = piece.lstrip() if not self.pre else piece
            self.line_depth = self.depth
        if piece:
            self.current.append(piece)
            self.size += len(piece)

    def _block(self, tag: str) -> None:
        if tag in self.PARAGRAPHS:
            self._paragraph()
        elif tag in self.BLOCKS:
            self._flush()

    def _flush(self, force: bool = False) -> None:
        line = "".join(self.current).rstrip()
        if line or force:
            self.lines.append((self.line_depth if line else self.depth, line))
        self.current = []

    def _paragraph(self) -> None:
        self._flush()
        if self.lines and self.lines[-1][1]:
            self.lines.append((self.depth, ""))

    def text(self) -> str:
        """The lines, quoted to their depth; a blank line takes the smaller
        depth of its neighbours, so quotes end cleanly."""
        self._flush()
        next_depths = [0] * (len(self.lines) + 1)
        for index in range(len(self.lines) - 1, -1, -1):
            depth, line = self.lines[index]
            next_depths[index] = depth if line else next_depths[index + 1]
        out: list[str] = []
        previous_depth = 0
        for index, (depth, line) in enumerate(self.lines):
            if line:
                out.append(("> " * depth + line).rstrip())
                previous_depth = depth
            elif out and out[-1]:
                out.append(("> " * min(previous_depth, next_depths[index + 1])).rstrip())
        return "\n".join(out).strip("\n")
