"""Facebook Messenger and Page comments (Meta webhooks, object "page").

Private messages from a PSID; comments on the Page's posts (`feed` field, item
comment) as public conversations, answered by a reply comment
(`POST /{comment-id}/comments`) or a private reply. See meta/social.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from relais.connectors.meta.social import SocialConfig, SocialConnector

MESSENGER_KIND = "messenger"


class MessengerConfig(SocialConfig):
    page_id: str = Field(pattern=r"^\d{1,32}$")


class MessengerConnector(SocialConnector):
    kind = MESSENGER_KIND
    label = _("Facebook Messenger")
    config_model = MessengerConfig
    supports_attachments = True
    object_type = "page"
    account_field = "page_id"
    message_identity = "messenger"  # the page-scoped id (PSID)
    # A commenter's id is not their PSID: a separate kind, so as not to merge
    # two different people if Meta's id spaces ever overlap.
    comment_identity = "facebook"
    profile_fields = "first_name,last_name"
    max_text_length = 2000
    comment_reply_edge = "comments"
