"""Background tasks of the forum (run by `relais worker`)."""

from django_tasks import task

from relais.community.mail import send_sign_in_mail


@task()
def send_sign_in_mail_task(email: str, link: str, language: str) -> None:
    send_sign_in_mail(email=email, link=link, language=language)
