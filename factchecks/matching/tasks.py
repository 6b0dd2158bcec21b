"""Celery entry points of matching. Thin: they take primary keys and call services."""

from celery import shared_task

from ..selectors import factchecks_written_by
from . import claims, services

EMBED_SOFT_TIME_LIMIT = 1800
EMBED_TIME_LIMIT = 1860
# Vectors the periodic sweep writes per run; a larger backlog is worked off run by run.
SWEEP_LIMIT = 5000
# Claims the periodic sweep matches per run (about 40 ms each at a million fact-checks).
CLAIM_SWEEP_LIMIT = 500
MATCH_SOFT_TIME_LIMIT = 300
MATCH_TIME_LIMIT = 330


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


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=MATCH_SOFT_TIME_LIMIT,
    time_limit=MATCH_TIME_LIMIT,
)
def match_extracted_claims(claim_ids: list[int]) -> int:
    """Match newly extracted claims against the collection. Safe to run twice."""
    return claims.claims_match(claim_ids=claim_ids)


@shared_task(ignore_result=True, soft_time_limit=MATCH_SOFT_TIME_LIMIT, time_limit=MATCH_TIME_LIMIT)
def match_claims_sweep() -> int:
    """Beat's sweep: claims a lost message left unmatched, and claims matched before the
    collection grew (what was imported since may review them)."""
    return claims.claims_match(claim_ids=claims.claims_needing_match(limit=CLAIM_SWEEP_LIMIT))
