"""Webhook settings that cannot work are reported at start-up."""

from webhooks.checks import webhook_settings


def test_the_default_settings_pass():
    assert webhook_settings(None) == []


def test_settings_that_cannot_work_are_named(settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 0
    settings.WEBHOOK_TIMEOUT_SECONDS = settings.CELERY_TASK_SOFT_TIME_LIMIT + 1
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    settings.WEBHOOK_RETRY_MAX_SECONDS = 30

    errors = webhook_settings(None)

    assert {error.id for error in errors} == {"webhooks.E001", "webhooks.E003", "webhooks.E004"}
    assert any("WEBHOOK_TIMEOUT_SECONDS" in error.msg for error in errors)
