"""Our own published verdicts as fact-checks of the collection: every write of them.

A claim with a published verdict has one FactCheck (`own_claim`), published by our own
Publisher row and rated on our scale, so that matching ("has this been checked before?") and
claims:search find our verdicts beside those of others. It is written when the verdict is
published and rewritten in place when a correction supersedes it (the receivers in
`factchecks.receivers`); a worker then embeds it. `own_factchecks_sync` brings in what a lost
announcement left out, and everything published before the collection held our verdicts (the
beat sweep, `rebuild_match_index`).

Imports never reach these rows: our Publisher's key ("own") is none an import can compute,
so no import matches it by publisher and id; and our rows keep no review URL key, the other
way an import recognises a row, because a correction moves the review URL (each verdict has
its page) while the claim stays: the claim is what identifies ours.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from factcheck.languages import primary_language
from reviews import presenters as review_presenters
from reviews import selectors as review_selectors
from reviews.ratings import BEST_RATING, RATING_SCALE, WORST_RATING

from .items import MAX_CLAIMANT, publisher_identity
from .models import FactCheck, ImportSource, Publisher
from .publishers import site_of
from .services import WRITTEN_FIELDS as IMPORT_WRITTEN_FIELDS
from .text import claim_digest, storable_json

logger = logging.getLogger(__name__)

OWN_PUBLISHER_KEY = "own"
"""Our Publisher's key. Imports key a publisher by "site:...", "name:..." or "host|name"
(items.publisher_identity): never by this."""
# Verdicts written per transaction by the sweep.
SYNC_BATCH = 200
# The fields a write sets (an import's, and where the row came from); a row is saved (and its
# stamp moved) only when one of them changed.
_WRITTEN_FIELDS = (*IMPORT_WRITTEN_FIELDS, "source")
# What matching reads of a fact-check (matching.documents): a change here is embedded again.
_MATCHED_FIELDS = ("claim_text", "headline")


def own_external_id(claim_id: int) -> str:
    """Our id for the fact-check of a claim: the claim's, which a correction keeps."""
    return f"claim-{claim_id}"


def own_publisher() -> Publisher:
    """Our Publisher row (PUBLISHER_NAME, at the host of PUBLISHER_URL), made on first use and
    renamed when the settings say otherwise."""
    host, _path = site_of(settings.PUBLISHER_URL)
    identity = publisher_identity(name=settings.PUBLISHER_NAME, site=host, known=None)
    name, site = (identity.name, identity.site) if identity else ("", "")
    publisher, created = Publisher.objects.get_or_create(
        key=OWN_PUBLISHER_KEY, defaults={"name": name, "site": site}
    )
    if not created and (publisher.name, publisher.site) != (name, site):
        Publisher.objects.filter(pk=publisher.pk).update(name=name, site=site)
        publisher.name, publisher.site = name, site
    return publisher


def own_factcheck_write(*, verdict_id: int) -> FactCheck | None:
    """Add, or bring up to date, the fact-check of the claim that `verdict_id` was published
    on, from the claim's verdict published now (the verdict itself, or a correction since).
    None when the verdict was never published. A worker embeds it after commit when its
    text is new."""
    published = review_selectors.verdict_as_published(verdict_id=verdict_id)
    if published is None:
        return None
    _write_claims([published["claim_id"]], publisher=own_publisher())
    return FactCheck.objects.filter(own_claim_id=published["claim_id"]).first()


def own_factchecks_sync(*, limit: int | None = None, everything: bool = False) -> int:
    """Write the fact-checks of published verdicts that the collection lacks, or holds as
    they stood before a correction (its review URL is another verdict's), at most `limit`;
    with `everything`, compare every published verdict with its fact-check. How many
    fact-checks were added or changed; a worker embeds those whose text is new."""
    verdicts = review_selectors.published_verdict_rows()
    if not everything:
        before, after = _verdict_url_around_id()
        current = FactCheck.objects.filter(
            own_claim_id=OuterRef("claim_id"),
            review_url=Concat(
                Value(before), Cast(OuterRef("id"), output_field=CharField()), Value(after)
            ),
        )
        verdicts = verdicts.filter(~Exists(current))
    claim_ids = list(verdicts.order_by("claim_id").values_list("claim_id", flat=True)[:limit])
    if not claim_ids:
        return 0
    publisher = own_publisher()
    written = 0
    for start in range(0, len(claim_ids), SYNC_BATCH):
        written += len(_write_claims(claim_ids[start : start + SYNC_BATCH], publisher=publisher))
    if written:
        logger.info("Own verdicts: %s fact-checks added or brought up to date.", written)
    return written


