"""Account Activity events into InboundMessages and statuses (pure).

Direct messages are private conversations; tweets that mention the account
are public ones, threaded by the tweet they reply to. Our own account's
events (our DMs and tweets echoed back) are ignored, as are other event
types (follows, favorites, typing…).
"""

from __future__ import annotations

from typing import Any

from relais.connectors.base import IdentityRef, InboundMessage
from relais.connectors.webhooks import MalformedPayload, StatusUpdate, WebhookResult

HANDLED = {"for_user_id", "users", "direct_message_events", "tweet_create_events",
           "direct_message_mark_read_events", "user_has_blocked"}  # fmt: skip


def x_identity(user_id: str) -> IdentityRef:
    return IdentityRef("x", str(user_id), verified=True)


def parse_events(inbox_id: int, payload: dict[str, Any], own_id: str) -> WebhookResult:
    result = WebhookResult()
    for_user = str(payload.get("for_user_id") or "")
    if own_id and for_user and for_user != own_id:
        result.ignored.append(f"events for another account ({for_user})")
        return result
    users = payload.get("users") if isinstance(payload.get("users"), dict) else {}
    for event in _list(payload, "direct_message_events"):
        _direct_message(inbox_id, event, users, own_id, result)
    for tweet in _list(payload, "tweet_create_events"):
        _tweet(inbox_id, tweet, own_id, result)
    for read in _list(payload, "direct_message_mark_read_events"):
        last = str(read.get("last_read_event_id") or "")
        if last and str(read.get("sender_id")) != own_id:
            result.statuses.append(StatusUpdate(last, "read"))
    result.ignored += [key for key in payload if key not in HANDLED]
    return result


def _list(payload: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = payload.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise MalformedPayload(f"{key} must be a list of objects")
    return items


def _direct_message(
    inbox_id: int,
    event: dict[str, Any],
    users: dict[str, Any],
    own_id: str,
    result: WebhookResult,
) -> None:
    if event.get("type") != "message_create":
        result.ignored.append(f"direct message event {event.get('type')}")
        return
    create = event.get("message_create")
    if not isinstance(create, dict) or not event.get("id"):
        raise MalformedPayload("a direct message event needs id and message_create")
    sender = str(create.get("sender_id") or "")
    if not sender:
        raise MalformedPayload("a direct message needs sender_id")
    if sender == own_id:
        result.ignored.append(f"our own direct message {event['id']}")
        return
    user = users.get(sender) if isinstance(users.get(sender), dict) else {}
    text = str((create.get("message_data") or {}).get("text") or "")
    result.messages.append(
        InboundMessage(
            inbox_id=inbox_id,
            body=text or "(…)",
            identities=[x_identity(sender)],
            provider_message_id=f"dm:{event['id']}",
            contact_name=str(user.get("name") or user.get("screen_name") or ""),
            metadata={"x_handle": str(user.get("screen_name") or "")},
        )
    )


def _tweet(inbox_id: int, tweet: dict[str, Any], own_id: str, result: WebhookResult) -> None:
    tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
    user = tweet.get("user")
    if not tweet_id or not isinstance(user, dict):
        raise MalformedPayload("a tweet event needs id_str and user")
    author = str(user.get("id_str") or user.get("id") or "")
    if author == own_id:
        result.ignored.append(f"our own tweet {tweet_id}")
        return
    if tweet.get("retweeted_status"):
        result.ignored.append(f"retweet {tweet_id}")
        return
    text = (tweet.get("extended_tweet") or {}).get("full_text") or tweet.get("text") or ""
    replied = str(tweet.get("in_reply_to_status_id_str") or "")
    result.messages.append(
        InboundMessage(
            inbox_id=inbox_id,
            body=str(text) or "(…)",
            identities=[x_identity(author)],
            provider_message_id=f"tweet:{tweet_id}",
            contact_name=str(user.get("name") or user.get("screen_name") or ""),
            metadata={"x_handle": str(user.get("screen_name") or ""), "x_tweet_id": tweet_id},
            public=True,
            in_reply_to=f"tweet:{replied}" if replied else "",
        )
    )
