from relais.connectors.base import IdentityRef
from tests.api.conftest import error_code
from tests.factories import make_conversation


def contact_of(conversation):
    return conversation.contact


def test_agent_sees_only_contacts_who_wrote_to_their_inboxes(inbox, outsider, as_agent):
    ours = contact_of(make_conversation(inbox))
    theirs = contact_of(make_conversation(outsider.teams.get().inboxes.get()))
    response = as_agent.get("/contacts")
    assert [c["id"] for c in response.json()["items"]] == [ours.pk]
    assert as_agent.get(f"/contacts/{theirs.pk}").status_code == 404
    assert error_code(as_agent.get(f"/contacts/{theirs.pk}")) == "not_found"


def test_supervisor_sees_every_contact(inbox, outsider, as_supervisor):
    first = contact_of(make_conversation(inbox))
    second = contact_of(make_conversation(outsider.teams.get().inboxes.get()))
    items = as_supervisor.get("/contacts").json()["items"]
    assert [c["id"] for c in items] == [second.pk, first.pk]


def test_contact_detail_lists_identities(inbox, as_agent):
    conversation = make_conversation(
        inbox,
        contact_name="Chloé Petit",
        identities=[IdentityRef("visitor", "v-1"), IdentityRef("email", "chloe@example.com")],
    )
    data = as_agent.get(f"/contacts/{conversation.contact_id}").json()
    assert data["name"] == "Chloé Petit"
    assert {(i["kind"], i["value"]) for i in data["identities"]} == {
        ("visitor", "v-1"),
        ("email", "chloe@example.com"),
    }


def test_contact_with_two_conversations_is_listed_once(inbox, as_agent):
    first = make_conversation(inbox, visitor="same")
    from relais.conversations.actions import set_status

    set_status(first, "resolved", by=None)
    make_conversation(inbox, visitor="same")
    assert len(as_agent.get("/contacts").json()["items"]) == 1


def test_q_filters_contacts_by_name_email_or_phone(inbox, as_agent):
    chloe = contact_of(make_conversation(inbox, contact_name="Chloé Petit"))
    bob = contact_of(make_conversation(inbox, contact_email="bob@shop.example"))
    phone = contact_of(make_conversation(inbox))
    phone.phone = "+33612345678"
    phone.save()
    for q, expected in [("chloé", chloe), ("SHOP.example", bob), ("612345", phone)]:
        items = as_agent.get("/contacts", q=q).json()["items"]
        assert [c["id"] for c in items] == [expected.pk], q


def test_contacts_paginate_with_a_cursor(inbox, as_agent):
    created = [contact_of(make_conversation(inbox)).pk for _ in range(3)]
    first = as_agent.get("/contacts", limit=2).json()
    second = as_agent.get("/contacts", limit=2, cursor=first["next"]).json()
    assert [c["id"] for c in first["items"] + second["items"]] == created[::-1]
    assert second["next"] is None
