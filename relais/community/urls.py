from django.urls import path

from relais.community import posts, sign_in_views, views

app_name = "community"
urlpatterns = [
    path("", views.index, name="index"),
    path("ask/", views.ask_page, name="ask"),
    path("ask/post/", posts.ask, name="ask_post"),
    path("q/<int:thread_id>/", views.thread_page, name="thread"),
    path("q/<int:thread_id>/answer/", posts.answer, name="answer"),
    path("q/<int:thread_id>/moderate/", posts.moderate_thread, name="moderate_thread"),
    path("p/<int:post_id>/vote/", posts.vote, name="vote"),
    path("p/<int:post_id>/accept/", posts.accept, name="accept"),
    path("p/<int:post_id>/flag/", posts.flag, name="flag"),
    path("p/<int:post_id>/moderate/", posts.moderate_post, name="moderate_post"),
    path("sign-in/", sign_in_views.sign_in, name="sign_in"),
    path("sign-in/<str:token>/", sign_in_views.sign_in_confirm, name="sign_in_confirm"),
    path("sign-out/", sign_in_views.sign_out, name="sign_out"),
]
