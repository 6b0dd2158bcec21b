"""Time claim extraction of a 1,000-word article in one process, on one thread.

    .venv/bin/python bench/extract.py [--runs 50]

The article is built from the sample articles in tests/fixtures/articles, cut at a paragraph
boundary once it reaches 1,000 words. The scorer is loaded once, before timing; each run
normalises the document and extracts its claims, as ingestion does. Target: p50 and p99 under
200 ms.
"""

from __future__ import annotations

import argparse
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

from articles.extraction.claims import extract_claims  # noqa: E402
from articles.extraction.documents import document_from_content, document_from_text  # noqa: E402
from articles.extraction.scorer import load_scorer  # noqa: E402
from articles.extraction.segmentation import split_sentences  # noqa: E402

ARTICLES = ROOT / "tests" / "fixtures" / "articles"
TARGET_WORDS = 1000
TARGET_MS = 200.0


def thousand_word_article() -> str:
    paragraphs: list[str] = []
    words = 0
    for path in sorted(ARTICLES.iterdir()):
        body = document_from_content(path.read_text(encoding="utf-8"), filename=path.name).body
        for paragraph in body.split("\n\n"):
            paragraphs.append(paragraph)
            words += len(paragraph.split())
            if words >= TARGET_WORDS:
                return "\n\n".join(paragraphs)
    return "\n\n".join(paragraphs)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    arguments = parser.parse_args()

    text = thousand_word_article()
    started = time.perf_counter()
    scorer = load_scorer()
    load_ms = (time.perf_counter() - started) * 1000

    def run() -> int:
        document = document_from_text(text)
        return len(extract_claims(document.body, scorer=scorer))

    for _ in range(arguments.warmup):
        run()
    timings = []
    claims = 0
    for _ in range(arguments.runs):
        started = time.perf_counter()
        claims = run()
        timings.append((time.perf_counter() - started) * 1000)

    body = document_from_text(text).body
    p50, p99 = percentile(timings, 0.50), percentile(timings, 0.99)
    sentences = len(split_sentences(body))
    print(f"article: {len(body.split())} words, {sentences} sentences, {claims} claims")
    print(f"scorer: {scorer.version}, loaded in {load_ms:.0f} ms")
    print(f"runs: {arguments.runs} (after {arguments.warmup} warm-up), one process, one thread")
    print(f"p50: {p50:.1f} ms  p99: {p99:.1f} ms  mean: {statistics.fmean(timings):.1f} ms")
    verdict = "within" if p99 < TARGET_MS else "OVER"
    print(f"target: {TARGET_MS:.0f} ms per 1,000-word article: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
