"""Celery entry points for fetching. Thin: they take primary keys and call services."""

import logging

from celery import shared_task

from . import services
from .fetcher import fetch_url, policy_from_settings

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def fetch_source(source_id: int) -> str:
    """Fetch one source if it is due. Safe to run twice: a fetched source is left alone."""
    try:
        source = services.source_claim_for_fetch(source_id=source_id)
    except services.HostBusy as busy:
        services.source_release_for_later(source_id=source_id, retry_in=busy.retry_in)
        return "deferred"
    if source is None:
        return "nothing to do"
    result = fetch_url(source.url, policy=policy_from_settings())
    snapshot = services.source_record_result(source=source, result=result)
    if snapshot is None:
        return "superseded"
    return snapshot.error_kind or "fetched"


@shared_task(ignore_result=True)
def sweep_sources() -> int:
    return services.sources_sweep()
