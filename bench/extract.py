"""Time claim extraction of a 1,000-word article in one process, on one thread, next to a
baseline check-worthiness model.

    .venv/bin/python bench/extract.py [--runs 50]
        [--model-dir articles/extraction/model]
        [--baseline-dir training/baselines/minilm-l1-cb-int8-1 | --no-baseline]

The article is built from the sample articles in tests/fixtures/articles, cut at a paragraph
boundary once it reaches 1,000 words. Each scorer is loaded once, before timing; each run
normalises the document and extracts its claims, as ingestion does. The model and the
baseline (by default the model shipped before the current one) take turns, run after run, so
that other work on the machine slows both alike; the process's CPU time per run is given too,
as other processes on a shared machine disturb it less than the wall clock. Target: p50 and
p99 under 200 ms.
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
from articles.extraction.scorer import MODEL_DIR, CheckworthinessScorer  # noqa: E402
from articles.extraction.segmentation import split_sentences  # noqa: E402

ARTICLES = ROOT / "tests" / "fixtures" / "articles"
BASELINE_DIR = ROOT / "training" / "baselines" / "minilm-l1-cb-int8-1"
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
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--baseline-dir", type=Path, default=BASELINE_DIR)
    parser.add_argument("--no-baseline", action="store_true", help="time the model alone")
    arguments = parser.parse_args()

    text = thousand_word_article()
    directories = {"model": arguments.model_dir}
    if not arguments.no_baseline:
        directories["baseline"] = arguments.baseline_dir
    scorers, load_ms = {}, {}
    for name, directory in directories.items():
        started = time.perf_counter()
        scorers[name] = CheckworthinessScorer(directory)
        load_ms[name] = (time.perf_counter() - started) * 1000

    def run(scorer: CheckworthinessScorer) -> int:
        document = document_from_text(text)
        return len(extract_claims(document.body, scorer=scorer))

    for _ in range(arguments.warmup):
        for scorer in scorers.values():
            run(scorer)
    timings: dict[str, list[float]] = {name: [] for name in scorers}
    cpu_timings: dict[str, list[float]] = {name: [] for name in scorers}
    claims: dict[str, int] = {}
    for _ in range(arguments.runs):
        for name, scorer in scorers.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            claims[name] = run(scorer)
            timings[name].append((time.perf_counter() - started) * 1000)
            cpu_timings[name].append((time.process_time() - cpu_started) * 1000)

    body = document_from_text(text).body
    sentences = len(split_sentences(body))
    print(f"article: {len(body.split())} words, {sentences} sentences")
    print(
        f"runs: {arguments.runs} each (after {arguments.warmup} warm-up), taking turns, one thread"
    )
    p50, p99 = {}, {}
    for name, scorer in scorers.items():
        p50[name], p99[name] = percentile(timings[name], 0.50), percentile(timings[name], 0.99)
        print(
            f"{name}: {scorer.version} ({directories[name]}), loaded in {load_ms[name]:.0f} ms, "
            f"{claims[name]} claims"
        )
        print(
            f"  p50: {p50[name]:.1f} ms  p99: {p99[name]:.1f} ms  "
            f"mean: {statistics.fmean(timings[name]):.1f} ms  "
            f"(CPU p50: {percentile(cpu_timings[name], 0.50):.1f} ms)"
        )
    if "baseline" in scorers:
        print(
            f"model / baseline: p50 {p50['model']:.1f} / {p50['baseline']:.1f} ms "
            f"= {p50['model'] / p50['baseline']:.2f}, p99 {p99['model']:.1f} / "
            f"{p99['baseline']:.1f} ms = {p99['model'] / p99['baseline']:.2f}"
        )
    verdict = "within" if p99["model"] < TARGET_MS else "OVER"
    print(f"target: {TARGET_MS:.0f} ms per 1,000-word article (model, p99): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
