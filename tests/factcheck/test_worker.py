"""A real Celery worker: /healthz sees its heartbeat, and its log keeps secrets out."""

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from factcheck.celery import WORKER_HEARTBEAT_KEY, app
from tests.processes import service_env, start_worker, stop, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory):
    """A worker sharing this run's broker and cache, started with no heartbeat recorded yet;
    yields its log file."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.flushdb()
    caches["default"].delete(WORKER_HEARTBEAT_KEY)
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    cache_url = settings.CACHES["default"]["LOCATION"]
    process = start_worker(service_env(CACHE_URL=cache_url), log_path=log_path)
    try:
        yield log_path
    finally:
        stop(process)
        broker.flushdb()


def _worker_state() -> str:
    return Client().get("/healthz").json()["worker"]["state"]


def test_healthz_reports_a_started_worker_as_seen(worker):
    wait_until(lambda: _worker_state() == "seen", timeout=60)

    body = Client().get("/healthz").json()
    assert body["status"] == "ok"
    assert body["worker"]["last_seen"]


def test_the_worker_log_keeps_tokens_out(worker):
    # The worker logs the body of a message it cannot run, arguments included.
    app.send_task("no.such.task", args=["https://example.org/feed?token=SECRET-IN-TASK"])

    wait_until(lambda: "no.such.task" in worker.read_text(), timeout=60)
    log = worker.read_text()
    assert "https://example.org/feed?token=[redacted]" in log
    assert "SECRET-IN-TASK" not in log
