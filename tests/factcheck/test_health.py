import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_up():
    response = Client().get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["dependencies"]["database"]["state"] == "up"
    assert body["dependencies"]["database"]["vendor"] == "postgresql"
    assert body["dependencies"]["broker"]["state"] == "up"


def test_healthz_answers_503_naming_a_dead_broker(settings, unused_tcp_port):
    # Nothing listens on this port: the broker is down as far as the service can tell.
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{unused_tcp_port}/0"

    response = Client().get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["broker"]
    assert body["dependencies"]["broker"]["state"] == "down"
    assert body["dependencies"]["database"]["state"] == "up"


def test_healthz_answers_only_get():
    assert Client().post("/healthz").status_code == 405
