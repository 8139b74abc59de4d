from django.apps import AppConfig


class WebformAppConfig(AppConfig):
    """Registered as an app so that its templates and static files are found."""

    name = "relais.connectors.webform"
    label = "webform"
    verbose_name = "Web form"
