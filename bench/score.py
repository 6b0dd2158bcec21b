"""Check-worthiness scoring speed on one core, in sentences per second, next to a baseline model.

    .venv/bin/python bench/score.py [--sentences 2000] [--repeats 5]
        [--model-dir articles/extraction/model]
        [--baseline-dir training/baselines/minilm-l1-cb-int8-1 | --no-baseline]

Scores real debate sentences (the ClaimBuster test sample in tests/fixtures, repeated up to
--sentences) in one call, as the claim extractor does with an article's sentences. Each scorer
is loaded once, before timing, and runs on one thread. The model and the baseline (by default
the model shipped before the current one) take turns, run after run, so that other work on
the machine slows both alike; the ratio compares their medians. Rates are given over the wall
clock and over the process's CPU time, which other processes on a shared machine disturb less.
Target: 300 sentences/s.
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

from articles.extraction.scorer import MODEL_DIR, CheckworthinessScorer  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "claimbuster_dev_sample.csv"
BASELINE_DIR = ROOT / "training" / "baselines" / "minilm-l1-cb-int8-1"
TARGET_PER_SECOND = 300.0


def timed_run(scorer: CheckworthinessScorer, sentences: list[str]) -> tuple[float, float]:
    """Sentences per second over the wall clock and over this process's CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    scorer.score(sentences)
    return (
        len(sentences) / (time.perf_counter() - wall),
        len(sentences) / (time.process_time() - cpu),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs; the median counts")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    parser.add_argument("--baseline-dir", type=Path, default=BASELINE_DIR)
    parser.add_argument("--no-baseline", action="store_true", help="time the model alone")
    arguments = parser.parse_args()

    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    sentences = (texts * (arguments.sentences // len(texts) + 1))[: arguments.sentences]

    directories = {"model": arguments.model_dir}
    if not arguments.no_baseline:
        directories["baseline"] = arguments.baseline_dir
    scorers, load_ms = {}, {}
    for name, directory in directories.items():
        started = time.perf_counter()
        scorers[name] = CheckworthinessScorer(directory)
        load_ms[name] = (time.perf_counter() - started) * 1000
        scorers[name].score(sentences[:50])

    wall: dict[str, list[float]] = {name: [] for name in scorers}
    cpu: dict[str, list[float]] = {name: [] for name in scorers}
    for _ in range(arguments.repeats):
        for name, scorer in scorers.items():
            wall_rate, cpu_rate = timed_run(scorer, sentences)
            wall[name].append(wall_rate)
            cpu[name].append(cpu_rate)

    words = statistics.fmean(len(text.split()) for text in sentences)
    print(f"sentences: {len(sentences)} ({words:.1f} words on average), one process, one thread")
    for name, scorer in scorers.items():
        print(
            f"{name}: {scorer.version} ({directories[name]}), loaded in {load_ms[name]:.0f} ms, "
            f"batch size {scorer.batch_size}"
        )
        print(
            f"  wall: {', '.join(f'{r:.0f}' for r in wall[name])} sentences/s; "
            f"median {statistics.median(wall[name]):.0f}"
        )
        print(
            f"  CPU:  {', '.join(f'{r:.0f}' for r in cpu[name])} sentences/s; "
            f"median {statistics.median(cpu[name]):.0f}"
        )
    if "baseline" in scorers:
        for clock, rates in (("wall", wall), ("CPU", cpu)):
            model = statistics.median(rates["model"])
            baseline = statistics.median(rates["baseline"])
            print(
                f"model / baseline ({clock}): {model:.0f} / {baseline:.0f} sentences/s "
                f"= {model / baseline:.2f}"
            )
    rate = statistics.median(wall["model"])
    verdict = "met" if rate >= TARGET_PER_SECOND else "MISSED"
    print(f"target: {TARGET_PER_SECOND:.0f} sentences/s (model, wall clock): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
