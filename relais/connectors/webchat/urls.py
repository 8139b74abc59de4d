"""Mounted at /widget/ (the websocket is routed in relais/asgi.py)."""

from django.urls import path

from relais.connectors.webchat import views

app_name = "webchat"
urlpatterns = [
    path("<str:public_key>.js", views.loader_script, name="loader"),
    path("<str:public_key>/frame/", views.frame, name="frame"),
    path("<str:public_key>/session", views.session, name="session"),
]
