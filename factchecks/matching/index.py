"""The matching index each process holds: fact-check vectors for dense search, and BM25 over
their texts, built from the database (which holds the truth) or memory-mapped from the
folder `rebuild_match_index` writes, then kept up to date from the database.

A snapshot (built or loaded) is never changed; fact-checks embedded after it form a small
delta searched exactly beside it, and a snapshot entry that the delta replaces is masked.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from ..models import FactCheckEmbedding
from .config import MatchConfig
from .documents import lexical_text
from .lexical import LexicalIndex

logger = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
# Rows are read from the database this many at a time, when building and catching up.
READ_BATCH = 5000


def uses_approximate_search(count: int) -> bool:
    """Where exact and approximate dense search part: the one place that chooses.

    Up to MATCH_EXACT_SEARCH_MAX vectors (default 50,000) one matrix product over all of them
    is exact and takes a few milliseconds; above it an HNSW graph (usearch) answers in about
    a millisecond whatever the size. The database in use plays no part: the embedded SQLite
    default and PostgreSQL take the same path for the same collection."""
    return count > settings.MATCH_EXACT_SEARCH_MAX


@dataclass(frozen=True)
class Candidate:
    factcheck_id: int
    cosine: float
    bm25: float
    """BM25 divided by the sum of the query terms' idf (see LexicalIndex.idf_sum)."""


@dataclass(frozen=True)
class Mark:
    """How far the index has read the embeddings: their order is (updated_at, id)."""

    updated_at: datetime
    factcheck_id: int

    def as_json(self) -> list:
        return [self.updated_at.isoformat(), self.factcheck_id]

    @classmethod
    def from_json(cls, value: list) -> Mark:
        return cls(datetime.fromisoformat(value[0]), int(value[1]))


_EPOCH = Mark(datetime(1970, 1, 1, tzinfo=UTC), 0)


