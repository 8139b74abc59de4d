"""A received mail's HTML, made ready for the console's sandboxed frame (pure).

The stored HTML was sanitised when the mail arrived; it is cleaned again here
(defence in depth) while its images are rewritten: `cid:` sources point at the
message's own inline attachments, remote images are dropped (a tracking pixel
must not tell the sender when an agent reads the mail). The document carries a
Content-Security-Policy that allows no script, no fetch and no image but ours,
and the template puts it in `<iframe sandbox srcdoc>` without `allow-scripts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

import nh3

# What mail clients use for layout, beyond nh3's defaults. No `style` element
# (nh3 drops its content): only style attributes survive.
EXTRA_TAGS = {"font", "center"}
LAYOUT_ATTRIBUTES = {
    "style",
    "class",
    "align",
    "valign",
    "width",
    "height",
    "bgcolor",
    "color",
    "dir",
    "lang",
    "title",
}
TAG_ATTRIBUTES = {
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "table": {"border", "cellpadding", "cellspacing"},
    "font": {"face", "size"},
    "ol": {"start", "type"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)
FRAME_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
FRAME_HEAD = (
    '<!doctype html><html><head><meta charset="utf-8">'
    f'<meta http-equiv="Content-Security-Policy" content="{FRAME_POLICY}">'
    '<meta name="referrer" content="no-referrer">'
    # Links open in a new tab, never inside the small frame.
    '<base target="_blank">'
    "<style>body{margin:0.5rem;font-family:system-ui,sans-serif;overflow-wrap:anywhere}"
    "img{max-width:100%;height:auto}</style></head><body>"
)
FRAME_FOOT = "</body></html>"


@dataclass
class FramedHtml:
    """The frame's whole document, and what was changed on the way."""

    document: str
    remote_images_blocked: int = 0
    # Content-IDs (without <>) the HTML shows: those images need no separate listing.
    shown_content_ids: set[str] = field(default_factory=set)


def content_id_key(content_id: str) -> str:
    """A Content-ID as `cid:` URLs name it: no angle brackets, case-insensitive."""
    return content_id.strip().strip("<>").strip().lower()


def framed_html(html: str, inline_urls: dict[str, str]) -> FramedHtml:
    """Clean `html` and wrap it in the frame's document. `inline_urls` maps
    content-id keys (see content_id_key) to the URLs of the message's inline
    images; a `cid:` source not in it, and every remote image, is dropped."""
    result = FramedHtml(document="")

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "href":
            # Absolute links only: a relative one would lead into the console.
            return value if value.strip().lower().startswith(LINK_SCHEMES) else None
        if tag != "img" or attribute != "src":
            return value
        if value.lower().startswith("cid:"):
            key = content_id_key(unquote(value[4:]))
            if key in inline_urls:
                result.shown_content_ids.add(key)
                return inline_urls[key]
            return None
        if DATA_IMAGE.match(value):
            return value
        if not value.strip().lower().startswith("data:"):
            result.remote_images_blocked += 1
        return None

    cleaned = nh3.clean(
        html,
        tags=nh3.ALLOWED_TAGS | EXTRA_TAGS,
        attributes=_attributes(),
        attribute_filter=rewrite,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    result.document = FRAME_HEAD + cleaned + FRAME_FOOT
    return result


def _attributes() -> dict[str, set[str]]:
    attributes = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag, names in TAG_ATTRIBUTES.items():
        attributes[tag] = attributes.get(tag, set()) | names
    attributes["*"] = LAYOUT_ATTRIBUTES
    return attributes
