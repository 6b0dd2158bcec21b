"""Every fetch attempt ends recorded: what a page holds is stored as PostgreSQL can keep it, a
result that cannot be stored is recorded as a failure, and no source is fetched more often
than the attempt limit allows, however its attempts ended."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sources import services
from sources.fetcher import FetchPolicy, FetchResult, fetch_url
from sources.models import Source, SourceSnapshot
from sources.signals import source_fetch_failed
from sources.tasks import fetch_source

pytestmark = pytest.mark.django_db

PAGE_WITH_NULS = (
    "<html><head><title>Budget\x00 row</title>"
    '<meta name="description" content="Spending\x00 rose">'
    '<meta name="author" content="Ana\x00 Ruiz"></head><body><article>'
    "<p>The finance minister said spending rose by 12% in 2024.\x00</p>"
    "<p>Critics said the figure hides cuts, according to "
    '<a href="http://stats.example.org/report">the treasury\x00 report</a>.</p>'
    "</article></body></html>"
)


def stored_values(snapshot: SourceSnapshot) -> str:
    """Every text a snapshot holds, JSON fields included, as one string to search."""
    return json.dumps(
        [
            snapshot.requested_url,
            snapshot.final_url,
            snapshot.content_type,
            snapshot.title,
            snapshot.text,
            snapshot.metadata,
            snapshot.links,
            snapshot.error_kind,
            snapshot.error_message,
        ],
        ensure_ascii=False,
    )


def expire_lease(source: Source) -> None:
    """Time passes: the lease of the attempt under way runs out."""
    Source.objects.filter(pk=source.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def refuse_successful_snapshots():
    """The database refuses to store a successful snapshot, as it would refuse any value it
    cannot hold: recording the result fails in the database itself."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'this snapshot cannot be stored'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_snapshot BEFORE INSERT ON sources_sourcesnapshot "
            "FOR EACH ROW WHEN (NEW.error_kind = '') EXECUTE FUNCTION test_refuse_snapshot()"
        )
    # The test's transaction is rolled back at its end, and the trigger with it.


class TestWhatAPageHoldsIsStored:
    def test_a_nul_byte_in_a_plain_text_page_is_left_out_and_the_page_fetched(self, local_web):
        local_web.expect_request("/nul.txt").respond_with_data(
            b"hello\x00world", content_type="text/plain"
        )
        source = services.source_for_url(url=local_web.url_for("/nul.txt"))

        assert fetch_source(source.pk) == "fetched"

        source.refresh_from_db()
        assert source.state == "fetched"
        assert source.attempts == 1
        snapshot = source.snapshots.get()
        assert snapshot.text == "helloworld"
        # The hash and size describe the bytes the server sent, NUL included.
        assert snapshot.size == len(b"hello\x00world")

    def test_nul_bytes_in_an_html_page_are_left_out_of_every_stored_field(self, local_web):
        local_web.expect_request("/nul.html").respond_with_data(
            PAGE_WITH_NULS.encode(), content_type="text/html; charset=utf-8"
        )
        source = services.source_for_url(url=local_web.url_for("/nul.html"))

        assert fetch_source(source.pk) == "fetched"

        snapshot = Source.objects.get(pk=source.pk).snapshots.get()
        assert snapshot.title == "Budget row"
        assert "spending rose by 12% in 2024." in snapshot.text
        assert snapshot.links == [
            {"url": "http://stats.example.org/report", "text": "the treasury report"}
        ]
        assert snapshot.metadata["author"] == "Ana Ruiz"
        assert "\x00" not in stored_values(snapshot)

    def test_a_status_code_outside_http_s_range_is_recorded_as_an_http_error(self, local_web):
        local_web.expect_request("/odd").respond_with_data("Odd", status=999)
        source = services.source_for_url(url=local_web.url_for("/odd"))

        assert fetch_source(source.pk) == "http_error"

        source.refresh_from_db()
        # A broken server, which asking again would not mend: not retried.
        assert source.state == "failed"
        assert source.last_error_kind == "http_error"
        snapshot = source.snapshots.get()
        assert snapshot.status_code is None
        assert "answered 999" in snapshot.error_message
        assert "which is not an HTTP status" in snapshot.error_message

    def test_text_postgresql_refuses_is_made_storable_wherever_a_fetch_writes_it(self, settings):
        # No server is needed to hand the service such a result: a PDF's text or a decoder can
        # hold lone surrogates, and JSON values can hold NUL, which jsonb refuses as \u0000.
        settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        source = services.source_for_url(url="http://127.0.0.1/report.pdf")
        claimed = services.source_claim_for_fetch(source_id=source.pk)
        result = FetchResult(
            requested_url=claimed.url,
            final_url=claimed.url,
            status_code=200,
            content_type="application/pdf",
            title="Annual\x00 report \ud800",
            text="Spending rose\x00 by 12% \udfff in 2024.",
            links=[{"url": "http://stats.example.org/\x00", "text": "tab\x00le \ud83d"}],
            metadata={"author": "Ana\x00", "bad\x00key\udc80": ["\x00", float("nan"), 3]},
            sha256="0" * 64,
            size=10,
        )

        snapshot = services.source_record_result(source=claimed, result=result)

        snapshot.refresh_from_db()
        assert snapshot.title == "Annual report \ufffd"
        assert snapshot.text == "Spending rose by 12% \ufffd in 2024."
        assert snapshot.links == [{"url": "http://stats.example.org/", "text": "table \ufffd"}]
        assert snapshot.metadata == {"author": "Ana", "badkey\ufffd": ["", None, 3]}
        assert Source.objects.get(pk=source.pk).state == "fetched"

    def test_an_error_message_with_nul_is_stored_without_it(self, settings):
        settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        source = services.source_for_url(url="http://127.0.0.1/gone")
        claimed = services.source_claim_for_fetch(source_id=source.pk)
        result = FetchResult(
            requested_url=claimed.url,
            final_url="http://127.0.0.1/\x00elsewhere",
            status_code=404,
            error_kind="http_error",
            error_message="127.0.0.1 answered 404 Not\x00 Found",
        )

        services.source_record_result(source=claimed, result=result)

        source.refresh_from_db()
        assert source.state == "failed"
        assert source.last_error == "127.0.0.1 answered 404 Not Found"
        assert source.snapshots.get().final_url == "http://127.0.0.1/elsewhere"


