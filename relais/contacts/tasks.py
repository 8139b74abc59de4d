"""Background tasks of the contacts app (run by `relais worker`)."""

from django_tasks import task

from relais.contacts.profile_lookup import look_up_profile


@task()
def look_up_profile_task(inbox_id: int, kind: str, value: str) -> str:
    return look_up_profile(inbox_id, kind, value)
