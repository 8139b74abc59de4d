"""The inbox list query on PostgreSQL: urgency order (NULLs last), views,
visibility and pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relais.conversations.models import Conversation, Priority, Status
from relais.conversations.queries import ConversationFilter, inbox_page
from tests.factories import make_agent, make_conversation, make_inbox, make_team
from tests.scaleout import needs_postgres

pytestmark = [needs_postgres, pytest.mark.django_db]


def conversation(inbox, *, priority=Priority.NORMAL, due_in=None, assignee=None, status=None):
    created = make_conversation(inbox)
    due_at = timezone.now() + due_in if due_in is not None else None
    Conversation.objects.filter(pk=created.pk).update(
        priority=priority, due_at=due_at, assignee=assignee, status=status or Status.OPEN
    )
    return created.pk


def ids(rows):
    return [row.pk for row in rows]


def test_most_urgent_first_and_no_deadline_last(inbox, agent):
    no_deadline = conversation(inbox, due_in=None)
    late = conversation(inbox, due_in=timedelta(minutes=-5))
    later = conversation(inbox, due_in=timedelta(minutes=30))
    urgent_no_deadline = conversation(inbox, priority=Priority.URGENT)
    low = conversation(inbox, priority=Priority.LOW, due_in=timedelta(minutes=-60))
    conversation(inbox, status=Status.RESOLVED, priority=Priority.URGENT)

    rows, has_next = inbox_page(agent, ConversationFilter(view="all"))

    assert ids(rows) == [urgent_no_deadline, late, later, no_deadline, low]
    assert not has_next


def test_views_split_mine_unassigned_and_other_agents(inbox, team, agent):
    colleague = make_agent(teams=[team])
    mine = conversation(inbox, assignee=agent)
    theirs = conversation(inbox, assignee=colleague)
    nobodys = conversation(inbox)

    def view(name):
        return set(ids(inbox_page(agent, ConversationFilter(view=name))[0]))

    assert view("mine") == {mine}
    assert view("unassigned") == {nobodys}
    assert view("all") == {mine, theirs, nobodys}


def test_agent_sees_only_team_inboxes_and_supervisor_narrows_to_own_teams(inbox, agent):
    elsewhere = make_inbox()
    visible = conversation(inbox)
    hidden = conversation(elsewhere)
    supervisor = make_agent("supervisor", teams=[make_team(inboxes=[elsewhere])])

    assert ids(inbox_page(agent, ConversationFilter(view="all"))[0]) == [visible]
    assert set(ids(inbox_page(supervisor, ConversationFilter(view="all"))[0])) == {
        visible,
        hidden,
    }
    assert ids(inbox_page(supervisor, ConversationFilter(view="teams"))[0]) == [hidden]


def test_pages_follow_each_other_without_gaps_in_one_query_each(inbox, agent):
    created = [conversation(inbox, due_in=timedelta(minutes=n)) for n in range(7)]
    flt = ConversationFilter(view="all")
    seen = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            rows, has_next = inbox_page(agent, flt, page=page, per_page=3)
        seen += ids(rows)
        assert has_next == (page < 3)
        # The agent's visible inboxes, then the page itself (joins, no N+1).
        assert len(queries) <= 2
        [row.contact.name for row in rows]  # select_related: no query
    assert seen == created
