"""Evaluate matching ("has this been checked before?") on the CLEF CheckThat! 2021 claim
matching collections, through the service's own code: each collection is imported with the
importer the `import_factchecks` command uses (CLEF tab-separated), embedded by the import's
task, indexed by factchecks.matching.index and matched by factchecks.matching.engine.

    nice -n 19 .venv/bin/python training/eval_matching.py            # report
    nice -n 19 .venv/bin/python training/eval_matching.py --fit      # refit, then report

Each collection goes into a PostgreSQL database of its own (factcheck_eval_<task>_<encoder
version>, on the server of EVAL_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/),
never the service's; a database that already holds the collection is reused, and what lacks a
vector of the current encoder is embedded (--fresh imports again, and times it).

Reports MAP@5 (the task's measure), MRR and P@1 on the train and dev splits for BM25 alone,
dense alone, reciprocal rank fusion (k = 60) and the shipped fusion: the cosine plus a weight
times the BM25 score divided by the sum of the query terms' idf.

--fit chooses that weight on the dev splits (the mean of the two collections' MAP@5;
--weight-split train chooses it on the train splits, which flatter an encoder fine-tuned on
them and so under-weight BM25), reports what that choice is worth on dev queries it was not
made on (split-half: chosen on a random half, measured on the other, 200 times), fits the
score's calibration on the train splits (a logistic regression over the fused value and its
margin over the best other candidate, labels: right or not; each train query asked as it is
and again with its right fact-checks removed), and chooses the thresholds on the dev splits
with the same simulation of claims never checked: each dev query is asked twice, once as it is and
once with its right fact-checks taken out of the collection, where the best remaining
candidate is a wrong suggestion by construction. `suggest` is the lowest score at which
suggestions (top-1 at or above it) are right at least SUGGEST_PRECISION of the time;
`confident` the lowest at which they are right 95% of the time on dev and on train. It
writes factchecks/matching/model/matching.json and a summary in training/runs/ named by the
version in matching.json: give a new fit a new version there first.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT.parent / "shared" / "datasets" / "claim-matching"
CONFIG_PATH = REPO_ROOT / "factchecks" / "matching" / "model" / "matching.json"
RUNS_DIR = REPO_ROOT / "training" / "runs"
TASKS = {"2a": "clef2021-task2a-en", "2b": "clef2021-task2b-en"}
SPLITS = ("train", "dev")
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
SUGGEST_PRECISION = 0.90
CONFIDENT_PRECISION = 0.95
RRF_K = 60
# The split-half estimate of a weight chosen on dev (see split_half_estimate).
SPLIT_HALF_ROUNDS = 200
SPLIT_HALF_SEED = 20210902


# --- data --------------------------------------------------------------------------------


def read_tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


# Read once: the weight search and the split-half estimate ask for a split thousands of times.
@cache
def queries(task: str, split: str) -> tuple[list[dict[str, str]], dict[str, set[str]]]:
    folder = DATA_DIR / TASKS[task]
    relevant: dict[str, set[str]] = {}
    for row in read_tsv(folder / f"qrels-{split}.tsv"):
        relevant.setdefault(row["query_id"], set()).add(row["vclaim_id"])
    return read_tsv(folder / f"queries-{split}.tsv"), relevant


# --- measures ----------------------------------------------------------------------------


def average_precision_at(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    hits = 0
    total = 0.0
    for position, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / position
    return total / len(relevant)


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    for position, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / position
    return 0.0


def measures(rankings: dict[str, list[str]], relevant: dict[str, set[str]]) -> dict[str, float]:
    ids = list(rankings)
    return {
        "map@5": float(np.mean([average_precision_at(rankings[q], relevant[q]) for q in ids])),
        "mrr": float(np.mean([reciprocal_rank(rankings[q], relevant[q]) for q in ids])),
        "p@1": float(np.mean([bool(rankings[q]) and rankings[q][0] in relevant[q] for q in ids])),
    }


# --- one collection, in its own process and database --------------------------------------


def encoder_version() -> str:
    encoder = REPO_ROOT / "factchecks" / "matching" / "model" / "encoder.json"
    return json.loads(encoder.read_text(encoding="utf-8"))["version"]


def database_url(task: str) -> str:
    """One database per collection and encoder, so that comparing encoders does not embed
    a collection again each time."""
    server = urlsplit(os.environ.get("EVAL_DATABASE_URL", DEFAULT_SERVER))
    suffix = "".join(c if c.isalnum() else "_" for c in encoder_version().lower())
    return server._replace(path=f"/factcheck_eval_{task}_{suffix}"[:64]).geturl()


def ensure_database(url: str, *, fresh: bool) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def candidates_of(task: str, *, fresh: bool, out: Path) -> None:
    """Run in a child process whose DATABASE_URL names the task's database: import and embed
    the collection (unless there already), build the index, and write every query's
    candidates with both scores."""
    import django

    sys.path.insert(0, str(REPO_ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings.base"
    django.setup()
    from django.core.management import call_command

    from factchecks.matching.config import load_config
    from factchecks.matching.encoder import get_encoder
    from factchecks.matching.engine import Matcher, build_index
    from factchecks.matching.services import (
        factcheck_embeddings_refresh,
        factchecks_needing_embedding,
    )
    from factchecks.models import FactCheck
    from factchecks.services import factchecks_import_file

    call_command("migrate", verbosity=0)
    encoder = get_encoder()
    report: dict = {"task": task}
    if fresh or not FactCheck.objects.exists():
        path = DATA_DIR / TASKS[task] / "vclaims.tsv"
        started = time.monotonic()
        cpu = time.process_time()
        # The import's task embeds what it wrote: in-process here (no broker), after commit.
        run = factchecks_import_file(data=path.read_bytes(), filename=path.name, format="clef-tsv")
        report["import"] = {
            "imported": run.imported,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "skipped": run.skipped,
            "seconds": round(time.monotonic() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1),
        }
    if factchecks_needing_embedding(model_version=encoder.version).exists():
        started = time.monotonic()
        report["embedded_again"] = factcheck_embeddings_refresh()
        report["embedded_again_seconds"] = round(time.monotonic() - started, 1)
    config = load_config()
    started = time.monotonic()
    index = build_index(encoder, config)
    report["index_seconds"] = round(time.monotonic() - started, 1)
    report["collection"] = len(index.ids)
    matcher = Matcher(encoder=encoder, config=config, index=index)
    external = dict(FactCheck.objects.values_list("pk", "external_id"))
    report["splits"] = {}
    for split in SPLITS:
        rows, _relevant = queries(task, split)
        per_query = {}
        started = time.monotonic()
        for row in rows:
            found = matcher.match(row["text"])
            per_query[row["query_id"]] = [
                [external[m.factcheck_id], round(m.cosine, 6), round(m.bm25, 6)] for m in found
            ]
        report["splits"][split] = {
            "candidates": per_query,
            "ms_per_query": round(1000 * (time.monotonic() - started) / max(len(rows), 1), 1),
        }
    out.write_text(json.dumps(report), encoding="utf-8")


def collect(task: str, *, fresh: bool, keep: Path | None = None) -> dict:
    url = database_url(task)
    ensure_database(url, fresh=fresh)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        CELERY_BROKER_URL="",
        DEBUG="true",
        OMP_NUM_THREADS="1",
        MATCH_INDEX_DIR=str(Path(tempfile.gettempdir()) / f"eval-match-index-{task}"),
    )
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "candidates.json"
        command = [sys.executable, __file__, "--child", task, "--out", str(out)]
        if fresh:
            command.append("--fresh")
        subprocess.run(command, env=env, check=True)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{task}.json").write_bytes(out.read_bytes())
        return json.loads(out.read_text(encoding="utf-8"))


# --- fusion and calibration ----------------------------------------------------------------

Candidates = list[list]  # [external_id, cosine, bm25]
# Weights of the normalised BM25 score tried against the cosine.
BM25_WEIGHTS = [round(0.05 * n, 2) for n in range(0, 61)]


def serving_config(data: dict):
    """The service's own scoring (factchecks.matching.config), so that what is tuned and
    measured here is what production computes."""
    sys.path.insert(0, str(REPO_ROOT))
    from factchecks.matching.config import config_from

    return config_from(data)


def ranked_by(candidates: Candidates, values) -> list[str]:
    order = sorted(range(len(candidates)), key=lambda i: -values[i])
    return [candidates[i][0] for i in order]


def columns(candidates: Candidates) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([c[1] for c in candidates], dtype=np.float64),
        np.array([c[2] for c in candidates], dtype=np.float64),
    )


def rrf(candidates: Candidates) -> list[str]:
    cosine, bm25 = columns(candidates)
    by_cosine = np.argsort(np.argsort(-cosine, kind="stable"), kind="stable")
    by_bm25 = np.argsort(np.argsort(-bm25, kind="stable"), kind="stable")
    return ranked_by(candidates, 1 / (RRF_K + by_cosine) + 1 / (RRF_K + by_bm25))


def fused_ranking(config) -> callable:
    def rank(candidates: Candidates) -> list[str]:
        return ranked_by(candidates, config.fused(*columns(candidates)))

    return rank


def choose_bm25_weight(
    reports: dict, split: str, subsets: dict[str, set[str]] | None = None
) -> tuple[float, dict]:
    """The weight that maximises the mean of the collections' MAP@5 on `split` (each
    collection counts once, whatever its number of queries), over `subsets` of its queries
    where given."""
    results = {}
    for weight in BM25_WEIGHTS:
        per_task = []
        for task, report in reports.items():
            per_task.append(_fused_map(report, task, split, weight, (subsets or {}).get(task)))
        results[weight] = float(np.mean(per_task))
    best = max(results, key=lambda w: (results[w], -abs(w - 1.0)))
    return best, results


def _fused_map(report: dict, task: str, split: str, weight: float, only: set[str] | None):
    _rows, relevant = queries(task, split)
    rankings = {
        q: ranked_by(cs, (lambda c, b: c + weight * b)(*columns(cs)))
        for q, cs in report["splits"][split]["candidates"].items()
        if only is None or q in only
    }
    return measures(rankings, {q: relevant[q] for q in rankings})["map@5"]


def split_half_estimate(reports: dict, *, rounds: int = SPLIT_HALF_ROUNDS) -> dict:
    """What choosing the weight on dev is worth on dev queries it was not chosen on: each
    round halves each collection's dev queries at random, chooses the weight on one half
    and measures MAP@5 on the other."""
    rng = np.random.default_rng(SPLIT_HALF_SEED)
    held_out: dict[str, list[float]] = {task: [] for task in reports}
    weights = []
    for _round in range(rounds):
        chosen, measured = {}, {}
        for task, report in reports.items():
            ids = sorted(report["splits"]["dev"]["candidates"])
            picked = set(rng.permutation(len(ids))[: len(ids) // 2].tolist())
            chosen[task] = {q for i, q in enumerate(ids) if i in picked}
            measured[task] = {q for i, q in enumerate(ids) if i not in picked}
        weight, _results = choose_bm25_weight(reports, "dev", chosen)
        weights.append(weight)
        for task, report in reports.items():
            held_out[task].append(_fused_map(report, task, "dev", weight, measured[task]))
    return {
        "rounds": rounds,
        "weights": {"min": min(weights), "median": float(np.median(weights)), "max": max(weights)},
        "map@5": {
            task: {"mean": round(float(np.mean(v)), 4), "sd": round(float(np.std(v)), 4)}
            for task, v in held_out.items()
        },
    }


def calibration_rows(reports: dict, split: str, bm25_weight: float):
    """Per candidate: the fused value, its margin over the best other candidate, and
    whether it is right; each query as asked, and again with its right fact-checks taken
    out (never checked), so that the score learns what a best candidate looks like when
    there is no right one."""
    features, labels = [], []
    for task, report in reports.items():
        _rows, relevant = queries(task, split)
        for query_id, all_candidates in report["splits"][split]["candidates"].items():
            for never_checked in (False, True):
                candidates = [
                    c for c in all_candidates if not (never_checked and c[0] in relevant[query_id])
                ]
                if candidates:
                    _candidate_rows(candidates, relevant[query_id], bm25_weight, features, labels)
    return np.array(features), np.array(labels, dtype=float)


def _candidate_rows(candidates, relevant: set[str], bm25_weight: float, features, labels):
    cosine, bm25 = columns(candidates)
    fused = cosine + bm25_weight * bm25
    order = np.argsort(-fused, kind="stable")
    runner_up = fused[order[1]] if len(fused) > 1 else fused[order[0]]
    others_best = np.where(np.arange(len(fused)) == order[0], runner_up, fused[order[0]])
    for i, candidate in enumerate(candidates):
        features.append([fused[i], fused[i] - others_best[i]])
        labels.append(candidate[0] in relevant)


def fit_logistic(features: np.ndarray, labels: np.ndarray, *, l2: float = 1e-3) -> np.ndarray:
    """Logistic regression by Newton's method (weights, then the bias): what scikit-learn
    would fit, without it in the service's environment."""
    x = np.hstack([features, np.ones((len(features), 1))])
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - labels) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


