"""Liveness of the service's dependencies, for load balancers and orchestrators."""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

BROKER_TIMEOUT_SECONDS = 2.0


def _database_state() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason is reported
        return {"state": "down", "error": exc.__class__.__name__ + ": " + str(exc)[:200]}
    return {
        "state": "up",
        "vendor": connection.vendor,
        "latency_ms": round((time.monotonic() - started) * 1000, 1),
    }


def _broker_state() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"state": "up", "mode": "in-process (no broker configured)"}
    started = time.monotonic()
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=BROKER_TIMEOUT_SECONDS,
            transport_options={"socket_timeout": BROKER_TIMEOUT_SECONDS},
        ) as broker:
            broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means "down"; the reason is reported
        return {"state": "down", "error": exc.__class__.__name__ + ": " + str(exc)[:200]}
    return {"state": "up", "latency_ms": round((time.monotonic() - started) * 1000, 1)}


@never_cache
@require_GET
def healthz(request):
    dependencies = {"database": _database_state(), "broker": _broker_state()}
    down = sorted(name for name, state in dependencies.items() if state["state"] != "up")
    body = {"status": "down" if down else "ok", "dependencies": dependencies}
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)
