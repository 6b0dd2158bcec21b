"""Celery entry points for articles. Thin: they take primary keys and call services."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def extract_fetched_article(article_id: int) -> str:
    try:
        article = services.article_extract_fetched(article_id=article_id)
    except Exception as exc:
        # The extraction's transaction is rolled back, so the failure is recorded in a
        # fresh one; left fetching, the article would only be retried by the sweep.
        logger.exception("Extracting fetched article %s failed.", article_id)
        article = services.article_fetch_failed(
            article_id=article_id,
            reason=(
                f"Claims could not be extracted from the fetched page ({type(exc).__name__}); "
                "submit the URL again to retry."
            ),
        )
    return "nothing to do" if article is None else article.ingest_state


@shared_task(ignore_result=True)
def sweep_articles() -> int:
    return services.articles_sweep()
