"""Replying with files from the console: stored with the outbound message,
refused (with nothing queued) when too many, too large, a program, or when
the channel cannot send files."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from relais.conversations.models import Direction
from relais.web.reply_files import is_program
from tests.factories import make_conversation, make_inbox
from tests.web.email_messages import PDF, PNG, receive_email

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
WINDOWS_PROGRAM = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def conversation(team):
    inbox = make_inbox("email", teams=[team], address="support@example.com")
    return receive_email(inbox, attachments=[]).conversation


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def send(console, conversation, files, body="Please find the label attached.", **headers):
    return console.post(f"/c/{conversation.pk}/reply/", {"body": body, "files": files}, **headers)


def errors(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def outbound(conversation):
    return conversation.messages.filter(direction=Direction.OUTBOUND)


def test_a_reply_with_files_stores_them_with_the_outbound_message(console, conversation):
    response = send(
        console,
        conversation,
        [upload("label.pdf", PDF, "application/pdf"), upload("photo.png", PNG, "image/png")],
    )
    assert response.status_code == 302
    assert not errors(response)
    message = outbound(conversation).get()
    assert message.body == "Please find the label attached."
    files = {item.filename: item for item in message.attachments.all()}
    assert set(files) == {"label.pdf", "photo.png"}
    assert files["photo.png"].content_type == "image/png"
    assert files["label.pdf"].size == len(PDF)
    assert files["label.pdf"].kind == "file"
    with files["label.pdf"].file.open("rb") as handle:
        assert handle.read() == PDF


def test_an_htmx_reply_with_files_succeeds(console, conversation):
    response = send(console, conversation, [upload("label.pdf", PDF)], **HTMX)
    assert response["HX-Trigger"] == "relais:posted"
    assert outbound(conversation).get().attachments.count() == 1


def test_a_reply_without_files_still_works(console, conversation):
    send(console, conversation, [])
    assert outbound(conversation).get().attachments.count() == 0


@pytest.mark.parametrize(
    "name, data",
    [
        ("setup.exe", b"just text, but the name says program"),
        ("invoice.pdf", WINDOWS_PROGRAM),
        ("script.JS", b"alert(1)"),
        ("tool.bat.", b"echo hi"),
    ],
)
def test_programs_are_refused_and_nothing_is_queued(console, conversation, name, data):
    response = send(console, conversation, [upload("fine.pdf", PDF), upload(name, data)])
    assert errors(response) and "program" in errors(response)[0]
    assert not outbound(conversation).exists()


def test_files_over_the_size_limit_are_refused(console, conversation, settings):
    settings.RELAIS_EMAIL_MAX_ATTACHMENT_BYTES = 20
    response = send(console, conversation, [upload("label.pdf", PDF)], **HTMX)
    assert "HX-Trigger" not in response
    assert "larger than" in response.content.decode()
    assert not outbound(conversation).exists()


def test_more_than_five_files_are_refused(console, conversation):
    files = [upload(f"page-{n}.pdf", PDF) for n in range(6)]
    response = send(console, conversation, files)
    assert errors(response) and "At most 5 files" in errors(response)[0]
    assert not outbound(conversation).exists()


def test_files_are_refused_on_channels_that_cannot_send_them(console, inbox):
    chat = make_conversation(inbox, "Hello", visitor="v-files")
    response = send(console, chat, [upload("label.pdf", PDF)])
    assert errors(response) and "cannot send files" in errors(response)[0]
    assert not outbound(chat).exists()


def test_the_file_input_shows_only_where_files_can_be_sent(console, conversation, inbox):
    content = console.get(f"/c/{conversation.pk}/").content.decode()
    assert 'data-testid="reply-files"' in content
    assert 'enctype="multipart/form-data"' in content
    chat = make_conversation(inbox, "Hello", visitor="v-no-files")
    assert 'data-testid="reply-files"' not in console.get(f"/c/{chat.pk}/").content.decode()


def test_program_detection_looks_at_names_and_content():
    assert is_program("SETUP.EXE", b"")
    assert is_program("archive.pdf", WINDOWS_PROGRAM)
    assert is_program("binary", b"\x7fELF\x02\x01\x01" + b"\x00" * 60)
    assert not is_program("label.pdf", PDF)
    assert not is_program("photo.png", PNG)
    assert not is_program("notes.txt", b"exe bat cmd")
