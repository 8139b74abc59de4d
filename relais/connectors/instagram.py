"""Instagram direct messages and comments (Meta webhooks, object "instagram").

Private messages from an IGSID; comments on the account's media (`comments`
field) as public conversations, answered by a reply
(`POST /{comment-id}/replies`) or a private reply. The commenter's id is the
same IGSID as in direct messages: one contact. See meta/social.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from relais.connectors.meta.social import SocialConfig, SocialConnector

INSTAGRAM_KIND = "instagram"


class InstagramConfig(SocialConfig):
    instagram_account_id: str = Field(pattern=r"^\d{1,32}$")


class InstagramConnector(SocialConnector):
    kind = INSTAGRAM_KIND
    label = _("Instagram")
    config_model = InstagramConfig
    # The Send API takes Instagram files by public URL only, which Relais does
    # not expose: text only.
    supports_attachments = False
    object_type = "instagram"
    account_field = "instagram_account_id"
    message_identity = "instagram"
    comment_identity = "instagram"
    profile_fields = "name,username"
    max_text_length = 1000
    comment_reply_edge = "replies"
