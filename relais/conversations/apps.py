from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "relais.conversations"
    label = "conversations"
