"""Celery entry points for feed subscriptions and our own verdicts in the collection. Thin:
they take primary keys and call services."""

from celery import shared_task

from . import own, services
from .matching.services import factcheck_embeddings_write

# Reading a large feed and writing its items takes longer than the service's default limits.
REFRESH_SOFT_TIME_LIMIT = 600
REFRESH_TIME_LIMIT = 660
# Embedding is the encoder's work: a batch of a few hundred takes seconds on a CPU.
EMBED_SOFT_TIME_LIMIT = 600
EMBED_TIME_LIMIT = 660
# Published verdicts the sweep writes into the collection per run; a backlog (the verdicts
# published before they joined it) is worked off run by run, or at once by
# rebuild_match_index.
OWN_SWEEP_LIMIT = 2000


@shared_task(ignore_result=True)
def refresh_due_subscriptions() -> int:
    """Beat's sweep: hand the subscriptions that are due to workers."""
    return services.subscriptions_refresh_due()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=REFRESH_SOFT_TIME_LIMIT,
    time_limit=REFRESH_TIME_LIMIT,
)
def refresh_subscription(subscription_id: int) -> str:
    """Refresh one subscribed feed. Safe to run twice: a refresh adds and updates, never
    duplicates."""
    run = services.subscription_refresh(subscription_id=subscription_id)
    if run is None:
        return "nothing to do"
    return run.state


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=EMBED_SOFT_TIME_LIMIT,
    time_limit=EMBED_TIME_LIMIT,
)
def embed_factchecks(factcheck_ids: list[int]) -> int:
    """Embed these fact-checks, so that each process's matching index catches up with them.
    Safe to run twice: unchanged texts are skipped, deleted fact-checks passed over."""
    return factcheck_embeddings_write(factcheck_ids=sorted(factcheck_ids))


@shared_task(ignore_result=True, soft_time_limit=EMBED_SOFT_TIME_LIMIT, time_limit=EMBED_TIME_LIMIT)
def sync_own_factchecks() -> int:
    """Beat's sweep: published verdicts a lost announcement left out of the collection, or in
    it as they stood before a correction."""
    return own.own_factchecks_sync(limit=OWN_SWEEP_LIMIT)
