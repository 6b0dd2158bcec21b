"""Subscribed feeds, refreshed on beat's schedule (in-process in the embedded default): a
refresh adds and updates, never duplicates, not even when imports race."""

import io
import json
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from werkzeug import Response

from factchecks.models import FactCheck, FeedSubscription, ImportRun

from .conftest import claimreview, run_import

pytestmark = pytest.mark.django_db


def feed_of(*reviews: dict) -> str:
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "DataFeed",
            "dataFeedElement": [{"@type": "DataFeedItem", "item": [r]} for r in reviews],
        }
    )


def reviews(count: int, *, rating: str = "False") -> list[dict]:
    return [
        claimreview(
            url=f"https://factcheck.example.org/review/{n}",
            claimReviewed=f"Claim number {n} about the bridge toll.",
            reviewRating={"alternateName": rating},
        )
        for n in range(count)
    ]


def run_beat_once(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic_tasks", "--once", stdout=io.StringIO())


@pytest.fixture
def subscribed_feed(local_web):
    """A subscription to a feed on the local server; the feed's content is set per test."""
    url = local_web.url_for("/claimreview-feed.json")
    subscription = FeedSubscription.objects.create(name="Example checks", url=url)
    return subscription


def serve_feed(server, body: str) -> None:
    server.clear()
    server.expect_request("/claimreview-feed.json").respond_with_data(
        body, content_type="application/json"
    )


def test_beat_refreshes_a_due_feed_in_process(
    local_web, subscribed_feed, tasks_in_process, django_capture_on_commit_callbacks
):
    serve_feed(local_web, feed_of(*reviews(3)))

    run_beat_once(django_capture_on_commit_callbacks)

    subscribed_feed.refresh_from_db()
    assert (
        FactCheck.objects.filter(subscription=subscribed_feed, source="subscription").count() == 3
    )
    assert subscribed_feed.last_outcome == "succeeded"
    assert subscribed_feed.next_refresh_at > timezone.now() + timedelta(minutes=350)
    run = ImportRun.objects.get(subscription=subscribed_feed)
    assert (run.source, run.imported) == ("subscription", 3)


def test_a_refresh_adds_and_updates_and_never_duplicates(
    local_web, subscribed_feed, tasks_in_process, django_capture_on_commit_callbacks
):
    serve_feed(local_web, feed_of(*reviews(3)))
    run_beat_once(django_capture_on_commit_callbacks)
    changed = reviews(4)
    changed[0]["reviewRating"] = {"alternateName": "Mostly false"}
    serve_feed(local_web, feed_of(*changed))
    FeedSubscription.objects.update(next_refresh_at=timezone.now() - timedelta(seconds=1))

    run_beat_once(django_capture_on_commit_callbacks)

    latest = ImportRun.objects.filter(subscription=subscribed_feed).first()
    assert (latest.imported, latest.updated, latest.unchanged) == (1, 1, 2)
    assert FactCheck.objects.count() == 4
    updated = FactCheck.objects.get(review_url="https://factcheck.example.org/review/0")
    assert updated.canonical_rating == "mostly_false"


def test_a_feed_not_due_is_left_alone(
    local_web, subscribed_feed, tasks_in_process, django_capture_on_commit_callbacks
):
    serve_feed(local_web, feed_of(*reviews(1)))
    FeedSubscription.objects.update(next_refresh_at=timezone.now() + timedelta(hours=1))

    run_beat_once(django_capture_on_commit_callbacks)

    assert local_web.log == []
    assert not FactCheck.objects.exists()


def test_a_failing_feed_is_recorded_and_tried_again_later(
    local_web, subscribed_feed, tasks_in_process, django_capture_on_commit_callbacks
):
    local_web.expect_request("/claimreview-feed.json").respond_with_handler(
        lambda request: Response("down", status=503)
    )

    run_beat_once(django_capture_on_commit_callbacks)

    subscribed_feed.refresh_from_db()
    assert subscribed_feed.last_outcome == "failed"
    assert "answered 503" in subscribed_feed.last_error
    assert subscribed_feed.consecutive_failures == 1
    assert subscribed_feed.next_refresh_at > timezone.now() + timedelta(minutes=350)
    assert ImportRun.objects.get().state == "failed"


def test_with_a_broker_the_sweep_sends_each_due_feed_after_commit(
    subscribed_feed, django_capture_on_commit_callbacks, monkeypatch
):
    from factchecks import tasks

    sent = []
    monkeypatch.setattr(tasks.refresh_subscription, "delay", lambda pk: sent.append(pk))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        handed_out = tasks.refresh_due_subscriptions()

    assert handed_out == 1 and sent == []
    for callback in callbacks:
        callback()
    assert sent == [subscribed_feed.pk]
    subscribed_feed.refresh_from_db()
    assert subscribed_feed.next_refresh_at > timezone.now()  # not handed out twice


@pytest.mark.django_db(transaction=True)
def test_imports_racing_on_the_same_collection_create_no_duplicates(tmp_path):
    lines = ["vclaim_id\tvclaim\ttitle\tspeaker\ttruth_label\tdate\turl"]
    for n in range(300):
        lines.append(
            f"vclaim-pol-{n:05d}\tClaim number {n} about taxes.\tTitle {n}\tSomeone\tfalse\t"
            f"stated on May 1, 2020:\t/factchecks/2020/may/03/someone/claim-{n}/"
        )
    collection = tmp_path / "vclaims.tsv"
    collection.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first_wrote = threading.Event()
    outputs: dict[str, str] = {}

    def first() -> None:
        # Writes the collection and holds its transaction open a moment: the second import
        # finds none of it, and its inserts wait on these rows until they commit.
        try:
            with transaction.atomic():
                outputs["first"] = run_import(str(collection), "--language", "en")[0]
                first_wrote.set()
                time.sleep(1.0)
        finally:
            first_wrote.set()
            connection.close()

    def second() -> None:
        try:
            first_wrote.wait(timeout=30)
            outputs["second"] = run_import(str(collection), "--language", "en")[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert "300 imported, 0 updated, 0 unchanged, 0 skipped" in outputs["first"]
    assert "0 imported, 0 updated, 300 unchanged, 0 skipped" in outputs["second"]
    assert FactCheck.objects.count() == 300
