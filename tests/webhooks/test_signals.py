"""Webhooks hear of publications through reviews' signals, sent once the publication is
committed: never before, never for one rolled back, and a failing listener breaks nothing."""

import logging
from contextlib import contextmanager

import pytest
from django.db import transaction

from reviews.services import verdict_approve
from reviews.signals import verdict_corrected, verdict_published
from tests.factories import verdict_published as published
from tests.factories import verdict_submitted
from webhooks.models import Delivery, Subscriber

pytestmark = pytest.mark.django_db


@contextmanager
def listening(signal, listener):
    signal.connect(listener, weak=False)
    try:
        yield
    finally:
        signal.disconnect(listener)


def heard_by(heard: list):
    def listener(sender, signal, **details):
        heard.append(details)

    return listener


def approve(verdict, *, by):
    return verdict_approve(verdict=verdict, by=by, expected_version=verdict.version)


def test_subscribers_get_a_publication_once_it_is_committed(
    alice, erin, broker, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(name="Newsroom", url="http://hooks.example.org/")
    submitted = verdict_submitted(author=alice)
    heard: list = []

    with (
        listening(verdict_published, heard_by(heard)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        verdict = approve(submitted, by=erin)
        assert heard == [] and not Delivery.objects.exists()

    assert [details["verdict_id"] for details in heard] == [verdict.pk]
    delivery = Delivery.objects.get()
    assert (delivery.verdict_id, delivery.event) == (verdict.pk, "verdict.published")


def test_a_publication_rolled_back_is_not_announced(
    alice, erin, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(name="Newsroom", url="http://hooks.example.org/")
    submitted = verdict_submitted(author=alice)
    heard: list = []

    with (
        listening(verdict_published, heard_by(heard)),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        approve(submitted, by=erin)
        raise RuntimeError("the request failed after the approval")

    assert heard == []
    assert not Delivery.objects.exists()


def test_a_failing_listener_breaks_neither_the_publication_nor_the_webhooks(
    alice, erin, broker, caplog, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(name="Newsroom", url="http://hooks.example.org/")
    submitted = verdict_submitted(author=alice)

    def broken(sender, **details):
        raise RuntimeError("search index unreachable")

    with (
        listening(verdict_published, broken),
        caplog.at_level(logging.ERROR),
        django_capture_on_commit_callbacks(execute=True),
    ):
        verdict = approve(submitted, by=erin)

    verdict.refresh_from_db()
    assert verdict.state == "published"
    assert Delivery.objects.filter(verdict=verdict, event="verdict.published").exists()
    assert "search index unreachable" in caplog.text


def test_a_correction_is_announced_with_the_verdict_it_corrects(
    alice, erin, broker, correct, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(name="Newsroom", url="http://hooks.example.org/")
    original = published(author=alice, editor=erin)
    heard: list = []

    with (
        listening(verdict_corrected, heard_by(heard)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        correction = correct(original)

    assert heard == [{"verdict_id": correction.pk, "corrects_id": original.pk}]
    delivery = Delivery.objects.get(verdict=correction)
    assert delivery.event == "verdict.corrected"
    assert delivery.payload["verdict"]["corrects_verdict_id"] == original.pk
