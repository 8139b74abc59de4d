from django.apps import AppConfig


class WebchatAppConfig(AppConfig):
    """Registered as an app so that its templates and static files are found."""

    name = "relais.connectors.webchat"
    label = "webchat"
    verbose_name = "Web chat"
