"""Celery entry points of matching. Thin: they take primary keys and call services."""

from celery import shared_task

from ..selectors import factchecks_written_by
from . import services

EMBED_SOFT_TIME_LIMIT = 1800
EMBED_TIME_LIMIT = 1860
# Vectors the periodic sweep writes per run; a larger backlog is worked off run by run.
SWEEP_LIMIT = 5000


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=EMBED_SOFT_TIME_LIMIT,
    time_limit=EMBED_TIME_LIMIT,
)
def embed_imported_factchecks(import_run_id: int) -> int:
    """Embed what an import added or changed. Safe to run twice: unchanged texts are
    skipped."""
    ids = factchecks_written_by(import_run_id=import_run_id).values_list("pk", flat=True)
    return services.factcheck_embeddings_write(factcheck_ids=ids.order_by("pk"))


@shared_task(ignore_result=True, soft_time_limit=EMBED_SOFT_TIME_LIMIT, time_limit=EMBED_TIME_LIMIT)
def embed_missing_factchecks() -> int:
    """Beat's sweep: vectors a lost message or a new model left unwritten."""
    return services.factcheck_embeddings_refresh(limit=SWEEP_LIMIT)
