"""The inbox filter as it travels in query strings: parsed leniently (a bad
value falls back to its default, it never errors) and written back so that links
from the list to a conversation, and the "next" shortcut, keep the agent's view."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.http import QueryDict

from relais.conversations.models import Status
from relais.conversations.queries import VIEWS, ConversationFilter

ANY_STATUS = "any"
STATUS_CHOICES = (*Status.values, ANY_STATUS)
MAX_QUERY_LENGTH = 200
MAX_PAGE = 10_000


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox shows: the filter, the page, and the raw status choice."""

    filter: ConversationFilter
    status_choice: str
    page: int = 1

    def querystring(self, *, page: int | None = None) -> str:
        """The filter as a query string, without defaults (short, stable links)."""
        params = QueryDict(mutable=True)
        if self.filter.view != "mine":
            params["view"] = self.filter.view
        if self.status_choice != Status.OPEN:
            params["status"] = self.status_choice
        for name in ("channel", "tag", "q"):
            if value := getattr(self.filter, name):
                params[name] = value
        page = self.page if page is None else page
        if page > 1:
            params["page"] = str(page)
        return params.urlencode()

    def with_view(self, view: str) -> InboxQuery:
        return replace(self, filter=replace(self.filter, view=view), page=1)


def parse_inbox_query(params: QueryDict) -> InboxQuery:
    view = params.get("view", "mine")
    status = params.get("status", Status.OPEN)
    if status not in STATUS_CHOICES:
        status = Status.OPEN
    flt = ConversationFilter(
        view=view if view in VIEWS else "mine",
        status=None if status == ANY_STATUS else status,
        channel=params.get("channel", "").strip()[:32] or None,
        tag=params.get("tag", "").strip()[:64] or None,
        q=params.get("q", "").strip()[:MAX_QUERY_LENGTH],
    )
    return InboxQuery(filter=flt, status_choice=status, page=_page_number(params.get("page")))


def _page_number(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except ValueError:
        return 1
