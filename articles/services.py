"""Writes to articles: ingesting content or URLs, and extracting their claims.

Pasted content is stored and extracted in one transaction: an article either arrives with
its claims or not at all. A URL is stored at once and extracted by a worker once its page
has been fetched.
"""

import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Now
from django.utils import timezone

from accounts.roles import EDITORS, user_has_any_role
from factcheck.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    NotPermitted,
)
from factcheck.languages import language_tag
from reviews.services import article_event_record, claims_record_extracted
from sources.services import source_for_url, source_request_refetch, sources_for_urls

from .extraction.claims import EXTRACTOR_VERSION, ExtractedClaim, extract_claims
from .extraction.documents import (
    CitedLink,
    Document,
    NoMainTextError,
    document_from_html,
    document_from_markdown,
    document_from_text,
)
from .models import Article, ArticleLink

logger = logging.getLogger(__name__)

DOCUMENT_READERS = {
    Article.InputFormat.TEXT: document_from_text,
    Article.InputFormat.MARKDOWN: document_from_markdown,
    Article.InputFormat.HTML: document_from_html,
}


def _content_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _record(article: Article, *, actor, action: str, from_state: str, to_state: str, comment=""):
    article_event_record(
        article=article,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )


def _read_document(content: str, input_format: str, url: str) -> Document:
    if not content or not content.strip():
        raise InvalidInput("The article is empty: paste its text, HTML or Markdown.")
    reader = DOCUMENT_READERS[input_format]
    try:
        document = reader(content, url=url or None) if input_format == "html" else reader(content)
    except NoMainTextError as exc:
        raise InvalidInput(f"{exc} Paste the article itself, not a page of links.") from exc
    if not document.body.strip():
        raise InvalidInput("No article text found once boilerplate was removed.")
    limit = settings.ARTICLE_MAX_BODY_CHARS
    if len(document.body) > limit:
        raise InvalidInput(
            f"The article is too long: {len(document.body):,} characters of text, "
            f"the limit is {limit:,}. Split it, or ingest the part to check."
        )
    return document


def article_submit_content(
    *,
    content: str,
    input_format: str,
    title: str = "",
    url: str = "",
    published_at=None,
    publisher: str = "",
    author: str = "",
    submitted_by=None,
) -> tuple[Article, bool]:
    """Store pasted text, HTML or Markdown and extract its claims.

    Returns (article, created). Content already stored (same normalised text) returns the
    existing article unchanged, so nothing is duplicated.
    """
    if input_format not in DOCUMENT_READERS:
        raise InvalidInput(f"Unknown format {input_format!r}: use text, html or markdown.")
    if url:
        from sources.fetcher import InvalidURLError, validate_fetchable_url

        try:
            url = validate_fetchable_url(url)
        except InvalidURLError as exc:
            raise InvalidInput(str(exc), details={"url": str(exc)}) from exc
    document = _read_document(content, input_format, url)
    content_hash = _content_hash(document.body)
    existing = Article.objects.filter(content_hash=content_hash).first()
    if existing is not None:
        return existing, False

    try:
        with transaction.atomic():
            article = Article.objects.create(
                source_url=url,
                canonical_url=document.canonical_url[:2048],
                title=(title or document.title)[:2000],
                byline=(author or document.byline)[:500],
                publisher=(publisher or document.publisher)[:300],
                published_at=published_at or _as_datetime(document.published),
                language=language_tag(document.language) or "en",
                input_format=input_format,
                raw_content=content,
                body=document.body,
                content_hash=content_hash,
                ingest_state=Article.IngestState.PENDING,
                submitted_by=submitted_by,
            )
            _record(article, actor=submitted_by, action="submit", from_state="", to_state="pending")
            _store_links(article, document)
            _extract(article, actor=submitted_by)
    except IntegrityError:
        # Someone stored the same content a moment earlier: theirs is the article.
        existing = Article.objects.filter(content_hash=content_hash).first()
        if existing is None:
            raise
        return existing, False
    return article, True


