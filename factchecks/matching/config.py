"""Matching's tuned parameters and calibration, read from model/matching.json, which
training/eval_matching.py --fit writes (fitted on the CLEF train splits, thresholds chosen on
the dev splits)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

CONFIG_PATH = Path(__file__).resolve().parent / "model" / "matching.json"


@dataclass(frozen=True)
class MatchConfig:
    version: str
    bm25_k1: float
    bm25_b: float
    depth: int
    """Candidates taken from each retriever before fusion."""
    fusion_bm25: float
    """Fusion: the cosine plus this times the normalised BM25 score (the candidates are
    ranked by it)."""
    calibration_fused: float
    calibration_margin: float
    calibration_bias: float
    suggest_threshold: float
    confident_threshold: float | None
    """The score from which suggestions were right at least 95% of the time in calibration;
    None when no threshold was (then nothing may be confirmed without a person)."""
    query_max_length: int | None = None
    """Word pieces of a query embedded (the model takes 128): a query's embedding costs
    time in proportion, and is most of a match's."""
    ann_connectivity: int = 16
    ann_expansion_add: int = 128
    ann_expansion_search: int = 64

    def fused(self, cosines: np.ndarray, bm25s: np.ndarray) -> np.ndarray:
        return np.asarray(cosines, dtype=np.float64) + self.fusion_bm25 * np.asarray(
            bm25s, dtype=np.float64
        )

    def scores(self, cosines: np.ndarray, bm25s: np.ndarray) -> np.ndarray:
        """Scores in [0, 1] of one query's candidates, in their order: the logistic of the
        fused value and of its margin over the best other candidate, fitted so that a score
        estimates the probability that the fact-check reviews the claim the query makes. A
        fact-check far ahead of the rest is likelier right than one as good among equals;
        both weights are positive, so the scores keep the fused order."""
        fused = self.fused(cosines, bm25s)
        if not len(fused):
            return fused
        order = np.argsort(-fused, kind="stable")
        best = fused[order[0]]
        runner_up = fused[order[1]] if len(fused) > 1 else best
        others_best = np.where(np.arange(len(fused)) == order[0], runner_up, best)
        log_odds = (
            self.calibration_bias
            + self.calibration_fused * fused
            + self.calibration_margin * (fused - others_best)
        )
        # The logistic, written to stay finite for any log-odds.
        return np.exp(-np.logaddexp(0.0, -log_odds))


def config_from(data: dict) -> MatchConfig:
    calibration = data["calibration"]
    thresholds = data["thresholds"]
    ann = data.get("ann", {})
    return MatchConfig(
        version=data["version"],
        bm25_k1=float(data["bm25"]["k1"]),
        bm25_b=float(data["bm25"]["b"]),
        depth=int(data["depth"]),
        fusion_bm25=float(data["fusion"]["bm25"]),
        calibration_fused=float(calibration["fused"]),
        calibration_margin=float(calibration["margin"]),
        calibration_bias=float(calibration["bias"]),
        suggest_threshold=float(thresholds["suggest"]),
        confident_threshold=(
            float(thresholds["confident"]) if thresholds.get("confident") is not None else None
        ),
        query_max_length=(
            int(data["query_max_length"]) if data.get("query_max_length") is not None else None
        ),
        ann_connectivity=int(ann.get("connectivity", 16)),
        ann_expansion_add=int(ann.get("expansion_add", 128)),
        ann_expansion_search=int(ann.get("expansion_search", 64)),
    )


@cache
def load_config(path: Path = CONFIG_PATH) -> MatchConfig:
    return config_from(json.loads(path.read_text(encoding="utf-8")))
