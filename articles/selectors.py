"""Reads of articles worth naming."""

import contextlib

from django.db.models import Prefetch, QuerySet

from reviews import selectors as review_selectors
from reviews.models import Claim

from .models import Article, ArticleLink


def articles_in_newsroom() -> QuerySet[Article]:
    """Every article but those removed (`services.article_remove`), which no list, page or
    answer shows."""
    return Article.objects.filter(removed_at__isnull=True)


def article_list() -> QuerySet[Article]:
    return articles_in_newsroom().order_by("-created_at", "-id")


def article_exists(*, article_id: int) -> bool:
    return Article.objects.filter(pk=article_id).exists()


def article_detail_queryset() -> QuerySet[Article]:
    return articles_in_newsroom().prefetch_related(
        Prefetch(
            "claims",
            queryset=Claim.objects.select_related("article", "assignee").order_by("start"),
        ),
        Prefetch("links", queryset=ArticleLink.objects.select_related("source")),
    )


def article_by_url(url: str, *, among: QuerySet[Article] | None = None) -> Article | None:
    """The article submitted from, or published at, `url` (also in normalised form), of
    `among` (by default, every article in the newsroom)."""
    from django.db.models import Q

    from sources.fetcher import InvalidURLError, normalize_url

    candidates = {url}
    with contextlib.suppress(InvalidURLError):
        candidates.add(normalize_url(url))
    articles = articles_in_newsroom() if among is None else among
    return (
        articles.filter(Q(source_url__in=candidates) | Q(canonical_url__in=candidates))
        .order_by("-created_at")
        .first()
    )


def article_list_with_claim_counts() -> QuerySet[Article]:
    """`article_list`, each article with the counts of its claims that
    `reviews.selectors.with_claim_counts` adds."""
    return review_selectors.with_claim_counts(article_list())
