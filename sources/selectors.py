"""Reads of sources and their snapshots worth naming."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models.functions import Substr

from .models import Source, SourceSnapshot

FETCH_PENDING = frozenset({Source.State.PENDING, Source.State.FETCHING})
"""Sources whose page has not been read yet: waiting for a fetch, or being fetched."""

FETCH_FAILED = frozenset({Source.State.FAILED, Source.State.BLOCKED})
"""Sources whose page could not be read, and will not be retried."""


def retry_offered(source: Source) -> bool:
    """Whether a person is offered to fetch `source` again now: its fetch failed, or an
    attempt failed and it waits for the next one. Not a page that was fetched or is being
    fetched, nor one the fetcher refuses (which trying again cannot change)."""
    return source.state == Source.State.FAILED or (
        source.state == Source.State.PENDING and bool(source.last_error_kind)
    )


def latest_successful_snapshots(
    *, source_ids: Iterable[int], excerpt_chars: int
) -> dict[int, SourceSnapshot]:
    """Source id to its latest successful fetch, for the sources that have one: its title,
    final URL, status and when it was fetched, and as `excerpt` the first `excerpt_chars`
    characters of its text (ending in "…" where the text was cut). The text itself is not
    read: a page's text can run to megabytes."""
    source_ids = set(source_ids)
    if not source_ids:
        return {}
    snapshots = (
        SourceSnapshot.objects.filter(source_id__in=source_ids, error_kind="")
        .annotate(excerpt=Substr("text", 1, excerpt_chars))
        .only("id", "source_id", "title", "final_url", "fetched_at", "status_code")
        .order_by("source_id", "-fetched_at", "-id")
    )
    latest: dict[int, SourceSnapshot] = {}
    for snapshot in snapshots:
        latest.setdefault(snapshot.source_id, snapshot)
    for snapshot in latest.values():
        if len(snapshot.excerpt) == excerpt_chars:
            snapshot.excerpt = snapshot.excerpt.rstrip() + "…"
    return latest


def successful_snapshots(*, source_ids: Iterable[int]) -> dict[int, list[SourceSnapshot]]:
    """Source id to its successful fetches, oldest first, for the sources that have any: id,
    title, requested and final URL, status and when each was fetched, not the text."""
    source_ids = set(source_ids)
    if not source_ids:
        return {}
    found: dict[int, list[SourceSnapshot]] = {}
    for snapshot in (
        SourceSnapshot.objects.filter(source_id__in=source_ids, error_kind="")
        .only("id", "source_id", "title", "requested_url", "final_url", "status_code", "fetched_at")
        .order_by("source_id", "fetched_at", "id")
    ):
        found.setdefault(snapshot.source_id, []).append(snapshot)
    return found


def snapshot_as_of(snapshots: list[SourceSnapshot], moment: datetime) -> SourceSnapshot | None:
    """Of a source's successful fetches (oldest first), the page as it stood at `moment`: the
    latest one taken by then, else, for a page first read later, the earliest one since."""
    chosen = None
    for snapshot in snapshots:
        if chosen is None or snapshot.fetched_at <= moment:
            chosen = snapshot
    return chosen
