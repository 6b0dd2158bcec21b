"""Reads of articles worth naming."""

from django.db.models import Prefetch, QuerySet

from reviews.models import Claim

from .models import Article, ArticleLink


def article_list() -> QuerySet[Article]:
    return Article.objects.order_by("-created_at", "-id")


def article_detail_queryset() -> QuerySet[Article]:
    return Article.objects.prefetch_related(
        Prefetch(
            "claims",
            queryset=Claim.objects.select_related("article", "assignee").order_by("start"),
        ),
        Prefetch("links", queryset=ArticleLink.objects.select_related("source")),
    )
