"""Every write to the fact-check collection: imports (a page or feed URL, a file, a JSON
value), feed subscriptions and their scheduled refreshes.

An import reads the whole input first (a failure there refuses the import and changes
nothing), then writes its items in batches: one query finds what exists, one inserts what
is new and one updates what changed. A batch the database refuses is written again one item
at a time, each in its own transaction, so a broken item is skipped with its reason and never
half-written. Identity is held by unique constraints (the review URL with the claim; the
publisher with its id), so imports running at the same time cannot duplicate a fact-check:
the one that loses the race finds the other's row and updates it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from factcheck.errors import InvalidInput, NotFound, NotPermitted
from sources.fetcher import InvalidURLError, validate_fetchable_url

from .documents import AUTO, Document, Skipped, looks_like_page, read_document, read_value
from .errors import (
    AlreadySubscribed,
    ImportRefused,
    NothingImported,
    SubscriptionPaused,
    UnreadableDocument,
)
from .fetching import fetch_document, url_refusal
from .items import FactCheckData, ReadOptions, SkipItem
from .models import FactCheck, FeedSubscription, ImportRun, ImportSource, Publisher
from .permissions import (
    IMPORT_REFUSAL,
    SUBSCRIPTION_REFUSAL,
    may_import,
    may_manage_subscriptions,
)
from .signals import factchecks_imported

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Once an import has added this many rows to a collection whose statistics predate them, the
# statistics are refreshed: planned without them, the lookup of each batch scans the table
# (130 ms a batch at 20,000 rows, against 8 ms through the unique indexes once analysed).
# Once is enough: the planner scales what it learnt to the table's size as it grows.
ANALYZE_AFTER_ROWS = 2000
# The report keeps this many skipped items with their reasons; all are counted.
MAX_REPORTED_SKIPS = 500
# Fields a refresh may change (identity fields are only ever filled in, see _merged).
WRITTEN_FIELDS = (
    "publisher_id",
    "external_id",
    "review_url",
    "review_url_key",
    "claim_text",
    "claim_digest",
    "claimant",
    "claim_date",
    "review_date",
    "headline",
    "language",
    "language_detected",
    "rating_text",
    "rating_value",
    "best_rating",
    "worst_rating",
    "canonical_rating",
    "rating_conflict",
    "rating_note",
    "raw",
)
_SYNTHETIC_ID_PREFIX = "claim:"

Progress = Callable[[int, int], None]
"""Told (items done, items in all) once the input is read, then after each batch."""


# --- imports -------------------------------------------------------------------------------


def factchecks_import_url(
    *,
    url: str,
    format: str = AUTO,
    publisher: str = "",
    language: str = "",
    by=None,
    subscription: FeedSubscription | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Import the ClaimReviews of a fact-check page, or the items of a feed, at `url`.

    Raises NotPermitted when `by` may not import, ImportRefused (saying why) when nothing can
    be read there, NothingImported when every item was skipped."""
    _check_may_import(by)
    url = url.strip()
    source = ImportSource.SUBSCRIPTION if subscription is not None else ImportSource.FEED

    def read(run: ImportRun) -> Document:
        fetched = fetch_document(url)
        is_page = looks_like_page(fetched.body, media_type=fetched.media_type)
        # Reviews on a page without a URL of their own are reviews of that page; a feed's
        # items carry their own.
        options = ReadOptions(
            publisher=publisher, language=language, page_url=fetched.url if is_page else ""
        )
        document = read_document(
            fetched.body,
            options=options,
            format=format,
            media_type=fetched.media_type,
            charset=fetched.charset,
            filename=fetched.url.rsplit("/", 1)[-1],
            where=fetched.url,
        )
        if document.is_page and subscription is None:
            run.source = ImportSource.PAGE
        return document

    return _import(
        source=source,
        location=url,
        by=by,
        subscription=subscription,
        read=read,
        progress=progress,
    )


