from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "relais.routing"
    label = "routing"
    verbose_name = _("Routing and service levels")

    def ready(self) -> None:
        from relais.routing.config import connect_signals

        connect_signals()
