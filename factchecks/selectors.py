"""Reads of the fact-check collection worth naming."""

from django.db.models import QuerySet

from .models import FactCheck, FeedSubscription, ImportRun


def factcheck_list() -> QuerySet[FactCheck]:
    """Fact-checks, newest review first, with their publisher, without the raw JSON (one
    query for a page of any size)."""
    return FactCheck.objects.select_related("publisher").defer("raw")


def factcheck_detail_queryset() -> QuerySet[FactCheck]:
    return FactCheck.objects.select_related("publisher")


def factchecks_written_by(*, import_run_id: int) -> QuerySet[FactCheck]:
    """The fact-checks an import added or changed (and no later import touched since)."""
    return FactCheck.objects.filter(last_import_id=import_run_id)


def feed_subscriptions() -> QuerySet[FeedSubscription]:
    """Subscribed feeds, by name (one query for a page of any size)."""
    return FeedSubscription.objects.order_by("name", "pk")


def import_runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("requested_by", "subscription")


def matches_for_text(*, text: str, language: str | None = None, limit: int = 5):
    """The fact-checks most likely to review the claim `text` makes, best first, with a
    score in [0, 1] (factchecks.matching.selectors.matches_for_text)."""
    from .matching.selectors import matches_for_text as _matches_for_text

    return _matches_for_text(text=text, language=language, limit=limit)
