"""Check-worthiness scoring speed on one core, in sentences per second.

    .venv/bin/python bench/score.py [--sentences 2000] [--repeats 3]

Scores real debate sentences (the ClaimBuster test sample in tests/fixtures, repeated up to
--sentences) in one call, as the claim extractor does with an article's sentences. The scorer
is loaded once, before timing, and runs on one thread. Target: 300 sentences/s.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

# One thread for every numeric library, before any of them is imported: the service shares
# two cores with web and queue workers, and the figure must hold there.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.extraction.scorer import load_scorer  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "claimbuster_dev_sample.csv"
TARGET_PER_SECOND = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the median counts")
    arguments = parser.parse_args()

    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    sentences = (texts * (arguments.sentences // len(texts) + 1))[: arguments.sentences]

    started = time.perf_counter()
    scorer = load_scorer()
    load_ms = (time.perf_counter() - started) * 1000
    scorer.score(sentences[:50])

    rates = []
    for _ in range(arguments.repeats):
        started = time.perf_counter()
        scorer.score(sentences)
        rates.append(len(sentences) / (time.perf_counter() - started))

    rate = statistics.median(rates)
    words = statistics.fmean(len(text.split()) for text in sentences)
    print(f"scorer: {scorer.version}, loaded in {load_ms:.0f} ms, batch size {scorer.batch_size}")
    print(f"sentences: {len(sentences)} ({words:.1f} words on average), one process, one thread")
    print(f"runs: {', '.join(f'{r:.0f}' for r in rates)} sentences/s; median {rate:.0f}")
    verdict = "met" if rate >= TARGET_PER_SECOND else "MISSED"
    print(f"target: {TARGET_PER_SECOND:.0f} sentences/s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
