"""Celery entry points for notifications."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def notify_leases_ending() -> int:
    """Tell holders whose lease runs out within minutes, once per lease (beat, every minute)."""
    return services.notify_leases_ending()
