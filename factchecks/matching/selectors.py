"""Reads of matching: the fact-checks that already review a text's claim, and the matches
stored for our claims."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from factcheck.errors import InvalidInput

from ..models import ClaimMatch, FactCheck, MatchStatus
from .config import load_config
from .engine import get_matcher

MAX_LIMIT = 50


@dataclass(frozen=True)
class FactCheckMatch:
    factcheck: FactCheck
    """With its publisher loaded."""
    score: float
    """In [0, 1]: the estimated probability that this fact-check reviews the claim the
    text makes. Calibrated on the CLEF 2021 claim-matching train queries (model card)."""
    suggested: bool
    """score >= the suggestion threshold: worth showing a fact-checker as "checked before"."""


def match_thresholds() -> dict[str, float | None]:
    config = load_config()
    return {"suggested": config.suggest_threshold, "confident": config.confident_threshold}


def matches_for_text(
    *, text: str, language: str | None = None, limit: int = 5
) -> list[FactCheckMatch]:
    """The fact-checks most likely to review the claim `text` makes, best first, at most
    `limit` (1 to 50). With `language` (ISO 639-1), only fact-checks in that language.

    Raises InvalidInput for an empty or too long text (MATCH_MAX_TEXT_CHARS) or a limit out
    of range."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("Send the text to match: a claim, a sentence or a post.")
    if len(text) > settings.MATCH_MAX_TEXT_CHARS:
        raise InvalidInput(
            f"The text is {len(text):,} characters long; at most "
            f"{settings.MATCH_MAX_TEXT_CHARS:,} are matched. Send the claim alone."
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.")
    language = (language or "").strip().lower()
    matcher = get_matcher()
    ranked = matcher.match(text)
    # Fact-checks deleted since the index read them drop out here; with a language, the
    # best candidates in that language among both retrievers' are kept.
    wanted = ranked if language else ranked[: limit + 10]
    rows = (
        FactCheck.objects.select_related("publisher")
        .defer("raw")
        .in_bulk([m.factcheck_id for m in wanted])
    )
    threshold = matcher.config.suggest_threshold
    out: list[FactCheckMatch] = []
    for match in wanted:
        factcheck = rows.get(match.factcheck_id)
        if factcheck is None or (language and factcheck.language != language):
            continue
        out.append(
            FactCheckMatch(
                factcheck=factcheck,
                score=round(match.score, 4),
                suggested=match.score >= threshold,
            )
        )
        if len(out) == limit:
            break
    return out


def claim_matches(*, claim_id: int) -> QuerySet[ClaimMatch]:
    """Every stored match of one claim, judged or not, best score first, with the fact-check
    (without its raw JSON), its publisher and who judged it."""
    return (
        ClaimMatch.objects.filter(claim_id=claim_id)
        .select_related("factcheck__publisher", "decided_by")
        .defer("factcheck__raw")
        .order_by("-score", "id")
    )


def claim_suggestions(*, claim_ids: Iterable[int]) -> dict[int, list[ClaimMatch]]:
    """The matches a page shows beside each claim: confirmed and not yet judged ones (not
    rejected), confirmed first, then best score; one query for any number of claims."""
    shown: dict[int, list[ClaimMatch]] = defaultdict(list)
    rows = (
        ClaimMatch.objects.filter(claim_id__in=list(claim_ids))
        .exclude(status=MatchStatus.REJECTED)
        .select_related("factcheck__publisher")
        .defer("factcheck__raw")
        .order_by("claim_id", "-score", "id")
    )
    for match in rows:
        shown[match.claim_id].append(match)
    for matches in shown.values():
        matches.sort(key=lambda m: m.status != MatchStatus.CONFIRMED)
    return dict(shown)
