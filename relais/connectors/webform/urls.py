"""Mounted at /contact/: the public contact form of an e-mail inbox."""

from django.urls import path

from relais.connectors.webform import views

app_name = "webform"

urlpatterns = [
    path("<str:public_key>/", views.contact_form, name="form"),
    path("<str:public_key>/thanks/<str:token>/", views.thanks, name="thanks"),
]
