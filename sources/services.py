"""Writes to sources: asking for a URL to be fetched, claiming fetch work, recording results.

The Source row is the truth about fetch work to do. Celery only wakes workers up: every
task is enqueued after commit, re-reads the row and does nothing when there is nothing to do,
and a periodic sweep re-enqueues work whose message was lost.
"""

import logging
import zlib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Now
from django.utils import timezone

from factcheck.backoff import retry_delay
from factcheck.errors import Conflict, InvalidInput

from .fetcher import (
    FetchErrorKind,
    FetchResult,
    InvalidURLError,
    normalize_url,
    validate_fetchable_url,
)
from .models import Source, SourceSnapshot
from .signals import source_fetch_failed, source_fetched
from .storable import storable_result

logger = logging.getLogger(__name__)

CLAIMABLE = Q(state=Source.State.PENDING) | Q(
    state=Source.State.FETCHING, lease_expires_at__lt=Now()
)


def _attempts_spent() -> Q:
    """Sources that have started as many attempts as allowed. A claim counts an attempt, so
    one whose lease ran out (the worker stopped or hung) counts as much as one that failed."""
    return Q(attempts__gte=settings.FETCH_MAX_ATTEMPTS)


def _enqueue_fetch(source_id: int, *, countdown: float | None = None) -> None:
    from .tasks import fetch_source

    transaction.on_commit(
        lambda: fetch_source.apply_async((source_id,), countdown=countdown), robust=True
    )


def _enqueue_fetches(source_ids: list[int]) -> None:
    """Wake workers for many sources after commit, publishing through one broker connection
    (a connection per message costs more than the message)."""
    from .tasks import fetch_source

    def publish() -> None:
        with fetch_source.app.producer_or_acquire() as producer:
            for source_id in source_ids:
                fetch_source.apply_async((source_id,), producer=producer)

    if source_ids:
        transaction.on_commit(publish, robust=True)


def _normalised(url: str) -> str:
    try:
        return normalize_url(validate_fetchable_url(url))
    except InvalidURLError as exc:
        raise InvalidInput(str(exc), details={"url": str(exc)}) from exc


def source_for_url(*, url: str) -> Source:
    """The source for `url` (normalised), created when new; a fetch is scheduled when the
    source has never been fetched or its last fetch is older than the freshness window.

    Raises InvalidInput with a message for a person when the URL cannot be fetched at all.
    """
    return sources_for_urls(urls=[url])[url]


def sources_for_urls(*, urls: list[str]) -> dict[str, Source]:
    """`source_for_url` for many URLs in a constant number of queries (an article may cite
    hundreds of links). Returns each given URL's source; every URL must be fetchable."""
    normalised = {url: _normalised(url) for url in urls}
    wanted = set(normalised.values())
    with transaction.atomic():
        existing = {source.url: source for source in Source.objects.filter(url__in=wanted)}
        missing = wanted - set(existing)
        if missing:
            now = timezone.now()
            # A concurrent request may create the same URL: its row wins, ours is skipped.
            Source.objects.bulk_create(
                [
                    Source(url=url, host=(urlsplit(url).hostname or "")[:255], next_attempt_at=now)
                    for url in sorted(missing)
                ],
                ignore_conflicts=True,
            )
            created = {
                source.url: source
                for source in Source.objects.filter(url__in=missing, attempts=0, state="pending")
            }
            _enqueue_fetches([source.pk for source in created.values()])
            existing |= created
            for url in missing - set(created):
                existing[url] = Source.objects.get(url=url)
        for url in wanted - missing:
            if _is_stale(existing[url]):
                source_request_refetch(source=existing[url])
    return {url: existing[normalised[url]] for url in urls}


def _is_stale(source: Source) -> bool:
    if source.state != Source.State.FETCHED or source.last_fetched_at is None:
        return False
    age = timezone.now() - source.last_fetched_at
    return age > timedelta(seconds=settings.FETCH_FRESHNESS_SECONDS)