def factchecks_import_file(
    *,
    data: bytes,
    filename: str = "",
    format: str = AUTO,
    publisher: str = "",
    language: str = "",
    by=None,
    progress: Progress | None = None,
) -> ImportRun:
    """Import an uploaded file: ClaimReview JSON or JSON-LD, a saved fact-check page, or a
    CLEF collection (tab-separated)."""
    _check_may_import(by)
    options = ReadOptions(publisher=publisher, language=language)
    name = filename or "uploaded file"
    return _import(
        source=ImportSource.UPLOAD,
        location=filename,
        by=by,
        read=lambda run: read_document(
            data, options=options, format=format, filename=filename, where=name
        ),
        progress=progress,
    )


def factchecks_import_value(
    *, value: Any, publisher: str = "", language: str = "", by=None
) -> ImportRun:
    """Import ClaimReview JSON-LD given as a parsed JSON value (an API request body)."""
    _check_may_import(by)
    options = ReadOptions(publisher=publisher, language=language)
    return _import(
        source=ImportSource.UPLOAD,
        location="request body",
        by=by,
        read=lambda run: read_value(value, options=options, where="The document"),
    )


def _check_may_import(by) -> None:
    if by is not None and not may_import(by):
        raise NotPermitted(IMPORT_REFUSAL)


