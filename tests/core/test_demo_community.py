import pytest

from relais.community.models import Member, Thread
from relais.core.demo_data import load_demo_data
from relais.replies.models import SavedReply

pytestmark = pytest.mark.django_db


def test_demo_has_a_forum_with_members_tied_to_contacts_and_saved_replies():
    load_demo_data()
    assert Thread.objects.count() == 3
    assert Thread.objects.filter(accepted_answer__isnull=False).count() == 2
    assert all(member.contact.identities.filter(kind="email") for member in Member.objects.all())
    languages = set(SavedReply.objects.values_list("language", flat=True))
    assert {"fr", "en"} <= languages
    assert SavedReply.objects.exclude(body_short="").exclude(body_email="").exists()
