"""How the timeline shows e-mails: headers, quoted and formatted versions,
files, badges, failures; and that it stays a bounded number of queries."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.connectors.base import IdentityRef, InboundAttachment, InboundMessage
from relais.conversations.actions import receive_message, reply
from relais.conversations.automatic import send_automatic_message
from relais.conversations.models import DeliveryStatus, Message
from tests.factories import make_inbox
from tests.web.email_messages import PDF, PNG, email_metadata, receive_email, standard_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def email_inbox(team):
    return make_inbox("email", teams=[team], address="support@example.com")


def page(console, conversation) -> str:
    response = console.get(f"/c/{conversation.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def srcdoc(content: str) -> str:
    found = re.search(r'srcdoc="([^"]*)"', content)
    assert found, "no formatted view"
    return unescape(found.group(1))


def test_an_email_shows_its_headers_and_folds_the_quoted_text(console, email_inbox):
    received = receive_email(email_inbox)
    content = page(console, received.conversation)
    assert 'data-testid="email-headers"' in content
    assert "Claire Dubois &lt;claire@example.com&gt;" in content
    assert "Paul Cc &lt;paul@example.com&gt;" in content
    assert "support@example.com" in content
    assert "Broken parcel" in content
    quoted = re.search(r'<details class="msg__quoted".*?</details>', content, re.S).group(0)
    assert "Show quoted text" in quoted
    assert "&gt; Earlier answer from the shop" in quoted


def test_the_formatted_view_is_escaped_into_a_sandboxed_frame(console, email_inbox):
    received = receive_email(email_inbox)
    content = page(console, received.conversation)
    # Nothing of the mail's HTML reaches the page as markup.
    assert '<p class="from-html">' not in content
    assert "alert('pwned')" not in content and "alert(&#x27;pwned&#x27;)" not in content
    frame = re.search(r"<iframe[^>]*>", content).group(0)
    assert 'sandbox="' in frame and "allow-scripts" not in frame
    document = srcdoc(content)
    assert '<p class="from-html">Formatted hello</p>' in document
    assert "<script" not in document
    assert "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'" in document


def test_inline_images_point_at_the_message_files_and_remote_ones_are_blocked(console, email_inbox):
    received = receive_email(email_inbox)
    logo = received.message.attachments.get(filename="logo.png")
    content = page(console, received.conversation)
    document = srcdoc(content)
    assert f'src="/c/{received.conversation.pk}/attachments/{logo.pk}/?inline=1"' in document
    assert "tracker.example" not in content
    assert 'data-testid="remote-images-blocked"' in content
    assert "remote images blocked" in content
    # The inline logo shows in the formatted view, not again in the file list.
    assert "logo.png" not in content


def test_files_are_listed_with_size_thumbnails_and_the_original(console, email_inbox):
    received = receive_email(email_inbox)
    conversation_id = received.conversation.pk
    photo = received.message.attachments.get(filename="photo.png")
    invoice = received.message.attachments.get(filename="invoice.pdf")
    original = received.message.attachments.get(kind="original")
    content = page(console, received.conversation)
    assert content.count('data-testid="attachment"') == 2
    assert f'href="/c/{conversation_id}/attachments/{invoice.pk}/"' in content
    assert f'src="/c/{conversation_id}/attachments/{photo.pk}/?inline=1"' in content
    assert "invoice.pdf" in content and f"{len(PDF)}\xa0bytes" in content
    assert f'href="/c/{conversation_id}/attachments/{original.pk}/"' in content
    assert "Original message (.eml)" in content


def test_refused_files_are_listed_with_the_reason_in_words(console, email_inbox):
    refused = [
        {"filename": "setup.exe", "size": 2048, "reason": "blocked_type"},
        {"filename": "video.mov", "size": 50 * 1024 * 1024, "reason": "too_large"},
    ]
    received = receive_email(
        email_inbox, metadata=email_metadata(refused_attachments=refused), attachments=[]
    )
    content = page(console, received.conversation)
    assert content.count('data-testid="refused-attachment"') == 2
    assert "setup.exe" in content and "not kept (blocked file type)" in content
    assert "video.mov" in content and "not kept (too large)" in content


def test_automatic_replies_and_form_messages_carry_a_badge(console, email_inbox):
    automatic = receive_email(
        email_inbox,
        metadata=email_metadata(auto_reply="auto-submitted", html="", quoted=""),
        attachments=[],
        automatic=True,
    )
    receive_message(
        InboundMessage(
            inbox_id=email_inbox.pk,
            body="Where is my refund?",
            identities=[IdentityRef("email", "claire@example.com")],
            provider_message_id="<form-1@relais.invalid>",
            conversation_id=automatic.conversation.pk,
            metadata={"source": "web_form", "reason": "Refund"},
        )
    )
    content = page(console, automatic.conversation)
    badges = re.findall(r'data-testid="message-badge">([^<]*)<', content)
    assert badges == ["Automatic reply", "Contact form: Refund"]


def test_acknowledgements_carry_a_badge(console, email_inbox):
    received = receive_email(email_inbox, attachments=[])
    send_automatic_message(received.conversation, "We got your mail.", reason="acknowledgement")
    content = page(console, received.conversation)
    assert re.findall(r'data-testid="message-badge">([^<]*)<', content) == [
        "Automatic acknowledgement"
    ]


def test_a_bounced_reply_shows_why(console, email_inbox, agent):
    received = receive_email(email_inbox, attachments=[])
    sent = reply(received.conversation, agent, "Here is your label")
    Message.objects.filter(pk=sent.pk).update(
        status=DeliveryStatus.FAILED,
        error="claire@example.com: 5.1.1 mailbox unavailable",
    )
    content = page(console, received.conversation)
    assert 'class="delivery delivery--failed"' in content
    assert "5.1.1 mailbox unavailable" in content


def test_the_message_fragment_shows_files_too(console, email_inbox):
    received = receive_email(email_inbox)
    conversation = received.conversation
    content = console.get(f"/c/{conversation.pk}/messages/{received.message.pk}/").content
    assert b"invoice.pdf" in content and b'data-testid="formatted-view"' in content


def test_timeline_queries_do_not_grow_with_files(console, email_inbox):
    first = receive_email(email_inbox)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(console, first.conversation)
        return len(captured)

    few = queries()
    for n in range(8):
        files = [
            *standard_files(),
            InboundAttachment(f"extra-{n}.png", "image/png", PNG),
        ]
        receive_email(email_inbox, attachments=files, conversation_id=first.conversation.pk)
    assert first.conversation.messages.count() == 9
    assert queries() == few
