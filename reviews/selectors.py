"""Reads of the review workflow worth naming, scoped to what the caller may see."""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Now, NullIf

from accounts.roles import CHECKERS, EDITORS, user_has_any_role
from articles.models import Article
from sources.models import Source, SourceSnapshot
from sources.selectors import (
    FETCH_FAILED,
    FETCH_PENDING,
    latest_successful_snapshots,
    snapshot_as_of,
    successful_snapshots,
)

from .models import Claim, ClaimState, EvidenceLink, ReviewEvent, Verdict, VerdictState
from .ratings import RATING_SCALE
from .workflow import IN_REVIEW, OPEN, QUEUE_ORDER, VERDICT_OPEN, Move

# What is left of a claim's lease on the database clock, which the services judge it by.
LEASE_LEFT = ExpressionWrapper(F("lease_expires_at") - Now(), output_field=DurationField())
# How much of an evidence page's text the workspace shows under its title.
SNAPSHOT_EXCERPT_CHARS = 360
# The sources whose evidence clients and the public see: pages this service read. A link the
# fetcher refused, or whose page could not be read (or not yet), is never shown as evidence.
PUBLIC_FETCH_STATES = frozenset({Source.State.FETCHED})


def claims_visible_to(user) -> QuerySet[Claim]:
    """Fact-checkers and editors see every claim; other roles see none through this."""
    if not user_has_any_role(user, CHECKERS):
        return Claim.objects.none()
    return Claim.objects.select_related("article", "assignee")


def _evidence_with_sources() -> Prefetch:
    # A new one each time: prefetching leaves hints on the queryset it is given.
    return Prefetch(
        "evidence",
        queryset=EvidenceLink.objects.select_related("source", "added_by").order_by(
            "created_at", "id"
        ),
    )


def claim_detail_queryset(user) -> QuerySet[Claim]:
    return claims_visible_to(user).prefetch_related(_evidence_with_sources())


def claim_with_evidence(claim: Claim) -> Claim:
    """Load the claim's evidence (with sources) onto an instance already in hand; no query
    when the instance knows it has none (an `evidence_count` of 0, as taking a claim sets)."""
    if getattr(claim, "evidence_count", None) == 0:
        # What prefetching leaves behind when it finds nothing: an evaluated, empty
        # queryset, so reading `claim.evidence.all()` neither queries nor compiles SQL.
        evidence = EvidenceLink.objects.none()
        evidence._result_cache, evidence._prefetch_done = [], True
        claim._prefetched_objects_cache = {"evidence": evidence}
        return claim
    prefetch_related_objects([claim], _evidence_with_sources())
    return claim


def claim_counts_by_state(claims: QuerySet[Claim]) -> dict[str, int]:
    """How many of `claims` are in each state, for the states any of them is in."""
    return dict(
        claims.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )


def lease_seconds_left(claim: Claim) -> int | None:
    """Whole seconds left of the lease of a claim read with LEASE_LEFT: 0 once it ran out,
    never 0 while it runs; None when it has no lease."""
    if claim.lease_left is None:
        return None
    return max(0, math.ceil(claim.lease_left.total_seconds()))


def claims_in_review_held_by(user) -> list[Claim]:
    """The claims in review that `user` holds, by state and the lease that runs out first,
    each with `lease_seconds_left`."""
    claims = list(
        claims_visible_to(user)
        .filter(assignee=user, state__in=IN_REVIEW)
        .annotate(lease_left=LEASE_LEFT)
        .order_by("state", "lease_expires_at", "id")
    )
    for claim in claims:
        claim.lease_seconds_left = lease_seconds_left(claim)
    return claims


def claims_in_state(claims: QuerySet[Claim], state: str) -> QuerySet[Claim]:
    """The claims of `claims` in `state`, in the order the queue hands claims out."""
    return claims.filter(state=state).order_by(*QUEUE_ORDER)


