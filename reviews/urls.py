from django.urls import path

from . import views

urlpatterns = [
    path("verdicts/<int:pk>/", views.verdict_public, name="verdict-public"),
    path("articles/<int:pk>/summary/", views.article_public, name="article-public"),
]
