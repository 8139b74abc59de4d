from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from relais.conversations.actions import assign_conversation, set_tags
from relais.conversations.models import Conversation, Status
from relais.web.inbox_rows import inbox_rows
from tests.factories import make_conversation
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db


def loaded(*conversations: Conversation) -> list[Conversation]:
    """As the inbox loads them: contact, assignee and tags at hand."""
    pks = [conversation.pk for conversation in conversations]
    found = Conversation.objects.select_related("contact", "assignee").prefetch_related("tags")
    return sorted(found.filter(pk__in=pks), key=lambda conversation: pks.index(conversation.pk))


def test_rows_link_to_their_conversation_keeping_the_filters(inbox):
    conversation = make_conversation(inbox, "Hello?")
    page_url = reverse("web:conversation", args=[conversation.pk])
    [filtered] = inbox_rows(loaded(conversation), "view=all&tag=vip", current_id=None)
    [unfiltered] = inbox_rows(loaded(conversation), "", current_id=conversation.pk)
    assert filtered.url == f"{page_url}?view=all&tag=vip"
    assert not filtered.current
    assert unfiltered.url == page_url
    assert unfiltered.current


def test_rows_show_labels_in_the_page_language(inbox, agent):
    assigned = make_conversation(inbox, "Where is my parcel?")
    assign_conversation(assigned, by=agent, agent=agent)
    set_tags(assigned, ["vip", "refund"], by=agent)
    waiting = make_conversation(inbox, "Hello?")
    Conversation.objects.filter(pk=waiting.pk).update(subject="", status=Status.PENDING)
    with translation.override("fr"):
        first, second = inbox_rows(loaded(assigned, waiting), "", current_id=None)
    assert (first.status_label, first.channel_label, first.assignee) == (
        "Ouverte",
        "Chat web",
        "Alice Martin",
    )
    assert first.tags == ["refund", "vip"]
    assert (second.status_label, second.subject, second.assignee) == (
        "En attente",
        "(sans objet)",
        "Non assignées",
    )


def test_a_channel_without_a_connector_shows_its_kind(inbox):
    conversation = make_conversation(inbox)
    Conversation.objects.filter(pk=conversation.pk).update(channel="carrier_pigeon")
    [row] = inbox_rows(loaded(conversation), "", current_id=None)
    assert row.channel_label == "carrier_pigeon"


def test_due_time_in_the_agents_zone_and_format(inbox):
    conversation = make_conversation(inbox)
    due_at = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    Conversation.objects.filter(pk=conversation.pk).update(due_at=due_at)
    with translation.override("fr"), timezone.override("Europe/Paris"):
        [row] = inbox_rows(loaded(conversation), "", current_id=None)
    assert row.due_iso == "2026-01-15T10:30:00+01:00"
    assert row.due_display == "15/01/2026 10:30"


def test_no_due_time_no_due_strings(inbox):
    conversation = make_conversation(inbox)
    Conversation.objects.filter(pk=conversation.pk).update(due_at=None)
    [row] = inbox_rows(loaded(conversation), "", current_id=None)
    assert (row.due_iso, row.due_display) == ("", "")


def test_french_list_is_translated(agent, inbox):
    conversation = make_conversation(inbox, "Bonjour")
    Conversation.objects.filter(pk=conversation.pk).update(due_at=timezone.now())
    client = console_client(agent)
    content = client.get("/?view=all", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'title="Messages non lus"' in content
    assert "Ouverte" in content
    assert "Non assignées" in content
    assert "Échéance <time" in content
