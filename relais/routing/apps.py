from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "relais.routing"
    label = "routing"
