"""Celery entry points for articles. Thin: they take primary keys and call services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def extract_fetched_article(article_id: int) -> str:
    article = services.article_extract_fetched(article_id=article_id)
    return "nothing to do" if article is None else article.ingest_state
