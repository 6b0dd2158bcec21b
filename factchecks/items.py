"""One fact-check as read from any input, ready to be written, and how a reader says an item
cannot be imported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sources.fetcher import InvalidURLError, normalize_url

from .language import detect_language
from .publishers import KnownPublisher
from .ratings import RatingReading, read_rating
from .text import claim_digest, storable_json, url_key

MAX_EXTERNAL_ID = 500
MAX_CLAIMANT = 500
# The language is told from the claim, with the headline and summary when the claim is too
# short to tell by; 150 characters are enough to tell.
DETECTION_TEXT_CHARS = 150
SHORT_CLAIM_CHARS = 80


class SkipItem(Exception):
    """This item cannot be imported; the message says why, for the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ReadOptions:
    publisher: str = ""
    """The publisher of items that do not name one (always so for CLEF collections)."""
    language: str = ""
    """The language of items that do not declare one, instead of detecting it."""
    page_url: str = ""
    """The page the items were found on: their review URL when they give none."""


@dataclass(frozen=True)
class PublisherIdentity:
    key: str
    name: str
    site: str


def publisher_identity(
    *, name: str, site: str, known: KnownPublisher | None
) -> PublisherIdentity | None:
    """How a publisher is recognised across imports (see models.Publisher.key)."""
    if known is not None:
        return PublisherIdentity(key=f"site:{known.site}", name=known.name, site=known.site)
    name = name.strip()[:300]
    if not name and site:
        name = site
    if not name:
        return None
    folded = " ".join(name.casefold().split())
    key = f"{site}|{folded}" if site else f"name:{folded}"
    return PublisherIdentity(key=key[:600], name=name, site=site[:300])


def canonical_review_url(url: str) -> str:
    """The URL a review is stored under ('' when it is not a usable http(s) URL)."""
    if not url:
        return ""
    try:
        return normalize_url(url)
    except InvalidURLError:
        return ""


@dataclass
class FactCheckData:
    """Everything written to a FactCheck row, as read from one item."""

    publisher: PublisherIdentity
    external_id: str
    review_url: str
    claim_text: str
    claimant: str
    claim_date: date | None
    review_date: date | None
    headline: str
    language: str
    language_detected: bool
    rating_text: str
    rating_value: str
    best_rating: str
    worst_rating: str
    rating: RatingReading
    raw: Any
    review_url_key: str = field(init=False)
    claim_digest: str = field(init=False)

    def __post_init__(self) -> None:
        self.raw = storable_json(self.raw)
        self.external_id = storable_json(self.external_id)
        self.review_url_key = url_key(self.review_url)
        self.claim_digest = claim_digest(self.claim_text)
        if len(self.external_id) > MAX_EXTERNAL_ID:
            raise SkipItem(
                f"The item's id is longer than {MAX_EXTERNAL_ID} characters; it cannot be "
                "recognised on the next import."
            )
        if not self.review_url_key and not self.external_id:
            # Without a URL or an id, the claim itself is what recognises the item next time.
            self.external_id = f"claim:{self.claim_digest}"
        if len(self.claimant) > MAX_CLAIMANT:
            self.claimant = self.claimant[: MAX_CLAIMANT - 1] + "…"

    @property
    def label(self) -> str:
        """How the report names the item."""
        return self.review_url or self.external_id

    def row_values(self) -> dict[str, Any]:
        """The FactCheck fields this item sets (publisher and bookkeeping aside)."""
        return {
            "external_id": self.external_id,
            "review_url": self.review_url,
            "review_url_key": self.review_url_key,
            "claim_text": self.claim_text,
            "claim_digest": self.claim_digest,
            "claimant": self.claimant,
            "claim_date": self.claim_date,
            "review_date": self.review_date,
            "headline": self.headline,
            "language": self.language,
            "language_detected": self.language_detected,
            "rating_text": self.rating_text,
            "rating_value": self.rating_value,
            "best_rating": self.best_rating,
            "worst_rating": self.worst_rating,
            "canonical_rating": self.rating.canonical,
            "rating_conflict": self.rating.conflict,
            "rating_note": self.rating.note,
            "raw": self.raw,
        }


def language_of(*, declared: str, options: ReadOptions, texts: list[str]) -> tuple[str, bool]:
    """The item's language and whether it was detected rather than given. `texts` are the
    claim first, then other text of the review."""
    if declared:
        return declared, False
    if options.language:
        return options.language, False
    sample = texts[0] if texts and len(texts[0]) >= SHORT_CLAIM_CHARS else " ".join(texts)
    sample = sample[:DETECTION_TEXT_CHARS]
    detected = detect_language(sample)
    return detected, bool(detected)


def rating_of(
    *, text: str, value: str, best: str, worst: str, known: KnownPublisher | None
) -> RatingReading:
    reading = read_rating(text=text, value=value, best=best, worst=worst, publisher=known)
    if reading.unreadable:
        raise SkipItem(reading.unreadable)
    return reading
