"""The fetch work queue: the Source row is the truth, Celery only wakes workers up."""

import threading
import time
from datetime import timedelta

import pytest
import redis
import requests
from django.conf import settings
from django.utils import timezone
from werkzeug import Response

from sources import services
from sources.models import Source, SourceSnapshot
from sources.tasks import fetch_source
from tests.processes import (
    free_port,
    kill,
    service_env,
    start_web,
    start_worker,
    stop,
    wait_until,
)

PAGE = (
    "<html><head><title>Ministry figures</title></head><body><article>"
    "<p>The ministry counted 3,500 fighters in the province in October.</p>"
    "</article></body></html>"
)


def serve(local_web, path, body=PAGE, status=200):
    local_web.expect_request(path).respond_with_data(
        body, status=status, content_type="text/html; charset=utf-8"
    )
    return local_web.url_for(path)


@pytest.mark.django_db
class TestInProcess:
    def test_the_same_url_in_any_spelling_is_one_source_fetched_once(
        self, local_web, django_capture_on_commit_callbacks
    ):
        url = serve(local_web, "/figures")
        spellings = [url, url.replace("http://", "HTTP://") + "#section-2", url + "?utm_source=x"]

        with django_capture_on_commit_callbacks() as callbacks:
            sources = {services.source_for_url(url=spelling).pk for spelling in spellings}

        assert len(sources) == 1
        assert len(callbacks) == 1  # one fetch enqueued, after commit

    def test_politeness_holds_a_second_fetch_of_a_host_until_the_sweep(
        self, local_web, tasks_in_process, settings, django_capture_on_commit_callbacks
    ):
        settings.FETCH_HOST_DELAY_SECONDS = 30
        first, second = serve(local_web, "/figures"), serve(local_web, "/more-figures")

        with django_capture_on_commit_callbacks(execute=True):
            services.source_for_url(url=first)
        with django_capture_on_commit_callbacks(execute=True):
            held = services.source_for_url(url=second)

        held.refresh_from_db()
        assert Source.objects.get(url=first).state == Source.State.FETCHED
        assert held.state == Source.State.PENDING
        assert held.next_attempt_at > timezone.now() + timedelta(seconds=20)
        assert [request.path for request, _response in local_web.log] == ["/figures"]

    def test_a_fetch_is_recorded_as_a_snapshot(self, local_web):
        source = services.source_for_url(url=serve(local_web, "/figures"))

        assert fetch_source(source.pk) == "fetched"

        source.refresh_from_db()
        snapshot = source.snapshots.get()
        assert source.state == "fetched"
        assert source.attempts == 1
        assert snapshot.status_code == 200
        assert snapshot.title == "Ministry figures"
        assert "3,500 fighters" in snapshot.text
        assert len(snapshot.sha256) == 64 and snapshot.size > 0

    def test_a_redelivered_task_for_a_fetched_url_does_nothing(self, local_web):
        source = services.source_for_url(url=serve(local_web, "/figures"))
        fetch_source(source.pk)

        assert fetch_source(source.pk) == "nothing to do"
        assert SourceSnapshot.objects.filter(source=source).count() == 1
        assert len(local_web.log) == 1

    def test_a_404_fails_without_retrying(self, local_web):
        source = services.source_for_url(url=serve(local_web, "/gone", "Not here", status=404))

        assert fetch_source(source.pk) == "http_error"

        source.refresh_from_db()
        assert source.state == "failed"
        assert source.next_attempt_at is None
        assert source.snapshots.get().status_code == 404

    def test_a_500_is_retried_later_with_backoff(self, local_web, settings):
        settings.FETCH_RETRY_BASE_SECONDS = 60
        source = services.source_for_url(url=serve(local_web, "/flaky", "Oops", status=500))

        fetch_source(source.pk)

        source.refresh_from_db()
        assert source.state == "pending"
        assert source.last_error_kind == "http_error"
        wait = (source.next_attempt_at - timezone.now()).total_seconds()
        assert 25 < wait <= 60
        # Not due yet: a task arriving early does nothing.
        assert fetch_source(source.pk) == "nothing to do"

    def test_retries_stop_after_the_configured_attempts(self, local_web, settings):
        settings.FETCH_MAX_ATTEMPTS = 2
        local_web.expect_request("/down").respond_with_data("Oops", status=503)
        source = services.source_for_url(url=local_web.url_for("/down"))

        fetch_source(source.pk)
        Source.objects.filter(pk=source.pk).update(next_attempt_at=timezone.now())
        fetch_source(source.pk)

        source.refresh_from_db()
        assert source.state == "failed"
        assert source.attempts == 2
        assert source.snapshots.count() == 2

    def test_a_blocked_address_is_refused_and_never_retried(self, settings):
        settings.FETCH_ALLOWED_NETWORKS = []
        source = services.source_for_url(url="http://10.0.0.1/admin")

        assert fetch_source(source.pk) == "blocked"

        source.refresh_from_db()
        assert source.state == "blocked"
        assert source.next_attempt_at is None

    def test_refetching_adds_a_snapshot_and_keeps_the_old_one(self, local_web):
        source = services.source_for_url(url=serve(local_web, "/figures"))
        fetch_source(source.pk)

        services.source_request_refetch(source=source)
        fetch_source(source.pk)

        assert source.snapshots.count() == 2
        assert Source.objects.get(pk=source.pk).state == "fetched"

    def test_a_fresh_source_is_not_fetched_again_a_stale_one_is(
        self, local_web, django_capture_on_commit_callbacks
    ):
        url = serve(local_web, "/figures")
        source = services.source_for_url(url=url)
        fetch_source(source.pk)

        with django_capture_on_commit_callbacks() as fresh:
            services.source_for_url(url=url)
        Source.objects.filter(pk=source.pk).update(
            last_fetched_at=timezone.now()
            - timedelta(seconds=settings.FETCH_FRESHNESS_SECONDS + 60)
        )
        with django_capture_on_commit_callbacks() as stale:
            services.source_for_url(url=url)

        assert fresh == []
        assert len(stale) == 1
        assert Source.objects.get(pk=source.pk).state == "pending"

    def test_the_per_host_limit_defers_a_fetch(self, local_web, settings):
        settings.FETCH_HOST_CONCURRENCY = 1
        busy = services.source_for_url(url=serve(local_web, "/one"))
        waiting = services.source_for_url(url=serve(local_web, "/two"))
        services.source_claim_for_fetch(source_id=busy.pk)

        assert fetch_source(waiting.pk) == "deferred"

        waiting.refresh_from_db()
        assert waiting.state == "pending"
        assert waiting.attempts == 0
        assert waiting.next_attempt_at > timezone.now()

    def test_a_lapsed_fetch_is_swept_back_into_the_queue(self, local_web):
        source = services.source_for_url(url=serve(local_web, "/figures"))
        services.source_claim_for_fetch(source_id=source.pk)
        Source.objects.filter(pk=source.pk).update(
            lease_expires_at=timezone.now() - timedelta(seconds=1)
        )

        assert services.sources_sweep() == 1
        assert fetch_source(source.pk) == "fetched"
        assert Source.objects.get(pk=source.pk).attempts == 2


