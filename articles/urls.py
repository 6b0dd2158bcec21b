from django.urls import path

from . import views

urlpatterns = [
    path("articles/", views.article_list, name="article-list"),
    path("articles/new/", views.article_new, name="article-new"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("articles/<int:pk>/status/", views.article_ingest_status, name="article-ingest-status"),
    path("articles/<int:pk>/retry/", views.article_retry, name="article-retry"),
    path("articles/<int:pk>/remove/", views.article_remove, name="article-remove"),
]
