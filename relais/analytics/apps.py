from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "relais.analytics"
    label = "analytics"
    verbose_name = "Analytics"