def source_request_refetch(*, source: Source) -> Source:
    """Fetch again (a new snapshot is added; earlier snapshots stay)."""
    with transaction.atomic():
        updated = (
            Source.objects.filter(pk=source.pk)
            .exclude(state=Source.State.FETCHING)
            .update(
                state=Source.State.PENDING,
                attempts=0,
                next_attempt_at=Now(),
                lease_expires_at=None,
                updated_at=Now(),
            )
        )
        if updated:
            _enqueue_fetch(source.pk)
    source.refresh_from_db()
    return source


def source_retry_refusal(source: Source) -> Conflict | None:
    """Why fetching `source` again now would do nothing, as the refusal `source_fetch_again`
    raises; None when it may be fetched again. Judged on the instance as read (a page asks
    this to offer the retry); a lease still running is left to the service, which asks the
    database's clock."""
    if source.state == Source.State.FETCHED:
        return Conflict(
            "This page was fetched: there is nothing to retry.",
            details={"fetch_state": source.state},
        )
    if source.state == Source.State.BLOCKED:
        return Conflict(
            "The fetcher refuses this address, and trying again cannot change that: "
            f"{source.last_error or source.last_error_kind} Link to the page at a public web "
            "address instead.",
            details={"fetch_state": source.state},
        )
    return None


def source_fetch_again(*, source: Source) -> None:
    """Fetch `source` again now, at the request of a person: its schedule starts over (as
    many attempts as a new source, the first one due now) and a worker is woken after
    commit. The last error is kept until an attempt ends, so it still says what went wrong.

    Raises Conflict when there is nothing to retry (`source_retry_refusal`) or when a worker
    is fetching it under a lease that still runs. With tasks in-process, the fetch runs when
    the outermost transaction commits: read the source again after it to see the result."""
    with transaction.atomic():
        current = Source.objects.select_for_update().get(pk=source.pk)
        refused = source_retry_refusal(current)
        fetching = current.state == Source.State.FETCHING
        if (
            refused is None
            and fetching
            and Source.objects.filter(pk=current.pk, lease_expires_at__gt=Now()).exists()
        ):
            refused = Conflict(
                "This page is being fetched right now: the link shows the result as soon as "
                "the fetch ends.",
                details={"fetch_state": current.state},
            )
        if refused is not None:
            raise refused
        Source.objects.filter(pk=current.pk).update(
            state=Source.State.PENDING,
            attempts=0,
            next_attempt_at=Now(),
            lease_expires_at=None,
            updated_at=Now(),
        )
        _enqueue_fetch(current.pk)


class HostBusy(Exception):
    """The host has as many fetches under way as politeness allows; try again later."""

    def __init__(self, retry_in: float):
        super().__init__(f"host busy, retry in {retry_in:.1f}s")
        self.retry_in = retry_in


