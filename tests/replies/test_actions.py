import pytest

from relais.accounts.access import NotVisible
from relais.accounts.models import Role
from relais.connectors.base import IdentityRef
from relais.conversations.errors import InvalidInput, NotAllowed
from relais.core.models import Event
from relais.replies.actions import (
    SavedReplyFields,
    access_saved_reply,
    create_saved_reply,
    render_saved_reply,
    replies_for_conversation,
    update_saved_reply,
    visible_saved_replies,
)
from relais.replies.models import SavedReply, Scope
from tests.factories import make_agent, make_conversation, make_email_inbox

pytestmark = pytest.mark.django_db

GREETING = SavedReplyFields(
    title="Bonjour",
    shortcut="bonjour",
    body="Bonjour {{ contact.first_name }}, {{ agent.first_name }} ici. {{conversation.reference}}",
    body_short="Salut {{ contact.first_name }} !",
    body_email="Madame, Monsieur {{ contact.name }},\n\nCordialement,\n{{ agent.name }}",
)


def _fields(**changes) -> SavedReplyFields:
    return SavedReplyFields(**{**vars(GREETING), **changes})


def test_agent_creates_a_personal_reply(agent):
    reply = create_saved_reply(agent, _fields(shortcut="/Bonjour"))
    assert reply.shortcut == "bonjour" and reply.owner == agent
    assert Event.objects.get(kind="saved_reply.created").actor == agent


def test_agent_cannot_share_a_reply(agent, team):
    for scope in (Scope.TEAM, Scope.EVERYONE):
        with pytest.raises(NotAllowed):
            create_saved_reply(agent, _fields(scope=scope, team_id=team.pk))
    assert not SavedReply.objects.exists()


def test_supervisor_shares_with_a_team_seen_only_by_its_members(supervisor, team, agent, outsider):
    reply = create_saved_reply(supervisor, _fields(scope=Scope.TEAM, team_id=team.pk))
    assert reply in visible_saved_replies(agent)
    assert reply not in visible_saved_replies(outsider)
    with pytest.raises(NotVisible):
        access_saved_reply(outsider, reply.pk)


def test_team_scope_needs_a_team(supervisor):
    with pytest.raises(InvalidInput):
        create_saved_reply(supervisor, _fields(scope=Scope.TEAM))


@pytest.mark.parametrize(
    "changes", [{"shortcut": "deux mots"}, {"title": " "}, {"body": ""}, {"scope": "world"}]
)
def test_bad_replies_are_refused(agent, changes):
    with pytest.raises(InvalidInput):
        create_saved_reply(agent, _fields(**changes))


def test_personal_replies_are_private(agent, outsider):
    reply = create_saved_reply(agent, _fields())
    assert reply not in visible_saved_replies(outsider)
    with pytest.raises(NotAllowed):
        update_saved_reply(outsider, reply, {"title": "Volé"})


def test_agent_cannot_edit_a_shared_reply(supervisor, agent):
    shared = create_saved_reply(supervisor, _fields(scope=Scope.EVERYONE))
    with pytest.raises(NotAllowed):
        update_saved_reply(agent, shared, {"body": "changé"})
    update_saved_reply(make_agent(Role.ADMIN), shared, {"body": "Bonjour !"})
    assert SavedReply.objects.get(pk=shared.pk).body == "Bonjour !"


def test_update_records_the_changed_fields(agent):
    reply = create_saved_reply(agent, _fields())
    update_saved_reply(agent, reply, {"title": "Salutation", "body": reply.body})
    assert Event.objects.get(kind="saved_reply.updated").data["fields"] == ["title"]


def test_rendered_for_a_chat_uses_the_short_variant(agent, inbox):
    reply = create_saved_reply(agent, _fields())
    conversation = make_conversation(inbox, contact_name="Claire Dubois")
    assert render_saved_reply(agent, reply, conversation) == "Salut Claire !"


def test_rendered_for_an_email_uses_the_formal_variant(agent, team):
    inbox = make_email_inbox(teams=[team])
    conversation = make_conversation(
        inbox, identities=[IdentityRef("email", "c@example.com")], contact_name="Claire Dubois"
    )
    text = render_saved_reply(agent, create_saved_reply(agent, _fields()), conversation)
    assert text == "Madame, Monsieur Claire Dubois,\n\nCordialement,\nAlice Martin"


def test_rendered_default_fills_reference_and_keeps_unknown_and_empty_variables(agent, inbox):
    reply = create_saved_reply(
        agent, _fields(body_short="", body=GREETING.body + " {{ contact.vip }}")
    )
    conversation = make_conversation(inbox)  # a visitor without a name
    text = render_saved_reply(agent, reply, conversation)
    reference = f"[#{conversation.pk}]"
    assert (
        text
        == f"Bonjour {{{{ contact.first_name }}}}, Alice ici. {reference} {{{{ contact.vip }}}}"
    )


def test_picker_offers_personal_first_and_the_contacts_language(agent, supervisor, inbox):
    create_saved_reply(supervisor, _fields(title="A partagée", scope=Scope.EVERYONE))
    create_saved_reply(agent, _fields(title="Z perso", shortcut="z"))
    create_saved_reply(agent, _fields(title="English", shortcut="hello", language="en"))
    conversation = make_conversation(inbox)
    conversation.contact.locale = "fr"
    titles = [reply.title for reply in replies_for_conversation(agent, conversation)]
    assert titles == ["Z perso", "A partagée"]
