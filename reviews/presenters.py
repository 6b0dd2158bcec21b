"""What clients see of a published verdict, in each shape they get it.

Every shape is built here, from the rows `selectors.published_verdict_rows` reads (plain
values: a page of the API is built without a model instance or a serializer per verdict):

- the API item: `/api/v1/verdicts/` and the verdicts of an article's summary;
- schema.org ClaimReview: the feed, the public page of a verdict, webhooks;
- the claim of Google's claims:search;
- the content of a webhook.

Which URL stands for the article, and how dates are written, are decided once, here.

ClaimReview: Google requires `claimReviewed`, `reviewRating` (with `alternateName`) and
`url`, and recommends `author`, `datePublished` and `itemReviewed` (a Claim with its
`author`, `datePublished` and `appearance`). Every ClaimReview built here carries all of them.
A correction's ClaimReview keeps the claim's first publication as `datePublished` and gives
its own as `dateModified`.

A claim in review has one shape too, `ClaimSerializer`, which the claims and queue endpoints
and an article's detail share. The pages' lists of claims show each claim's priority as one
explained figure (`priority_explained`), and the triage tables their rows (`claim_rows`).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import dateformat, timezone
from rest_framework import serializers

from .forms import AssignForm, DismissForm
from .models import Claim, ClaimKind, ClaimState, Verdict, VerdictState
from .ratings import BEST_RATING, RATING_SCALE, WORST_RATING, Rating
from .selectors import CLAIM_ORIGIN_FIELDS, PUBLISHED_VERDICT_FIELDS, with_current_verdicts
from .services import BULK_TRIAGE_MOVES, CHECKED_BEFORE_PENALTY, priority_recency
from .workflow import ASSIGN_MOVES, TRIAGE_MOVES, Move, allowed_moves, may, role_may

# --- what every shape shares ----------------------------------------------------------------


def iso_8601(value: datetime | date | None, *, utc: str = "Z") -> str | None:
    """A date, or a time as REST framework writes it: ISO 8601, with Z for UTC. Webhooks
    write UTC as `utc="+00:00"`, as their receivers have always been sent it."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + utc if text.endswith("+00:00") else text


def _day(value: datetime | None) -> str | None:
    return iso_8601(value.date()) if value else None


class PublicUrls:
    """The public addresses of verdicts and articles on this service, resolved once for a
    whole answer rather than once per verdict."""

    def __init__(self) -> None:
        self._verdict = _around_id("verdict-public")
        self._article = _around_id("article-public")

    def verdict(self, verdict_id: int) -> str:
        return f"{self._verdict[0]}{verdict_id}{self._verdict[1]}"

    def article(self, row: dict) -> str:
        """Where the claim appeared: the article's canonical URL, else the URL it was
        submitted from, else its page on this service."""
        return (
            row["claim__article__canonical_url"]
            or row["claim__article__source_url"]
            or f"{self._article[0]}{row['claim__article_id']}{self._article[1]}"
        )


def _around_id(url_name: str) -> tuple[str, str]:
    """What stands before and after the id in the absolute URL of `url_name`."""
    before, _, after = reverse(url_name, args=[0]).rpartition("/0/")
    return f"{settings.PUBLIC_BASE_URL}{before}/", f"/{after}"


def latest_published_at(rows: Iterable[dict]) -> datetime | None:
    """When the newest of `rows` was published: the Last-Modified of an answer showing them."""
    return max((row["published_at"] for row in rows), default=None)


# --- the API item ---------------------------------------------------------------------------


class PublishedEvidenceSerializer(serializers.Serializer):
    """A source as published. The fact-checker's note on it is a working note and stays in
    the newsroom."""

    url = serializers.CharField()
    stance = serializers.CharField()
    fetch_state = serializers.CharField()


class PublishedClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    claimant = serializers.CharField()
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    quantities = serializers.ListField(child=serializers.DictField())


class PublishedArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(read_only=True)
    title = serializers.CharField()
    publisher = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


