"""Writes to webhooks: deliveries for a publication, claiming them, recording each attempt.

The Delivery row is the truth about a webhook still to send. Celery only wakes workers up:
every task is enqueued after commit, re-reads the row and does nothing when there is nothing to
do, and a periodic sweep re-enqueues deliveries whose message was lost and creates those whose
publication hook never ran.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now

from factcheck import backoff
from factcheck.errors import InvalidInput
from reviews import presenters as review_presenters
from reviews import selectors as review_selectors
from sources.fetcher import FetchPolicy, InvalidURLError, validate_fetchable_url

from .models import Delivery, DeliveryAttempt, Event, Subscriber
from .transport import PostOutcome, receiver_refusal, webhook_policy

logger = logging.getLogger(__name__)

CLAIMABLE = Q(state=Delivery.State.PENDING) | Q(
    state=Delivery.State.DELIVERING, lease_expires_at__lt=Now()
)
# A lease outlives the longest attempt (the POST deadline) by this much.
LEASE_MARGIN = timedelta(seconds=60)
# How far back the sweep looks for publications whose deliveries were never created (the
# process died between the commit and its hook). Older ones are not sent late.
MISSED_PUBLICATION_LOOKBACK = timedelta(hours=24)


# --- subscribers ----------------------------------------------------------------------------


def delivery_policy() -> FetchPolicy:
    """The fetcher's address rules with the webhook time limit (WEBHOOK_TIMEOUT_SECONDS)."""
    return webhook_policy(timeout_seconds=settings.WEBHOOK_TIMEOUT_SECONDS)


def subscriber_url_check(*, url: str) -> str:
    """`url` without surrounding whitespace if webhooks may be sent to it: the fetcher's URL
    syntax, an allowed port, and every address its host resolves to allowed.

    Raises InvalidInput with a message for the person who typed the URL.
    """
    try:
        url = validate_fetchable_url(url)
    except InvalidURLError as exc:
        raise InvalidInput(str(exc), details={"url": str(exc)}) from exc
    refusal = receiver_refusal(url, policy=delivery_policy())
    if refusal:
        raise InvalidInput(refusal, details={"url": refusal})
    return url


# --- creating deliveries --------------------------------------------------------------------


def on_verdict_published(verdict_id: int) -> None:
    """Publication hook: call after the commit that published (or corrected) a verdict. The
    receivers of reviews' publication signals call it.

    Safe to call more than once, and inside a transaction: deliveries are created once and
    sent after commit.
    """
    deliveries_create_for_verdict(verdict_id=verdict_id)


def _enqueue_delivery(delivery_id: int, *, countdown: float | None = None) -> None:
    from .tasks import deliver_webhook

    # Robust: a broker that is down must not fail the commit that already happened; the row
    # stays pending and the sweep enqueues it again.
    transaction.on_commit(
        lambda: deliver_webhook.apply_async((delivery_id,), countdown=countdown), robust=True
    )


def deliveries_create_for_verdict(*, verdict_id: int) -> list[Delivery]:
    """One delivery per active subscriber that wants the event, each sent after commit.

    The event is `verdict.corrected` when an earlier verdict on the same claim was published,
    else `verdict.published`. Idempotent: subscribers that already have the delivery are left
    alone, so calling it again (or from the sweep) sends nothing twice. Returns the deliveries
    created.
    """
    verdict = review_selectors.verdict_as_published(verdict_id=verdict_id)
    if verdict is None:
        logger.warning("No webhooks for verdict %s: it is not published.", verdict_id)
        return []
    corrects_id = review_selectors.publication_corrected(
        verdict_id=verdict_id, claim_id=verdict["claim_id"], published_at=verdict["published_at"]
    )
    event = Event.VERDICT_CORRECTED if corrects_id is not None else Event.VERDICT_PUBLISHED
    subscribers = [
        subscriber
        for subscriber in Subscriber.objects.filter(
            is_active=True, created_at__lte=verdict["published_at"]
        )
        if subscriber.wants(event)
    ]
    if not subscribers:
        return []
    with transaction.atomic():
        existing = set(
            Delivery.objects.filter(verdict_id=verdict_id, event=event).values_list(
                "subscriber_id", flat=True
            )
        )
        missing = [subscriber for subscriber in subscribers if subscriber.pk not in existing]
        if not missing:
            return []
        payload = review_presenters.webhook_payload(verdict, corrects_id=corrects_id)
        # A concurrent caller (the sweep) may insert the same rows: the unique constraint keeps
        # one, and both enqueueing it is harmless.
        Delivery.objects.bulk_create(
            [
                Delivery(subscriber=subscriber, verdict_id=verdict_id, event=event, payload=payload)
                for subscriber in missing
            ],
            ignore_conflicts=True,
        )
        created = list(
            Delivery.objects.filter(
                verdict_id=verdict_id,
                event=event,
                subscriber__in=missing,
                state=Delivery.State.PENDING,
                attempts=0,
            )
        )
        for delivery in created:
            _enqueue_delivery(delivery.pk)
    return created


# --- sending --------------------------------------------------------------------------------


def _lease_duration() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS) + LEASE_MARGIN


