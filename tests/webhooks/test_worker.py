"""Deliveries made by a real worker process, woken through the broker."""

import json

import pytest

from tests.processes import service_env, start_worker, stop, wait_until
from webhooks.models import Delivery, Subscriber
from webhooks.services import on_verdict_published

from .conftest import expected_signature


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_retries_a_failing_receiver_until_it_accepts(receiver, publish, broker, tmp_path):
    hook = receiver("/hook", statuses=[500, 500, 200])
    newsroom = Subscriber.objects.create(name="Newsroom", url=hook.url)
    verdict = publish()
    worker = start_worker(
        service_env(WEBHOOK_RETRY_BASE_SECONDS=0.2, WEBHOOK_RETRY_MAX_SECONDS=1),
        log_path=tmp_path / "worker.log",
    )
    try:
        on_verdict_published(verdict.pk)
        wait_until(
            lambda: Delivery.objects.filter(state__in=["delivered", "failed"]).exists(),
            timeout=60,
        )
    finally:
        stop(worker)

    delivery = Delivery.objects.get()
    assert delivery.state == "delivered"
    assert delivery.attempts == 3
    log = list(delivery.attempt_log.order_by("number"))
    assert [a.status_code for a in log] == [500, 500, 200]
    assert [not a.error_kind for a in log] == [False, False, True]
    assert len(hook.requests) == 3
    for headers, body in hook.requests:
        assert headers["x-factcheck-signature"] == expected_signature(
            newsroom.secret, headers, body
        )
        assert headers["x-factcheck-delivery"] == str(delivery.pk)
        assert json.loads(body)["verdict"]["id"] == verdict.pk
