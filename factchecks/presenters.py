"""What clients see of the collection in the shape of Google Fact Check Tools' claims:search.

Our own verdicts keep the one shape reviews gives a published verdict
(`reviews.presenters.google_claims`); another publisher's fact-check is shown as it was
published, leaving out what it did not say, as Google's answers do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from reviews import presenters as review_presenters

from .models import FactCheck
from .search import ClaimSearchHit


def google_claims(hits: Iterable[ClaimSearchHit]) -> list[dict[str, Any]]:
    """Each hit (of `search.claims_search`) as Google's claims:search shows a claim, in
    their order."""
    hits = list(hits)
    ours = iter(review_presenters.google_claims([hit.verdict for hit in hits if hit.verdict]))
    return [next(ours) if hit.verdict else _google_claim(hit.factcheck) for hit in hits]


def _google_claim(factcheck: FactCheck) -> dict[str, Any]:
    review = _present(
        {
            "publisher": _present(
                {"name": factcheck.publisher.name, "site": factcheck.publisher.site}
            ),
            "url": factcheck.review_url,
            "title": factcheck.headline,
            "reviewDate": _midnight(factcheck.review_date),
            "textualRating": factcheck.rating_text,
            "languageCode": factcheck.language,
        }
    )
    return _present(
        {
            "text": factcheck.claim_text,
            "claimant": factcheck.claimant,
            "claimDate": _midnight(factcheck.claim_date),
            "claimReview": [review],
        }
    )


def _midnight(day: date | None) -> str | None:
    """A date as Google writes it: the start of the day, in UTC."""
    return f"{day.isoformat()}T00:00:00Z" if day else None


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value not in (None, "", {})}
