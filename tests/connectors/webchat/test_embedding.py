from relais.connectors.webchat import WebchatConfig
from relais.connectors.webchat.embedding import (
    frame_content_security_policy,
    js_literal,
    origin_of,
    safe_color,
)


def test_js_literal_cannot_close_the_script_or_break_lines():
    literal = js_literal({"label": "</script><!-- & \u2028"})
    assert "<" not in literal and ">" not in literal and "&" not in literal
    assert "\u2028" not in literal


def test_only_hex_colours_reach_the_page():
    assert safe_color("#ff8800") == "#ff8800"
    assert safe_color("red;background:url(x)") == "#1f6feb"


def test_origins_are_reduced_to_scheme_host_and_port():
    assert origin_of("https://shop.example.com/path?q=1") == "https://shop.example.com"
    assert origin_of("http://localhost:8080") == "http://localhost:8080"
    for bad in ("*", "javascript:alert(1)", "https://a.example; script-src *", "shop.example"):
        assert origin_of(bad) is None


def test_frame_policy_lists_only_valid_allowed_origins():
    config = WebchatConfig(allowed_origins=["https://a.example", "nope"])
    policy = frame_content_security_policy(config, "relais.example")
    assert "frame-ancestors 'self' https://a.example" in policy
    assert "connect-src 'self' ws://relais.example wss://relais.example" in policy
    assert "frame-ancestors" not in frame_content_security_policy(WebchatConfig(), "h")