def _lock_host(host: str) -> None:
    """Serialise claims per host so two workers cannot both take the host's last slot.
    (Other databases serialise every writer, which does the same.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(host.encode())])


def source_claim_for_fetch(*, source_id: int) -> Source | None:
    """Take the fetch of a source: it moves to `fetching` under a lease.

    Returns None when there is nothing to do (already fetched, failed, blocked, not yet due,
    or fetching under a live lease), which makes a redelivered task harmless. A source that
    has used its attempts is failed instead of fetched again, and None returned. Raises
    HostBusy when the host's politeness limit says to wait.
    """
    with transaction.atomic():
        source = (
            Source.objects.select_for_update(skip_locked=True)
            .filter(CLAIMABLE, pk=source_id)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=Now()))
            .first()
        )
        if source is None:
            return None
        if source.attempts >= settings.FETCH_MAX_ATTEMPTS:
            _give_up(source)
            return None
        _lock_host(source.host)
        _check_host_politeness(source)
        lease = timedelta(seconds=settings.FETCH_LEASE_SECONDS)
        Source.objects.filter(pk=source.pk).update(
            state=Source.State.FETCHING,
            attempts=source.attempts + 1,
            lease_expires_at=Now() + lease,
            fetch_started_at=Now(),
            updated_at=Now(),
        )
        source.refresh_from_db()
    return source


def _check_host_politeness(source: Source) -> None:
    siblings = Source.objects.filter(host=source.host).exclude(pk=source.pk)
    load = siblings.aggregate(
        busy=Count("pk", filter=Q(state=Source.State.FETCHING, lease_expires_at__gt=Now())),
        last_start=Max("fetch_started_at"),
    )
    delay = settings.FETCH_HOST_DELAY_SECONDS
    if load["busy"] >= settings.FETCH_HOST_CONCURRENCY:
        raise HostBusy(retry_in=max(delay, 1.0))
    if delay > 0 and load["last_start"] is not None:
        waited = (timezone.now() - load["last_start"]).total_seconds()
        if waited < delay:
            raise HostBusy(retry_in=delay - waited)


def _give_up(source: Source) -> None:
    """Fail a source that has used its attempts without a recorded end to the last one.
    Caller holds the row lock."""
    attempts = f"{source.attempts} attempt{'' if source.attempts == 1 else 's'}"
    if source.state == Source.State.FETCHING:
        kind = str(FetchErrorKind.LEASE_EXPIRED)
        reason = (
            f"Gave up after {attempts}: the last one did not finish within its "
            f"{settings.FETCH_LEASE_SECONDS}-second lease (the worker fetching it stopped or "
            "hung)."
        )
    else:
        kind = source.last_error_kind
        reason = f"Gave up after {attempts}. {source.last_error}".strip()
    Source.objects.filter(pk=source.pk).update(
        state=Source.State.FAILED,
        lease_expires_at=None,
        next_attempt_at=None,
        last_error_kind=kind,
        last_error=reason,
        updated_at=Now(),
    )
    logger.warning("Fetching %s failed for good: %s", source.url, reason)
    source_id = source.pk
    transaction.on_commit(
        lambda: source_fetch_failed.send(sender=Source, source_id=source_id, reason=reason),
        robust=True,
    )


def source_release_for_later(*, source_id: int, retry_in: float) -> None:
    """Put back a claim that could not start (politeness), without counting an attempt."""
    Source.objects.filter(pk=source_id, state=Source.State.PENDING).update(
        next_attempt_at=Now() + timedelta(seconds=retry_in), updated_at=Now()
    )
    _enqueue_fetch(source_id, countdown=retry_in)


def _retry_delay(*, attempts: int, retry_after: float | None) -> float:
    return retry_delay(
        attempts=attempts,
        base=settings.FETCH_RETRY_BASE_SECONDS,
        cap=settings.FETCH_RETRY_MAX_SECONDS,
        retry_after=retry_after,
    )


def source_record_result(*, source: Source, result: FetchResult) -> SourceSnapshot | None:
    """Record what a fetch found, as the holder of the fetch lease `source` was claimed with,
    in a transaction of its own.

    Returns None, writing nothing, when the lease was lost meanwhile (another worker took
    the fetch over), so a fetch that outlived its lease cannot add a second result. When what
    the fetch found cannot be stored, that failure is recorded instead, in a fresh
    transaction: a source is never left fetching because its result could not be written.
    """
    try:
        return _record(source=source, result=storable_result(result))
    except Exception as exc:  # whatever refused the write, the attempt must still end
        logger.exception("Could not store what the fetch of %s found.", source.url)
        if not connection.in_atomic_block:
            # A connection the failure broke is replaced, so the fresh transaction can begin.
            connection.close_if_unusable_or_obsolete()
        return _record(source=source, result=storable_result(_unstorable(result, exc)))


def _unstorable(result: FetchResult, exc: Exception) -> FetchResult:
    """The failure to store `result`, as a fetch result of its own."""
    # A database error's text can go on to quote the whole refused row.
    problem = (str(exc).strip().splitlines() or [""])[0][:300]
    found = f"a {result.error_kind} failure" if result.error_kind else "an answer"
    return FetchResult(
        requested_url=result.requested_url,
        final_url=result.final_url,
        status_code=result.status_code,
        content_type=result.content_type,
        fetched_at=result.fetched_at,
        error_kind=FetchErrorKind.RECORD_FAILED,
        error_message=(
            f"Fetching {result.final_url or result.requested_url} ended in {found}, but what it "
            f"found could not be stored ({type(exc).__name__}: {problem})."
        ),
        # Only a database that could not be reached may take the same result next time.
        retryable=isinstance(exc, OperationalError | InterfaceError),
    )


def _record(*, source: Source, result: FetchResult) -> SourceSnapshot | None:
    """Write a storable `result` as the lease holder; see source_record_result."""
    with transaction.atomic():
        current = (
            Source.objects.select_for_update()
            .filter(
                pk=source.pk,
                state=Source.State.FETCHING,
                lease_expires_at=source.lease_expires_at,
            )
            .first()
        )
        if current is None:
            logger.info("Fetch result for %s dropped: the lease was taken over.", source.url)
            return None
        snapshot = SourceSnapshot.objects.create(
            source=current,
            requested_url=result.requested_url,
            final_url=result.final_url,
            status_code=result.status_code,
            content_type=result.content_type,
            title=result.title,
            text=result.text,
            metadata=result.metadata,
            links=result.links,
            sha256=result.sha256,
            size=result.size,
            fetched_at=result.fetched_at,
            error_kind=result.error_kind,
            error_message=result.error_message,
        )
        current.lease_expires_at = None
        current.last_error_kind = result.error_kind
        current.last_error = result.error_message
        # Receivers act in other apps; one that fails must not undo or hide this record.
        if not result.error_kind:
            current.state = Source.State.FETCHED
            current.last_fetched_at = result.fetched_at
            current.next_attempt_at = None
            transaction.on_commit(
                lambda: source_fetched.send(
                    sender=Source, source_id=current.pk, snapshot_id=snapshot.pk
                ),
                robust=True,
            )
        elif result.retryable and current.attempts < settings.FETCH_MAX_ATTEMPTS:
            delay = _retry_delay(attempts=current.attempts, retry_after=result.retry_after_seconds)
            current.state = Source.State.PENDING
            current.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            _enqueue_fetch(current.pk, countdown=delay)
        else:
            blocked = result.error_kind == "blocked"
            current.state = Source.State.BLOCKED if blocked else Source.State.FAILED
            current.next_attempt_at = None
            reason = result.error_message or result.error_kind
            transaction.on_commit(
                lambda: source_fetch_failed.send(
                    sender=Source, source_id=current.pk, reason=reason
                ),
                robust=True,
            )
        current.save()
    return snapshot


def sources_sweep(*, limit: int = 500) -> int:
    """Re-enqueue fetches that are due but may have lost their message: pending rows past
    their attempt time and fetching rows whose lease ran out (a worker died mid-fetch).
    Sources among them that have used their attempts are failed instead, with the reason.
    Returns how many were enqueued."""
    with transaction.atomic():
        spent = Source.objects.select_for_update(skip_locked=True).filter(
            CLAIMABLE, _attempts_spent()
        )
        for source in spent[:limit]:
            _give_up(source)
    due = (
        Source.objects.filter(
            Q(state=Source.State.PENDING, next_attempt_at__lte=Now())
            | Q(state=Source.State.PENDING, next_attempt_at__isnull=True)
            | Q(state=Source.State.FETCHING, lease_expires_at__lt=Now())
        )
        .exclude(_attempts_spent())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    with transaction.atomic():
        for source_id in ids:
            _enqueue_fetch(source_id)
    return len(ids)
