"""Test data made the way the newsroom makes it: every row comes from the services.

An article is ingested (the articles service) with the claims a stand-in for the trained
extractor reports, so a test chooses its claims; a claim is taken from the queue, evidence is
added and its source recorded as fetched (the sources service, without HTTP), a verdict is
written and submitted, and another editor approves it (the reviews services). No factory
writes a state itself, so no test starts from a situation the product cannot reach.
"""

import hashlib
import itertools
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from django.conf import settings

from articles.extraction.claims import ClaimKind, ExtractedClaim
from articles.models import Article
from articles.services import (
    article_extract_fetched,
    article_submit_content,
    article_submit_url,
)
from reviews import services as reviews
from reviews.models import Claim, EvidenceLink, Verdict
from sources.fetcher import FetchResult
from sources.models import Source, SourceSnapshot
from sources.services import HostBusy, source_claim_for_fetch, source_record_result

BODY = (
    "State Department spokesman Admiral John Kirby said greater than 90% of the strikes "
    "have not been against ISIL. Zamir Kabulov estimated around 3,500 militants in the area."
)
EVIDENCE_URL = "https://monitor.example.org/report"
EVIDENCE_TITLE = "Strike report"
EVIDENCE_TEXT = "Monitors recorded 2,400 strikes in ISIL-held areas during the period."
VERDICT = {
    "rating": "mostly_false",
    "headline": "Most strikes did hit ISIL positions, monitors say",
    "rationale": "Independent monitors recorded **most** strikes on ISIL-held areas.",
}
# Below the queue threshold (CLAIM_QUEUE_THRESHOLD, 0.6 by default): the claim waits in triage.
TRIAGE_SCORE = 0.3

_numbers = itertools.count(1)


@dataclass(frozen=True)
class Found:
    """A claim the extractor reports: `text` must stand in the article's body (None: its first
    sentence). A score below CLAIM_QUEUE_THRESHOLD leaves the claim in triage."""

    text: str | None = None
    kind: str = "statistic"
    claimant: str = "John Kirby"
    score: float = 0.9


@contextmanager
def _extractor_finding(found: Sequence[Found]) -> Iterator[None]:
    """The trained extractor, replaced for the ingestion by one that reports `found`, in the
    order they stand in the body."""

    def extract_claims(body: str, *_args, **_kwargs) -> list[ExtractedClaim]:
        claims, offset = [], 0
        for item in found:
            text = item.text if item.text is not None else body[: body.index(".") + 1]
            start = body.index(text, offset)
            offset = start + len(text)
            claims.append(
                ExtractedClaim(
                    text=text,
                    start=start,
                    end=offset,
                    kind=ClaimKind(item.kind),
                    claimant=item.claimant,
                    claimant_title="",
                    score=item.score,
                    model_score=item.score,
                )
            )
        return claims

    with mock.patch("articles.services.extract_claims", extract_claims):
        yield


def article_ingested(
    *,
    found: Sequence[Found] = (Found(),),
    body: str | None = None,
    title: str | None = None,
    url: str = "",
    publisher: str = "",
    byline: str = "",
    published_at=None,
    language: str | None = None,
) -> Article:
    """A new article with the claims `found` in it, ingested as pasted text; with a
    `language`, submitted by URL instead and read from its fetched page, which is how an
    article's language comes from its publisher as written (`en-GB`, say)."""
    number = next(_numbers)
    body = f"{BODY} Paragraph {number}." if body is None else body
    title = f"Article {number}" if title is None else title
    with _extractor_finding(found):
        if language is None:
            article, created = article_submit_content(
                content=body,
                input_format=Article.InputFormat.TEXT,
                title=title,
                url=url,
                published_at=published_at,
                publisher=publisher,
                author=byline,
            )
            if not created:
                raise ValueError(f"The same text is already stored as article {article.pk}.")
        else:
            article = _article_read_from_its_page(
                url=url or f"https://news-{number}.example.com/story",
                body=body,
                metadata={"title": title, "language": language},
                publisher=publisher,
                byline=byline,
            )
    return article


def _article_read_from_its_page(
    *, url: str, body: str, metadata: dict, publisher: str, byline: str
) -> Article:
    article, created = article_submit_url(url=url)
    if not created:
        raise ValueError(f"{url} was already submitted, as article {article.pk}.")
    if publisher:
        metadata["site_name"] = publisher
    if byline:
        metadata["author"] = byline
    source_fetched(article.source, title=metadata["title"], text=body, metadata=metadata)
    article = article_extract_fetched(article_id=article.pk)
    if article is None or article.ingest_state != Article.IngestState.EXTRACTED:
        raise ValueError(f"The page at {url} was not extracted: {article and article.ingest_error}")
    return article


def claim_queued(**fields) -> Claim:
    """The one claim of a new article. `text`, `kind`, `claimant` and `score` describe the
    claim (see Found); the other fields the article (see article_ingested)."""
    claim_keys = {"text", "kind", "claimant", "score"} & fields.keys()
    found = Found(**{key: fields.pop(key) for key in claim_keys})
    return article_ingested(found=[found], **fields).claims.get()


