"""claims:search (Google Fact Check Tools' search) over the whole collection: the fact-checks
of others and our own published verdicts. A selector, kept out of `selectors` for its size.

With a query, the matcher (`factchecks.matching`: BM25 and sentence vectors fused) ranks the
collection, ours included, and only what is plausibly about the query is kept: a candidate
that shares a word with it (a BM25 hit), or one the matcher would suggest to a fact-checker
as checked before (a calibrated score at the suggestion threshold or above, about one chance
in two that it reviews the claim the query makes: a paraphrase, or the claim in other words).
A query that shares no word with the collection therefore finds nothing rather than the
nearest vectors of everything. Without a query, a publisher's site lists its fact-checks,
newest first.

Where our verdicts are read from, and why. Our published verdicts have fact-checks in the
collection (`factchecks.own`), which is how the matcher ranks them; what the search shows of
each, and what its filters compare, is read from the verdict as published (reviews'
`published_verdicts_for_search`), the one read every shape of a published verdict comes from.
So the answer is always the verdict standing now, even in the moments between a publication
or a correction and its fact-check being written and embedded. Verdicts the matcher has not
ranked (not embedded yet: the collection catches up by a worker; or ranked below the matcher's
depth) are still found by the full-text search that served claims:search before the
collection existed, and follow the ranked results, newest first: on a fresh install, with
nothing embedded, claims:search answers as it always has.

Reviews of other publishers at our own site (our feed imported as if it were another's) are
left out: every review there is one of our verdicts, read from where it is published.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from reviews import selectors as review_selectors

from .models import NEWEST_REVIEW_FIRST, FactCheck, FactCheckEmbedding, ImportSource
from .publishers import site_of

SEARCH_DEPTH = 100
"""Candidates taken from each of the matcher's retrievers (its own default is 50): up to 200
ranked results, which every page of one search reads alike, so pages never overlap or skip."""


@dataclass(frozen=True)
class ClaimSearchHit:
    """One claim of an answer: our published verdict (`verdict`, a row of reviews'
    `published_verdicts_for_search`) or another publisher's fact-check (`factcheck`, with
    its publisher)."""

    verdict: dict | None = None
    factcheck: FactCheck | None = None
    score: float | None = None
    """The matcher's, in [0, 1], when it ranked the claim."""


@dataclass(frozen=True)
class _Filters:
    site: str | None
    """The host asked for (site_host), or None for any. A filter that names no host
    selects nothing."""
    language: str
    """A language subtag, lower case, or empty for any."""
    since: datetime | None
    """The oldest review asked for, or None for any age."""
    ours: str
    """Our own site's host."""
    ours_selected: bool
    """The site asked for is ours (or none is asked for)."""


def site_host(text: str) -> str:
    """The host a site or URL names, as publishers' sites are keyed (`site_of`: lower case,
    without `www.` or port): `www.Example.org`, `example.org:443` and
    `https://example.org/about` all name example.org; text naming no host names ""."""
    return site_of(text)[0].rstrip(".")


def claims_search(
    *,
    query: str | None = None,
    site: str | None = None,
    language_code: str | None = None,
    max_age_days: int | None = None,
    offset: int = 0,
    limit: int = 10,
) -> list[ClaimSearchHit]:
    """Claims of the collection, from `offset`, at most `limit`: with `query`, those about it,
    best first (see the module's docstring); without, those of the publisher at `site`,
    newest first (the caller asks for one or the other).

    `site` keeps the fact-checks of the publishers at that host (scheme, port, path and
    `www.` ignored; a desk on a path of it counts). `language_code` (BCP-47) keeps those in
    its language, whatever the region. `max_age_days` keeps those reviewed within that many
    days: a verdict of ours by the time it was published, another's by its review date, and
    a review dated the day the limit falls on may be older than it and is left out (nothing
    older than asked is answered). Google takes the newer of the claim's and the review's
    dates: the review's is that, as a claim is found before it is reviewed."""
    filters = _filters(site=site, language_code=language_code, max_age_days=max_age_days)
    if not query:
        if filters.ours_selected:
            rows = _our_verdicts(filters)[offset : offset + limit]
            return [ClaimSearchHit(verdict=row) for row in rows]
        factchecks = _others(filters).order_by(NEWEST_REVIEW_FIRST, "-id")
        return [ClaimSearchHit(factcheck=row) for row in factchecks[offset : offset + limit]]

    ranked = _ranked(query, filters)
    hits = ranked[offset : offset + limit]
    if len(hits) < limit and filters.ours_selected:
        ranked_claims = [hit.verdict["claim_id"] for hit in ranked if hit.verdict is not None]
        unranked = _our_verdicts(filters, query=query).exclude(claim_id__in=ranked_claims)
        start = max(offset - len(ranked), 0)
        hits += [ClaimSearchHit(verdict=row) for row in unranked[start : start + limit - len(hits)]]
    return hits