def _as_datetime(date):
    if date is None:
        return None
    return timezone.make_aware(timezone.datetime(date.year, date.month, date.day))


def _store_links(article: Article, document: Document) -> None:
    """Keep the links the article cites; each one's source is fetched by the workers."""
    from sources.fetcher import InvalidURLError, normalize_url, validate_fetchable_url

    links, seen = [], set()
    for link in document.links:
        try:
            normalize_url(validate_fetchable_url(link.url))
        except InvalidURLError:
            logger.info("Cited link %r of article %s is not fetchable.", link.url, article.pk)
            continue
        if (link.url, link.position) not in seen:
            seen.add((link.url, link.position))
            links.append(link)
    if not links:
        return
    sources = sources_for_urls(urls=[link.url for link in links])
    ArticleLink.objects.bulk_create(
        ArticleLink(
            article=article,
            url=link.url[:2048],
            anchor_text=link.anchor_text,
            position=link.position,
            source=sources[link.url],
        )
        for link in links
    )


def claim_enters_queue(claim: ExtractedClaim) -> bool:
    """Whether an extracted claim enters the review queue rather than waiting in triage: it
    scores at least CLAIM_QUEUE_THRESHOLD. The one rule for it: ingestion stores claims by it
    and the extract_claims command reports it."""
    return claim.score >= settings.CLAIM_QUEUE_THRESHOLD


def _extract(article: Article, *, actor=None) -> list:
    """Extract claims from the stored body. Caller holds the transaction."""
    extracted = extract_claims(article.body)
    claims = claims_record_extracted(
        article=article,
        extracted=extracted,
        enters_queue=claim_enters_queue,
        extractor_version=EXTRACTOR_VERSION,
    )
    previous = article.ingest_state
    Article.objects.filter(pk=article.pk).update(
        ingest_state=Article.IngestState.EXTRACTED,
        ingest_error="",
        extracted_at=timezone.now(),
        extractor_version=EXTRACTOR_VERSION,
    )
    article.refresh_from_db()
    if previous != Article.IngestState.EXTRACTED:
        _record(
            article,
            actor=actor,
            action="extract",
            from_state=previous,
            to_state=Article.IngestState.EXTRACTED,
            comment=f"{len(claims)} claims found.",
        )
    return claims


