import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("factcheck")


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = "Fact-check service"

    def ready(self) -> None:
        from . import api_schema, checks  # noqa: F401  (registers checks and schema extensions)

        if settings.EMBEDDED_DATABASE or settings.CELERY_TASK_ALWAYS_EAGER:
            parts = []
            if settings.EMBEDDED_DATABASE:
                parts.append(f"SQLite at {settings.DATABASES['default']['NAME']}")
            if settings.CELERY_TASK_ALWAYS_EAGER:
                parts.append("Celery tasks run in-process (no CELERY_BROKER_URL)")
            logger.info("Embedded default in use: %s.", "; ".join(parts))
