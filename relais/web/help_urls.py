"""Mounted at /help/: the public help center."""

from django.urls import path

from relais.web import help_views

app_name = "help"

urlpatterns = [
    path("", help_views.help_root, name="root"),
    path("sitemap.xml", help_views.sitemap, name="sitemap"),
    path("<str:lang>/", help_views.home, name="home"),
    path("<str:lang>/search/", help_views.search, name="search"),
    path("<str:lang>/contact/", help_views.escalate, name="escalate"),
    path("<str:lang>/c/<slug:slug>/", help_views.category, name="category"),
    path("<str:lang>/a/<slug:slug>/", help_views.article, name="article"),
    path("<str:lang>/a/<slug:slug>/rate/", help_views.rate, name="rate"),
]
