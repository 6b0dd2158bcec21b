"""Signed webhooks on publication: what is sent, retries, refusals and the delivery log."""

import json
import socket
import time
from datetime import timedelta

import pytest
from django.db.models.functions import Now
from django.utils import timezone

from tests.factories import verdict_published
from webhooks import services
from webhooks.models import Delivery, Subscriber
from webhooks.services import on_verdict_published
from webhooks.tasks import deliver_webhook
from webhooks.transport import PostOutcome

from .conftest import expected_signature

pytestmark = pytest.mark.django_db


def make_due(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=Now() - timedelta(seconds=1))


def test_a_publication_is_posted_signed_to_each_active_subscriber(receiver, publish):
    hook = receiver("/hook")
    newsroom = Subscriber.objects.create(name="Newsroom", url=hook.url)
    Subscriber.objects.create(name="Paused", url=receiver("/paused").url, is_active=False)
    verdict = publish()

    on_verdict_published(verdict.pk)
    delivery = Delivery.objects.get()
    outcome = deliver_webhook(delivery.pk)

    assert outcome == "delivered"
    [(headers, body)] = hook.requests
    assert headers["x-factcheck-signature"] == expected_signature(newsroom.secret, headers, body)
    assert abs(time.time() - int(headers["x-factcheck-timestamp"])) < 60
    assert headers["x-factcheck-event"] == "verdict.published"
    assert headers["x-factcheck-delivery"] == str(delivery.pk)
    assert headers["content-type"] == "application/json"
    sent = json.loads(body)
    assert sent["event"] == "verdict.published"
    assert sent["delivered_at"]
    assert sent["verdict"]["id"] == verdict.pk
    assert sent["verdict"]["claim_text"] == verdict.claim.text
    assert sent["verdict"]["claimant"] == "John Kirby"
    assert sent["verdict"]["rating"] == "mostly_false"
    assert sent["verdict"]["rating_value"] == 2
    assert sent["verdict"]["rating_label"] == "Mostly false"
    assert sent["verdict"]["signed_off_by"] == "erin"
    assert sent["verdict"]["public_url"].endswith(f"/verdicts/{verdict.pk}/")
    assert sent["verdict"]["corrects_verdict_id"] is None
    assert sent["verdict"]["correction_note"] == ""
    assert sent["claimreview"]["@type"] == "ClaimReview"
    assert sent["claimreview"]["reviewRating"]["alternateName"] == "Mostly false"
    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    assert delivery.delivered_at is not None
    assert delivery.last_status_code == 200
    attempt = delivery.attempt_log.get()
    assert (attempt.number, attempt.status_code, attempt.error_kind) == (1, 200, "")
    assert attempt.duration_ms >= 0 and attempt.response_excerpt == "thanks"


def test_the_payload_is_the_verdict_as_published(receiver, publish):
    hook = receiver("/hook")
    Subscriber.objects.create(name="Newsroom", url=hook.url)
    verdict = publish()
    on_verdict_published(verdict.pk)
    type(verdict).objects.filter(pk=verdict.pk).update(headline="Edited after publication")

    deliver_webhook(Delivery.objects.get().pk)

    sent = json.loads(hook.requests[0][1])
    assert sent["verdict"]["headline"] == "Most strikes hit ISIL-held areas, monitors found"


