"""Celery entry points for feed subscriptions. Thin: they take primary keys and call services."""

from celery import shared_task

from . import services

# Reading a large feed and writing its items takes longer than the service's default limits.
REFRESH_SOFT_TIME_LIMIT = 600
REFRESH_TIME_LIMIT = 660


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
