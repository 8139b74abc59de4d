from django.contrib import admin
from django.urls import include, path

from relais.api.urls import api
from relais.connectors.webchat.views import demo_shop
from relais.connectors.webhook_views import webhook
from relais.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("webhooks/<slug:kind>/<slug:public_key>/", webhook, name="webhook"),
    path("widget/", include("relais.connectors.webchat.urls")),
    path("contact/", include("relais.connectors.webform.urls")),
    path("help/", include("relais.web.help_urls")),
    path("demo/shop/", demo_shop, name="demo-shop"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("relais.web.urls")),
]