def claims_awaiting_triage(user, *, search: str = "") -> QuerySet[Claim]:
    """The claims in triage `user` sees, matching `search` (`claims_matching`): newest
    articles first, each article's claims in the order they stand in its body."""
    claims = without_article_text(claims_visible_to(user).filter(state=ClaimState.TRIAGE))
    if search:
        claims = claims_matching(claims, search)
    return claims.order_by("-article__created_at", "-article_id", "start", "id")


def without_article_text(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """`claims` (with their articles) for a list, which never shows an article's text: its
    body and raw content can run to megabytes, fifty times over on a page."""
    return claims.defer("article__body", "article__raw_content")


def articles_with_claims() -> QuerySet[Article]:
    """Articles in which claims were found, newest first: what the queue filters by."""
    return Article.objects.filter(Exists(Claim.objects.filter(article=OuterRef("pk")))).order_by(
        "-created_at", "-id"
    )


# A language tag as articles carry one (BCP 47's language and subtags): en, pt-BR, zh-Hant-TW.
LANGUAGE_TAG = re.compile(r"\A[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")


@dataclass(frozen=True)
class QueueFilters:
    """What narrows the queue, as listed on its page and as taken from it: the claim's kind,
    its article, its claimant (any part of the name, in any case) and its article's language,
    a tag that also matches the tags under it (`en` matches `en-GB`, as RFC 4647's basic
    filtering does). An empty filter lets every claim through.

    `services._QUEUE_FILTER_SQL` spells the same conditions in SQL, for the statement that
    takes the next claim on PostgreSQL; the tests hold the two to one behaviour."""

    kind: str = ""
    article_id: int | None = None
    claimant: str = ""
    language: str = ""

    def condition(self) -> Q:
        condition = Q()
        if self.kind:
            condition &= Q(kind=self.kind)
        if self.article_id is not None:
            condition &= Q(article_id=self.article_id)
        if self.claimant:
            condition &= Q(claimant__icontains=self.claimant)
        if self.language:
            condition &= Q(article__language__iexact=self.language) | Q(
                article__language__istartswith=f"{self.language}-"
            )
        return condition


# --- searching claims -----------------------------------------------------------------------

# A "quoted phrase", or a run of anything else but spaces.
_SEARCH_TERM = re.compile(r'"([^"]*)"?|(\S+)')
CLAIM_SEARCH_MAX_CHARS = 200
CLAIM_SEARCH_MAX_TERMS = 8


def claim_search_terms(text: str) -> list[str]:
    """The words and "quoted phrases" of a search, as `claims_matching` looks for them."""
    terms = (quoted or word for quoted, word in _SEARCH_TERM.findall(text))
    return [term.strip() for term in terms if term.strip()]


def claim_search_problem(text: str) -> str | None:
    """Why `text` cannot be searched for as given, in words for the person who typed it;
    None when it can."""
    if len(text) > CLAIM_SEARCH_MAX_CHARS:
        return f"Search for at most {CLAIM_SEARCH_MAX_CHARS} characters."
    if len(claim_search_terms(text)) > CLAIM_SEARCH_MAX_TERMS:
        return (
            f"Search for at most {CLAIM_SEARCH_MAX_TERMS} words or quoted phrases: fewer, "
            "more telling ones find the claim."
        )
    return None


def claims_matching(claims: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """The claims of `claims` whose text or claimant holds every word and "quoted phrase" of
    `text`, in any case, anywhere (`claim_search_terms`; a part of a word matches).

    Substring matching (SQL `LIKE`, escaped), not PostgreSQL's full text search: a
    fact-checker looks a claim up by its figures ("3,500", "90%") and by parts of names,
    which full text's parser and stemmer drop or change, and the search behaves the same on
    PostgreSQL and SQLite. No trigram index: a list searches the claims of one state, which an
    index narrows first, and each word is looked for in what is left (the counts by state
    look through every claim the other filters leave)."""
    condition = Q()
    for term in claim_search_terms(text)[:CLAIM_SEARCH_MAX_TERMS]:
        condition &= Q(text__icontains=term) | Q(claimant__icontains=term)
    return claims.filter(condition)


def claims_filtered(
    claims: QuerySet[Claim], *, filters: QueueFilters, search: str = ""
) -> QuerySet[Claim]:
    """`claims` narrowed by the queue's filters and a search (`claims_matching`)."""
    claims = claims.filter(filters.condition())
    return claims_matching(claims, search) if search else claims


def claims_visible_with_lease_left(user) -> QuerySet[Claim]:
    """`claims_visible_to(user)`, each with `lease_left` (LEASE_LEFT)."""
    return claims_visible_to(user).annotate(lease_left=LEASE_LEFT)


def article_claims(*, article: Article) -> QuerySet[Claim]:
    """The article's claims in the order they appear in its body."""
    return Claim.objects.filter(article=article).order_by("start")


def with_current_verdicts(claims: list[Claim], *, user) -> list[Claim]:
    """`claims`, each with `current_verdict`: the verdict `user` sees on it (see
    `verdicts_visible_on_claims`), or None. One query for the lot."""
    visible = verdicts_visible_on_claims(claims=claims, user=user)
    for claim in claims:
        claim.current_verdict = visible.get(claim.pk)
    return claims


def article_claim_count(*, article: Article) -> int:
    """How many claims were found in the article, whatever became of them."""
    return Claim.objects.filter(article=article).count()


def claim_evidence_with_snapshots(*, claim: Claim) -> list[EvidenceLink]:
    """The claim's evidence, oldest first, with its sources and who added it; each link with
    `snapshot`, its source's latest successful fetch with an excerpt of its text
    (`sources.selectors.latest_successful_snapshots`) or None, `fetch_pending` and
    `fetch_failed`: whether its page is still to be read, or could not be, and
    `fetch_attempt_limit`: how many attempts are made before a fetch is given up."""
    links = list(claim_with_evidence(claim).evidence.all())
    latest = latest_successful_snapshots(
        source_ids={link.source_id for link in links}, excerpt_chars=SNAPSHOT_EXCERPT_CHARS
    )
    for link in links:
        link.fetch_pending = link.source.state in FETCH_PENDING
        link.fetch_failed = link.source.state in FETCH_FAILED
        link.fetch_attempt_limit = settings.FETCH_MAX_ATTEMPTS
        link.snapshot = latest.get(link.source_id)
    return links


def claim_evidence_link(*, claim: Claim, evidence_id: int) -> EvidenceLink | None:
    """The claim's evidence link `evidence_id`, with its source and who added it; None when
    the claim has no such link (another claim's is not this claim's)."""
    return (
        EvidenceLink.objects.select_related("source", "added_by")
        .filter(pk=evidence_id, claim=claim)
        .first()
    )


def claim_published_at(*, claim: Claim) -> datetime | None:
    """When the claim's standing verdict was published; None when it has none."""
    return (
        Verdict.objects.filter(claim=claim, state=VerdictState.PUBLISHED)
        .values_list("published_at", flat=True)
        .first()
    )


def _sees_open_verdict(verdict: Verdict, user) -> bool:
    """Work in progress (a draft, or a verdict waiting for sign-off) is for its author and
    editors only."""
    return verdict.author_id == user.pk or user_has_any_role(user, EDITORS)


def verdict_visible_on_claim(*, claim: Claim, user) -> Verdict | None:
    """The verdict a caller sees on a claim: the open one for its author and editors,
    otherwise the published one."""
    verdicts = Verdict.objects.filter(claim=claim).select_related("author", "signed_off_by")
    open_verdict = verdicts.filter(state__in=VERDICT_OPEN).first()
    if open_verdict is not None and _sees_open_verdict(open_verdict, user):
        return open_verdict
    return verdicts.filter(state=VerdictState.PUBLISHED).first()


def verdicts_visible_on_claims(*, claims: list[Claim], user) -> dict[int, Verdict]:
    """`verdict_visible_on_claim` for many claims in one query: claim id to verdict, for the
    claims that have one the caller sees."""
    visible: dict[int, Verdict] = {}
    for verdict in Verdict.objects.filter(
        claim__in=claims, state__in=[*VERDICT_OPEN, VerdictState.PUBLISHED]
    ).order_by("claim_id", "-created_at", "-id"):
        if verdict.state == VerdictState.PUBLISHED:
            visible.setdefault(verdict.claim_id, verdict)
        elif _sees_open_verdict(verdict, user):
            # The open verdict, when the caller may see it, stands before the published one.
            visible[verdict.claim_id] = verdict
    return visible


def open_verdict_by(*, claim: Claim, author) -> Verdict | None:
    """`author`'s verdict in progress on the claim, with its author; None when they have
    none (the claim may have someone else's)."""
    return (
        Verdict.objects.filter(claim=claim, state__in=VERDICT_OPEN, author=author)
        .select_related("author")
        .first()
    )


def verdicts_for_signoff_review() -> QuerySet[Verdict]:
    """Verdicts with what the sign-off page shows of them: their claim and its article, their
    author, the editor who signed them off, and the verdict a correction corrects."""
    return Verdict.objects.select_related("claim__article", "author", "signed_off_by", "corrects")


def verdicts_awaiting_signoff() -> QuerySet[Verdict]:
    """Verdicts submitted for sign-off, longest waiting first, with their claim, its article
    and their author."""
    return (
        Verdict.objects.filter(state=VerdictState.SUBMITTED)
        .select_related("claim__article", "author")
        .order_by("submitted_at", "id")
    )


def verdicts_published_latest(*, limit: int) -> QuerySet[Verdict]:
    """The `limit` verdicts published last, newest first, with their claim and the editor who
    signed them off."""
    return (
        Verdict.objects.filter(state=VerdictState.PUBLISHED)
        .select_related("claim", "signed_off_by")
        .order_by("-published_at")[:limit]
    )


def published_verdicts_on_article(*, article: Article) -> QuerySet[Verdict]:
    """The article's published verdicts, with what their public page shows
    (`published_verdicts`), in the order their claims appear in its body."""
    return published_verdicts().filter(claim__article=article).order_by("claim__start")


def claim_events(*, claim: Claim) -> QuerySet[ReviewEvent]:
    return (
        ReviewEvent.objects.filter(claim=claim).select_related("actor").order_by("created_at", "id")
    )


def claim_latest_return(*, claim: Claim) -> ReviewEvent | None:
    """The latest return of the claim's verdict to its fact-checker, with the editor who
    returned it and their comment; None when it was never returned."""
    return (
        ReviewEvent.objects.filter(claim=claim, action=Move.RETURN)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def return_comments(*, verdict: Verdict) -> QuerySet[ReviewEvent]:
    """Every return of the verdict to its fact-checker, oldest first, with the editor who
    returned it and their comment."""
    return (
        ReviewEvent.objects.filter(verdict=verdict, action=Move.RETURN)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def claim_correction_in_progress(*, claim: Claim) -> ReviewEvent | None:
    """The opening of the claim's correction in progress, with the editor who opened it and
    their reason; None when no correction is open on the claim."""
    if claim.state not in IN_REVIEW:
        return None
    if not Verdict.objects.filter(
        claim=claim, state__in=VERDICT_OPEN, corrects__isnull=False
    ).exists():
        return None
    return (
        ReviewEvent.objects.filter(claim=claim, action=Move.CORRECT)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def verdict_last_edit(*, verdict: Verdict) -> ReviewEvent | None:
    """The latest event that started or edited the verdict's text, with who made it."""
    return (
        ReviewEvent.objects.filter(
            verdict=verdict, action__in=[Move.START_VERDICT, Move.EDIT_VERDICT]
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


def published_content_version() -> int | None:
    """The version of everything clients can read about published verdicts: it changes
    with any of it (see migration 0004), and never repeats. None where it is not kept.

    Database triggers move it, so that every way of writing (services, the admin, a bulk
    update, raw SQL) moves it alike. What ties the columns they watch to what clients are
    shown is a test that changes every stored field behind a published verdict in turn
    and fails wherever an answer changed and the version did not."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM published_content_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def published_verdicts() -> QuerySet[Verdict]:
    """Published verdicts as model instances, with what the public page of one shows, in a
    fixed number of queries however many there are. Every other read of published verdicts
    (the API, its article summaries, the ClaimReview feed, claims:search, webhooks) is
    `published_verdict_rows`, which the presenters take."""
    return (
        Verdict.objects.filter(state=VerdictState.PUBLISHED)
        .select_related("claim__article", "signed_off_by")
        # An article's body and raw content can run to megabytes and no summary shows them.
        .defer("claim__article__body", "claim__article__raw_content")
        .prefetch_related(
            Prefetch(
                "claim__evidence",
                queryset=EvidenceLink.objects.select_related("source")
                # No note: notes are the newsroom's working notes, never published.
                .only("id", "claim_id", "url", "stance", "created_at", "source__state")
                .order_by("created_at", "id"),
            )
        )
    )


# What clients may see of a published verdict, as the presenters (`reviews.presenters`) take
# it: what the API item shows. Never an evidence note (the fact-checker's working note) nor an
# article's body, which can run to megabytes.
PUBLISHED_VERDICT_FIELDS = (
    "id",
    "rating",
    "headline",
    "rationale",
    "published_at",
    "corrects_id",
    "correction_note",
    "claim_id",
    "claim__text",
    "claim__claimant",
    "claim__kind",
    "claim__quantities",
    "claim__article_id",
    "claim__article__title",
    "claim__article__publisher",
    "claim__article__published_at",
    "claim__article__source_url",
    "claim__article__canonical_url",
    "signed_off_by__username",
)
# What ClaimReview and claims:search also say of the claim: when it was made (the article's
# date, else when it was found) and by whom (else the article's byline); and, of a correction,
# when the claim's verdict was first published. Not read for the API item, which shows none
# of them: decoding one more timestamp costs about 2.4 us a row (measured).
CLAIM_ORIGIN_FIELDS = ("claim__created_at", "claim__article__byline", "first_published_at")


def published_verdict_rows(*, with_claim_origin: bool = False) -> QuerySet:
    """Published verdicts, the only ones clients may see, as rows of PUBLISHED_VERDICT_FIELDS,
    and of CLAIM_ORIGIN_FIELDS `with_claim_origin` (plain values: clients page through
    thousands, and no model instance is built for one).

    Filter, order and page it like any queryset: it is read in one query. The API item also
    shows each verdict's evidence: `with_published_evidence` adds it, in one more query."""
    fields = (
        PUBLISHED_VERDICT_FIELDS + CLAIM_ORIGIN_FIELDS
        if with_claim_origin
        else PUBLISHED_VERDICT_FIELDS
    )
    return Verdict.objects.filter(state=VerdictState.PUBLISHED).values(*fields)


def with_published_evidence(rows: Iterable[dict]) -> list[dict]:
    """`rows` (of `published_verdict_rows`), in their order, each with the evidence it was
    published with as `evidence` (see `published_with`): url, stance and fetch state, oldest
    first, of the links whose source was fetched, as the public pages list them
    (PUBLIC_FETCH_STATES). Never the note."""
    rows = list(rows)
    by_claim: dict[int, list[dict]] = {}
    for row in rows:
        row["evidence"] = []
        by_claim.setdefault(row["claim_id"], []).append(row)
    for claim_id, url, stance, fetch_state, added_at in _published_evidence(list(by_claim)):
        if fetch_state not in PUBLIC_FETCH_STATES:
            continue
        for row in by_claim[claim_id]:
            if published_with(added_at=added_at, published_at=row["published_at"]):
                row["evidence"].append({"url": url, "stance": stance, "fetch_state": fetch_state})
    return rows


def published_with(*, added_at: datetime, published_at: datetime) -> bool:
    """Whether evidence added to a claim at `added_at` is part of the verdict published at
    `published_at`. Evidence is the claim's, not a verdict's: what the holder of a correction
    adds stays in the newsroom until the correction is approved (both times are the
    database's clock, and a claim's evidence is only added before its verdict's approval)."""
    return added_at <= published_at


def evidence_as_published(verdict: Verdict) -> list[EvidenceLink]:
    """The evidence a verdict of `published_verdicts()` was published with, oldest first."""
    return [
        link
        for link in verdict.claim.evidence.all()
        if published_with(added_at=link.created_at, published_at=verdict.published_at)
    ]


def _published_evidence(claim_ids: list[int]) -> list[tuple]:
    """(claim id, url, stance, fetch state, when added) of the claims' evidence, oldest first.

    A fixed statement rather than a queryset: building the ORM query for a page's 50 ids
    cost more than running it (0.5 ms of 1.1 ms a page, measured)."""
    if not claim_ids:
        return []
    links = EvidenceLink._meta.db_table
    sources = EvidenceLink._meta.get_field("source").related_model._meta.db_table
    placeholders = ", ".join(["%s"] * len(claim_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.claim_id, e.url, e.stance, s.state, e.created_at FROM {links} e "
            f"JOIN {sources} s ON s.id = e.source_id WHERE e.claim_id IN ({placeholders}) "
            "ORDER BY e.created_at, e.id",
            claim_ids,
        )
        return cursor.fetchall()


def verdict_as_published(*, verdict_id: int) -> dict | None:
    """A verdict that was published, as a row of PUBLISHED_VERDICT_FIELDS and
    CLAIM_ORIGIN_FIELDS, even if a correction has superseded it since (what an event about its
    publication says); None when it never was."""
    return (
        Verdict.objects.filter(pk=verdict_id, published_at__isnull=False)
        .values(*PUBLISHED_VERDICT_FIELDS, *CLAIM_ORIGIN_FIELDS)
        .first()
    )


def _published_before(published_at, pk) -> Q:
    # Publication times can tie at the clock's resolution; the later verdict has the higher id.
    return Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)


def publication_corrected(*, verdict_id: int, claim_id: int, published_at: datetime) -> int | None:
    """The id of the publication that this one corrects: the latest published before it on
    the same claim (superseded since). None for a claim's first publication."""
    return (
        Verdict.objects.filter(_published_before(published_at, verdict_id), claim_id=claim_id)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Correction:
    """A published correction of a claim's verdict, as its public page notes it."""

    published_at: datetime
    note: str
    earlier_rating: str
    """The rating of the verdict it corrected."""

    @property
    def earlier_rating_label(self) -> str:
        return RATING_SCALE[self.earlier_rating].label


def corrections_up_to(verdict: Verdict) -> list[Correction]:
    """The corrections of the claim's verdict published up to and including `verdict` (one
    that was published), newest first; empty when it is the claim's first publication."""
    if verdict.corrects_id is None:
        return []
    publications = list(
        Verdict.objects.filter(claim_id=verdict.claim_id, published_at__isnull=False)
        .filter(Q(pk=verdict.pk) | _published_before(verdict.published_at, verdict.pk))
        .order_by("published_at", "pk")
        .values_list("rating", "published_at", "correction_note")
    )
    return [
        Correction(published_at=published_at, note=note, earlier_rating=earlier_rating)
        for (earlier_rating, _at, _note), (_rating, published_at, note) in reversed(
            list(pairwise(publications))
        )
    ]


def published_successor(*, verdict_id: int) -> int | None:
    """The id of the verdict now published on the claim of `verdict_id`, when that one was
    published and a correction has superseded it since; None otherwise."""
    return (
        Verdict.objects.filter(
            state=VerdictState.PUBLISHED,
            claim__verdicts__pk=verdict_id,
            claim__verdicts__state=VerdictState.SUPERSEDED,
        )
        .values_list("pk", flat=True)
        .first()
    )


def publications_since(*, age: timedelta, limit: int) -> list[tuple[int, datetime, bool]]:
    """(id, published at, whether it corrects an earlier publication) of the verdicts
    published within `age` of the database's clock and still standing, newest first."""
    earlier = Verdict.objects.filter(
        _published_before(OuterRef("published_at"), OuterRef("pk")), claim_id=OuterRef("claim_id")
    )
    return list(
        Verdict.objects.filter(state=VerdictState.PUBLISHED, published_at__gte=Now() - age)
        .annotate(is_correction=Exists(earlier))
        .order_by("-published_at")
        .values_list("pk", "published_at", "is_correction")[:limit]
    )


def public_evidence(verdicts: list[Verdict]) -> dict[int, list[EvidenceLink]]:
    """Verdict id to the evidence its public pages list, for verdicts of
    `published_verdicts()`: the links it was published with (`evidence_as_published`) whose
    source was fetched (PUBLIC_FETCH_STATES), oldest first, each with `snapshot`, the stored
    page shown for it: as it stood when the verdict was published
    (`sources.selectors.snapshot_as_of`), without its text. Never the note. One query
    however many verdicts."""
    shown = {
        verdict.pk: [
            link
            for link in evidence_as_published(verdict)
            if link.source.state in PUBLIC_FETCH_STATES
        ]
        for verdict in verdicts
    }
    snapshots = successful_snapshots(
        source_ids={link.source_id for links in shown.values() for link in links}
    )
    for verdict in verdicts:
        kept = []
        for link in shown[verdict.pk]:
            link.snapshot = snapshot_as_of(snapshots.get(link.source_id, []), verdict.published_at)
            if link.snapshot is not None:
                kept.append(link)
        shown[verdict.pk] = kept
    return shown


@dataclass(frozen=True)
class PublicSnapshot:
    """A stored page, as the public page of a verdict's evidence shows it."""

    verdict: Verdict
    link: EvidenceLink
    snapshot: SourceSnapshot
    """With its text."""


def public_evidence_snapshot(*, verdict_id: int, evidence_id: int) -> PublicSnapshot | None:
    """The stored page a published verdict's public page links to for its evidence link
    `evidence_id` (see `public_evidence`), with its text; None when the verdict is not
    published or does not list that link."""
    verdict = published_verdicts().filter(pk=verdict_id).first()
    if verdict is None:
        return None
    shown = public_evidence([verdict])[verdict.pk]
    link = next((link for link in shown if link.pk == evidence_id), None)
    if link is None:
        return None
    snapshot = SourceSnapshot.objects.get(pk=link.snapshot.pk)
    return PublicSnapshot(verdict=verdict, link=link, snapshot=snapshot)


def published_verdicts_matching(queryset: QuerySet[Verdict], text: str) -> QuerySet[Verdict]:
    """Full-text match on the claim, its claimant and the verdict's headline and rationale."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        from factcheck.filtering import websearch_text

        query = websearch_text(text)
        if not query:
            return queryset.none()
        vector = SearchVector(
            "claim__text", "claim__claimant", "headline", "rationale", config="english"
        )
        return queryset.alias(search=vector).filter(
            search=SearchQuery(query, config="english", search_type="websearch")
        )
    return queryset.filter(
        Q(claim__text__icontains=text)
        | Q(claim__claimant__icontains=text)
        | Q(headline__icontains=text)
        | Q(rationale__icontains=text)
    )


def our_publisher_site() -> str:
    """The site our published verdicts carry in claims:search: the host of PUBLISHER_URL."""
    return urlsplit(settings.PUBLISHER_URL).hostname or ""


def published_verdicts_for_search(
    *,
    query: str | None = None,
    claim_ids: Iterable[int] | None = None,
    language: str | None = None,
    published_since: datetime | None = None,
) -> QuerySet:
    """Published verdicts as claims:search reads them, newest first: rows of
    `published_verdict_rows` with the claim's origin, each with the site of its publisher
    (`review_publisher_site`, ours) and its language (`review_language`), so that the answer
    shows exactly what the filters compared.

    `query` keeps the verdicts the full-text search matches; `claim_ids`, those on these
    claims; `language` (a language subtag such as en), those in that language whatever their
    region; `published_since`, those published then or later."""
    rows = published_verdict_rows(with_claim_origin=True).annotate(
        review_publisher_site=Value(our_publisher_site()),
        # An article whose language is not known is taken to be in English.
        review_language=Coalesce(NullIf("claim__article__language", Value("")), Value("en")),
    )
    if query:
        rows = published_verdicts_matching(rows, query)
    if claim_ids is not None:
        rows = rows.filter(claim_id__in=list(claim_ids))
    if language:
        rows = rows.filter(
            Q(review_language__iexact=language)
            | Q(review_language__istartswith=f"{language}-")
            | Q(review_language__istartswith=f"{language}_")
        )
    if published_since is not None:
        rows = rows.filter(published_at__gte=published_since)
    return rows.order_by("-published_at", "-id")


def articles_with_published_verdicts() -> QuerySet[Article]:
    """The articles the public and API clients may know of: those with a published verdict.
    Anything else was only ingested, or is still being checked."""
    return Article.objects.filter(
        Exists(Verdict.objects.filter(claim__article=OuterRef("pk"), state=VerdictState.PUBLISHED))
    )


def article_has_published_verdict(*, article: Article) -> bool:
    """Whether the public and API clients may know of the article (see
    `articles_with_published_verdicts`)."""
    return articles_with_published_verdicts().filter(pk=article.pk).exists()


def with_claim_counts(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`articles`, each with how many claims were found in it (`claim_count`), how many have
    a published verdict (`published_count`) and how many have work left on them
    (`open_count`: workflow.OPEN)."""
    return articles.annotate(
        claim_count=Count("claims"),
        published_count=Count("claims", filter=Q(claims__state=ClaimState.PUBLISHED)),
        open_count=Count("claims", filter=Q(claims__state__in=OPEN)),
    )


def _published_ratings(article) -> dict[str, int]:
    by_rating = dict(
        Verdict.objects.filter(claim__article=article, state=VerdictState.PUBLISHED)
        .values_list("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    return {rating: by_rating.get(rating, 0) for rating in _rating_values()}


def article_published_summary(*, article) -> dict:
    """What clients see of an article's claims: how many have a published verdict, by
    rating. How many were found, triaged, dismissed or are in review stays in the newsroom."""
    ratings = _published_ratings(article)
    return {VerdictState.PUBLISHED.value: sum(ratings.values()), "ratings": ratings}


def article_claim_summary(*, article) -> dict:
    """Counts of an article's claims by where they stand, and of its published ratings."""
    by_state = claim_counts_by_state(Claim.objects.filter(article=article))
    return {
        "found": sum(by_state.values()),
        ClaimState.TRIAGE.value: by_state.get(ClaimState.TRIAGE, 0),
        ClaimState.QUEUED.value: by_state.get(ClaimState.QUEUED, 0),
        "in_review": sum(by_state.get(state, 0) for state in IN_REVIEW),
        ClaimState.PUBLISHED.value: by_state.get(ClaimState.PUBLISHED, 0),
        ClaimState.DISMISSED.value: by_state.get(ClaimState.DISMISSED, 0),
        "ratings": _published_ratings(article),
    }


def _rating_values() -> list[str]:
    from .ratings import Rating

    return list(Rating.values)