def test_deliveries_are_created_once_and_sent_after_commit(
    receiver, publish, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(name="Newsroom", url=receiver("/a").url)
    Subscriber.objects.create(name="Wire service", url=receiver("/b").url)
    verdict = publish()

    with django_capture_on_commit_callbacks() as first:
        on_verdict_published(verdict.pk)
    with django_capture_on_commit_callbacks() as again:
        on_verdict_published(verdict.pk)

    assert Delivery.objects.filter(verdict=verdict, event="verdict.published").count() == 2
    assert len(first) == 2  # one task per subscriber, enqueued after commit
    assert again == []


def test_a_subscriber_not_taking_the_event_gets_nothing(receiver, publish):
    Subscriber.objects.create(
        name="Corrections desk", url=receiver("/hook").url, event_types=["verdict.corrected"]
    )

    on_verdict_published(publish().pk)

    assert not Delivery.objects.exists()


def test_a_receiver_failing_twice_gets_one_delivery_in_three_attempts(receiver, publish, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    hook = receiver("/hook", statuses=[500, 500, 200])
    Subscriber.objects.create(name="Newsroom", url=hook.url)
    on_verdict_published(publish().pk)
    delivery = Delivery.objects.get()

    first = deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    first_wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    too_early = deliver_webhook(delivery.pk)
    make_due(delivery)
    second = deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    second_wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    make_due(delivery)
    third = deliver_webhook(delivery.pk)

    assert [first, too_early, second, third] == ["pending", "nothing to do", "pending", "delivered"]
    # Backoff with jitter: between half and all of 30 s, then of 60 s.
    assert 10 < first_wait <= 30
    assert 25 < second_wait <= 60
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 3
    log = list(delivery.attempt_log.order_by("number"))
    assert [(a.number, a.status_code) for a in log] == [(1, 500), (2, 500), (3, 200)]
    assert [not a.error_kind for a in log] == [False, False, True]
    assert "problem on the receiver's side" in log[0].error
    assert len(hook.requests) == 3
    assert len({headers["x-factcheck-delivery"] for headers, _ in hook.requests}) == 1


@pytest.mark.parametrize(
    ("status", "recorded", "says"),
    [
        (404, 404, "no receiver at"),
        # Outside HTTP's range: a broken receiver, which asking again would not mend.
        (600, None, "answered 600, which is not an HTTP status"),
        (999, None, "answered 999, which is not an HTTP status"),
    ],
)
def test_an_answer_no_retry_can_mend_fails_at_once(receiver, publish, status, recorded, says):
    hook = receiver("/hook", statuses=[status])
    Subscriber.objects.create(name="Newsroom", url=hook.url)
    on_verdict_published(publish().pk)
    delivery = Delivery.objects.get()

    assert deliver_webhook(delivery.pk) == "failed"
    assert deliver_webhook(delivery.pk) == "nothing to do"

    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.next_attempt_at is None
    assert delivery.last_status_code == recorded
    assert says in delivery.last_error
    assert len(hook.requests) == 1


def test_a_request_timeout_is_retried(receiver, publish):
    hook = receiver("/hook", statuses=[408, 200])
    Subscriber.objects.create(name="Newsroom", url=hook.url)
    on_verdict_published(publish().pk)
    delivery = Delivery.objects.get()

    assert deliver_webhook(delivery.pk) == "pending"

    delivery.refresh_from_db()
    assert delivery.last_status_code == 408
    assert "problem on the receiver's side" in delivery.last_error


def test_a_429_is_retried_no_sooner_than_retry_after(receiver, publish, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    hook = receiver("/hook", statuses=[429], headers={"Retry-After": "120"})
    Subscriber.objects.create(name="Newsroom", url=hook.url)
    on_verdict_published(publish().pk)
    delivery = Delivery.objects.get()

    assert deliver_webhook(delivery.pk) == "pending"

    delivery.refresh_from_db()
    assert (delivery.next_attempt_at - timezone.now()).total_seconds() > 100
    assert "too many requests" in delivery.last_error


def test_a_receiver_that_does_not_answer_is_retried(receiver, publish, settings, unused_tcp_port):
    settings.FETCH_ALLOWED_PORTS = [*settings.FETCH_ALLOWED_PORTS, unused_tcp_port]
    Subscriber.objects.create(name="Down", url=f"http://127.0.0.1:{unused_tcp_port}/hook")
    on_verdict_published(publish().pk)
    delivery = Delivery.objects.get()

    assert deliver_webhook(delivery.pk) == "pending"

    attempt = delivery.attempt_log.get()
    assert attempt.error_kind == "connection_error"
    assert attempt.status_code is None


def test_a_slow_receiver_times_out_and_is_retried(receiver, publish, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    hook = receiver("/slow", delay=2.0)
    Subscriber.objects.create(name="Slow", url=hook.url)
    on_verdict_published(publish().pk)
    delivery = Delivery.objects.get()

    started = time.monotonic()
    assert deliver_webhook(delivery.pk) == "pending"

    assert time.monotonic() - started < 1.8
    attempt = delivery.attempt_log.get()
    assert attempt.error_kind == "timeout"
    assert attempt.duration_ms < 1800


def test_retries_stop_after_the_configured_attempts(receiver, publish, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    hook = receiver("/hook", statuses=[503])
    Subscriber.objects.create(name="Newsroom", url=hook.url)
    on_verdict_published(publish().pk)
    delivery = Delivery.objects.get()

    deliver_webhook(delivery.pk)
    make_due(delivery)
    assert deliver_webhook(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at is None
    assert "Gave up after 2 attempts" in delivery.last_error
    assert len(hook.requests) == 2


def test_a_redelivered_task_for_a_delivered_delivery_does_nothing(receiver, publish):
    hook = receiver("/hook")
    Subscriber.objects.create(name="Newsroom", url=hook.url)
    on_verdict_published(publish().pk)
    delivery = Delivery.objects.get()
    deliver_webhook(delivery.pk)

    assert deliver_webhook(delivery.pk) == "nothing to do"
    assert deliver_webhook(delivery.pk + 1000) == "nothing to do"
    assert len(hook.requests) == 1
    assert delivery.attempt_log.count() == 1


def test_a_correction_is_sent_as_verdict_corrected(receiver, publish, correct):
    hook = receiver("/hook")
    newsroom = Subscriber.objects.create(name="Newsroom", url=hook.url)
    original = publish()
    on_verdict_published(original.pk)
    deliver_webhook(Delivery.objects.get(verdict=original).pk)

    correction = correct(original)
    on_verdict_published(correction.pk)
    delivery = Delivery.objects.get(verdict=correction)
    deliver_webhook(delivery.pk)

    assert delivery.event == "verdict.corrected"
    assert [headers["x-factcheck-event"] for headers, _ in hook.requests] == [
        "verdict.published",
        "verdict.corrected",
    ]
    headers, body = hook.requests[1]
    assert headers["x-factcheck-signature"] == expected_signature(newsroom.secret, headers, body)
    sent = json.loads(body)
    assert sent["event"] == "verdict.corrected"
    assert sent["verdict"]["id"] == correction.pk
    assert sent["verdict"]["corrects_verdict_id"] == original.pk
    assert sent["verdict"]["rating"] == "false"


def test_a_deactivated_subscriber_is_not_sent_what_was_pending(receiver, publish):
    hook = receiver("/hook")
    subscriber = Subscriber.objects.create(name="Newsroom", url=hook.url)
    on_verdict_published(publish().pk)
    Subscriber.objects.filter(pk=subscriber.pk).update(is_active=False)
    delivery = Delivery.objects.get()

    assert deliver_webhook(delivery.pk) == "nothing to do"

    delivery.refresh_from_db()
    assert delivery.state == "failed"
    assert "deactivated" in delivery.last_error
    assert hook.requests == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/hook", "private network address"),
        ("http://169.254.169.254/latest/meta-data/", "link-local address"),
        ("http://[::ffff:10.0.0.1]/hook", "private network address"),
        ("http://hooks.example.test/hook", "private network address"),
    ],
)
def test_a_private_address_is_refused_before_any_socket_opens(
    url, reason, publish, settings, monkeypatch
):
    # Created directly, past the check made when a subscriber is saved in the admin.
    Subscriber.objects.create(name="Inside", url=url)
    verdict = publish()
    settings.FETCH_ALLOWED_NETWORKS = []
    private = {"10.0.0.1", "169.254.169.254", "::ffff:10.0.0.1", "10.1.2.3"}
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def connect(sock, address):
        if isinstance(address, tuple) and address[0] in private:
            pytest.fail(f"a connection to {address[0]} was opened")
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    on_verdict_published(verdict.pk)
    delivery = Delivery.objects.get()

    assert deliver_webhook(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert delivery.next_attempt_at is None
    assert reason in delivery.last_error
    assert delivery.attempt_log.get().error_kind == "blocked"


def test_a_port_outside_the_allowed_ones_is_refused(publish, settings):
    Subscriber.objects.create(name="Odd port", url="http://127.0.0.1:6379/hook")
    verdict = publish()
    settings.FETCH_ALLOWED_PORTS = [80, 443]
    on_verdict_published(verdict.pk)
    delivery = Delivery.objects.get()

    assert deliver_webhook(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert "port 6379" in delivery.last_error


class TestSweep:
    def test_a_lost_message_is_enqueued_again(
        self, receiver, publish, django_capture_on_commit_callbacks
    ):
        Subscriber.objects.create(name="Newsroom", url=receiver("/hook").url)
        on_verdict_published(publish().pk)
        Delivery.objects.update(next_attempt_at=Now() - timedelta(minutes=5))

        with django_capture_on_commit_callbacks() as callbacks:
            assert services.deliveries_sweep() == 1

        assert len(callbacks) == 1

    def test_a_delivery_not_due_yet_is_left_alone(self, receiver, publish):
        Subscriber.objects.create(name="Newsroom", url=receiver("/hook").url)
        on_verdict_published(publish().pk)
        Delivery.objects.update(next_attempt_at=Now() + timedelta(minutes=5))

        assert services.deliveries_sweep() == 0

    def test_a_lapsed_attempt_is_taken_up_again(self, receiver, publish):
        hook = receiver("/hook")
        Subscriber.objects.create(name="Newsroom", url=hook.url)
        on_verdict_published(publish().pk)
        delivery = Delivery.objects.get()
        services.delivery_claim(delivery_id=delivery.pk)  # a worker that then died
        Delivery.objects.update(lease_expires_at=Now() - timedelta(seconds=1))

        assert services.deliveries_sweep() == 1
        assert deliver_webhook(delivery.pk) == "delivered"

        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert [a.number for a in delivery.attempt_log.all()] == [2]

    def test_a_publication_whose_hook_never_ran_is_delivered(
        self, receiver, publish, django_capture_on_commit_callbacks
    ):
        Subscriber.objects.create(name="Newsroom", url=receiver("/hook").url)
        verdict = publish()

        with django_capture_on_commit_callbacks() as callbacks:
            assert services.deliveries_sweep() == 1

        delivery = Delivery.objects.get()
        assert (delivery.verdict_id, delivery.event) == (verdict.pk, "verdict.published")
        assert len(callbacks) == 1
        services.deliveries_sweep()
        assert Delivery.objects.count() == 1

    def test_a_subscriber_added_later_does_not_get_earlier_verdicts(self, receiver, publish):
        verdict = publish()
        type(verdict).objects.filter(pk=verdict.pk).update(published_at=Now() - timedelta(hours=1))
        Subscriber.objects.create(name="Newcomer", url=receiver("/hook").url)

        assert services.deliveries_sweep() == 0
        assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_attempt_that_lost_its_lease_records_nothing(alice, erin):
    Subscriber.objects.create(name="Newsroom", url="http://hooks.example.org/")
    # The approval's commit creates the delivery.
    delivery = Delivery.objects.get(verdict=verdict_published(author=alice, editor=erin))
    slow = services.delivery_claim(delivery_id=delivery.pk)
    Delivery.objects.update(lease_expires_at=Now() - timedelta(seconds=1))
    taken_over = services.delivery_claim(delivery_id=delivery.pk)
    accepted = PostOutcome(started_at=timezone.now(), duration_ms=5, status_code=200)

    assert services.delivery_record_attempt(delivery=slow, outcome=accepted) is None
    recorded = services.delivery_record_attempt(delivery=taken_over, outcome=accepted)

    assert recorded.state == "delivered"
    assert [a.number for a in recorded.attempt_log.all()] == [2]


@pytest.mark.django_db(transaction=True)
def test_approving_a_verdict_schedules_its_deliveries(receiver, publish, broker):
    hook = receiver("/hook")
    newsroom = Subscriber.objects.create(name="Newsroom", url=hook.url)

    verdict = publish()

    delivery = Delivery.objects.get()
    assert (delivery.verdict_id, delivery.event) == (verdict.pk, "verdict.published")
    assert deliver_webhook(delivery.pk) == "delivered"
    [(headers, body)] = hook.requests
    assert headers["x-factcheck-signature"] == expected_signature(newsroom.secret, headers, body)
