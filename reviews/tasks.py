"""Celery entry points for the review workflow."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def expire_claim_leases() -> int:
    """Return claims whose lease ran out to the queue, so listings show them as queued."""
    return services.claims_expire_leases()
