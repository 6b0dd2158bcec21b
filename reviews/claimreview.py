"""schema.org ClaimReview for published verdicts, as search engines and aggregators read it.

Google requires `claimReviewed`, `reviewRating` (with `alternateName`) and `url`, and
recommends `author`, `datePublished` and `itemReviewed` (a Claim with its `author`,
`datePublished` and `appearance`). Every item built here carries all of them.
"""

from django.conf import settings
from django.urls import reverse

from .models import Verdict
from .ratings import BEST_RATING, RATING_SCALE, WORST_RATING


def absolute_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL + path


def verdict_public_url(verdict: Verdict) -> str:
    return absolute_url(reverse("verdict-public", args=[verdict.pk]))


def article_public_url(article) -> str:
    """Where the claim appeared: the article's own URL, else its page on this service."""
    return (
        article.canonical_url
        or article.source_url
        or absolute_url(reverse("article-public", args=[article.pk]))
    )


def publisher_organization() -> dict:
    return {"@type": "Organization", "name": settings.PUBLISHER_NAME, "url": settings.PUBLISHER_URL}


def _claim_author(claim) -> dict:
    if claim.claimant:
        return {"@type": "Person", "name": claim.claimant}
    article = claim.article
    if article.publisher:
        return {"@type": "Organization", "name": article.publisher}
    if article.byline:
        return {"@type": "Person", "name": article.byline}
    return {"@type": "Organization", "name": "Unknown"}


def _date(value) -> str | None:
    return value.date().isoformat() if value else None


def claimreview_for_verdict(verdict: Verdict) -> dict:
    """The ClaimReview of a published verdict. Caller selects claim__article."""
    claim = verdict.claim
    article = claim.article
    rating = RATING_SCALE[verdict.rating]
    item_reviewed = {
        "@type": "Claim",
        "author": _claim_author(claim),
        "datePublished": _date(article.published_at) or _date(claim.created_at),
        "appearance": [
            {
                "@type": "CreativeWork",
                "url": article_public_url(article),
                "headline": article.title or None,
            }
        ],
    }
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": verdict_public_url(verdict),
        "claimReviewed": claim.text,
        "headline": verdict.headline,
        "datePublished": _date(verdict.published_at),
        "author": publisher_organization(),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating.value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": rating.label,
        },
        "itemReviewed": item_reviewed,
    }
    return _without_empty(review)


def _without_empty(value):
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def claimreview_feed(verdicts) -> dict:
    """A schema.org DataFeed whose items are the verdicts' ClaimReviews."""
    return {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{settings.PUBLISHER_NAME} fact checks",
        "publisher": publisher_organization(),
        "dataFeedElement": [
            {
                "@type": "DataFeedItem",
                "dateCreated": _date(v.published_at),
                "item": claimreview_for_verdict(v),
            }
            for v in verdicts
        ],
    }
