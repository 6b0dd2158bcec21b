"""Matching's tuned parameters and calibration, read from model/matching.json, which
training/eval_matching.py --fit writes (fitted on the CLEF train splits, measured on dev)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONFIG_PATH = Path(__file__).resolve().parent / "model" / "matching.json"


@dataclass(frozen=True)
class MatchConfig:
    version: str
    bm25_k1: float
    bm25_b: float
    depth: int
    """Candidates taken from each retriever before fusion."""
    weight_cosine: float
    weight_bm25: float
    bias: float
    suggest_threshold: float
    confident_threshold: float | None
    """The score at which suggestions were at least 95% right in calibration; None when no
    threshold reached it (then nothing may be confirmed without a person)."""
    ann_connectivity: int = 16
    ann_expansion_add: int = 128
    ann_expansion_search: int = 64

    def score(self, cosine: float, bm25: float) -> float:
        """The fused score in [0, 1]: the logistic of a weighted sum of the cosine and the
        normalised BM25, fitted so that it estimates the probability that the fact-check
        reviews the claim the query makes."""
        log_odds = self.bias + self.weight_cosine * cosine + self.weight_bm25 * bm25
        return math.exp(-math.log1p(math.exp(-log_odds))) if log_odds > -700 else 0.0


@cache
def load_config(path: Path = CONFIG_PATH) -> MatchConfig:
    data = json.loads(path.read_text(encoding="utf-8"))
    fusion = data["fusion"]
    thresholds = data["thresholds"]
    ann = data.get("ann", {})
    return MatchConfig(
        version=data["version"],
        bm25_k1=float(data["bm25"]["k1"]),
        bm25_b=float(data["bm25"]["b"]),
        depth=int(data["depth"]),
        weight_cosine=float(fusion["cosine"]),
        weight_bm25=float(fusion["bm25"]),
        bias=float(fusion["bias"]),
        suggest_threshold=float(thresholds["suggest"]),
        confident_threshold=(
            float(thresholds["confident"]) if thresholds.get("confident") is not None else None
        ),
        ann_connectivity=int(ann.get("connectivity", 16)),
        ann_expansion_add=int(ann.get("expansion_add", 128)),
        ann_expansion_search=int(ann.get("expansion_search", 64)),
    )