def _import(
    *,
    source: str,
    location: str,
    by,
    read: Callable[[ImportRun], Document],
    subscription: FeedSubscription | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    run = ImportRun.objects.create(
        source=source,
        location=location[:2048],
        requested_by=by if by is not None and by.is_authenticated else None,
        subscription=subscription,
    )
    try:
        document = read(run)
    except ImportRefused as refusal:
        _finish(run, state=ImportRun.State.FAILED, error=refusal.message)
        raise
    except Exception as exc:  # a fault of ours on odd input: refused, recorded, never a 500
        logger.exception("Reading the input of import %s failed.", run.pk)
        refusal = UnreadableDocument(
            f"{location or 'The input'} could not be read ({type(exc).__name__}). Check that "
            "it is ClaimReview JSON-LD, a fact-check page or a CLEF collection."
        )
        _finish(run, state=ImportRun.State.FAILED, error=refusal.message)
        raise refusal from exc
    run.format = document.format
    run.items = len(document.entries) + len(document.skipped)
    run.save(update_fields=["source", "format", "items"])

    writer = _Writer(run=run, subscription=subscription)
    for skipped in document.skipped:
        writer.skip(skipped)
    entries = document.entries
    if progress is not None:
        progress(0, len(entries))
    for start in range(0, len(entries), BATCH_SIZE):
        batch = entries[start : start + BATCH_SIZE]
        read_items: list[tuple[int, FactCheckData]] = []
        for entry in batch:
            try:
                read_items.append((entry.position, entry.read()))
            except SkipItem as skip:
                writer.skip(Skipped(entry.position, "", skip.reason))
            except Exception as exc:  # a fault of ours on odd input ends this item, not the import
                logger.exception("Reading item %s of import %s failed.", entry.position, run.pk)
                writer.skip(
                    Skipped(
                        entry.position,
                        "",
                        f"The item could not be read ({type(exc).__name__}); it was left out.",
                    )
                )
        writer.write(read_items)
        if progress is not None:
            progress(start + len(batch), len(entries))

    run.imported, run.updated, run.unchanged = writer.imported, writer.updated, writer.unchanged
    run.skipped = writer.skipped_count
    run.skipped_items = writer.skipped_items
    if run.imported or run.updated or run.unchanged:
        _finish(run, state=ImportRun.State.SUCCEEDED)
    else:
        message = _nothing_imported_message(run)
        _finish(run, state=ImportRun.State.FAILED, error=message)
        raise NothingImported(message, details={"import": import_report(run)})
    if run.imported or run.updated:
        run_id = run.pk
        transaction.on_commit(
            lambda: factchecks_imported.send_robust(sender=ImportRun, import_run_id=run_id),
            robust=True,
        )
    return run


def _finish(run: ImportRun, *, state: str, error: str = "") -> None:
    run.state = state
    run.error = error
    run.finished_at = timezone.now()
    run.save()


def _nothing_imported_message(run: ImportRun) -> str:
    if not run.items:
        return f"{run.location or 'The input'} holds no fact-check to import."
    reasons = Counter(item["reason"] for item in run.skipped_items)
    common = "; ".join(reason for reason, _count in reasons.most_common(3))
    return f"None of the {run.items} items could be imported: {common}"


def import_report(run: ImportRun) -> dict[str, Any]:
    """What an import did, as the API, the admin and the command show it."""
    return {
        "id": run.pk,
        "state": run.state,
        "source": run.source,
        "location": run.location,
        "format": run.format,
        "items": run.items,
        "imported": run.imported,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "skipped": run.skipped,
        "skipped_items": run.skipped_items,
        "error": run.error,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
    }


class _Writer:
    """Writes the items of one import, batch by batch, and counts what became of each."""

    def __init__(self, *, run: ImportRun, subscription: FeedSubscription | None) -> None:
        self.run = run
        self.subscription = subscription
        self.imported = self.updated = self.unchanged = self.skipped_count = 0
        self.skipped_items: list[dict[str, Any]] = []
        self._publisher_ids: dict[str, int] = {}
        self._analyzed = False

    def skip(self, skipped: Skipped) -> None:
        self.skipped_count += 1
        if len(self.skipped_items) < MAX_REPORTED_SKIPS:
            self.skipped_items.append(skipped.as_dict())

    def write(self, items: list[tuple[int, FactCheckData]]) -> None:
        items = self._without_repeats(items)
        if not items:
            return
        # Publishers first, outside the batch's transaction: a batch written again item by
        # item must find them still there.
        self._publishers(data for _position, data in items)
        try:
            with transaction.atomic():
                outcome = self._write_batch(items)
        except (DatabaseError, ValueError):
            # Some item the database refuses (or a row another import added meanwhile):
            # each item again on its own, so that only the broken one is skipped.
            for position, data in items:
                self._write_one(position, data)
            return
        self.imported += outcome["imported"]
        self.updated += outcome["updated"]
        self.unchanged += outcome["unchanged"]
        if not self._analyzed and self.imported >= ANALYZE_AFTER_ROWS:
            self._analyze_if_stale()

    def _analyze_if_stale(self) -> None:
        """Refresh the planner's statistics when they know fewer rows than this import added."""
        self._analyzed = True
        if connection.vendor != "postgresql":
            return
        table = FactCheck._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
            (known_rows,) = cursor.fetchone()
            if known_rows < self.imported:
                cursor.execute(f"ANALYZE {table}")

    def _without_repeats(
        self, items: list[tuple[int, FactCheckData]]
    ) -> list[tuple[int, FactCheckData]]:
        """The last of items naming one fact-check twice in a batch; the others skipped."""
        last: dict[tuple, int] = {}
        for index, (_position, data) in enumerate(items):
            for key in _identities(data):
                last[key] = index
        kept = []
        for index, (position, data) in enumerate(items):
            later = [last[key] for key in _identities(data) if last[key] != index]
            if later:
                again = items[max(later)][0]
                self.skip(
                    Skipped(
                        position,
                        data.label,
                        f"The same fact-check appears again at item {again}, which is imported.",
                    )
                )
            else:
                kept.append((position, data))
        return kept

    def _publishers(self, items: Iterable[FactCheckData]) -> None:
        wanted = {data.publisher.key: data.publisher for data in items}
        missing = [key for key in wanted if key not in self._publisher_ids]
        if not missing:
            return
        Publisher.objects.bulk_create(
            [Publisher(key=key, name=wanted[key].name, site=wanted[key].site) for key in missing],
            ignore_conflicts=True,
        )
        self._publisher_ids.update(
            Publisher.objects.filter(key__in=missing).values_list("key", "id")
        )

    def _write_batch(self, items: list[tuple[int, FactCheckData]]) -> dict[str, int]:
        existing = _existing_rows([data for _position, data in items], self._publisher_ids)
        url_counts = Counter(data.review_url_key for _p, data in items if data.review_url_key)
        now = timezone.now()
        creates: list[FactCheck] = []
        updates: list[FactCheck] = []
        unchanged = 0
        for _position, data in items:
            publisher_id = self._publisher_ids[data.publisher.key]
            row = existing.match(data, publisher_id=publisher_id, url_counts=url_counts)
            if row is None:
                creates.append(self._new_row(data, publisher_id=publisher_id, now=now))
            elif self._apply(row, data, publisher_id=publisher_id, now=now):
                updates.append(row)
            else:
                unchanged += 1
        FactCheck.objects.bulk_create(creates)
        if updates:
            FactCheck.objects.bulk_update(
                updates, [*WRITTEN_FIELDS, "last_import", "subscription", "updated_at"]
            )
        return {"imported": len(creates), "updated": len(updates), "unchanged": unchanged}

    def _write_one(self, position: int, data: FactCheckData) -> None:
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    publisher_id = self._publisher_ids[data.publisher.key]
                    existing = _existing_rows([data], self._publisher_ids, lock=True)
                    row = existing.match(
                        data,
                        publisher_id=publisher_id,
                        url_counts=Counter([data.review_url_key]),
                    )
                    now = timezone.now()
                    if row is None:
                        self._new_row(data, publisher_id=publisher_id, now=now).save()
                        self.imported += 1
                    elif self._apply(row, data, publisher_id=publisher_id, now=now):
                        row.save()
                        self.updated += 1
                    else:
                        self.unchanged += 1
                return
            except IntegrityError as exc:
                # Another import wrote the same fact-check since it was looked for: once
                # more finds that row. A second refusal is a conflict between two rows.
                if attempt == 2:
                    self.skip(Skipped(position, data.label, _conflict_reason(exc)))
            except (DatabaseError, ValueError) as exc:
                # ValueError: what the driver cannot encode.
                logger.warning("Fact-check item %s could not be stored: %s", position, exc)
                self.skip(
                    Skipped(
                        position,
                        data.label,
                        f"The database refused the item ({_first_line(exc)}).",
                    )
                )
                return

    def _new_row(self, data: FactCheckData, *, publisher_id: int, now) -> FactCheck:
        return FactCheck(
            publisher_id=publisher_id,
            source=self.run.source,
            subscription=self.subscription,
            last_import=self.run,
            imported_at=now,
            updated_at=now,
            **data.row_values(),
        )

    def _apply(self, row: FactCheck, data: FactCheckData, *, publisher_id: int, now) -> bool:
        """Set the item's values on `row`; whether anything changed."""
        values = _merged(row, data.row_values())
        values["publisher_id"] = publisher_id
        changed = any(getattr(row, name) != values[name] for name in WRITTEN_FIELDS)
        if not changed:
            return False
        for name in WRITTEN_FIELDS:
            setattr(row, name, values[name])
        row.last_import = self.run
        if self.subscription is not None:
            row.subscription = self.subscription
        row.updated_at = now
        return True


def _merged(row: FactCheck, values: dict[str, Any]) -> dict[str, Any]:
    """The new values, except that what identifies the row is never erased: a page without
    an @id does not blank the id a collection gave, nor a feed without URLs the URL."""
    external_id = values["external_id"]
    if row.external_id and (not external_id or external_id.startswith(_SYNTHETIC_ID_PREFIX)):
        values["external_id"] = row.external_id
    if row.review_url and not values["review_url"]:
        values["review_url"] = row.review_url
        values["review_url_key"] = row.review_url_key
    return values


def _identities(data: FactCheckData) -> list[tuple]:
    keys: list[tuple] = []
    if data.review_url_key:
        keys.append(("url", data.review_url_key, data.claim_digest))
    if data.external_id:
        keys.append(("id", data.publisher.key, data.external_id))
    return keys


class _ExistingRows:
    def __init__(self, rows: list[FactCheck]) -> None:
        self.by_url: dict[str, list[FactCheck]] = {}
        self.by_id: dict[tuple[int, str], FactCheck] = {}
        for row in rows:
            if row.review_url_key:
                self.by_url.setdefault(row.review_url_key, []).append(row)
            if row.external_id:
                self.by_id[(row.publisher_id, row.external_id)] = row

    def match(
        self, data: FactCheckData, *, publisher_id: int, url_counts: Counter
    ) -> FactCheck | None:
        """The stored fact-check `data` is a new reading of, if any: the same review URL and
        claim; the one review stored for a URL that the input reviews once (its claim was
        reworded); else the same publisher's id."""
        if data.review_url_key:
            rows = self.by_url.get(data.review_url_key, [])
            for row in rows:
                if row.claim_digest == data.claim_digest:
                    return row
            if len(rows) == 1 and url_counts[data.review_url_key] == 1:
                return rows[0]
        if data.external_id:
            return self.by_id.get((publisher_id, data.external_id))
        return None


def _existing_rows(
    items: list[FactCheckData], publisher_ids: dict[str, int], *, lock: bool = False
) -> _ExistingRows:
    # Each condition repeats its unique index's predicate (not empty): PostgreSQL cannot
    # prove it from a list of more than 100 values, and would scan the table instead.
    condition = Q()
    url_keys = {data.review_url_key for data in items if data.review_url_key}
    if url_keys:
        condition |= Q(review_url_key__in=url_keys) & ~Q(review_url_key="")
    ids_by_publisher: dict[int, set[str]] = {}
    for data in items:
        if data.external_id:
            publisher_id = publisher_ids[data.publisher.key]
            ids_by_publisher.setdefault(publisher_id, set()).add(data.external_id)
    for publisher_id, external_ids in ids_by_publisher.items():
        condition |= Q(publisher_id=publisher_id, external_id__in=external_ids) & ~Q(external_id="")
    if not condition:
        return _ExistingRows([])
    rows = FactCheck.objects.filter(condition).order_by("pk")
    if lock:
        rows = rows.select_for_update()
    return _ExistingRows(list(rows))


def _conflict_reason(exc: IntegrityError) -> str:
    text = str(exc)
    if "factcheck_review_url_claim_unique" in text or "factcheck_publisher_external_id" in text:
        return (
            "It matches two stored fact-checks (one by its review URL, another by its "
            "publisher's id); nothing was changed."
        )
    return f"The database refused the item ({_first_line(exc)})."


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


# --- subscriptions ------------------------------------------------------------------------


def subscription_url_check(*, url: str) -> str:
    """`url` as a subscription stores it, or InvalidInput saying why it can never be read
    (the fetcher's rules, a private address included). Each refresh checks it again."""
    try:
        url = validate_fetchable_url(url)
    except InvalidURLError as exc:
        raise InvalidInput(str(exc)) from exc
    refusal = url_refusal(url)
    if refusal:
        raise InvalidInput(refusal)
    return url


REFRESH_EVERY_MIN_MINUTES = 5
"""As the database holds it (`feedsubscription_refresh_min`): feeds change slowly, and each
refresh reads the whole feed."""
REFRESH_EVERY_MAX_MINUTES = 30 * 24 * 60
"""A month: a feed read more rarely than that is better imported by hand."""
DEFAULT_REFRESH_EVERY_MINUTES = 360


def _check_may_manage_subscriptions(by) -> None:
    if by is not None and not may_manage_subscriptions(by):
        raise NotPermitted(SUBSCRIPTION_REFUSAL)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput(
            "Give the subscription a name (the feed's publisher, say).",
            details={"name": "blank"},
        )
    return name


def _checked_interval(minutes: int) -> int:
    if not REFRESH_EVERY_MIN_MINUTES <= minutes <= REFRESH_EVERY_MAX_MINUTES:
        raise InvalidInput(
            f"refresh_every_minutes is {minutes}: a feed is read again every "
            f"{REFRESH_EVERY_MIN_MINUTES} to {REFRESH_EVERY_MAX_MINUTES:,} minutes (30 days).",
            details={"refresh_every_minutes": minutes},
        )
    return minutes


def _already_subscribed(taken: FeedSubscription) -> AlreadySubscribed:
    return AlreadySubscribed(
        f"{taken.url} is subscribed already, as {taken.name!r} (subscription {taken.pk}): "
        f"change that one (PATCH /api/v1/factchecks/subscriptions/{taken.pk}/) instead.",
        details={"subscription": taken.pk},
    )


def _check_url_free(url: str, *, besides: int | None = None) -> None:
    taken = FeedSubscription.objects.filter(url=url).exclude(pk=besides).first()
    if taken is not None:
        raise _already_subscribed(taken)


def subscription_fields_check(
    *, name: str, url: str, refresh_every_minutes: int, besides: int | None = None
) -> None:
    """What `subscription_create` and `subscription_update` refuse in a name, a (checked)
    URL and an interval, for forms that show each refusal beside its field; `besides`: the
    subscription being changed. Raises InvalidInput or AlreadySubscribed."""
    _checked_name(name)
    _checked_interval(refresh_every_minutes)
    _check_url_free(url, besides=besides)


def _locked_subscription(pk: int) -> FeedSubscription:
    """The subscription, locked for the rest of the caller's transaction."""
    current = FeedSubscription.objects.select_for_update().filter(pk=pk).first()
    if current is None:
        raise NotFound(f"Subscription {pk} is gone: it was deleted a moment ago.")
    return current


def subscription_create(
    *,
    name: str,
    url: str,
    publisher_name: str = "",
    refresh_every_minutes: int = DEFAULT_REFRESH_EVERY_MINUTES,
    is_active: bool = True,
    by=None,
) -> FeedSubscription:
    """Subscribe to a feed of ClaimReviews; an active one is read at the next sweep.

    Raises NotPermitted when `by` may not manage subscriptions, InvalidInput when the URL
    could never be read (the fetcher's rules) or the interval is out of range, and
    AlreadySubscribed when a subscription reads that URL already."""
    _check_may_manage_subscriptions(by)
    name = _checked_name(name)
    # Before the transaction: checking the address resolves the host.
    url = subscription_url_check(url=url)
    refresh_every_minutes = _checked_interval(refresh_every_minutes)
    _check_url_free(url)
    try:
        with transaction.atomic():
            return FeedSubscription.objects.create(
                name=name,
                url=url,
                publisher_name=publisher_name.strip(),
                refresh_every_minutes=refresh_every_minutes,
                is_active=is_active,
            )
    except IntegrityError:
        # Subscribed a moment ago by someone else: the unique URL refused the second row.
        taken = FeedSubscription.objects.filter(url=url).first()
        if taken is None:
            raise
        raise _already_subscribed(taken) from None


def subscription_update(
    *,
    subscription: FeedSubscription,
    name: str | None = None,
    url: str | None = None,
    publisher_name: str | None = None,
    refresh_every_minutes: int | None = None,
    is_active: bool | None = None,
    by=None,
) -> FeedSubscription:
    """Change what is given (None: unchanged), checked as `subscription_create` checks it.

    A new URL is a new feed: it is read at the next sweep and its failures start from none.
    A new interval counts from the last refresh. Returns the subscription as stored."""
    _check_may_manage_subscriptions(by)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _checked_name(name)
    if url is not None:
        changes["url"] = subscription_url_check(url=url)
    if publisher_name is not None:
        changes["publisher_name"] = publisher_name.strip()
    if refresh_every_minutes is not None:
        changes["refresh_every_minutes"] = _checked_interval(refresh_every_minutes)
    if is_active is not None:
        changes["is_active"] = is_active
    try:
        with transaction.atomic():
            current = _locked_subscription(subscription.pk)
            changed = {
                field: value for field, value in changes.items() if getattr(current, field) != value
            }
            if not changed:
                return current
            if "url" in changed:
                _check_url_free(changed["url"], besides=current.pk)
                changed.update(next_refresh_at=None, consecutive_failures=0)
            elif "refresh_every_minutes" in changed and current.last_refreshed_at is not None:
                changed["next_refresh_at"] = current.last_refreshed_at + timedelta(
                    minutes=changed["refresh_every_minutes"]
                )
            for field, value in changed.items():
                setattr(current, field, value)
            current.save(update_fields=[*changed, "updated_at"])
            return current
    except IntegrityError:
        taken = FeedSubscription.objects.filter(url=changes.get("url", "")).first()
        if taken is None:
            raise
        raise _already_subscribed(taken) from None


def subscription_delete(*, subscription: FeedSubscription, by=None) -> None:
    """Stop reading a feed. The fact-checks it brought in stay in the collection, as do its
    imports' reports."""
    _check_may_manage_subscriptions(by)
    FeedSubscription.objects.filter(pk=subscription.pk).delete()


def subscription_refresh_request(*, subscription: FeedSubscription, by=None) -> FeedSubscription:
    """Have a worker refresh the feed now (in-process in the embedded default), whatever its
    schedule. SubscriptionPaused when it is not active.

    Like the sweep, it pushes the next refresh past a lease first, so the sweep does not hand
    the same feed out while this refresh runs; the refresh then sets the real next time."""
    _check_may_manage_subscriptions(by)
    lease = timedelta(seconds=settings.FACTCHECK_FEED_REFRESH_LEASE_SECONDS)
    with transaction.atomic():
        current = _locked_subscription(subscription.pk)
        if not current.is_active:
            raise SubscriptionPaused(
                f"{current.name!r} is paused, and a paused feed is not read: set is_active to "
                f"true (PATCH /api/v1/factchecks/subscriptions/{current.pk}/) to refresh it."
            )
        FeedSubscription.objects.filter(pk=current.pk).update(
            next_refresh_at=Now() + lease, updated_at=Now()
        )
        from .tasks import refresh_subscription

        refresh_subscription.delay_on_commit(current.pk)
    current.refresh_from_db()
    return current


def subscriptions_refresh_due(*, limit: int | None = None) -> int:
    """Hand the active subscriptions that are due to workers; how many were handed out.

    Each is pushed past a lease first (on the database's clock), so a second sweep or a
    worker that died does not refresh it twice in a row; the refresh sets the real next time.
    """
    limit = limit or settings.FACTCHECK_FEED_SWEEP_LIMIT
    lease = timedelta(seconds=settings.FACTCHECK_FEED_REFRESH_LEASE_SECONDS)
    with transaction.atomic():
        due = list(
            FeedSubscription.objects.select_for_update(skip_locked=True)
            .filter(is_active=True)
            .filter(Q(next_refresh_at__isnull=True) | Q(next_refresh_at__lte=Now()))
            .order_by(F("next_refresh_at").asc(nulls_first=True), "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not due:
            return 0
        FeedSubscription.objects.filter(pk__in=due).update(next_refresh_at=Now() + lease)
        from .tasks import refresh_subscription

        for subscription_id in due:
            refresh_subscription.delay_on_commit(subscription_id)
    return len(due)


def subscription_refresh(*, subscription_id: int) -> ImportRun | None:
    """Read a subscribed feed now and import what it holds. None when the subscription is
    gone or inactive. A refusal is recorded on the subscription and the next refresh put
    off (doubling with each failure in a row, up to a day), not raised."""
    subscription = FeedSubscription.objects.filter(pk=subscription_id, is_active=True).first()
    if subscription is None:
        return None
    try:
        run = factchecks_import_url(
            url=subscription.url,
            publisher=subscription.publisher_name,
            subscription=subscription,
        )
    except ImportRefused as refusal:
        failures = subscription.consecutive_failures + 1
        wait = min(subscription.refresh_every_minutes * 2 ** (failures - 1), 24 * 60)
        FeedSubscription.objects.filter(pk=subscription.pk).update(
            last_refreshed_at=Now(),
            last_outcome=FeedSubscription.Outcome.FAILED,
            last_error=refusal.message,
            consecutive_failures=failures,
            next_refresh_at=Now() + timedelta(minutes=wait),
            updated_at=Now(),
        )
        logger.warning("Refreshing feed %s failed: %s", subscription.url, refusal.message)
        return ImportRun.objects.filter(subscription=subscription).first()
    FeedSubscription.objects.filter(pk=subscription.pk).update(
        last_refreshed_at=Now(),
        last_outcome=FeedSubscription.Outcome.SUCCEEDED,
        last_error="",
        consecutive_failures=0,
        next_refresh_at=Now() + timedelta(minutes=subscription.refresh_every_minutes),
        updated_at=Now(),
    )
    return run