def queued_claims(count: int, *, scores: Sequence[float] | None = None, **article) -> list[Claim]:
    """`count` claims found in one new article, one per sentence of its body, in body order.
    They score 0.8 unless `scores` says otherwise (their priority is the score times 100);
    one scoring below CLAIM_QUEUE_THRESHOLD waits in triage instead of the queue."""
    sentences = [f"Claim number {i} says {i * 7} percent of strikes missed." for i in range(count)]
    scores = [0.8] * count if scores is None else list(scores)
    found = [
        Found(text=sentence, claimant="", score=score)
        for sentence, score in zip(sentences, scores, strict=True)
    ]
    article.setdefault("body", " ".join(sentences))
    ingested = article_ingested(found=found, **article)
    return list(ingested.claims.order_by("start"))


def triaged_claims(count: int, **article) -> list[Claim]:
    """`count` claims of one new article, scored below the queue threshold: in triage."""
    if TRIAGE_SCORE >= settings.CLAIM_QUEUE_THRESHOLD:
        raise ValueError("CLAIM_QUEUE_THRESHOLD is set below the triage score.")
    return queued_claims(count, scores=[TRIAGE_SCORE] * count, **article)


def claim_taken(*, reviewer, claim: Claim | None = None, **fields) -> Claim:
    """`reviewer` takes `claim` (a new queued claim built from `fields` when not given) from
    the queue, which must hand that claim out next."""
    if claim is not None and fields:
        raise TypeError(f"A claim is given: {', '.join(fields)} would not describe it.")
    claim = claim or claim_queued(**fields)
    taken = reviews.claim_take_next(reviewer=reviewer)
    if taken is None or taken.pk != claim.pk:
        raise AssertionError(
            f"The queue handed out {'nothing' if taken is None else f'claim {taken.pk}'}, not "
            f"claim {claim.pk}: build this claim before others that go ahead of it."
        )
    return Claim.objects.select_related("article", "assignee").get(pk=claim.pk)


def _claim_for_fetch(source: Source) -> Source:
    while True:
        try:
            claimed = source_claim_for_fetch(source_id=source.pk)
            break
        except HostBusy as busy:
            # The host's politeness delay, waited out as a worker does.
            time.sleep(busy.retry_in)
    if claimed is None:
        raise ValueError(f"{source.url} is not waiting for a fetch: it is {source.state}.")
    return claimed


def source_fetched(
    source: Source,
    *,
    title: str = EVIDENCE_TITLE,
    text: str = EVIDENCE_TEXT,
    metadata: dict | None = None,
) -> SourceSnapshot:
    """Record a successful fetch of `source` as a worker does (claim the fetch, record what
    it found), with the page given here instead of read over HTTP."""
    claimed = _claim_for_fetch(source)
    body = text.encode()
    snapshot = source_record_result(
        source=claimed,
        result=FetchResult(
            requested_url=claimed.url,
            final_url=claimed.url,
            status_code=200,
            content_type="text/html",
            charset="utf-8",
            title=title,
            text=text,
            metadata=metadata or {},
            sha256=hashlib.sha256(body).hexdigest(),
            size=len(body),
        ),
    )
    source.refresh_from_db()
    return snapshot


def evidence_fetched(
    *, claim: Claim, by, url: str = EVIDENCE_URL, stance: str = "refutes", note: str = ""
) -> EvidenceLink:
    """Evidence added by `by`, whose source has been fetched (now, unless it already was)."""
    link = reviews.evidence_add(claim=claim, by=by, url=url, stance=stance, note=note)
    if link.source.state != Source.State.FETCHED:
        source_fetched(link.source)
    return link


def _verdict_fields(fields: dict) -> dict:
    return {key: fields.pop(key, default) for key, default in VERDICT.items()}


def verdict_drafted(*, author, claim: Claim | None = None, **fields) -> Verdict:
    """`author` takes a claim from the queue and drafts a verdict on it. `rating`, `headline`
    and `rationale` fill the verdict; other fields describe a new claim (see claim_queued)."""
    verdict = _verdict_fields(fields)
    claim = claim_taken(reviewer=author, claim=claim, **fields)
    return reviews.verdict_create(claim=claim, by=author, **verdict)


def verdict_submitted(
    *, author, claim: Claim | None = None, evidence_url: str = EVIDENCE_URL, **fields
) -> Verdict:
    """As verdict_drafted, with fetched evidence at `evidence_url`, submitted for sign-off."""
    verdict = _verdict_fields(fields)
    claim = claim_taken(reviewer=author, claim=claim, **fields)
    evidence_fetched(claim=claim, by=author, url=evidence_url)
    draft = reviews.verdict_create(claim=claim, by=author, **verdict)
    return reviews.verdict_submit(verdict=draft, by=author, expected_version=draft.version)


def verdict_published(*, author, editor, comment: str = "", **fields) -> Verdict:
    """As verdict_submitted, then approved and published by `editor` (not its author)."""
    submitted = verdict_submitted(author=author, **fields)
    return reviews.verdict_approve(
        verdict=submitted, by=editor, expected_version=submitted.version, comment=comment
    )


def source_fetch_failed(
    source: Source, *, status_code: int = 404, message: str = "The page was not found (404)."
) -> SourceSnapshot:
    """Record a fetch of `source` that failed for good (an HTTP error no retry mends), as a
    worker does."""
    claimed = _claim_for_fetch(source)
    snapshot = source_record_result(
        source=claimed,
        result=FetchResult(
            requested_url=claimed.url,
            final_url=claimed.url,
            status_code=status_code,
            error_kind="http_error",
            error_message=message,
        ),
    )
    source.refresh_from_db()
    return snapshot