class TestAResultThatCannotBeStored:
    def test_is_recorded_as_a_failure_and_the_source_is_not_left_fetching(
        self, local_web, refuse_successful_snapshots, django_capture_on_commit_callbacks
    ):
        local_web.expect_request("/page").respond_with_data(
            "<html><title>A page</title><body><p>Text.</p></body></html>",
            content_type="text/html",
        )
        source = services.source_for_url(url=local_web.url_for("/page"))
        reasons = []

        def listener(sender, source_id, reason, **kwargs):
            reasons.append((source_id, reason))

        source_fetch_failed.connect(listener)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                outcome = fetch_source(source.pk)
        finally:
            source_fetch_failed.disconnect(listener)

        source.refresh_from_db()
        assert outcome == "record_failed"
        assert source.state == "failed"
        assert source.lease_expires_at is None
        assert source.last_error_kind == "record_failed"
        assert "could not be stored" in source.last_error
        snapshot = source.snapshots.get()
        assert (snapshot.error_kind, snapshot.status_code) == ("record_failed", 200)
        assert reasons == [(source.pk, source.last_error)]
        # A message delivered again finds nothing to do.
        assert fetch_source(source.pk) == "nothing to do"


def test_a_fault_inside_the_fetcher_ends_the_fetch_with_a_retryable_failure():
    def broken_resolver(host: str, port: int) -> list[str]:
        raise RuntimeError("resolver bug")

    result = fetch_url("http://example.org/report", policy=FetchPolicy(resolver=broken_resolver))

    assert result.error_kind == "fetcher_error"
    assert result.retryable is True
    assert "RuntimeError" in result.error_message


class TestTheAttemptLimit:
    def test_the_sweep_stops_re_enqueueing_a_source_whose_leases_keep_running_out(
        self, local_web, settings, django_capture_on_commit_callbacks
    ):
        settings.FETCH_MAX_ATTEMPTS = 3
        source = services.source_for_url(url=local_web.url_for("/never-finishes"))
        attempts_started = 0

        for _sweep in range(10):
            with django_capture_on_commit_callbacks() as enqueued:
                swept = services.sources_sweep()
            if not swept:
                break
            assert len(enqueued) == 1
            # A worker takes the fetch, as the task does first, and dies before recording it.
            if services.source_claim_for_fetch(source_id=source.pk) is not None:
                attempts_started += 1
            expire_lease(source)

        source.refresh_from_db()
        assert attempts_started == 3
        assert source.attempts == 3
        assert source.state == "failed"
        assert source.lease_expires_at is None and source.next_attempt_at is None
        assert source.last_error_kind == "lease_expired"
        assert "3 attempts" in source.last_error
        assert services.sources_sweep() == 0

    def test_a_message_redelivered_after_the_last_attempt_lapsed_does_not_fetch_again(
        self, local_web, settings, django_capture_on_commit_callbacks
    ):
        settings.FETCH_MAX_ATTEMPTS = 2
        local_web.expect_request("/page").respond_with_data("Text", content_type="text/plain")
        source = services.source_for_url(url=local_web.url_for("/page"))
        for _attempt in range(2):
            services.source_claim_for_fetch(source_id=source.pk)
            expire_lease(source)
        reasons = []

        def listener(sender, source_id, reason, **kwargs):
            reasons.append(reason)

        source_fetch_failed.connect(listener)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                outcome = fetch_source(source.pk)
        finally:
            source_fetch_failed.disconnect(listener)

        source.refresh_from_db()
        assert outcome == "nothing to do"
        assert local_web.log == []
        assert (source.state, source.attempts) == ("failed", 2)
        assert reasons == [source.last_error]

    def test_a_lapsed_lease_counts_as_an_attempt(self, local_web, settings):
        settings.FETCH_MAX_ATTEMPTS = 2
        local_web.expect_request("/down").respond_with_data("Oops", status=503)
        source = services.source_for_url(url=local_web.url_for("/down"))
        services.source_claim_for_fetch(source_id=source.pk)
        expire_lease(source)

        assert fetch_source(source.pk) == "http_error"

        source.refresh_from_db()
        assert (source.state, source.attempts) == ("failed", 2)
        assert fetch_source(source.pk) == "nothing to do"
        assert len(local_web.log) == 1

    def test_a_lowered_limit_fails_sources_waiting_to_retry_that_have_used_it(
        self, local_web, settings
    ):
        local_web.expect_request("/down").respond_with_data("Oops", status=503)
        source = services.source_for_url(url=local_web.url_for("/down"))
        fetch_source(source.pk)
        Source.objects.filter(pk=source.pk).update(next_attempt_at=timezone.now())
        settings.FETCH_MAX_ATTEMPTS = 1

        assert services.sources_sweep() == 0

        source.refresh_from_db()
        assert (source.state, source.attempts) == ("failed", 1)
        assert source.last_error_kind == "http_error"
        assert source.last_error.startswith("Gave up after 1 attempt.")
        assert "503" in source.last_error
        assert len(local_web.log) == 1
