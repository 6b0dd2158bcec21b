"""Lexical retrieval: BM25 (Lucene's variant, as `bm25s` computes it) over stemmed words.

A snapshot is indexed by bm25s and can be saved and memory-mapped. Fact-checks written after
it (the index's catch-up) are scored here with the snapshot's statistics (document count,
document frequencies, average length), so a new fact-check scores as it would have had it
been in the snapshot, give or take its own effect on those statistics.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

# bm25s sets its logger to DEBUG when imported, after the service's logging is configured,
# and reports every index build there.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)
_STATS_FILE = "lexical_stats.json"


class Analyzer:
    """Lower-cased words of two characters or more, English stop words out, Snowball-stemmed.
    PyStemmer instances are not thread-safe: one per Analyzer, used under the index's lock
    or by one thread."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("english")

    def __call__(self, text: str) -> list[str]:
        words = [word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]
        return self._stemmer.stemWords(words)


class LexicalIndex:
    """BM25 scores of a query against a snapshot plus the documents added since."""

    def __init__(self, *, k1: float, b: float) -> None:
        self.k1 = k1
        self.b = b
        self.analyzer = Analyzer()
        self._bm25: bm25s.BM25 | None = None
        self._doc_count = 0
        self._avg_length = 1.0
        self._df: np.ndarray = np.zeros(0)
        # Documents added after the snapshot: position in the delta -> term counts, length.
        self._delta_terms: list[Counter] = []
        self._delta_lengths: list[int] = []
        self._delta_postings: dict[str, list[int]] = {}

    # --- the snapshot -------------------------------------------------------------------

    def build(self, texts: Sequence[str]) -> None:
        tokens = [self.analyzer(text) for text in texts]
        lengths = [len(t) for t in tokens]
        # bm25s refuses an empty corpus and empty documents count as length 0: an empty
        # token list is stood in for by a token that no query produces.
        corpus = [t or ["\x00"] for t in tokens] or [["\x00"]]
        bm25 = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        bm25.index(corpus, show_progress=False)
        self._set_snapshot(bm25, doc_count=len(texts), avg_length=float(np.mean(lengths or [1])))

    def save(self, folder: Path) -> None:
        assert self._bm25 is not None
        self._bm25.save(str(folder))
        stats = {"doc_count": self._doc_count, "avg_length": self._avg_length}
        (folder / _STATS_FILE).write_text(json.dumps(stats), encoding="utf-8")

    def load(self, folder: Path) -> None:
        bm25 = bm25s.BM25.load(str(folder), mmap=True)
        stats = json.loads((folder / _STATS_FILE).read_text(encoding="utf-8"))
        self._set_snapshot(bm25, doc_count=stats["doc_count"], avg_length=stats["avg_length"])

    def _set_snapshot(self, bm25: bm25s.BM25, *, doc_count: int, avg_length: float) -> None:
        self._bm25 = bm25
        self._doc_count = doc_count
        self._avg_length = max(avg_length, 1.0)
        self._df = np.diff(np.asarray(bm25.scores["indptr"]))
        self._delta_terms, self._delta_lengths, self._delta_postings = [], [], {}

    # --- documents added since ----------------------------------------------------------

    def add(self, text: str) -> int:
        """Add a document after the snapshot; its position in the delta."""
        tokens = self.analyzer(text)
        position = len(self._delta_terms)
        counts = Counter(tokens)
        self._delta_terms.append(counts)
        self._delta_lengths.append(len(tokens))
        for term in counts:
            self._delta_postings.setdefault(term, []).append(position)
        return position

    @property
    def delta_size(self) -> int:
        return len(self._delta_terms)

    # --- queries ------------------------------------------------------------------------

    def query_terms(self, text: str) -> list[str]:
        return self.analyzer(text)

    def snapshot_scores(self, terms: list[str]) -> np.ndarray:
        """BM25 of every snapshot document (0 where no term occurs)."""
        assert self._bm25 is not None
        ids = self._bm25.get_tokens_ids(terms)
        if not ids:
            return np.zeros(self._doc_count, dtype=np.float32)
        return self._bm25.get_scores_from_ids(ids)[: self._doc_count]

    def delta_scores(self, terms: list[str]) -> np.ndarray:
        """BM25 of every document added since the snapshot, with the snapshot's statistics."""
        out = np.zeros(len(self._delta_terms), dtype=np.float32)
        if not len(out):
            return out
        vocab = self._bm25.vocab_dict if self._bm25 is not None else {}
        for term in terms:
            positions = self._delta_postings.get(term)
            if not positions:
                continue
            token_id = vocab.get(term)
            df = int(self._df[token_id]) if token_id is not None else 0
            idf = math.log(1 + (self._doc_count - df + 0.5) / (df + 0.5))
            for position in positions:
                tf = self._delta_terms[position][term]
                norm = self.k1 * (
                    1 - self.b + self.b * self._delta_lengths[position] / self._avg_length
                )
                out[position] += idf * tf / (norm + tf)
        return out

    def idf_sum(self, terms: list[str]) -> float:
        """The sum of the query's distinct terms' idf: what a document holding each of them
        once, at average length, would score times (k1 + 1). Dividing by it puts BM25 on a
        scale that does not grow with the query's length."""
        vocab = self._bm25.vocab_dict if self._bm25 is not None else {}
        total = 0.0
        for term in set(terms):
            token_id = vocab.get(term)
            df = int(self._df[token_id]) if token_id is not None else 0
            total += math.log(1 + (self._doc_count - df + 0.5) / (df + 0.5))
        return total
