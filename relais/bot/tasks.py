"""The bot's background task (run by `relais worker`, after the customer's
message is committed)."""

from django_tasks import task

from relais.bot.actions import answer_customer


@task()
def bot_answer_task(message_id: int) -> str:
    return answer_customer(message_id)
