"""/healthz: which dependency is down (never how it failed), the cache's state, whether a
worker has been seen; dependencies made unreachable with real closed ports and a real server
that accepts connections and never answers."""

import copy
import logging
import time

import pytest
import requests
from django.core.cache import caches
from django.test import Client

from factcheck.celery import WORKER_HEARTBEAT_KEY, worker_heartbeat
from tests.processes import free_port, service_env, silent_server, start_web, stop

pytestmark = pytest.mark.django_db

# A hung dependency must not hold /healthz much past the timeouts in settings (a fraction of
# a second each); a request that waited out redis-py's or kombu's defaults would take 5 s or
# forever.
NO_HANG_SECONDS = 4.0


@pytest.fixture
def cache_at(settings):
    """Point the default cache (as configured, short timeouts included) at another port."""

    def point(port: int) -> None:
        configured = copy.deepcopy(settings.CACHES)
        configured["default"]["LOCATION"] = f"redis://127.0.0.1:{port}/0"
        settings.CACHES = configured

    return point


def _healthz():
    started = time.monotonic()
    response = Client().get("/healthz")
    return response, time.monotonic() - started


def _assert_names_no_connection_details(response, port: int) -> None:
    text = response.content.decode()
    assert str(port) not in text
    assert "127.0.0.1" not in text
    assert "Error" not in text and "error" not in text


def test_healthz_reports_database_broker_and_cache_up():
    response = Client().get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["dependencies"]["database"]["state"] == "up"
    assert body["dependencies"]["database"]["vendor"] == "postgresql"
    assert body["dependencies"]["broker"]["state"] == "up"
    assert body["dependencies"]["cache"]["state"] == "up"
    assert "down" not in body and "degraded" not in body


def test_healthz_answers_503_naming_a_dead_broker(settings, unused_tcp_port, caplog):
    # Nothing listens on this port: the broker is down as far as the service can tell.
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{unused_tcp_port}/0"

    with caplog.at_level(logging.WARNING, logger="factcheck.health"):
        response = Client().get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["broker"]
    assert body["dependencies"]["broker"] == {"state": "down"}
    assert body["dependencies"]["database"]["state"] == "up"
    _assert_names_no_connection_details(response, unused_tcp_port)
    # The detail is for operators, in the log.
    assert str(unused_tcp_port) in caplog.text


def test_healthz_answers_503_promptly_for_a_broker_that_never_answers(settings):
    with silent_server() as port:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
        response, took = _healthz()

    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    _assert_names_no_connection_details(response, port)
    assert took < NO_HANG_SECONDS


def test_healthz_says_degraded_not_down_when_the_cache_is_refused(cache_at, unused_tcp_port):
    cache_at(unused_tcp_port)

    response = Client().get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["degraded"] == ["cache"]
    assert "down" not in body
    assert body["dependencies"]["cache"]["state"] == "down"
    assert "rate limits" in body["dependencies"]["cache"]["impact"]
    assert body["worker"]["state"] == "unknown"
    _assert_names_no_connection_details(response, unused_tcp_port)


def test_healthz_says_degraded_promptly_when_the_cache_never_answers(cache_at):
    with silent_server() as port:
        cache_at(port)
        response, took = _healthz()

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["dependencies"]["cache"]["state"] == "down"
    assert took < NO_HANG_SECONDS


def test_healthz_reports_no_worker_seen_without_going_down():
    caches["default"].delete(WORKER_HEARTBEAT_KEY)

    body = Client().get("/healthz").json()

    assert body["status"] == "ok"
    assert body["worker"] == {"state": "not_seen", "last_seen": None}


def test_healthz_reports_a_worker_seen_after_its_heartbeat():
    worker_heartbeat()

    body = Client().get("/healthz").json()

    assert body["worker"]["state"] == "seen"
    assert body["worker"]["last_seen"]
    assert body["worker"]["seconds_ago"] <= 5


def test_healthz_reports_a_worker_not_seen_for_too_long(settings):
    settings.WORKER_SEEN_WITHIN_SECONDS = 60
    caches["default"].set(WORKER_HEARTBEAT_KEY, time.time() - 600, timeout=None)

    body = Client().get("/healthz").json()

    assert body["status"] == "ok"
    assert body["worker"]["state"] == "not_seen"
    assert body["worker"]["seconds_ago"] >= 600


def test_healthz_says_when_tasks_run_in_process(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    body = Client().get("/healthz").json()

    assert body["status"] == "ok"
    assert body["dependencies"]["broker"]["mode"].startswith("in-process")
    assert body["worker"]["state"] == "in-process"


def test_healthz_answers_only_get():
    assert Client().post("/healthz").status_code == 405


@pytest.mark.slow
@pytest.mark.parametrize("database", ["refused", "never answers"])
def test_healthz_answers_503_naming_an_unreachable_database(database, tmp_path):
    with silent_server() as silent_port:
        port = free_port() if database == "refused" else silent_port
        env = service_env(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/factcheck",
            DATABASE_CONNECT_TIMEOUT=2,
        )
        web_port = free_port()
        web = start_web(env, web_port, log_path=tmp_path / "web.log")
        try:
            started = time.monotonic()
            response = requests.get(f"http://127.0.0.1:{web_port}/healthz", timeout=30)
            took = time.monotonic() - started
        finally:
            stop(web)

    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["database"]
    assert body["dependencies"]["database"] == {"state": "down"}
    assert body["dependencies"]["broker"]["state"] == "up"
    _assert_names_no_connection_details(response, port)
    # libpq's connect timeout (2 s here) bounds it, rather than gunicorn's 30 s.
    assert took < 10
    assert f"{port}" in (tmp_path / "web.log").read_text()