def _verdict_item(row: dict, urls: PublicUrls) -> dict[str, Any]:
    rating = RATING_SCALE[row["rating"]]
    return {
        "id": row["id"],
        "claim": {
            "id": row["claim_id"],
            "text": row["claim__text"],
            "claimant": row["claim__claimant"],
            "kind": row["claim__kind"],
            "quantities": row["claim__quantities"],
        },
        "rating": row["rating"],
        "rating_value": rating.value,
        "rating_label": rating.label,
        "headline": row["headline"],
        "rationale": row["rationale"],
        "evidence": row["evidence"],
        "article": {
            "id": row["claim__article_id"],
            "url": urls.article(row),
            "title": row["claim__article__title"],
            "publisher": row["claim__article__publisher"],
            "published_at": iso_8601(row["claim__article__published_at"]),
        },
        "published_at": iso_8601(row["published_at"]),
        "signed_off_by": row["signed_off_by__username"],
        "public_url": urls.verdict(row["id"]),
        "corrects_verdict_id": row["corrects_id"],
        "correction_note": row["correction_note"],
    }


class _PublishedVerdictListSerializer(serializers.ListSerializer):
    def to_representation(self, rows: Iterable[dict]) -> list[dict[str, Any]]:
        urls = PublicUrls()
        return [_verdict_item(row, urls) for row in rows]


# The API item. Its fields are what the OpenAPI schema says of it; it is built from a row of
# `with_published_evidence` in one dict rather than field by field, as clients page through
# thousands (tests/reviews/test_presenters.py holds the two to the same shape).
class PublishedVerdictSerializer(serializers.Serializer):
    """A published verdict, as API clients receive it."""

    id = serializers.IntegerField()
    claim = PublishedClaimSerializer()
    rating = serializers.ChoiceField(choices=Rating.choices)
    rating_value = serializers.IntegerField(min_value=1, max_value=5)
    rating_label = serializers.CharField()
    headline = serializers.CharField()
    rationale = serializers.CharField(help_text="Markdown.")
    evidence = PublishedEvidenceSerializer(many=True)
    article = PublishedArticleSerializer()
    published_at = serializers.DateTimeField()
    signed_off_by = serializers.CharField()
    public_url = serializers.CharField()
    corrects_verdict_id = serializers.IntegerField(
        allow_null=True, help_text="The verdict this one corrects and superseded; null if none."
    )
    correction_note = serializers.CharField(
        allow_blank=True, help_text="Why the earlier verdict was corrected; empty if none."
    )

    class Meta:
        list_serializer_class = _PublishedVerdictListSerializer

    def to_representation(self, row: dict) -> dict[str, Any]:
        return _verdict_item(row, PublicUrls())


# Made once, not per answer: making it took 18 us, a twentieth of presenting a page of 50
# (measured).
_VERDICT_ITEMS = PublishedVerdictSerializer(many=True)


def verdict_items(rows: Iterable[dict]) -> list[dict[str, Any]]:
    """The API items of `rows` (of `with_published_evidence`), in their order."""
    return _VERDICT_ITEMS.to_representation(rows)


# --- schema.org ClaimReview -----------------------------------------------------------------


def _publisher_organization() -> dict[str, str]:
    return {"@type": "Organization", "name": settings.PUBLISHER_NAME, "url": settings.PUBLISHER_URL}


def _claim_author(row: dict) -> dict[str, str]:
    if row["claim__claimant"]:
        return {"@type": "Person", "name": row["claim__claimant"]}
    if row["claim__article__publisher"]:
        return {"@type": "Organization", "name": row["claim__article__publisher"]}
    if row["claim__article__byline"]:
        return {"@type": "Person", "name": row["claim__article__byline"]}
    return {"@type": "Organization", "name": "Unknown"}


def _first_published_at(row: dict) -> datetime:
    """When the claim's verdict was first published: a correction's is its earlier verdict's."""
    return row["first_published_at"] or row["published_at"]


def _date_modified(row: dict) -> str | None:
    """A correction's publication; None for a claim's first verdict."""
    return _day(row["published_at"]) if row["first_published_at"] else None


def _claimreview(row: dict, urls: PublicUrls) -> dict[str, Any]:
    rating = RATING_SCALE[row["rating"]]
    item_reviewed = {
        "@type": "Claim",
        "author": _claim_author(row),
        "datePublished": _day(row["claim__article__published_at"])
        or _day(row["claim__created_at"]),
        "appearance": [
            {
                "@type": "CreativeWork",
                "url": urls.article(row),
                "headline": row["claim__article__title"] or None,
            }
        ],
    }
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": urls.verdict(row["id"]),
        "claimReviewed": row["claim__text"],
        "headline": row["headline"],
        "datePublished": _day(_first_published_at(row)),
        "dateModified": _date_modified(row),
        "author": _publisher_organization(),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating.value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": rating.label,
        },
        "itemReviewed": item_reviewed,
    }
    return _without_empty(review)


