"""Start-up checks for configurations that would run but misbehave in production."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.database, deploy=True)
def production_services_configured(app_configs, **kwargs):
    errors = []
    if settings.EMBEDDED_DATABASE:
        errors.append(
            Error(
                "No DATABASE_URL is set: the service would use the embedded SQLite database.",
                hint="Set DATABASE_URL, e.g. postgres://user:password@db:5432/factcheck.",
                id="factcheck.E001",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "No CELERY_BROKER_URL is set: background work would run inside web requests.",
                hint="Set CELERY_BROKER_URL, e.g. redis://redis:6379/0.",
                id="factcheck.E002",
            )
        )
    return errors


@register()
def throttle_rate_readable(app_configs, **kwargs):
    from .throttling import PerTokenRateThrottle, parse_rate

    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(PerTokenRateThrottle.scope)
    if rate is None:
        return []
    try:
        parse_rate(rate)
    except ValueError as exc:
        return [Error(str(exc), hint="Fix API_THROTTLE_RATE.", id="factcheck.E003")]
    return []