@pytest.fixture
def broker():
    """The test broker, emptied so no message from another test is delivered here."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
class TestWithRealWorker:
    def test_a_500_then_200_is_retried_then_fetched(self, local_web, broker, tmp_path):
        responses = iter([Response("Oops", status=500), Response(PAGE, content_type="text/html")])
        local_web.expect_request("/flaky").respond_with_handler(lambda request: next(responses))
        worker = start_worker(
            service_env(FETCH_RETRY_BASE_SECONDS=0.5), log_path=tmp_path / "w.log"
        )
        try:
            source = services.source_for_url(url=local_web.url_for("/flaky"))
            wait_until(lambda: Source.objects.get(pk=source.pk).state == "fetched", timeout=60)
        finally:
            stop(worker)

        source.refresh_from_db()
        assert source.attempts == 2
        assert [s.status_code for s in source.snapshots.order_by("fetched_at")] == [500, 200]

    def test_a_worker_killed_mid_fetch_loses_nothing(self, local_web, broker, tmp_path):
        # The first request hangs until the worker is dead; the second answers at once.
        first_request_arrived = threading.Event()
        worker_dead = threading.Event()

        def slow_then_fast(request):
            if not first_request_arrived.is_set():
                first_request_arrived.set()
                worker_dead.wait(timeout=30)
                time.sleep(0.5)
            return Response(PAGE, content_type="text/html")

        local_web.expect_request("/slow").respond_with_handler(slow_then_fast)
        env = service_env(FETCH_LEASE_SECONDS=2)
        worker = start_worker(env, log_path=tmp_path / "first.log")
        try:
            source = services.source_for_url(url=local_web.url_for("/slow"))
            assert first_request_arrived.wait(timeout=60), "the worker never started the fetch"
            assert Source.objects.get(pk=source.pk).state == "fetching"
            kill(worker)
        finally:
            worker_dead.set()
            stop(worker)

        # The lease runs out; the periodic sweep hands the work to a fresh worker.
        wait_until(lambda: services.sources_sweep() >= 1, timeout=30, interval=0.5)
        second = start_worker(env, log_path=tmp_path / "second.log")
        try:
            wait_until(lambda: Source.objects.get(pk=source.pk).state == "fetched", timeout=60)
        finally:
            stop(second)

        source.refresh_from_db()
        assert source.snapshots.filter(error_kind="").count() == 1
        assert source.snapshots.count() == 1
        assert source.attempts == 2

    def test_a_broker_down_at_enqueue_time_loses_nothing(
        self, local_web, broker, unused_tcp_port, tmp_path
    ):
        """Evidence added while the broker is unreachable: the request succeeds, and once a
        worker and the sweep run, the link's source is fetched."""
        from accounts.roles import Role
        from accounts.services import token_issue, user_upsert
        from tests.factories import queued_claims

        user_upsert(username="checker", role=Role.FACT_CHECKER)
        token = token_issue(username="checker")
        queued_claims(1)
        url = serve(local_web, "/evidence")
        web_port = free_port()
        web = start_web(
            service_env(CELERY_BROKER_URL=f"redis://127.0.0.1:{unused_tcp_port}/0"), web_port
        )
        try:
            api = requests.Session()
            api.headers["Authorization"] = f"Token {token}"
            claim = api.post(f"http://127.0.0.1:{web_port}/api/v1/queue/next/", timeout=30).json()
            added = api.post(
                f"http://127.0.0.1:{web_port}/api/v1/claims/{claim['id']}/evidence/",
                json={"url": url, "stance": "supports"},
                timeout=60,
            )
        finally:
            stop(web)

        assert added.status_code == 201, added.text
        source = Source.objects.get()
        assert source.state == "pending"
        assert broker.dbsize() == 0  # the wake-up message never reached the broker

        worker = start_worker(service_env(), log_path=tmp_path / "worker.log")
        try:
            assert services.sources_sweep() == 1
            wait_until(lambda: Source.objects.get(pk=source.pk).state == "fetched", timeout=60)
        finally:
            stop(worker)
        assert source.snapshots.get().title == "Ministry figures"
