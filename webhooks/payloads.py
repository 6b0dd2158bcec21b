"""What a webhook says: the verdict as published, frozen when the event happens, and the signed
request made from it at each attempt."""

import time
from datetime import UTC, datetime
from typing import Any

from reviews.claimreview import article_public_url, claimreview_for_verdict, verdict_public_url
from reviews.models import Verdict
from reviews.ratings import RATING_SCALE

from .models import Delivery
from .signing import encode_body, signed_headers


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def verdict_payload(verdict: Verdict, *, corrects: Verdict | None) -> dict[str, Any]:
    """The event's content, without the per-attempt parts. Caller selects claim__article and
    signed_off_by."""
    claim = verdict.claim
    article = claim.article
    rating = RATING_SCALE[verdict.rating]
    return {
        "verdict": {
            "id": verdict.pk,
            "public_url": verdict_public_url(verdict),
            "claim_id": claim.pk,
            "claim_text": claim.text,
            "claimant": claim.claimant,
            "rating": verdict.rating,
            "rating_value": rating.value,
            "rating_label": rating.label,
            "headline": verdict.headline,
            "rationale": verdict.rationale,
            "published_at": _iso(verdict.published_at),
            "signed_off_by": verdict.signed_off_by.username if verdict.signed_off_by else None,
            "article": {"url": article_public_url(article), "title": article.title},
            "corrects_verdict_id": corrects.pk if corrects else None,
        },
        "claimreview": claimreview_for_verdict(verdict),
    }


def delivery_request(
    *, delivery: Delivery, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and signed headers of one attempt. Caller selects subscriber."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    body = encode_body(
        {
            "event": delivery.event,
            "delivered_at": datetime.fromtimestamp(timestamp, UTC).isoformat(),
            **delivery.payload,
        }
    )
    headers = signed_headers(
        secret=delivery.subscriber.secret,
        body=body,
        event=delivery.event,
        delivery_id=delivery.pk,
        timestamp=timestamp,
    )
    return body, headers
