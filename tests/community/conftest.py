import itertools

import pytest
from django.test import Client
from django.utils import timezone

from relais.community.actions import Poster, answer_question, ask_question
from relais.community.models import Member, Topic
from relais.community.sessions import MEMBER_SESSION_KEY
from relais.contacts.models import Contact

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_forum_index():
    """The forum's search index is cached per process behind a stamp of the
    posts, which a rolled-back test can repeat."""
    from relais.community.search import forget_indexes

    forget_indexes()
    yield
    forget_indexes()


def make_member(name: str | None = None, email: str | None = None) -> Member:
    n = next(_seq)
    email = email or f"member{n}@example.com"
    contact = Contact.objects.create(name=name or f"Member {n}", email=email)
    return Member.objects.create(
        email=email,
        display_name=name or f"Member {n}",
        contact=contact,
        last_sign_in_at=timezone.now(),
    )


def member_client(member: Member) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    session = client.session
    session[MEMBER_SESSION_KEY] = member.pk
    session.save()
    return client


def make_thread(member: Member, topic: Topic, title: str = "Où est ma commande ?", **fields):
    return ask_question(
        Poster(member=member), topic_id=topic.pk, title=title, body=fields.pop("body", "Bonjour")
    )


def make_answer(poster: Poster, thread, body: str = "Regardez le suivi."):
    return answer_question(poster, thread, body)


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Livraison", slug="livraison")


@pytest.fixture
def asker(db):
    return make_member("Claire Asker")


@pytest.fixture
def helper(db):
    return make_member("Hugo Helper")


@pytest.fixture
def thread(asker, topic):
    return make_thread(asker, topic)
