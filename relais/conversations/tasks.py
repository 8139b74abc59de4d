"""Background tasks of the conversations app (run by `relais worker`)."""

from django_tasks import task

from relais.conversations.media_fetch import fetch_pending_media
from relais.conversations.outbox import deliver_message


@task()
def deliver_message_task(message_id: int) -> str:
    return deliver_message(message_id)


@task()
def fetch_media_task(message_id: int) -> str:
    return fetch_pending_media(message_id)
