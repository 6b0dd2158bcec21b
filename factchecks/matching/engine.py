"""Matching a text against the fact-check collection: both retrievers, then fusion.

One Matcher per process, made on first use: it loads the encoder and the index (the folder
`rebuild_match_index` writes, memory-mapped, else built from the database), and catches the
index up with the database before each match (at most every MATCH_CATCH_UP_SECONDS).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from .config import MatchConfig, load_config
from .documents import query_text
from .encoder import Encoder, get_encoder
from .index import MatchIndex

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoredMatch:
    factcheck_id: int
    score: float
    """In [0, 1]: the estimated probability that the fact-check reviews the claim the text
    makes (see model/MODEL_CARD.md, "Scores")."""
    cosine: float
    bm25: float


class Matcher:
    def __init__(self, *, encoder: Encoder, config: MatchConfig, index: MatchIndex) -> None:
        self.encoder = encoder
        self.config = config
        self.index = index
        self._lock = threading.Lock()

    def match(self, text: str, *, depth: int | None = None) -> list[ScoredMatch]:
        """Every candidate of both retrievers, best first."""
        self.refresh()
        cleaned = query_text(text)
        vector = self.encoder.embed([cleaned], max_length=self.config.query_max_length)[0]
        terms = self.index.lexical.query_terms(cleaned)
        candidates = self.index.search(terms=terms, vector=vector, depth=depth or self.config.depth)
        scores = self.config.scores(
            np.array([c.cosine for c in candidates]), np.array([c.bm25 for c in candidates])
        )
        fused = self.config.fused(
            np.array([c.cosine for c in candidates]), np.array([c.bm25 for c in candidates])
        )
        # Best first by the fused value (scores far from 0.5 can round to the same float);
        # ties fall to the older fact-check, so a collection always answers in one order.
        order = sorted(
            range(len(candidates)), key=lambda i: (-fused[i], candidates[i].factcheck_id)
        )
        return [
            ScoredMatch(
                factcheck_id=candidates[i].factcheck_id,
                score=float(scores[i]),
                cosine=candidates[i].cosine,
                bm25=candidates[i].bm25,
            )
            for i in order
        ]

    def refresh(self, *, force: bool = False) -> None:
        self.index.catch_up(force=force)
        if self.index.wants_rebuild():
            with self._lock:
                if self.index.wants_rebuild():
                    logger.info(
                        "Match index: %s fact-checks embedded since its snapshot; rebuilding it "
                        "from the database.",
                        self.index.delta_size,
                    )
                    self.index = build_index(self.encoder, self.config)


def index_folder() -> Path:
    return Path(settings.MATCH_INDEX_DIR)


def build_index(encoder: Encoder, config: MatchConfig) -> MatchIndex:
    return MatchIndex.build(
        config=config, encoder_version=encoder.version, dimensions=encoder.dimensions
    )


def open_index(encoder: Encoder, config: MatchConfig) -> MatchIndex:
    """The saved snapshot when there is one for this model, else one built now."""
    index = MatchIndex.load(
        index_folder(),
        config=config,
        encoder_version=encoder.version,
        dimensions=encoder.dimensions,
    )
    if index is None:
        index = build_index(encoder, config)
    index.catch_up(force=True)
    return index


_matcher: Matcher | None = None
_matcher_lock = threading.Lock()


def get_matcher() -> Matcher:
    global _matcher
    if _matcher is None:
        with _matcher_lock:
            if _matcher is None:
                encoder = get_encoder()
                config = load_config()
                _matcher = Matcher(
                    encoder=encoder, config=config, index=open_index(encoder, config)
                )
    return _matcher


def reset_matcher() -> None:
    """Forget the process's matcher: the next match opens the index again (after a rebuild
    by this process, and in tests)."""
    global _matcher
    with _matcher_lock:
        _matcher = None