def article_submit_url(*, url: str, submitted_by=None) -> tuple[Article, bool]:
    """Store an article to be fetched from `url`; a worker fetches and extracts it.

    Returns (article, created). A URL submitted before returns its article, unless that
    one failed, in which case the fetch is tried again.
    """
    with transaction.atomic():
        source = source_for_url(url=url)
        existing = (
            Article.objects.select_for_update()
            .filter(source=source, removed_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if existing is not None and existing.ingest_state != Article.IngestState.FAILED:
            return existing, False
        if existing is not None:
            _fetch_again(existing, actor=submitted_by)
            existing.refresh_from_db()
            return existing, False
        article = Article.objects.create(
            source_url=source.url,
            input_format=Article.InputFormat.URL,
            ingest_state=Article.IngestState.FETCHING,
            source=source,
            submitted_by=submitted_by,
        )
        _record(article, actor=submitted_by, action="submit", from_state="", to_state="fetching")
        if source.state == source.State.FETCHED:
            from .tasks import extract_fetched_article

            extract_fetched_article.delay_on_commit(article.pk)
        elif source.state in (source.State.FAILED, source.State.BLOCKED):
            # Its fetch ended before this article waited on it (a link cited elsewhere): only
            # a new fetch can settle the article, which would otherwise wait for ever.
            source_request_refetch(source=source)
    return article, True


def _fetch_again(article: Article, *, actor) -> None:
    """Send a failed URL article back to wait on a new fetch of its page, extracted as on
    its first submission. Caller holds the article's lock."""
    Article.objects.filter(pk=article.pk).update(
        ingest_state=Article.IngestState.FETCHING, ingest_error=""
    )
    _record(article, actor=actor, action="retry", from_state="failed", to_state="fetching")
    # A fetch under way (for another link to the same page) settles the article as it ends.
    source_request_refetch(source=article.source)


def _locked_in_newsroom(article: Article) -> Article:
    article = Article.objects.select_for_update().filter(pk=article.pk).first()
    if article is None or article.removed_at is not None:
        raise NotFound("This article was removed.")
    return article


def article_retry_refusal(*, article: Article) -> DomainError | None:
    """Why `article` cannot be fetched and read again now; None when it can: it was
    submitted by URL and could not be read."""
    if article.ingest_state != Article.IngestState.FAILED:
        state = Article.IngestState(article.ingest_state).label.lower()
        return InvalidTransition(
            f"Only an article that could not be read is tried again; this one is {state}.",
            details={"ingest_state": article.ingest_state},
        )
    if article.input_format != Article.InputFormat.URL or article.source_id is None:
        return InvalidTransition(
            "Only an article submitted by URL is fetched again; submit pasted text again instead.",
            details={"ingest_state": article.ingest_state},
        )
    return None


def article_retry(*, article: Article, by) -> Article:
    """Fetch the page of a URL article that could not be read again, and extract it once
    read, as on its first submission: the article waits on the fetch again, whose schedule
    starts over (all its attempts, the first one now), and the audit trail records who
    asked. Any fact-checker or editor may, as submitting the URL again does. Returns the
    article as stored after the commit (with tasks in-process: once read, or failed again)."""
    with transaction.atomic():
        article = _locked_in_newsroom(article)
        refused = article_retry_refusal(article=article)
        if refused is not None:
            raise refused
        _fetch_again(article, actor=by)
    article.refresh_from_db()
    return article


def article_removal_refusal(*, article: Article, user) -> DomainError | None:
    """Why `user` may not remove `article` now; None when they may. Only an article that
    could not be read, with no claims, may be removed (anything read belongs to the
    newsroom's record), by whoever submitted it or by an editor."""
    if article.ingest_state != Article.IngestState.FAILED:
        state = Article.IngestState(article.ingest_state).label.lower()
        return InvalidTransition(
            f"Only an article that could not be read can be removed; this one is {state}.",
            details={"ingest_state": article.ingest_state},
        )
    if article.claims.exists():
        return Conflict("Claims were found in this article: it stays in the newsroom's record.")
    if article.submitted_by_id != user.pk and not user_has_any_role(user, EDITORS):
        return NotPermitted("Only whoever submitted this article, or an editor, may remove it.")
    return None


def article_remove(*, article: Article, by) -> None:
    """Remove an article that could not be read (see `article_removal_refusal`): it leaves
    every list, page and answer, and its URL may be submitted anew. The row stays, hidden,
    because the audit trail, which is never changed, names it; the removal is recorded
    there too."""
    with transaction.atomic():
        article = _locked_in_newsroom(article)
        refused = article_removal_refusal(article=article, user=by)
        if refused is not None:
            raise refused
        Article.objects.filter(pk=article.pk).update(removed_at=Now())
        _record(
            article,
            actor=by,
            action="remove",
            from_state=article.ingest_state,
            to_state=article.ingest_state,
            comment=f"Removed; it could not be read: {article.ingest_error}",
        )


def article_extract_fetched(*, article_id: int) -> Article | None:
    """Build a URL-submitted article from its source's latest successful snapshot and
    extract its claims. Does nothing for an article that is not waiting on a fetch."""
    with transaction.atomic():
        article = (
            Article.objects.select_for_update(of=("self",))
            .select_related("source")
            .filter(pk=article_id, ingest_state=Article.IngestState.FETCHING)
            .first()
        )
        if article is None:
            return None
        snapshot = article.source.snapshots.filter(error_kind="").order_by("-fetched_at").first()
        if snapshot is None:
            return None
        try:
            document = _document_from_snapshot(snapshot)
        except InvalidInput as exc:
            return _fail(article, str(exc))
        content_hash = _content_hash(document.body)
        duplicate = Article.objects.filter(content_hash=content_hash).exclude(pk=article.pk).first()
        if duplicate is not None:
            return _fail(article, f"Same text as article {duplicate.pk}, which is already stored.")
        Article.objects.filter(pk=article.pk).update(
            title=(document.title or snapshot.title)[:2000],
            canonical_url=(document.canonical_url or snapshot.final_url)[:2048],
            byline=document.byline[:500],
            publisher=document.publisher[:300],
            published_at=_as_datetime(document.published),
            language=language_tag(document.language) or "en",
            raw_content=snapshot.text,
            body=document.body,
            content_hash=content_hash,
        )
        article.refresh_from_db()
        _store_links(article, document)
        _extract(article)
    return article


def _document_from_snapshot(snapshot) -> Document:
    """The snapshot holds the page's main text (boilerplate already removed by the fetcher);
    it is normalised like pasted text so claim offsets mean the same thing."""
    document = _read_document(snapshot.text, Article.InputFormat.TEXT, "")
    metadata = snapshot.metadata or {}
    return Document(
        title=snapshot.title or metadata.get("title", ""),
        body=document.body,
        byline=metadata.get("author", "") or "",
        publisher=metadata.get("site_name", "") or metadata.get("sitename", "") or "",
        published=document.published,
        language=metadata.get("language", "") or document.language,
        canonical_url=metadata.get("canonical_url", "") or "",
        links=_links_cited_in(document.body, snapshot.links or []),
        input_format="text",
    )


def _links_cited_in(body: str, page_links: list[dict]) -> list[CitedLink]:
    """Of all links on the fetched page, those whose anchor text stands in the main text:
    the article's citations, not its navigation."""
    cited = []
    for link in page_links:
        anchor = (link.get("text") or "").strip()
        if len(anchor) < 4:
            continue
        position = body.find(anchor)
        if position >= 0:
            cited.append(CitedLink(url=link["url"], anchor_text=anchor, position=position))
    return cited


def _fail(article: Article, message: str) -> Article:
    previous = article.ingest_state
    Article.objects.filter(pk=article.pk).update(
        ingest_state=Article.IngestState.FAILED, ingest_error=message
    )
    _record(
        article, actor=None, action="fail", from_state=previous, to_state="failed", comment=message
    )
    article.refresh_from_db()
    return article


def article_fetch_failed(*, article_id: int, reason: str) -> Article | None:
    with transaction.atomic():
        article = (
            Article.objects.select_for_update()
            .filter(pk=article_id, ingest_state=Article.IngestState.FETCHING)
            .first()
        )
        if article is None:
            return None
        return _fail(article, reason)


def articles_sweep() -> int:
    """Settle articles still waiting on a fetch that has already ended: the message that
    would have extracted or failed them was lost (a broker that was down, a worker killed).
    Fetched sources get their articles extracted again through the worker; failed or
    blocked ones fail their articles with the source's reason. Returns how many were
    settled or sent."""
    from sources.models import Source

    from .tasks import extract_fetched_article

    waiting = Article.objects.filter(ingest_state=Article.IngestState.FETCHING).exclude(source=None)
    settled = 0
    for article_id in waiting.filter(source__state=Source.State.FETCHED).values_list(
        "pk", flat=True
    ):
        extract_fetched_article.delay(article_id)
        settled += 1
    ended = waiting.filter(source__state__in=[Source.State.FAILED, Source.State.BLOCKED])
    for article_id, error in ended.values_list("pk", "source__last_error"):
        reason = error or "The page could not be fetched."
        if article_fetch_failed(article_id=article_id, reason=reason) is not None:
            settled += 1
    return settled
