import re

from django.urls import reverse

from relais.connectors.webchat import identity_hash
from tests.factories import make_inbox


def get(client, url, **extra):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en", **extra)


def test_loader_is_javascript_with_a_short_cache_and_points_at_the_frame(client, inbox):
    response = get(client, f"/widget/{inbox.public_key}.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "public, max-age=300"
    script = response.content.decode()
    assert f'"http://testserver/widget/{inbox.public_key}/frame/"' in script
    assert '"origin": "http://testserver"' in script
    assert "relais-launcher" in script and "relais-frame" in script


def test_loader_for_unknown_or_inactive_inbox_is_a_404_script(client, inbox):
    assert get(client, "/widget/nope.js").status_code == 404
    inbox.is_active = False
    inbox.save()
    response = get(client, f"/widget/{inbox.public_key}.js")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/javascript")


def test_loader_escapes_inbox_settings_into_the_script(client, db):
    inbox = make_inbox("webchat", color="</script><script>alert(1)</script>")
    script = get(client, f"/widget/{inbox.public_key}.js").content.decode()
    assert "alert(1)" not in script
    assert '"color": "#1f6feb"' in script


def test_frame_can_be_embedded_anywhere_by_default(client, inbox):
    response = get(client, reverse("webchat:frame", args=[inbox.public_key]))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors" not in csp
    assert "script-src 'self'" in csp


def test_frame_embedding_is_restricted_to_allowed_origins(client, db):
    inbox = make_inbox(
        "webchat",
        allowed_origins=["https://shop.example.com", "https://evil.example; script-src *"],
    )
    response = get(client, reverse("webchat:frame", args=[inbox.public_key]))
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://shop.example.com;" in csp + ";"
    assert "evil" not in csp


def test_frame_page_escapes_the_inbox_name_and_has_the_test_hooks(client, db):
    inbox = make_inbox("webchat", name='<img src=x onerror="alert(1)">')
    html = get(client, reverse("webchat:frame", args=[inbox.public_key])).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    for hook in ("widget-input", "widget-send", "widget-typing", "widget-offline", "widget-email"):
        assert f'data-testid="{hook}"' in html
    # No inline script may run in the frame: its config is inert JSON.
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts == [' id="relais-config" type="application/json"']


def test_frame_of_unknown_inbox_is_not_found(client, db):
    assert get(client, "/widget/nope/frame/").status_code == 404


def test_frame_honours_the_host_page_locale(client, inbox):
    response = get(client, reverse("webchat:frame", args=[inbox.public_key]) + "?lang=fr")
    assert '<html lang="fr">' in response.content.decode()
    response = get(client, reverse("webchat:frame", args=[inbox.public_key]) + "?lang=xx<")
    assert '<html lang="en">' in response.content.decode()


def test_demo_shop_without_webchat_inbox_says_so(client, db):
    response = get(client, "/demo/shop/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")


def test_demo_shop_carries_the_widget_of_the_first_active_inbox(client, db):
    make_inbox("webchat", name="Retired").__class__.objects.update(is_active=False)
    inbox = make_inbox("webchat", name="Boutique")
    html = get(client, "/demo/shop/").content.decode()
    assert f'src="http://testserver/widget/{inbox.public_key}.js" async' in html
    assert "RelaisSettings" not in html


def test_demo_shop_plays_a_logged_in_customer_with_a_server_side_hash(client, inbox):
    html = get(client, "/demo/shop/?as=client-42").content.decode()
    assert identity_hash(inbox, "client-42") in html
    assert "window.RelaisSettings" in html
    hostile = get(client, "/demo/shop/?as=<script>").content.decode()
    assert (
        "RelaisSettings" not in hostile
        and "<script>" not in hostile.split("<body>")[1].split("<script src=")[0]
    )