# --- thresholds ---------------------------------------------------------------------------


def suggestions(reports: dict, split: str, config) -> list[tuple[float, bool, bool]]:
    """(top score, right, checked before) for each query as asked, and again with its right
    fact-checks taken out of the collection (never checked: whatever comes first is wrong,
    and the scores are computed again without them, as the service would)."""
    out = []
    for task, report in reports.items():
        _rows, relevant = queries(task, split)
        for query_id, candidates in report["splits"][split]["candidates"].items():
            for never_checked in (False, True):
                kept = [c for c in candidates if not (never_checked and c[0] in relevant[query_id])]
                if not kept:
                    continue
                scores = config.scores(*columns(kept))
                best = int(np.argmax(config.fused(*columns(kept))))
                out.append(
                    (float(scores[best]), kept[best][0] in relevant[query_id], not never_checked)
                )
    return out


def precision_at(rows: list[tuple[float, bool, bool]], threshold: float) -> dict:
    shown = [r for r in rows if r[0] >= threshold]
    right = sum(r[1] for r in shown)
    checked = sum(r[2] for r in rows)
    never = len(rows) - checked
    return {
        "threshold": round(threshold, 4),
        "suggested": len(shown),
        "precision": round(right / len(shown), 4) if shown else None,
        "recall": round(right / checked, 4) if checked else None,
        "never_checked_suggested": round(sum(1 for r in shown if not r[2]) / never, 4)
        if never
        else None,
    }


