"""Reactions to other apps' events; each hands over to a service or task at once."""

from django.dispatch import receiver

from sources.signals import source_fetch_failed, source_fetched

from .models import Article


@receiver(source_fetched)
def extract_articles_waiting_on_source(sender, source_id: int, snapshot_id: int, **kwargs):
    from .tasks import extract_fetched_article

    waiting = Article.objects.filter(
        source_id=source_id, ingest_state=Article.IngestState.FETCHING
    ).values_list("pk", flat=True)
    for article_id in waiting:
        extract_fetched_article.delay(article_id)


@receiver(source_fetch_failed)
def fail_articles_waiting_on_source(sender, source_id: int, reason: str, **kwargs):
    from . import services

    waiting = Article.objects.filter(
        source_id=source_id, ingest_state=Article.IngestState.FETCHING
    ).values_list("pk", flat=True)
    for article_id in waiting:
        services.article_fetch_failed(article_id=article_id, reason=reason)


__all__ = ["extract_articles_waiting_on_source", "fail_articles_waiting_on_source"]