def _without_empty(value):
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


def claimreview_feed(rows: Iterable[dict]) -> dict[str, Any]:
    """A schema.org DataFeed whose items are the ClaimReviews of `rows` (read with the
    claim's origin)."""
    urls = PublicUrls()
    return {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{settings.PUBLISHER_NAME} fact checks",
        "publisher": _publisher_organization(),
        "dataFeedElement": [_feed_item(row, urls) for row in rows],
    }


def _feed_item(row: dict, urls: PublicUrls) -> dict[str, Any]:
    item = {
        "@type": "DataFeedItem",
        "dateCreated": _day(_first_published_at(row)),
        "item": _claimreview(row, urls),
    }
    modified = _date_modified(row)
    if modified:
        item["dateModified"] = modified
    return item


def claimreview_for_verdict(verdict: Verdict) -> dict[str, Any]:
    """The ClaimReview of a published verdict in hand as a model instance (its public page
    reads one). Caller selects claim__article and signed_off_by."""
    return _claimreview(_row_of(verdict), PublicUrls())


def _row_of(verdict: Verdict) -> dict:
    """The instance's values under the names of a `published_verdict_rows` row (with the
    claim's origin)."""
    row = {}
    for field in PUBLISHED_VERDICT_FIELDS + CLAIM_ORIGIN_FIELDS:
        value = verdict
        for name in field.split("__"):
            value = getattr(value, name) if value is not None else None
        row[field] = value
    return row


# --- Google's claims:search ------------------------------------------------------------------


def google_claims(rows: Iterable[dict]) -> list[dict[str, Any]]:
    """Each row (read with the claim's origin) as Google's claims:search shows a claim. The
    rows carry the publisher's site and the language the search compared
    (`review_publisher_site`, `review_language`)."""
    urls = PublicUrls()
    return [
        {
            "text": row["claim__text"],
            "claimant": row["claim__claimant"] or row["claim__article__publisher"] or "",
            "claimDate": iso_8601(row["claim__article__published_at"] or row["claim__created_at"]),
            "claimReview": [
                {
                    "publisher": {
                        "name": settings.PUBLISHER_NAME,
                        "site": row["review_publisher_site"],
                    },
                    "url": urls.verdict(row["id"]),
                    "title": row["headline"],
                    "reviewDate": iso_8601(row["published_at"]),
                    "textualRating": RATING_SCALE[row["rating"]].label,
                    "languageCode": row["review_language"],
                }
            ],
        }
        for row in rows
    ]


# --- webhooks -------------------------------------------------------------------------------


def webhook_payload(row: dict, *, corrects_id: int | None) -> dict[str, Any]:
    """What an event about the publication of `row` (of `verdict_as_published`) says, frozen
    when it happens: the verdict, and its ClaimReview."""
    urls = PublicUrls()
    rating = RATING_SCALE[row["rating"]]
    return {
        "verdict": {
            "id": row["id"],
            "public_url": urls.verdict(row["id"]),
            "claim_id": row["claim_id"],
            "claim_text": row["claim__text"],
            "claimant": row["claim__claimant"],
            "rating": row["rating"],
            "rating_value": rating.value,
            "rating_label": rating.label,
            "headline": row["headline"],
            "rationale": row["rationale"],
            "published_at": iso_8601(row["published_at"], utc="+00:00"),
            "signed_off_by": row["signed_off_by__username"],
            "article": {"url": urls.article(row), "title": row["claim__article__title"]},
            "corrects_verdict_id": corrects_id,
            # Why the earlier verdict was corrected, as the public page says it; empty for a
            # first publication (the API's verdict items carry the same pair).
            "correction_note": row["correction_note"] if corrects_id is not None else "",
        },
        "claimreview": _claimreview(row, urls),
    }