def lowest_threshold(rows, precision: float) -> float | None:
    """The lowest score from which on suggestions are right at least `precision` of the
    time, at that threshold and every one above it (raising it never loses precision)."""
    best = None
    for threshold in sorted({r[0] for r in rows}, reverse=True):
        result = precision_at(rows, threshold)
        if result["precision"] is None or result["precision"] < precision:
            break
        best = threshold
    return best


# --- report ------------------------------------------------------------------------------


def table(reports: dict, config) -> dict:
    methods = {
        "bm25": lambda cs: ranked_by(cs, columns(cs)[1]),
        "dense": lambda cs: ranked_by(cs, columns(cs)[0]),
        "rrf": rrf,
        "fused": fused_ranking(config),
    }
    result: dict = {}
    for task, report in reports.items():
        for split in SPLITS:
            _rows, relevant = queries(task, split)
            candidates = report["splits"][split]["candidates"]
            for name, rank in methods.items():
                rankings = {q: rank(cs) for q, cs in candidates.items()}
                result[f"{task}/{split}/{name}"] = measures(rankings, relevant)
    return result


def _bin(rows, low: float, high: float) -> dict:
    """Of the top suggestions scored in [low, high), how many were right: a reliability
    table of the scores (a calibrated score's bins are right about as often as they say)."""
    inside = [r for r in rows if low <= r[0] < high or (high >= 1.0 and r[0] == 1.0)]
    return {
        "suggestions": len(inside),
        "right": round(sum(r[1] for r in inside) / len(inside), 3) if inside else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit fusion and thresholds")
    parser.add_argument("--fresh", action="store_true", help="import the collections again")
    parser.add_argument("--tasks", nargs="+", choices=sorted(TASKS), default=sorted(TASKS))
    parser.add_argument(
        "--keep", type=Path, help="also write each collection's candidates here (JSON)"
    )
    parser.add_argument(
        "--weight-split",
        choices=SPLITS,
        default="dev",
        help="with --fit: the split the fusion weight is chosen on (default dev: the encoder "
        "is fine-tuned on the train queries, whose cosines then flatter it)",
    )
    parser.add_argument("--child", choices=sorted(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        candidates_of(arguments.child, fresh=arguments.fresh, out=arguments.out)
        return 0

    config = json.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    reports = {
        task: collect(task, fresh=arguments.fresh, keep=arguments.keep) for task in arguments.tasks
    }
    weights = None
    if arguments.fit:
        weight, weights = choose_bm25_weight(reports, arguments.weight_split)
        config["fusion"] = {"cosine": 1.0, "bm25": weight}
        features, labels = calibration_rows(reports, "train", weight)
        w = fit_logistic(features, labels)
        config["calibration"] = {
            "fused": round(float(w[0]), 4),
            "margin": round(float(w[1]), 4),
            "bias": round(float(w[2]), 4),
        }
    serving = serving_config(config)
    dev_rows = suggestions(reports, "dev", serving)
    train_rows = suggestions(reports, "train", serving)
    if arguments.fit:
        suggest = lowest_threshold(dev_rows, SUGGEST_PRECISION)
        # Confirming without a person needs 95% on both splits: on dev alone the threshold
        # is chosen on the very queries it is measured on.
        confident = max(
            (
                t
                for t in (
                    lowest_threshold(dev_rows, CONFIDENT_PRECISION),
                    lowest_threshold(train_rows, CONFIDENT_PRECISION),
                )
            ),
            key=lambda t: 2.0 if t is None else t,
        )
        config["thresholds"] = {
            "suggest": round(suggest, 4) if suggest is not None else 1.0,
            "confident": round(confident, 4) if confident is not None else None,
        }
        serving = serving_config(config)
    thresholds = config["thresholds"]
    calibration = {}
    for name in ("suggest", "confident"):
        if thresholds.get(name) is not None:
            calibration[name] = {
                "dev": precision_at(dev_rows, thresholds[name]),
                "train": precision_at(train_rows, thresholds[name]),
            }
    calibration["by_score"] = {
        f"{low:.1f}-{low + 0.1:.1f}": _bin(dev_rows, low, low + 0.1)
        for low in np.arange(0.0, 1.0, 0.1)
    }
    summary = {
        "version": config["version"],
        "encoder": encoder_version(),
        "fusion": config["fusion"],
        "calibration_weights": config["calibration"],
        "thresholds": thresholds,
        "bm25_weight_search": weights,
        "bm25_weight_split": arguments.weight_split if arguments.fit else None,
        "dev_split_half": split_half_estimate(reports) if set(reports) == set(TASKS) else None,
        "measures": table(reports, serving),
        "calibration": calibration,
        "collections": {
            task: {
                "fact_checks": report["collection"],
                "import": report.get("import"),
                "index_seconds": report["index_seconds"],
                "ms_per_query": {s: report["splits"][s]["ms_per_query"] for s in SPLITS},
            }
            for task, report in reports.items()
        },
    }
    print(json.dumps(summary, indent=2))
    print()
    print("| collection | split | method | MAP@5 | MRR | P@1 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for key, value in summary["measures"].items():
        task, split, method = key.split("/")
        print(
            f"| {TASKS[task]} | {split} | {method} | {value['map@5']:.3f} | "
            f"{value['mrr']:.3f} | {value['p@1']:.3f} |"
        )
    if arguments.fit:
        CONFIG_PATH.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        RUNS_DIR.mkdir(exist_ok=True)
        (RUNS_DIR / f"matching-{config['version']}.json").write_text(
            json.dumps(summary, indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