def _verdict_url_around_id() -> tuple[str, str]:
    """What stands before and after a verdict's id in its public URL."""
    before, _, after = review_presenters.PublicUrls().verdict(0).rpartition("/0/")
    return f"{before}/", f"/{after}"


def _write_claims(claim_ids: list[int], *, publisher: Publisher) -> list[int]:
    """Write the fact-checks of these claims' published verdicts; the ids of those added or
    changed. Embedding is scheduled for those whose matched text is new."""
    verdicts = (
        review_selectors.published_verdicts()
        .filter(claim_id__in=claim_ids)
        # The evidence is not part of a ClaimReview.
        .prefetch_related(None)
    )
    written: list[int] = []
    to_embed: list[int] = []
    with transaction.atomic():
        existing = {
            row.own_claim_id: row
            for row in FactCheck.objects.select_for_update().filter(own_claim_id__in=claim_ids)
        }
        for verdict in verdicts:
            values = _row_values(verdict, publisher=publisher)
            row = existing.get(verdict.claim_id)
            if row is None:
                row = _create(verdict.claim_id, values)
                if row is None:
                    continue
                written.append(row.pk)
                to_embed.append(row.pk)
                continue
            changed = [name for name in _WRITTEN_FIELDS if getattr(row, name) != values[name]]
            if not changed:
                continue
            for name in _WRITTEN_FIELDS:
                setattr(row, name, values[name])
            row.updated_at = timezone.now()
            row.save(update_fields=[*_WRITTEN_FIELDS, "updated_at"])
            written.append(row.pk)
            if any(name in _MATCHED_FIELDS for name in changed):
                to_embed.append(row.pk)
        if to_embed:
            from .tasks import embed_factchecks

            embed_factchecks.delay_on_commit(to_embed)
    return written


def _create(claim_id: int, values: dict[str, Any]) -> FactCheck | None:
    """A new row for the claim; None when another process added it meanwhile (it wrote the
    same verdict: the claim's one published)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return FactCheck.objects.create(
                own_claim_id=claim_id, imported_at=now, updated_at=now, **values
            )
    except IntegrityError:
        if FactCheck.objects.filter(own_claim_id=claim_id).exists():
            return None
        raise


def _row_values(verdict, *, publisher: Publisher) -> dict[str, Any]:
    """The FactCheck fields of a published verdict (its claim and article selected): what
    we publish of it, in the collection's terms."""
    claim, article = verdict.claim, verdict.claim.article
    review = review_presenters.claimreview_for_verdict(verdict)
    rating = RATING_SCALE[verdict.rating]
    claimant = claim.claimant or article.publisher or article.byline
    return {
        "publisher_id": publisher.pk,
        "external_id": own_external_id(claim.pk),
        "review_url": review["url"],
        "review_url_key": "",
        "claim_text": claim.text,
        "claim_digest": claim_digest(claim.text),
        "claimant": claimant[:MAX_CLAIMANT],
        "claim_date": _day(article.published_at or claim.created_at),
        "review_date": _day(verdict.published_at),
        "headline": verdict.headline,
        "language": _language_subtag(article.language),
        "language_detected": False,
        "rating_text": rating.label,
        "rating_value": str(rating.value),
        "best_rating": str(BEST_RATING),
        "worst_rating": str(WORST_RATING),
        "canonical_rating": verdict.rating,
        "rating_conflict": False,
        "rating_note": "",
        "raw": storable_json(review),
        "source": ImportSource.OWN,
    }


def _day(moment: datetime | None) -> date | None:
    """The day in UTC, as our ClaimReview dates it."""
    return moment.astimezone(UTC).date() if moment else None


def _language_subtag(tag: str) -> str:
    """The language of an article's tag (en-GB: en); English when the article's is not
    known, as claims:search has always taken it."""
    return primary_language(tag or "") or "en"
