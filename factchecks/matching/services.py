"""Every write matching makes: the fact-checks' vectors, and the saved index.

Vectors are written in short transactions of EMBED_BATCH rows, each stamped when written:
the processes' indexes catch up by that stamp (index.MatchIndex.catch_up), and a short
transaction keeps the gap between stamp and commit well inside their overlap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import FactCheck, FactCheckEmbedding
from .documents import dense_text, text_digest
from .encoder import Encoder, get_encoder

logger = logging.getLogger(__name__)

EMBED_BATCH = 256

Progress = Callable[[int, int], None]
"""Told (done, in all)."""


def factcheck_embeddings_write(
    *, factcheck_ids: Iterable[int], encoder: Encoder | None = None
) -> int:
    """Embed the given fact-checks whose text or model changed since their vector was
    written (or that have none); how many vectors were written. Ids of fact-checks since
    deleted are passed over."""
    encoder = encoder or get_encoder()
    ids = list(factcheck_ids)
    written = 0
    for start in range(0, len(ids), EMBED_BATCH):
        written += _write_batch(ids[start : start + EMBED_BATCH], encoder)
    return written


def _write_batch(ids: list[int], encoder: Encoder) -> int:
    rows = FactCheck.objects.filter(pk__in=ids).values_list("pk", "claim_text", "headline")
    stored = {
        factcheck_id: (digest, version)
        for factcheck_id, digest, version in FactCheckEmbedding.objects.filter(
            factcheck_id__in=ids
        ).values_list("factcheck_id", "text_digest", "model_version")
    }
    todo: list[tuple[int, str, str]] = []
    for pk, claim, headline in rows:
        text = dense_text(claim, headline)
        digest = text_digest(text)
        if stored.get(pk) == (digest, encoder.version):
            continue
        todo.append((pk, text, digest))
    if not todo:
        return 0
    vectors = encoder.embed([text for _pk, text, _digest in todo])
    with transaction.atomic():
        now = timezone.now()
        FactCheckEmbedding.objects.bulk_create(
            [
                FactCheckEmbedding(
                    factcheck_id=pk,
                    model_version=encoder.version,
                    text_digest=digest,
                    vector=np.ascontiguousarray(vector, dtype="<f4").tobytes(),
                    updated_at=now,
                )
                for (pk, _text, digest), vector in zip(todo, vectors, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["factcheck"],
            update_fields=["model_version", "text_digest", "vector", "updated_at"],
        )
    return len(todo)


def factchecks_needing_embedding(*, model_version: str):
    """Fact-checks with no vector, a vector of another model, or a text changed since."""
    return FactCheck.objects.filter(
        Q(embedding__isnull=True)
        | ~Q(embedding__model_version=model_version)
        | Q(updated_at__gt=F("embedding__updated_at"))
    )


def factcheck_embeddings_refresh(
    *, limit: int | None = None, progress: Progress | None = None
) -> int:
    """Embed what lacks a current vector (see factchecks_needing_embedding), at most
    `limit`; how many vectors were written."""
    encoder = get_encoder()
    ids = list(
        factchecks_needing_embedding(model_version=encoder.version)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    written = 0
    if progress is not None:
        progress(0, len(ids))
    for start in range(0, len(ids), EMBED_BATCH):
        written += _write_batch(ids[start : start + EMBED_BATCH], encoder)
        if progress is not None:
            progress(min(start + EMBED_BATCH, len(ids)), len(ids))
    return written


def match_index_rebuild(*, folder: Path | None = None, progress: Progress | None = None):
    """Bring our published verdicts into the collection as they stand (factchecks.own),
    embed whatever lacks a current vector, build a snapshot of the whole collection and save
    it where every process loads it from (MATCH_INDEX_DIR); this process's matcher then uses
    it. Returns the index."""
    from ..own import own_factchecks_sync
    from .config import load_config
    from .engine import build_index, index_folder, reset_matcher

    own_factchecks_sync(everything=True)
    factcheck_embeddings_refresh(progress=progress)
    encoder = get_encoder()
    index = build_index(encoder, load_config())
    index.save(folder or index_folder())
    reset_matcher()
    return index