def _pages(rows, *, columns: tuple, size: int = READ_BATCH) -> Iterator[tuple]:
    """`rows` in (updated_at, factcheck id) order, as tuples of `columns` (updated_at second,
    the id first), read in keyset pages: one long cursor would hold a transaction open."""
    rows = rows.order_by("updated_at", "factcheck_id").values_list(*columns)
    last: tuple | None = None
    while True:
        page = rows
        if last is not None:
            page = page.filter(updated_at__gte=last[1]).exclude(
                updated_at=last[1], factcheck_id__lte=last[0]
            )
        batch = list(page[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1]


_FULL_ROW = (
    "factcheck_id",
    "updated_at",
    "vector",
    F("factcheck__claim_text"),
    F("factcheck__headline"),
    KeyTextTransform("subtitle", "factcheck__raw"),
)
"""(factcheck id, updated_at, vector bytes, claim, headline, subtitle or None)"""


def _embeddings(encoder_version: str):
    return FactCheckEmbedding.objects.filter(model_version=encoder_version)


def _database_identity() -> str:
    params = connection.settings_dict
    host, port = params.get("HOST") or "", params.get("PORT") or ""
    return f"{connection.vendor}:{host}:{port}:{params['NAME']}"


def _same_database(manifest: dict) -> bool:
    """The saved snapshot was read from this database, and its last row is still there as
    it was or rewritten since: a database emptied and filled again reuses ids for other
    fact-checks, and the snapshot's vectors would answer for them."""
    if manifest.get("database") != _database_identity():
        return False
    if not manifest.get("count"):
        return True
    mark = Mark.from_json(manifest["mark"])
    return FactCheckEmbedding.objects.filter(
        factcheck_id=mark.factcheck_id, updated_at__gte=mark.updated_at
    ).exists()


def _stamp(moment: datetime) -> int:
    """Microseconds since the epoch: how a row's updated_at is compared."""
    return (moment - _EPOCH.updated_at) // timedelta(microseconds=1)


def _vector(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")


class MatchIndex:
    """Candidates for a query: the best by cosine and the best by BM25, each with both
    scores. Thread-safe: one lock guards searching and catching up."""

    def __init__(self, *, config: MatchConfig, encoder_version: str, dimensions: int) -> None:
        self.config = config
        self.encoder_version = encoder_version
        self.dimensions = dimensions
        self._lock = threading.RLock()
        self.ids = np.zeros(0, dtype=np.int64)
        self.vectors = np.zeros((0, dimensions), dtype=np.float32)
        self.ann = None
        self.lexical = LexicalIndex(k1=config.bm25_k1, b=config.bm25_b)
        self.lexical.build([])
        self._position: dict[int, int] = {}
        self._masked = np.zeros(0, dtype=bool)
        self._masked_count = 0
        self._delta_ids: list[int] = []
        self._delta_vectors = np.zeros((0, dimensions), dtype=np.float32)
        self._delta_position: dict[int, int] = {}
        self.stamps = np.zeros(0, dtype=np.int64)
        self._delta_stamps: dict[int, int] = {}
        self.mark = _EPOCH
        self._checked_at = 0.0
        self._overlap_checked_at = 0.0
        self.source = "empty"

    # --- building and loading -----------------------------------------------------------

    @classmethod
    def build(cls, *, config: MatchConfig, encoder_version: str, dimensions: int) -> MatchIndex:
        """A snapshot of every fact-check embedded with the current model."""
        index = cls(config=config, encoder_version=encoder_version, dimensions=dimensions)
        ids: list[int] = []
        stamps: list[int] = []
        chunks: list[np.ndarray] = []
        texts: list[str] = []
        mark = _EPOCH
        pending: list[np.ndarray] = []
        for factcheck_id, updated_at, vector, claim, headline, subtitle in _pages(
            _embeddings(encoder_version), columns=_FULL_ROW
        ):
            ids.append(factcheck_id)
            stamps.append(_stamp(updated_at))
            pending.append(_vector(vector))
            texts.append(lexical_text(claim, headline, subtitle or ""))
            mark = Mark(updated_at, factcheck_id)
            if len(pending) >= READ_BATCH:
                chunks.append(np.stack(pending))
                pending = []
        if pending:
            chunks.append(np.stack(pending))
        vectors = np.concatenate(chunks) if chunks else np.zeros((0, dimensions), np.float32)
        index._set_snapshot(
            np.asarray(ids, dtype=np.int64),
            np.asarray(stamps, dtype=np.int64),
            vectors.astype(np.float32),
            mark,
        )
        index.lexical.build(texts)
        if uses_approximate_search(len(ids)):
            index.ann = _build_ann(index.ids, vectors, config)
        index.source = "database"
        return index

    def _set_snapshot(
        self, ids: np.ndarray, stamps: np.ndarray, vectors: np.ndarray, mark: Mark
    ) -> None:
        self.ids = ids
        self.stamps = stamps
        self.vectors = vectors
        self._position = {int(factcheck_id): row for row, factcheck_id in enumerate(ids)}
        self._masked = np.zeros(len(ids), dtype=bool)
        self._masked_count = 0
        self.mark = mark

    def save(self, folder: Path) -> Path:
        """Write the snapshot under `folder` in a new directory, then point CURRENT at it;
        processes that memory-map the previous one keep reading it until they reload."""
        folder.mkdir(parents=True, exist_ok=True)
        name = f"index-{timezone.now():%Y%m%dT%H%M%S%f}-{os.getpid()}"
        target = folder / name
        target.mkdir()
        np.save(target / "ids.npy", self.ids)
        np.save(target / "stamps.npy", self.stamps)
        np.save(target / "vectors.npy", self.vectors.astype(np.float32))
        self.lexical.save(target / "lexical")
        if self.ann is not None:
            self.ann.save(str(target / "dense.usearch"))
        manifest = {
            "encoder_version": self.encoder_version,
            "dimensions": self.dimensions,
            "count": len(self.ids),
            "mark": self.mark.as_json(),
            "approximate": self.ann is not None,
            # How the graph was built (its search breadth is the config's, read at load).
            "ann": (
                {
                    "connectivity": self.ann.connectivity,
                    "expansion_add": self.ann.expansion_add,
                    "dtype": settings.MATCH_ANN_DTYPE,
                }
                if self.ann is not None
                else None
            ),
            "bm25": {"k1": self.config.bm25_k1, "b": self.config.bm25_b},
            "built_at": timezone.now().isoformat(),
            "database": _database_identity(),
        }
        (target / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        temporary = folder / f".{CURRENT_FILE}.{os.getpid()}"
        temporary.write_text(name, encoding="utf-8")
        os.replace(temporary, folder / CURRENT_FILE)
        for old in folder.glob("index-*"):
            if old.name != name:
                # Deleting a memory-mapped file leaves the mapping readable on POSIX.
                shutil.rmtree(old, ignore_errors=True)
        return target

    @classmethod
    def load(
        cls, folder: Path, *, config: MatchConfig, encoder_version: str, dimensions: int
    ) -> MatchIndex | None:
        """The snapshot saved under `folder`, memory-mapped; None when there is none for
        this encoder and these BM25 parameters (the caller then builds one)."""
        try:
            name = (folder / CURRENT_FILE).read_text(encoding="utf-8").strip()
            target = folder / name
            manifest = json.loads((target / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if manifest.get("encoder_version") != encoder_version or manifest.get("bm25") != {
            "k1": config.bm25_k1,
            "b": config.bm25_b,
        }:
            logger.warning(
                "The match index in %s was built for another model or BM25 parameters; "
                "building one from the database (run rebuild_match_index to save it).",
                target,
            )
            return None
        if not _same_database(manifest):
            logger.warning(
                "The match index in %s was built from another database, or one since emptied; "
                "building one from this database (run rebuild_match_index to save it).",
                target,
            )
            return None
        index = cls(config=config, encoder_version=encoder_version, dimensions=dimensions)
        ids = np.load(target / "ids.npy", mmap_mode="r")
        stamps = np.load(target / "stamps.npy", mmap_mode="r")
        vectors = np.load(target / "vectors.npy", mmap_mode="r")
        index._set_snapshot(ids, stamps, vectors, Mark.from_json(manifest["mark"]))
        index.lexical.load(target / "lexical")
        if manifest["approximate"]:
            index.ann = _usearch_index().restore(str(target / "dense.usearch"), view=True)
            # The file keeps the graph, not the search-time breadth.
            index.ann.expansion_search = config.ann_expansion_search
        index.source = str(target)
        return index

    # --- catching up ----------------------------------------------------------------------

    def catch_up(self, *, force: bool = False) -> int:
        """Apply embeddings written since the mark; how many were applied. Asks the database
        at most every MATCH_CATCH_UP_SECONDS unless forced.

        Each time, rows after the mark. Every MATCH_CATCH_UP_OVERLAP_SECONDS / 2, rows from
        that long before the mark as well: a row stamped before the mark by a transaction
        that committed after the last read is found then. For that window only ids and
        stamps are read, and vectors and texts only for rows the index does not hold as
        they are (after a large import the window holds thousands)."""
        now = time.monotonic()
        if not force and now - self._checked_at < settings.MATCH_CATCH_UP_SECONDS:
            return 0
        with self._lock:
            self._checked_at = now
            overlap = settings.MATCH_CATCH_UP_OVERLAP_SECONDS
            embeddings = _embeddings(self.encoder_version)
            if force or now - self._overlap_checked_at >= overlap / 2:
                self._overlap_checked_at = now
                recent = embeddings.filter(
                    updated_at__gte=self.mark.updated_at - timedelta(seconds=overlap)
                )
            else:
                recent = embeddings.filter(updated_at__gte=self.mark.updated_at).exclude(
                    updated_at=self.mark.updated_at, factcheck_id__lte=self.mark.factcheck_id
                )
            wanted = [
                factcheck_id
                for factcheck_id, updated_at in _pages(
                    recent, columns=("factcheck_id", "updated_at")
                )
                if not self._holds(factcheck_id, _stamp(updated_at))
            ]
            applied = 0
            for start in range(0, len(wanted), READ_BATCH):
                rows = embeddings.filter(factcheck_id__in=wanted[start : start + READ_BATCH])
                for factcheck_id, updated_at, vector, claim, headline, subtitle in _pages(
                    rows, columns=_FULL_ROW
                ):
                    self._apply(
                        factcheck_id,
                        _stamp(updated_at),
                        _vector(vector),
                        lexical_text(claim, headline, subtitle or ""),
                    )
                    if (updated_at, factcheck_id) > (
                        self.mark.updated_at,
                        self.mark.factcheck_id,
                    ):
                        self.mark = Mark(updated_at, factcheck_id)
                    applied += 1
            return applied

    def _holds(self, factcheck_id: int, stamp: int) -> bool:
        if factcheck_id in self._delta_stamps:
            return self._delta_stamps[factcheck_id] == stamp
        row = self._position.get(factcheck_id)
        return row is not None and not self._masked[row] and int(self.stamps[row]) == stamp

    def _apply(self, factcheck_id: int, stamp: int, vector: np.ndarray, text: str) -> None:
        row = self._position.get(factcheck_id)
        if row is not None and not self._masked[row]:
            self._masked[row] = True
            self._masked_count += 1
        known = self._delta_position.get(factcheck_id)
        if known is not None:
            # The earlier delta entry stays in the arrays but no longer names the id.
            self._delta_ids[known] = -1
        position = self.lexical.add(text)
        self._delta_position[factcheck_id] = position
        self._delta_stamps[factcheck_id] = stamp
        self._delta_ids.append(factcheck_id)
        if len(self._delta_ids) > len(self._delta_vectors):
            # Grown by doubling: a catch-up over many rows stays linear.
            grown = np.zeros((max(64, 2 * len(self._delta_vectors)), self.dimensions), np.float32)
            grown[: len(self._delta_vectors)] = self._delta_vectors
            self._delta_vectors = grown
        self._delta_vectors[len(self._delta_ids) - 1] = vector

    @property
    def size(self) -> int:
        return len(self.ids) - self._masked_count + len(self._delta_position)

    @property
    def delta_size(self) -> int:
        return len(self._delta_position)

    def wants_rebuild(self) -> bool:
        """The delta is searched by plain loops: past MATCH_DELTA_MAX entries, or a tenth of
        the snapshot when that is more, a new snapshot is cheaper than searching it."""
        return len(self._delta_ids) > max(settings.MATCH_DELTA_MAX, len(self.ids) // 10)

    # --- searching --------------------------------------------------------------------------

    def search(self, *, terms: list[str], vector: np.ndarray, depth: int) -> list[Candidate]:
        """The `depth` best by cosine and the `depth` best by BM25 (fewer when the
        collection is smaller), each with both scores."""
        with self._lock:
            idf_sum = max(self.lexical.idf_sum(terms), 1e-6)
            lexical = self.lexical.snapshot_scores(terms)
            lexical_delta = self.lexical.delta_scores(terms)
            dense_delta = self._delta_vectors[: len(self._delta_ids)] @ vector
            snapshot_rows: set[int] = set()
            snapshot_rows.update(self._dense_rows(vector, depth))
            if self._masked_count:
                lexical = np.where(self._masked, 0.0, lexical)
            snapshot_rows.update(_top_positive(lexical, depth))
            delta_rows: set[int] = set(_top(dense_delta, depth))
            delta_rows.update(_top_positive(lexical_delta, depth))

            candidates: list[Candidate] = []
            rows = np.fromiter(snapshot_rows, dtype=np.int64, count=len(snapshot_rows))
            rows = rows[~self._masked[rows]] if len(rows) else rows
            if len(rows):
                cosines = np.asarray(self.vectors[np.sort(rows)], dtype=np.float32) @ vector
                for row, cosine in zip(np.sort(rows), cosines, strict=True):
                    candidates.append(
                        Candidate(int(self.ids[row]), float(cosine), float(lexical[row]) / idf_sum)
                    )
            for position in delta_rows:
                factcheck_id = self._delta_ids[position]
                if factcheck_id < 0:
                    continue
                candidates.append(
                    Candidate(
                        factcheck_id,
                        float(dense_delta[position]),
                        float(lexical_delta[position]) / idf_sum,
                    )
                )
            return candidates

    def _dense_rows(self, vector: np.ndarray, depth: int) -> Iterable[int]:
        if not len(self.ids):
            return []
        wanted = depth + self._masked_count
        if self.ann is None:
            return _top(np.asarray(self.vectors) @ vector, wanted)
        matches = self.ann.search(vector, min(wanted, len(self.ids)), exact=False)
        return [self._position[int(key)] for key in matches.keys if int(key) in self._position]

    def exact_dense(self, vector: np.ndarray, k: int) -> list[int]:
        """The fact-checks of the k best cosines over the snapshot, by a full matrix
        product: what the approximate search is measured against."""
        cosines = np.asarray(self.vectors, dtype=np.float32) @ vector
        return self._best_ids(_top(cosines, k), cosines)

    def approximate_dense(self, vector: np.ndarray, k: int) -> list[int]:
        """The graph's own k nearest, by its stored (half-precision) vectors."""
        if self.ann is None:
            return self.exact_dense(vector, k)
        return [int(key) for key in self.ann.search(vector, k, exact=False).keys]

    def served_dense(self, vector: np.ndarray, k: int) -> list[int]:
        """The k best as a match ranks them: the graph's `depth` nearest, their cosines
        computed again from the float32 vectors."""
        rows = [self._position[i] for i in self.approximate_dense(vector, self.config.depth)]
        cosines = np.asarray(self.vectors[np.sort(rows)], dtype=np.float32) @ vector
        by_row = dict(zip(np.sort(rows).tolist(), cosines.tolist(), strict=True))
        best = sorted(by_row, key=lambda row: -by_row[row])[:k]
        return [int(self.ids[row]) for row in best]

    def _best_ids(self, rows: list[int], cosines: np.ndarray) -> list[int]:
        return [int(self.ids[row]) for row in sorted(rows, key=lambda row: -cosines[row])]


def _top(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the k highest scores, in no order."""
    if not len(scores) or k <= 0:
        return []
    rows = np.arange(len(scores)) if k >= len(scores) else np.argpartition(-scores, k - 1)[:k]
    return [int(row) for row in rows]


def _top_positive(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the k highest scores above zero. BM25 is zero wherever no query term
    occurs, most of a large collection: choosing among the rest alone took a third of the
    time of a partition over a million scores."""
    rows = np.flatnonzero(scores > 0)
    return [int(rows[i]) for i in _top(scores[rows], k)]


def _usearch_index():
    """usearch's Index class, with onnxruntime loaded first: onnxruntime imported after
    usearch's native library crashes the process (a segmentation fault in libstdc++ on
    import, with onnxruntime 1.32 and usearch 2.26), and any code may import it later."""
    import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index


def _build_ann(ids: np.ndarray, vectors: np.ndarray, config: MatchConfig):
    index = _usearch_index()(
        ndim=vectors.shape[1],
        metric="ip",
        dtype=settings.MATCH_ANN_DTYPE,
        connectivity=config.ann_connectivity,
        expansion_add=config.ann_expansion_add,
        expansion_search=config.ann_expansion_search,
    )
    # A batch job (rebuild_match_index, or a process whose delta grew large): every core.
    index.add(ids, vectors, threads=0)
    return index