def _filters(*, site: str | None, language_code: str | None, max_age_days: int | None) -> _Filters:
    host = site_host(site) if site else None
    ours = site_host(review_selectors.our_publisher_site())
    language = re.split("[-_]", language_code)[0].lower() if language_code else ""
    since = None
    # A bound before the calendar begins means any age: every fact-check is younger.
    with contextlib.suppress(OverflowError):
        since = timezone.now() - timedelta(days=max_age_days) if max_age_days else None
    return _Filters(
        site=host,
        language=language,
        since=since,
        ours=ours,
        ours_selected=host is None or (bool(host) and host == ours),
    )


def _our_verdicts(filters: _Filters, *, query: str | None = None) -> QuerySet:
    return review_selectors.published_verdicts_for_search(
        query=query, language=filters.language or None, published_since=filters.since
    )


def _others(filters: _Filters) -> QuerySet[FactCheck]:
    """Fact-checks of other publishers that pass the filters, with their publisher."""
    rows = (
        FactCheck.objects.exclude(source=ImportSource.OWN).select_related("publisher").defer("raw")
    )
    if filters.ours:
        rows = rows.exclude(
            Q(publisher__site__iexact=filters.ours)
            | Q(publisher__site__istartswith=f"{filters.ours}/")
        )
    if filters.site == "":
        return rows.none()
    if filters.site is not None:
        rows = rows.filter(
            Q(publisher__site__iexact=filters.site)
            | Q(publisher__site__istartswith=f"{filters.site}/")
        )
    if filters.language:
        rows = rows.filter(
            Q(language__iexact=filters.language)
            | Q(language__istartswith=f"{filters.language}-")
            | Q(language__istartswith=f"{filters.language}_")
        )
    if filters.since is not None:
        rows = rows.filter(review_date__gt=filters.since.date())
    return rows


def _ranked(query: str, filters: _Filters) -> list[ClaimSearchHit]:
    """What the matcher ranks for `query` and the filters keep, best first."""
    # Nothing embedded, nothing to rank: the encoder is not even loaded.
    if not FactCheckEmbedding.objects.exists():
        return []
    from .matching.engine import get_matcher

    matcher = get_matcher()
    floor = matcher.config.suggest_threshold
    plausible = [
        match
        for match in matcher.match(query, depth=SEARCH_DEPTH)
        if match.bm25 > 0 or match.score >= floor
    ]
    if not plausible:
        return []
    ids = [match.factcheck_id for match in plausible]
    others = _others(filters).in_bulk(ids)
    claims_of_ours = dict(
        FactCheck.objects.filter(
            pk__in=ids, source=ImportSource.OWN, own_claim__isnull=False
        ).values_list("pk", "own_claim_id")
    )
    verdicts: dict[int, dict] = {}
    if claims_of_ours and filters.ours_selected:
        verdicts = {
            row["claim_id"]: row
            for row in review_selectors.published_verdicts_for_search(
                claim_ids=claims_of_ours.values(),
                language=filters.language or None,
                published_since=filters.since,
            )
        }
    hits: list[ClaimSearchHit] = []
    for match in plausible:
        score = round(match.score, 4)
        if match.factcheck_id in others:
            hits.append(ClaimSearchHit(factcheck=others[match.factcheck_id], score=score))
            continue
        verdict = verdicts.get(claims_of_ours.get(match.factcheck_id))
        if verdict is not None:
            hits.append(ClaimSearchHit(verdict=verdict, score=score))
    return hits
