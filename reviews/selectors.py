"""Reads of the review workflow worth naming, scoped to what the caller may see."""

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects

from accounts.roles import Role, user_has_role
from articles.models import Article

from .models import OPEN_VERDICT_STATES, Claim, EvidenceLink, ReviewEvent, Verdict


def claims_visible_to(user) -> QuerySet[Claim]:
    """Fact-checkers and editors see every claim; other roles see none through this."""
    if not (user_has_role(user, Role.FACT_CHECKER) or user_has_role(user, Role.EDITOR)):
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


def _sees_open_verdict(verdict: Verdict, user) -> bool:
    """Work in progress (a draft, or a verdict waiting for sign-off) is for its author and
    editors only."""
    return verdict.author_id == user.pk or user_has_role(user, Role.EDITOR)


def verdict_visible_on_claim(*, claim: Claim, user) -> Verdict | None:
    """The verdict a caller sees on a claim: the open one for its author and editors,
    otherwise the published one."""
    verdicts = Verdict.objects.filter(claim=claim).select_related("author", "signed_off_by")
    open_verdict = verdicts.filter(state__in=OPEN_VERDICT_STATES).first()
    if open_verdict is not None and _sees_open_verdict(open_verdict, user):
        return open_verdict
    return verdicts.filter(state="published").first()


def verdicts_visible_on_claims(*, claims: list[Claim], user) -> dict[int, Verdict]:
    """`verdict_visible_on_claim` for many claims in one query: claim id to verdict, for the
    claims that have one the caller sees."""
    visible: dict[int, Verdict] = {}
    for verdict in Verdict.objects.filter(
        claim__in=claims, state__in=[*OPEN_VERDICT_STATES, "published"]
    ).order_by("claim_id", "-created_at", "-id"):
        if verdict.state == "published":
            visible.setdefault(verdict.claim_id, verdict)
        elif _sees_open_verdict(verdict, user):
            # The open verdict, when the caller may see it, stands before the published one.
            visible[verdict.claim_id] = verdict
    return visible


def claim_events(*, claim: Claim) -> QuerySet[ReviewEvent]:
    return (
        ReviewEvent.objects.filter(claim=claim).select_related("actor").order_by("created_at", "id")
    )


def published_content_version() -> int | None:
    """The version of everything clients can read about published verdicts: it changes
    with any of it (see migration 0004), and never repeats. None where it is not kept."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM published_content_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def published_verdicts() -> QuerySet[Verdict]:
    """Published verdicts with everything a client summary shows, in a fixed number of
    queries however many there are."""
    return (
        Verdict.objects.filter(state="published")
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
        return queryset.annotate(search=vector).filter(
            search=SearchQuery(query, config="english", search_type="websearch")
        )
    from django.db.models import Q

    return queryset.filter(
        Q(claim__text__icontains=text)
        | Q(claim__claimant__icontains=text)
        | Q(headline__icontains=text)
        | Q(rationale__icontains=text)
    )


IN_REVIEW_STATES = ("assigned", "submitted", "returned")


def articles_with_published_verdicts() -> QuerySet[Article]:
    """The articles the public and API clients may know of: those with a published verdict.
    Anything else was only ingested, or is still being checked."""
    return Article.objects.filter(
        Exists(Verdict.objects.filter(claim__article=OuterRef("pk"), state="published"))
    )


def _published_ratings(article) -> dict[str, int]:
    by_rating = dict(
        Verdict.objects.filter(claim__article=article, state="published")
        .values_list("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    return {rating: by_rating.get(rating, 0) for rating in _rating_values()}


def article_published_summary(*, article) -> dict:
    """What clients see of an article's claims: how many have a published verdict, by
    rating. How many were found, triaged, dismissed or are in review stays in the newsroom."""
    ratings = _published_ratings(article)
    return {"published": sum(ratings.values()), "ratings": ratings}


def article_claim_summary(*, article) -> dict:
    """Counts of an article's claims by where they stand, and of its published ratings."""
    by_state = dict(
        Claim.objects.filter(article=article)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return {
        "found": sum(by_state.values()),
        "triage": by_state.get("triage", 0),
        "queued": by_state.get("queued", 0),
        "in_review": sum(by_state.get(state, 0) for state in IN_REVIEW_STATES),
        "published": by_state.get("published", 0),
        "dismissed": by_state.get("dismissed", 0),
        "ratings": _published_ratings(article),
    }


def _rating_values() -> list[str]:
    from .ratings import Rating

    return list(Rating.values)
