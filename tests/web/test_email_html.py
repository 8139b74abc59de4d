"""The formatted view's document (pure: no database)."""

from relais.web.email_html import content_id_key, framed_html

INLINE = {"logo@example.com": "/c/1/attachments/7/?inline=1"}


def test_cid_sources_become_the_inline_attachment_urls_whatever_their_spelling():
    for source in ("cid:logo@example.com", "cid:LOGO@Example.com", "cid:%3Clogo@example.com%3E"):
        framed = framed_html(f'<img src="{source}" alt="logo">', INLINE)
        assert '<img src="/c/1/attachments/7/?inline=1" alt="logo">' in framed.document
        assert framed.shown_content_ids == {"logo@example.com"}
        assert framed.remote_images_blocked == 0


def test_unknown_cids_and_remote_images_lose_their_source():
    framed = framed_html(
        '<img src="cid:missing@x"><img src="https://t.example/p.gif">'
        '<img src="//t.example/q.gif"><img src="/logout/">',
        INLINE,
    )
    assert "t.example" not in framed.document
    assert "missing@x" not in framed.document
    assert "/logout/" not in framed.document
    assert framed.remote_images_blocked == 3


def test_embedded_raster_images_are_kept_but_not_svg():
    png = "data:image/png;base64,iVBORw0KGgo="
    svg = "data:image/svg+xml;base64,PHN2Zz4="
    framed = framed_html(f'<img src="{png}"><img src="{svg}">', {})
    assert png in framed.document
    assert "svg" not in framed.document
    assert framed.remote_images_blocked == 0


def test_scripts_handlers_and_odd_links_are_removed():
    framed = framed_html(
        '<p onclick="steal()">Hi<script>alert(1)</script></p>'
        '<a href="javascript:alert(2)">a</a><a href="/c/5/">b</a>'
        '<a href="https://shop.example/track">c</a><iframe src="https://x.example"></iframe>',
        {},
    )
    body = framed.document.split("<body>", 1)[1]
    assert "script" not in body and "onclick" not in body and "iframe" not in body
    assert "javascript:" not in body and 'href="/c/5/"' not in body
    assert 'href="https://shop.example/track" rel="noopener noreferrer"' in body


def test_layout_styles_survive_and_the_document_forbids_everything_else():
    framed = framed_html('<table width="100%"><tr><td style="color:red">x</td></tr></table>', {})
    assert 'style="color:red"' in framed.document
    assert 'width="100%"' in framed.document
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src 'self' data:; style-src 'unsafe-inline'\">"
    ) in framed.document


def test_content_id_keys_ignore_brackets_and_case():
    assert content_id_key(" <Part1.ABC@Mail> ") == "part1.abc@mail"
