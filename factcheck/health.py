"""Liveness of the service's dependencies, for load balancers and orchestrators.

The answer is public: it says which dependency is down, never how it failed (an error's text
names hosts and ports); the detail goes to the log. The status is `down` (503) when the
database or the broker cannot be reached, since then writes cannot be made or handed on;
`degraded` (200) when only the cache cannot, since the service answers without it (API rate
limits are not enforced meanwhile). Whether a worker has been seen recently is reported but
never changes the status: work waits in the database until one comes.
"""

import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_redis import get_redis_connection
from kombu import Connection
from redis import Redis

from factcheck.celery import WORKER_HEARTBEAT_KEY

logger = logging.getLogger(__name__)

# What each dependency being down means for clients.
_IMPACT = {
    "cache": "API rate limits are not enforced until it is back.",
}


def _probe(name: str, check) -> dict:
    started = time.monotonic()
    try:
        check()
    except Exception as exc:  # any failure means "down"; the reason is only logged
        logger.warning("Health check: the %s is down: %s: %s", name, type(exc).__name__, exc)
        state = {"state": "down"}
        if name in _IMPACT:
            state["impact"] = _IMPACT[name]
        return state
    return {"state": "up", "latency_ms": round((time.monotonic() - started) * 1000, 1)}


def _database_state() -> dict:
    def check():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    state = _probe("database", check)
    if state["state"] == "up":
        state["vendor"] = connection.vendor
    return state


def _broker_state() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"state": "up", "mode": "in-process (no broker configured)"}

    def check():
        # The timeouts publishing uses, so that "up" here means a publish would not hang.
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        ) as broker:
            broker.ensure_connection(
                max_retries=0, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT
            )

    return _probe("broker", check)


def _cache_state() -> dict:
    try:
        client = get_redis_connection()
    except NotImplementedError:
        return {"state": "up", "mode": "in-process (no CACHE_URL configured)"}
    # Straight to Redis: the cache's own client pauses after a failure (factcheck.cache).
    return _probe("cache", lambda: Redis(connection_pool=client.connection_pool).ping())


def _worker_state(cache_state: dict) -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"state": "in-process", "detail": "Tasks run in the web process."}
    if cache_state.get("mode"):
        return {
            "state": "unknown",
            "detail": "Workers record their heartbeat in the cache: configure CACHE_URL.",
        }
    if cache_state["state"] != "up":
        return {"state": "unknown", "detail": "The cache holding worker heartbeats is down."}
    beat = caches["default"].get(WORKER_HEARTBEAT_KEY)
    if beat is None:
        return {"state": "not_seen", "last_seen": None}
    age = max(time.time() - beat, 0.0)
    return {
        "state": "seen" if age <= settings.WORKER_SEEN_WITHIN_SECONDS else "not_seen",
        "last_seen": datetime.fromtimestamp(beat, tz=UTC).isoformat(),
        "seconds_ago": round(age),
    }


@never_cache
@require_GET
def healthz(request):
    dependencies = {
        "database": _database_state(),
        "broker": _broker_state(),
        "cache": _cache_state(),
    }
    down = sorted(name for name in ("database", "broker") if dependencies[name]["state"] != "up")
    degraded = ["cache"] if dependencies["cache"]["state"] != "up" else []
    body = {
        "status": "down" if down else "degraded" if degraded else "ok",
        "dependencies": dependencies,
        "worker": _worker_state(dependencies["cache"]),
    }
    if down:
        body["down"] = down
    if degraded:
        body["degraded"] = degraded
    return JsonResponse(body, status=503 if down else 200)
