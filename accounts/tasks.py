"""Periodic housekeeping of accounts."""

from celery import shared_task
from django.utils import timezone
from knox.models import AuthToken


@shared_task(ignore_result=True)
def delete_expired_tokens() -> int:
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
