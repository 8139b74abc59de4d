"""How the widget sits in a host site: the loader's settings and the frame's
security headers. Pure functions of the inbox settings and the request host."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django.utils.safestring import SafeString, mark_safe

from relais.connectors.webchat import WebchatConfig

DEFAULT_COLOR = WebchatConfig.model_fields["color"].default
HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
# Characters that must not appear raw in a script, even inside a JSON string.
JS_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def js_literal(value: Any) -> SafeString:
    """`value` as a JavaScript expression, safe to paste into a script (hence
    marked safe: HTML-escaping it would corrupt the JSON)."""
    return mark_safe(json.dumps(value).translate(JS_ESCAPES))  # noqa: S308


def safe_color(color: str) -> str:
    return color if HEX_COLOR.match(color or "") else DEFAULT_COLOR


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of an http(s) URL, or None for anything else
    (paths, wildcards, or text that would break a header)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not re.fullmatch(r"[A-Za-z0-9.-]+", host):
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def frame_content_security_policy(config: WebchatConfig, host: str) -> str:
    """The frame loads only Relais' own scripts and styles and talks only to
    Relais. When the inbox lists allowed origins, only those sites (and Relais
    itself, for the preview) may embed it."""
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        f"connect-src 'self' ws://{host} wss://{host}",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    origins = [origin for origin in map(origin_of, config.allowed_origins) if origin]
    if config.allowed_origins:
        directives.append("frame-ancestors " + " ".join(["'self'", *origins]))
    return "; ".join(directives)
