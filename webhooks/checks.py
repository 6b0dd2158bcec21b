"""Start-up checks for webhook settings that would run but misbehave."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def webhook_settings(app_configs, **kwargs):
    errors = []
    if settings.WEBHOOK_MAX_ATTEMPTS < 1:
        errors.append(
            Error(
                "WEBHOOK_MAX_ATTEMPTS must be at least 1.",
                hint="Set it to how many times a delivery may be tried, e.g. 10.",
                id="webhooks.E001",
            )
        )
    if settings.WEBHOOK_TIMEOUT_SECONDS <= 0:
        errors.append(Error("WEBHOOK_TIMEOUT_SECONDS must be positive.", id="webhooks.E002"))
    elif settings.WEBHOOK_TIMEOUT_SECONDS >= settings.CELERY_TASK_SOFT_TIME_LIMIT:
        errors.append(
            Error(
                "WEBHOOK_TIMEOUT_SECONDS is not below CELERY_TASK_SOFT_TIME_LIMIT: a slow "
                "receiver would get the delivery task killed instead of timing out.",
                hint="Lower WEBHOOK_TIMEOUT_SECONDS (e.g. 10) or raise the task time limits.",
                id="webhooks.E003",
            )
        )
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    if base <= 0 or base > settings.WEBHOOK_RETRY_MAX_SECONDS:
        errors.append(
            Error(
                "WEBHOOK_RETRY_BASE_SECONDS must be positive and WEBHOOK_RETRY_MAX_SECONDS at "
                "least as large.",
                id="webhooks.E004",
            )
        )
    return errors
