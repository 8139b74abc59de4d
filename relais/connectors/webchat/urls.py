"""Mounted at /widget/ (the websocket is routed in relais/asgi.py)."""

from django.urls import path

from relais.connectors.webchat import helpbox_views, views

app_name = "webchat"
urlpatterns = [
    path("<str:public_key>.js", views.loader_script, name="loader"),
    path("<str:public_key>/frame/", views.frame, name="frame"),
    path("<str:public_key>/session", views.session, name="session"),
    path("<str:public_key>/help/open", helpbox_views.help_open, name="help_open"),
    path("<str:public_key>/help/search", helpbox_views.help_search, name="help_search"),
    path("<str:public_key>/help/step", helpbox_views.help_step, name="help_step"),
]