def delivery_claim(*, delivery_id: int) -> Delivery | None:
    """Take a delivery for one attempt: it moves to `delivering` under a lease (on the
    database clock) and its attempt count goes up. The subscriber comes selected.

    Returns None when there is nothing to do (delivered, failed, not yet due, or being sent
    under a live lease), which makes a redelivered task harmless. A delivery whose subscriber
    was deactivated, or whose last allowed attempt never finished, fails here.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(CLAIMABLE, pk=delivery_id)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=Now()))
            .first()
        )
        if delivery is None:
            return None
        subscriber = Subscriber.objects.get(pk=delivery.subscriber_id)
        if not subscriber.is_active:
            _fail(delivery, "The subscriber was deactivated before this delivery was sent.")
            return None
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            _fail(
                delivery,
                f"Gave up after {delivery.attempts} attempts; the last one did not finish "
                "(its worker stopped).",
            )
            return None
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.DELIVERING,
            attempts=F("attempts") + 1,
            lease_expires_at=Now() + _lease_duration(),
            next_attempt_at=None,
            updated_at=Now(),
        )
        delivery.refresh_from_db()
    delivery.subscriber = subscriber
    return delivery


def _fail(delivery: Delivery, reason: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED,
        lease_expires_at=None,
        next_attempt_at=None,
        last_error=reason,
        updated_at=Now(),
    )


def retry_delay(*, attempts: int, retry_after: float | None) -> float:
    return backoff.retry_delay(
        attempts=attempts,
        base=settings.WEBHOOK_RETRY_BASE_SECONDS,
        cap=settings.WEBHOOK_RETRY_MAX_SECONDS,
        retry_after=retry_after,
    )


def delivery_record_attempt(*, delivery: Delivery, outcome: PostOutcome) -> Delivery | None:
    """Log an attempt and move the delivery on, as the holder of the lease `delivery` was
    claimed with: delivered, pending a retry (with backoff) or failed for good.

    Returns None, writing nothing, when the lease was taken over meanwhile, so an attempt
    that outlived its lease cannot record a second outcome.
    """
    max_attempts = settings.WEBHOOK_MAX_ATTEMPTS
    with transaction.atomic():
        current = (
            Delivery.objects.select_for_update()
            .filter(
                pk=delivery.pk,
                state=Delivery.State.DELIVERING,
                lease_expires_at=delivery.lease_expires_at,
            )
            .first()
        )
        if current is None:
            logger.info("Outcome of delivery %s dropped: the lease was taken over.", delivery.pk)
            return None
        DeliveryAttempt.objects.create(
            delivery=current,
            number=current.attempts,
            started_at=outcome.started_at,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error_kind=outcome.error_kind,
            error=outcome.error,
            response_excerpt=outcome.response_excerpt,
        )
        changes = {
            "lease_expires_at": None,
            "last_status_code": outcome.status_code,
            "updated_at": Now(),
        }
        if outcome.delivered:
            changes.update(
                state=Delivery.State.DELIVERED,
                delivered_at=Now(),
                next_attempt_at=None,
                last_error="",
            )
        elif outcome.retryable and current.attempts < max_attempts:
            delay = retry_delay(attempts=current.attempts, retry_after=outcome.retry_after_seconds)
            changes.update(
                state=Delivery.State.PENDING,
                next_attempt_at=Now() + timedelta(seconds=delay),
                last_error=f"{outcome.error} Attempt {current.attempts} of {max_attempts}; "
                f"the next in about {delay:.0f} seconds.",
            )
            _enqueue_delivery(current.pk, countdown=delay)
        else:
            given_up = f" Gave up after {current.attempts} attempts." if outcome.retryable else ""
            changes.update(
                state=Delivery.State.FAILED,
                next_attempt_at=None,
                last_error=f"{outcome.error}{given_up}",
            )
        Delivery.objects.filter(pk=current.pk).update(**changes)
        current.refresh_from_db()
    return current


# --- the sweep ------------------------------------------------------------------------------


def _create_missed_deliveries(*, limit: int) -> list[int]:
    """Deliveries for recent publications that lack one for a subscriber that wants it."""
    subscribers = list(Subscriber.objects.filter(is_active=True))
    if not subscribers:
        return []
    recent = review_selectors.publications_since(age=MISSED_PUBLICATION_LOOKBACK, limit=limit)
    if not recent:
        return []
    have = set(
        Delivery.objects.filter(verdict_id__in=[pk for pk, _, _ in recent]).values_list(
            "verdict_id", "subscriber_id", "event"
        )
    )
    created: list[int] = []
    for verdict_id, published_at, is_correction in recent:
        event = Event.VERDICT_CORRECTED if is_correction else Event.VERDICT_PUBLISHED
        lacking = any(
            subscriber.wants(event)
            and subscriber.created_at <= published_at
            and (verdict_id, subscriber.pk, event) not in have
            for subscriber in subscribers
        )
        if lacking:
            created += [d.pk for d in deliveries_create_for_verdict(verdict_id=verdict_id)]
    return created


def deliveries_sweep(*, limit: int = 500) -> int:
    """Create deliveries whose publication hook never ran, and re-enqueue deliveries that are
    due but may have lost their message: pending ones past their attempt time and delivering
    ones whose lease ran out (a worker died mid-attempt). Returns how many were enqueued."""
    created = _create_missed_deliveries(limit=limit)
    due = (
        Delivery.objects.filter(
            Q(state=Delivery.State.PENDING, next_attempt_at__lte=Now())
            | Q(state=Delivery.State.PENDING, next_attempt_at__isnull=True)
            | Q(state=Delivery.State.DELIVERING, lease_expires_at__lt=Now())
        )
        .exclude(pk__in=created)
        .order_by(F("next_attempt_at").asc(nulls_first=True))
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    with transaction.atomic():
        for delivery_id in ids:
            _enqueue_delivery(delivery_id)
    return len(created) + len(ids)
