"""Matching listens to imports, whose fact-checks a worker embeds, and to extraction, whose
claims a worker matches against the collection."""

from django.dispatch import receiver

from reviews.signals import claims_extracted

from ..signals import factchecks_imported
from . import claims
from .tasks import embed_imported_factchecks, match_extracted_claims


@receiver(factchecks_imported, dispatch_uid="matching-embed-imported")
def embed_after_import(sender, import_run_id: int, **kwargs) -> None:
    embed_imported_factchecks.delay_on_commit(import_run_id)


@receiver(claims_extracted, dispatch_uid="matching-match-extracted")
def match_after_extraction(sender, claim_ids: list[int], **kwargs) -> None:
    # Sent on commit already: the claims are there for the worker to read. With nothing to
    # match against, no worker is woken; once fact-checks arrive, the sweep matches these.
    if claims.collection_is_empty():
        return
    match_extracted_claims.delay(list(claim_ids))