# --- a claim in review ------------------------------------------------------------------------


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as the API shows it to fact-checkers and editors, wherever it appears (the
    claims and queue endpoints, an article's claims)."""

    article_title = serializers.CharField(source="article.title", read_only=True)
    assignee = serializers.CharField(
        source="assignee.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "article_title",
            "text",
            "start",
            "end",
            "kind",
            "claimant",
            "quantities",
            "score",
            "reasons",
            "state",
            "priority",
            "boost",
            "assignee",
            "lease_expires_at",
            "dismiss_reason",
            "checked_before",
            "created_at",
        ]


# --- the audit trail in words -----------------------------------------------------------------

# Stored comments name people by id ("Lease of user 7 expired."), which stays true when a
# username changes; pages show the name.
_USER_ID = re.compile(r"\buser (\d+)\b")

# action: (what happened, whether the comment says more worth showing after it)
_EVENT_PHRASES: dict[str, tuple[str, bool]] = {
    "extract": ("Found in the article", False),
    "queue": ("Put in the review queue", False),
    "dismiss": ("Dismissed", True),
    "boost": ("Priority boost changed", True),
    "take": ("Taken", False),
    "renew": ("Lease renewed", False),
    "release": ("Given back to the queue", False),
    "add_evidence": ("Evidence added", True),
    "edit_evidence": ("Evidence edited", True),
    "remove_evidence": ("Evidence removed", True),
    "retry_fetch": ("Fetch retried", True),
    "draft": ("Verdict started", False),
    "edit": ("Verdict edited", False),
    "submit": ("Verdict submitted for sign-off", False),
    "approve": ("Verdict approved and published", True),
    "return": ("Verdict returned to its fact-checker", True),
    "correct": ("Correction opened", True),
    "supersede": ("Earlier verdict superseded by its correction", False),
    "confirm_match": ("Published fact-check confirmed", True),
    "reject_match": ("Suggested fact-check rejected", True),
    "note": ("Note added", False),
}
# Moves whose stored comment is already a sentence naming the people involved.
_COMMENT_IS_THE_SENTENCE = frozenset({"expire", "hand_over", "assign", "reassign"})
# What a stored comment repeats of the phrase before its detail.
_REPEATED_PREFIXES = (
    "Evidence edited: ",
    "Evidence removed: ",
    "Fetch retried: ",
    "Confirmed as checked before: ",
    "Rejected as checked before: ",
    "Boost ",
)
_EXTRACTED_INTO = {"queued": "and queued", "triage": "and left for triage"}


def _with_names(text: str, names: dict[int, str]) -> str:
    return _USER_ID.sub(lambda m: names.get(int(m.group(1)), f"user {m.group(1)}"), text)


def _evidence_detail(comment: str) -> str:
    # "refutes: https://www.example.org/report" reads "refutes, example.org".
    stance, sep, url = comment.partition(": ")
    if not sep or "://" not in url:
        return comment
    host = urlsplit(url.split(" ", 1)[0]).hostname or url
    return f"{stance}, {host.removeprefix('www.')}"


def event_sentence(event, names: dict[int, str]) -> str:
    """One event of a claim's audit trail as a sentence: "Lease of alice expired", "Evidence
    added by bob: refutes, example.org", "Dismissed by erin: Opinion, not a factual claim"."""
    comment = _with_names(event.comment or "", names).strip()
    if event.action in _COMMENT_IS_THE_SENTENCE and comment:
        return comment.rstrip(".")
    phrase, says_more = _EVENT_PHRASES.get(
        event.action, (event.action.replace("_", " ").capitalize(), True)
    )
    if event.action == "extract":
        phrase = f"{phrase} {_EXTRACTED_INTO.get(event.to_state, '')}".strip()
    if event.actor_id is not None:
        phrase = f"{phrase} by {event.actor.get_username()}"
    for prefix in _REPEATED_PREFIXES:
        comment = comment.removeprefix(prefix)
    if event.action in ("add_evidence", "remove_evidence"):
        comment = _evidence_detail(comment)
    if says_more and comment:
        return f"{phrase}: {comment.rstrip('.')}"
    return phrase


def history_in_words(events: Iterable) -> list[tuple[Any, str]]:
    """Each event with its sentence (`event_sentence`), reading the people its comments
    name by id in one query."""
    from accounts.selectors import usernames_by_id

    events = list(events)
    ids = {int(pk) for event in events for pk in _USER_ID.findall(event.comment or "")}
    names = usernames_by_id(ids)
    return [(event, event_sentence(event, names)) for event in events]


# --- a claim's priority, explained ------------------------------------------------------------


@dataclass(frozen=True)
class PriorityPart:
    text: str
    """The part in words, with what it adds: "published today +10", "boosted +20"."""
    points: float


@dataclass(frozen=True)
class PriorityExplained:
    """A claim's priority (the figure the queue orders by) and what it is made of."""

    figure: float
    parts: tuple[PriorityPart, ...]

    def __str__(self) -> str:
        return " · ".join(part.text for part in self.parts)


MINUS = "\u2212"


def _signed(points: float) -> str:
    figure = f"{abs(points):.1f}".removesuffix(".0")
    return f"{MINUS if points < 0 else '+'}{figure}"


def _published(published_at: datetime, today: date) -> str:
    day = timezone.localtime(published_at).date()
    if day == today:
        return "published today"
    if day == today - timedelta(days=1):
        return "published yesterday"
    return f"published {dateformat.format(day, 'j M' if day.year == today.year else 'j M Y')}"


def priority_explained(claim: Claim) -> PriorityExplained:
    """The claim's priority with its parts, from what `services.claim_priority` and the later
    shifts make it of: check-worthiness (its score, times 100), the recency of its article
    (`services.priority_recency`, counted when the claim was found), an editor's boost, and
    CHECKED_BEFORE_PENALTY once a published fact-check is confirmed to review it. A part worth
    nothing is left out, but for check-worthiness. Reads the claim's article."""
    parts = [PriorityPart(f"check-worthiness {claim.score:.2f}", claim.score * 100)]
    published_at = claim.article.published_at
    recency = priority_recency(published_at=published_at, at=claim.created_at)
    if published_at is not None and round(recency, 1):
        when = _published(published_at, timezone.localdate())
        parts.append(PriorityPart(f"{when} {_signed(recency)}", recency))
    if claim.boost:
        verb = "boosted" if claim.boost > 0 else "lowered"
        parts.append(PriorityPart(f"{verb} {_signed(claim.boost)}", claim.boost))
    if claim.checked_before:
        penalty = -CHECKED_BEFORE_PENALTY
        parts.append(PriorityPart(f"checked before {_signed(penalty)}", penalty))
    return PriorityExplained(figure=claim.priority, parts=tuple(parts))


def claim_rows(claims: Iterable[Claim], *, user) -> list[Claim]:
    """`claims` as the triage tables (an article's claims, the claims awaiting triage) show
    them, each with `current_verdict` (`selectors.with_current_verdicts`), `may` (the triage
    and assignment moves `user` may make on it now), `may_bulk_triage` (whether it may be
    queued or dismissed, so offered for triage in bulk) and `priority_explained`."""
    claims = with_current_verdicts(list(claims), user=user)
    for claim in claims:
        moves = allowed_moves(
            claim, user, verdict=claim.current_verdict, among=TRIAGE_MOVES + ASSIGN_MOVES
        )
        claim.may = may(moves)
        claim.may_bulk_triage = bool(moves & set(BULK_TRIAGE_MOVES))
        claim.priority_explained = priority_explained(claim)
    return claims


def triage_table(claims: Iterable[Claim], *, user, layout: str) -> dict[str, Any]:
    """What `reviews/_triage_table.html` shows of `claims` (`claim_rows`) to `user`: on an
    article's page (`layout` "article": with each claim's verdict) or the claims awaiting
    triage ("triage": with each claim's article)."""
    rows = claim_rows(claims, user=user)
    may_triage = any(role_may(user, move) for move in TRIAGE_MOVES)
    return {
        "rows": rows,
        "layout": layout,
        "may_triage": may_triage,
        "may_bulk_triage": may_triage and role_may(user, Move.QUEUE),
        "may_sign_off": role_may(user, Move.APPROVE),
        "dismiss_choices": DismissForm.base_fields["reason"].choices,
        # Read once, for every row that offers the assignment.
        "assign_choices": list(AssignForm().fields["user"].choices)
        if any(row.may["assign"] or row.may["reassign"] for row in rows)
        else [],
        "VerdictState": VerdictState,
    }


def state_tiles(
    query: QueryDict, counts: dict[str, int], *, current: str, anchor: str
) -> list[dict]:
    """The count of claims in each state (`counts`), each linking to the list of them: the
    page's `query` (its filters and search) with that state, from the first page, at
    `anchor`; `current` marks the state listed."""
    tiles = []
    for value, label in ClaimState.choices:
        linked = query.copy()
        linked.pop("page", None)
        linked["state"] = value
        tiles.append(
            {
                "state": value,
                "label": label,
                "count": counts.get(value, 0),
                "href": f"?{linked.urlencode()}#{anchor}",
                "current": value == current,
            }
        )
    return tiles
