"""Our claims against the fact-check collection: every write of a claim's matches.

The workers match each extracted claim (`claims_match`): the fact-checks the matcher suggests
(calibrated score at or above the suggestion threshold) are stored as ClaimMatch rows for a
person to judge. Confirming one (`claim_match_confirm`) says a published fact-check reviews
the claim, which then sits lower in the queue; rejecting one hides it; an editor can dismiss
the claim as checked before (`claim_dismiss_as_checked`). Each judgement is a move of the
review workflow: the rulebook decides who may make it, and the audit trail records it.

Nothing is confirmed without a person: the matcher's scores reach the precision that would
allow it (0.95) only at a threshold few true matches pass (model card, "Scores").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from factcheck.errors import Conflict, InvalidInput
from reviews import services as review_services
from reviews.models import Claim, ClaimState, DismissReason
from reviews.workflow import OPEN, Move

from ..models import ClaimMatch, ClaimMatchRun, FactCheck, FactCheckEmbedding, MatchStatus
from .selectors import matches_for_text

logger = logging.getLogger(__name__)

SUGGESTIONS_PER_CLAIM = 3
"""The suggestions kept for one claim: a person reads them, and past three the matcher is
rarely right where the first three were not (dev MAP@5 is within 0.01 of MAP@3)."""


def collection_size() -> int:
    """The fact-checks a claim can be matched against: those with a vector."""
    return FactCheckEmbedding.objects.count()


def collection_is_empty() -> bool:
    return not FactCheckEmbedding.objects.exists()


def claims_match(*, claim_ids: Iterable[int]) -> int:
    """Match the given claims against the collection and store the suggestions; how many
    claims were matched. Judged matches keep their judgement; suggestions nobody judged are
    replaced by the new ones. An empty collection matches nothing (and costs no model)."""
    size = collection_size()
    if size == 0:
        return 0
    claims = list(Claim.objects.filter(pk__in=list(claim_ids)).only("pk", "text").order_by("pk"))
    for claim in claims:
        found = [
            match
            for match in matches_for_text(
                text=claim.text[: settings.MATCH_MAX_TEXT_CHARS], limit=SUGGESTIONS_PER_CLAIM + 1
            )
            # Our own verdict on this very claim, once published, is no news to it.
            if match.suggested and match.factcheck.own_claim_id != claim.pk
        ][:SUGGESTIONS_PER_CLAIM]
        _store(claim, found, size)
    return len(claims)


def _store(claim: Claim, found: list, size: int) -> None:
    now = timezone.now()
    with transaction.atomic():
        kept = {match.factcheck.pk for match in found}
        ClaimMatch.objects.filter(claim=claim, status=MatchStatus.SUGGESTED).exclude(
            factcheck_id__in=kept
        ).delete()
        # A match found again keeps its status (and who judged it); only its score moves.
        ClaimMatch.objects.bulk_create(
            [
                ClaimMatch(
                    claim=claim, factcheck=match.factcheck, score=match.score, matched_at=now
                )
                for match in found
            ],
            update_conflicts=True,
            unique_fields=["claim", "factcheck"],
            update_fields=["score", "matched_at"],
        )
        ClaimMatchRun.objects.bulk_create(
            [ClaimMatchRun(claim=claim, matched_at=now, collection_size=size)],
            update_conflicts=True,
            unique_fields=["claim"],
            update_fields=["matched_at", "collection_size"],
        )


def _lock_match(match: ClaimMatch, claim_id: int | None) -> ClaimMatch:
    try:
        locked = (
            ClaimMatch.objects.select_for_update(of=("self",))
            .select_related("factcheck__publisher", "claim")
            .get(pk=match.pk)
        )
    except ClaimMatch.DoesNotExist as gone:
        raise Conflict("That suggestion is gone: the claim was matched again since.") from gone
    if claim_id is not None and locked.claim_id != claim_id:
        raise InvalidInput("That suggestion belongs to another claim.")
    return locked


def _described(factcheck: FactCheck) -> str:
    rating = factcheck.rating_text or factcheck.get_canonical_rating_display() or "no rating"
    where = factcheck.review_url or factcheck.external_id
    return f"{factcheck.publisher.name} rated it {rating!r}: {where}"


def _judge(match: ClaimMatch, *, by, status: str, claim_id: int | None) -> ClaimMatch:
    move = Move.CONFIRM_MATCH if status == MatchStatus.CONFIRMED else Move.REJECT_MATCH
    with transaction.atomic():
        match = _lock_match(match, claim_id)
        if match.status == status:
            raise Conflict(f"That suggestion is already {match.get_status_display().lower()}.")
        others_confirmed = (
            ClaimMatch.objects.filter(claim_id=match.claim_id, status=MatchStatus.CONFIRMED)
            .exclude(pk=match.pk)
            .exists()
        )
        verb = "Confirmed" if status == MatchStatus.CONFIRMED else "Rejected"
        review_services.claim_match_judged(
            claim=match.claim,
            by=by,
            move=move,
            checked_before=others_confirmed or status == MatchStatus.CONFIRMED,
            comment=f"{verb} as checked before: {_described(match.factcheck)}",
        )
        match.status = status
        match.decided_by = by
        match.decided_at = timezone.now()
        match.save(update_fields=["status", "decided_by", "decided_at"])
    return match


def claim_match_confirm(*, match: ClaimMatch, by, claim_id: int | None = None) -> ClaimMatch:
    """A person says the suggested fact-check reviews the claim (or takes back a rejection).
    With `claim_id`, refused unless the match is that claim's."""
    return _judge(match, by=by, status=MatchStatus.CONFIRMED, claim_id=claim_id)


def claim_match_reject(*, match: ClaimMatch, by, claim_id: int | None = None) -> ClaimMatch:
    """A person says the suggested fact-check reviews another claim (or takes back a
    confirmation)."""
    return _judge(match, by=by, status=MatchStatus.REJECTED, claim_id=claim_id)


def claim_dismiss_as_checked(
    *, match: ClaimMatch, by, claim_id: int | None = None, comment: str = ""
) -> Claim:
    """An editor dismisses the claim as checked before, linking the fact-check: the match is
    confirmed (if it was not) and the claim dismissed, in one transaction."""
    with transaction.atomic():
        match = _lock_match(match, claim_id)
        if match.status != MatchStatus.CONFIRMED:
            match = claim_match_confirm(match=match, by=by)
        note = f"Checked before: {_described(match.factcheck)}"
        return review_services.claim_dismiss(
            claim=match.claim,
            by=by,
            reason=DismissReason.ALREADY_CHECKED,
            comment=f"{note}. {comment.strip()}" if comment.strip() else note,
        )


def claims_needing_match(*, limit: int) -> list[int]:
    """Claims still worked on that were never matched, or matched against a smaller
    collection than today's (fact-checks imported since may review them): oldest match
    first, at most `limit`."""
    size = collection_size()
    if size == 0:
        return []
    return list(
        Claim.objects.filter(state__in=[ClaimState.TRIAGE, *OPEN])
        .filter(Q(match_run__isnull=True) | Q(match_run__collection_size__lt=size))
        .order_by("match_run__matched_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
