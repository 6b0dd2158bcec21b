"""Matching at scale: import-and-index rate, one match's latency with a million fact-checks,
the approximate index's recall against exact search, and memory per process.

    .venv/bin/python bench/matching.py [--size 1000000] [--queries 200] [--import-items 1000]

Each figure is printed with its target and their ratio:

1. Import and index, on one core: a CLEF collection of --import-items fact-checks (real
   claims from tests/fixtures/clef_match_sample, each made distinct) imported by the
   service, embedded by the import's task (in-process, as the embedded default runs it) and
   caught up by a running index. Target: 200 fact-checks/s.
2. One match, with --size fact-checks in the collection: `matches_for_text` as the API calls
   it (the query embedded, BM25 and HNSW searched, fused, rows read), in a process that
   starts by memory-mapping the saved index. Target: p99 under 50 ms.
3. Recall@10 of the HNSW graph against an exact search of the same vectors (and the exact
   search's own time). Target: 0.95.
4. Memory of that process: resident, of which file-backed (the memory-mapped index, shared by
   every process on the machine) and anonymous (its own).

The million fact-checks are synthetic, made fast: texts drawn from the sample's words, and
vectors that are random mixtures of the sample's real vectors plus noise (the model is not run
a million times). They are written with COPY into the benchmark's own database
(factcheck_bench_matching; never the service's) and kept for the next run, as is the saved
index (under the system's temporary folder), so only the first run pays for building them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import _setup  # noqa: F401  (the path fix; see _setup's docstring)

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import numpy as np  # noqa: E402
from _setup import PROJECT, bench_env, percentile, prepare_database, setup_django  # noqa: E402

SAMPLE = PROJECT / "tests" / "fixtures" / "clef_match_sample"
DATABASE = "factcheck_bench_matching"
IMPORT_DATABASE = "factcheck_bench_matching_import"
TARGET_IMPORT_RATE = 200.0
TARGET_P99_MS = 50.0
TARGET_RECALL = 0.95
SEED = 7
# Kept in the synthetic vectors' text_digest: data written by an earlier recipe is rewritten.
SYNTHETIC_DATA_VERSION = "bench-2"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def sample_claims() -> list[dict[str, str]]:
    return read_tsv(SAMPLE / "2a-vclaims.tsv")


def sample_queries() -> list[str]:
    return [
        row["text"] for name in ("2a", "2b") for row in read_tsv(SAMPLE / f"{name}-queries.tsv")
    ]


# --- 1. import and index ------------------------------------------------------------------


def import_collection(items: int) -> bytes:
    """A CLEF 2A collection of `items` distinct fact-checks from the sample's claims."""
    rows = sample_claims()
    columns = list(rows[0])
    out = io.StringIO()
    out.write("\t".join(columns) + "\n")
    for n in range(items):
        row = dict(rows[n % len(rows)])
        row["vclaim_id"] = f"{row['vclaim_id']}-bench-{n}"
        # A distinct claim each time, as a real collection has.
        row["vclaim"] = f"{row['vclaim']} ({n // len(rows) + 1})"
        out.write("\t".join(row[c] for c in columns) + "\n")
    return out.getvalue().encode("utf-8")


def bench_import(items: int) -> dict:
    from factchecks.matching.engine import get_matcher, reset_matcher
    from factchecks.models import FactCheck, FactCheckEmbedding, ImportRun, Publisher
    from factchecks.services import factchecks_import_file

    FactCheckEmbedding.objects.all().delete()
    FactCheck.objects.all().delete()
    ImportRun.objects.all().delete()
    Publisher.objects.all().delete()
    reset_matcher()
    matcher = get_matcher()  # an empty index, running, that must catch up
    data = import_collection(items)
    wall, cpu = time.monotonic(), time.process_time()
    run = factchecks_import_file(data=data, filename="vclaims.tsv", format="clef-tsv")
    imported_wall, imported_cpu = time.monotonic(), time.process_time()
    applied = matcher.index.catch_up(force=True)
    done_wall, done_cpu = time.monotonic(), time.process_time()
    embedded = FactCheckEmbedding.objects.count()
    assert run.imported == items == embedded == applied, (run.imported, embedded, applied)
    return {
        "items": items,
        "import_and_embed_s": round(imported_wall - wall, 2),
        "catch_up_s": round(done_wall - imported_wall, 3),
        "cpu_s": round(done_cpu - cpu, 2),
        "wall_s": round(done_wall - wall, 2),
        "per_s_cpu": round(items / (done_cpu - cpu), 1),
        "per_s_wall": round(items / (done_wall - wall), 1),
        "import_cpu_s": round(imported_cpu - cpu, 2),
    }


def bench_import_parts(items: int) -> dict:
    """Where the time goes: importing alone (no embedding), and embedding alone."""
    from factchecks.matching.documents import dense_text
    from factchecks.matching.encoder import get_encoder
    from factchecks.models import FactCheck

    rows = list(FactCheck.objects.values_list("claim_text", "headline")[:items])
    encoder = get_encoder()
    texts = [dense_text(claim, headline) for claim, headline in rows]
    started = time.process_time()
    encoder.embed(texts)
    embed_cpu = time.process_time() - started
    return {"embed_per_s_cpu": round(len(texts) / embed_cpu, 1)}


# --- 2. a million fact-checks -----------------------------------------------------------


def real_sentences() -> list[str]:
    """The real sentences in the fixtures: claims, headlines, tweets, debate sentences."""
    texts = []
    for row in sample_claims():
        texts += [row["vclaim"], row["title"]]
    texts += sample_queries()
    for name in ("claimbuster_dev_sample.csv", "ct24_english_devtest.csv"):
        path = PROJECT / "tests" / "fixtures" / name
        if path.exists():
            with path.open(newline="", encoding="utf-8") as handle:
                texts += [row["text"] for row in csv.DictReader(handle)]
    return texts


def synthetic_vectors(bases: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors spread like real ones: a random mixture of three real sentence vectors,
    plus noise (a tenth of a unit vector's length per dimension, summed over 384 of them,
    is about 0.4 of its norm)."""
    out = np.empty((count, bases.shape[1]), dtype=np.float32)
    step = 100_000
    for start in range(0, count, step):
        n = min(step, count - start)
        mix = rng.dirichlet(np.ones(3), n).astype(np.float32)
        v = sum(mix[:, [k]] * bases[rng.integers(0, len(bases), n)] for k in range(3))
        v += rng.normal(0, 0.02, (n, bases.shape[1])).astype(np.float32)
        out[start : start + n] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def synthetic_texts(count: int, rng: np.random.Generator) -> list[str]:
    words = " ".join(r["vclaim"] + " " + r["title"] for r in sample_claims()).split()
    vocabulary = np.array(words)
    lengths = rng.integers(12, 30, count)
    picks = rng.integers(0, len(vocabulary), int(lengths.sum()))
    texts = []
    at = 0
    for length in lengths:
        texts.append(" ".join(vocabulary[picks[at : at + length]]))
        at += length
    return texts


def fill_collection(size: int) -> dict:
    """Write `size` synthetic fact-checks with their vectors (COPY), unless there already."""
    from django.db import connection

    from factchecks.matching.encoder import get_encoder
    from factchecks.models import FactCheck, FactCheckEmbedding, Publisher

    encoder = get_encoder()
    if (
        FactCheck.objects.count() == size
        and FactCheckEmbedding.objects.filter(
            model_version=encoder.version, text_digest=SYNTHETIC_DATA_VERSION
        ).count()
        == size
    ):
        return {"written": False}
    started = time.monotonic()
    FactCheckEmbedding.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {FactCheck._meta.db_table} CASCADE")
    publisher, _ = Publisher.objects.get_or_create(
        key="bench.example", defaults={"name": "Bench", "site": "bench.example"}
    )
    rng = np.random.default_rng(SEED)
    bases = encoder.embed(real_sentences())
    chunk = 50_000
    # COPY rather than the ORM: a million rows through bulk_create took many times longer,
    # and only the benchmark's setup pays for it.
    columns = (
        "publisher_id, external_id, review_url, review_url_key, claim_text, claim_digest, "
        "claimant, headline, language, language_detected, rating_text, rating_value, "
        "best_rating, worst_rating, canonical_rating, rating_conflict, rating_note, raw, "
        "source, imported_at, updated_at"
    )
    now = "2026-01-01 00:00:00+00"
    # Vectors stamped a second apart, as imports over time leave them: the index re-reads
    # only the last minute's stamps when it catches up.
    first = datetime(2026, 1, 1, tzinfo=UTC)
    with connection.cursor() as cursor:
        for start in range(0, size, chunk):
            n = min(chunk, size - start)
            texts = synthetic_texts(n, rng)
            buffer = io.StringIO()
            for i, text in enumerate(texts):
                number = start + i
                buffer.write(
                    f"{publisher.pk}\tbench-{number}\t\t\t{text}\t{number:040x}\t\t\ten\tf\t"
                    f"false\t\t\t\tfalse\tf\t\t{{}}\tupload\t{now}\t{now}\n"
                )
            buffer.seek(0)
            cursor.copy_expert(f"COPY {FactCheck._meta.db_table} ({columns}) FROM STDIN", buffer)
        cursor.execute(f"SELECT id FROM {FactCheck._meta.db_table} ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, size, chunk):
            part = ids[start : start + chunk]
            vectors = synthetic_vectors(bases, len(part), rng)
            buffer = io.StringIO()
            for n, (factcheck_id, vector) in enumerate(zip(part, vectors, strict=True)):
                stamp = first + timedelta(seconds=start + n)
                buffer.write(
                    f"{factcheck_id}\t{encoder.version}\t{SYNTHETIC_DATA_VERSION}\t\\\\x"
                    f"{vector.astype('<f4').tobytes().hex()}\t{stamp.isoformat()}\n"
                )
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY {FactCheckEmbedding._meta.db_table} "
                "(factcheck_id, model_version, text_digest, vector, updated_at) FROM STDIN",
                buffer,
            )
        cursor.execute(f"ANALYZE {FactCheck._meta.db_table}")
        cursor.execute(f"ANALYZE {FactCheckEmbedding._meta.db_table}")
    return {"written": True, "seconds": round(time.monotonic() - started, 1)}


def ensure_saved_index(size: int, folder: Path) -> dict:
    """The saved index of the collection, built again when the encoder or the graph's
    parameters (matching.json's `ann`, MATCH_ANN_DTYPE) differ from the saved one's."""
    from django.conf import settings

    from factchecks.matching.config import load_config
    from factchecks.matching.encoder import get_encoder
    from factchecks.matching.engine import build_index
    from factchecks.matching.index import CURRENT_FILE, MANIFEST_FILE

    try:
        name = (folder / CURRENT_FILE).read_text(encoding="utf-8").strip()
        manifest = json.loads((folder / name / MANIFEST_FILE).read_text(encoding="utf-8"))
        config = load_config()
        graph = (
            {
                "connectivity": config.ann_connectivity,
                "expansion_add": config.ann_expansion_add,
                "dtype": settings.MATCH_ANN_DTYPE,
            }
            if size > settings.MATCH_EXACT_SEARCH_MAX
            else None
        )
        if (
            manifest["count"] == size
            and manifest["encoder_version"] == get_encoder().version
            and manifest.get("ann") == graph
        ):
            return {"built": False, "approximate": manifest["approximate"]}
    except (OSError, ValueError, KeyError):
        pass
    started = time.monotonic()
    index = build_index(get_encoder(), load_config())
    built = time.monotonic() - started
    index.save(folder)
    # The matches are timed next: let the disk take the saved index (2.6 GB) first, or its
    # writing runs beside them (the run right after a build measured p99 61 ms, the next
    # two 40 and 31).
    os.sync()
    return {
        "built": True,
        "build_s": round(built, 1),
        "approximate": index.ann is not None,
    }


def serve_and_measure(queries: int) -> dict:
    """In a process that has just started: load the saved index, match, measure."""
    from factchecks.matching.engine import get_matcher
    from factchecks.selectors import matches_for_text

    rss_before = _memory()
    started = time.monotonic()
    matcher = get_matcher()
    load_s = time.monotonic() - started
    index = matcher.index
    rng = np.random.default_rng(SEED + 1)
    texts = sample_queries()
    texts += synthetic_texts(max(0, queries - len(texts)), rng)
    texts = texts[:queries]
    for text in texts[:10]:
        matches_for_text(text=text, limit=5)
    latencies = []
    for text in texts:
        begun = time.perf_counter()
        matches_for_text(text=text, limit=5)
        latencies.append(1000 * (time.perf_counter() - begun))

    # Dense queries as real ones are: the sample's real queries, then vectors drawn as the
    # collection's are, from real sentences (word salad embeds far from any real text, where
    # no graph is tuned to search).
    real = matcher.encoder.embed(sample_queries())
    bases = matcher.encoder.embed(real_sentences())
    vectors = np.vstack([real, synthetic_vectors(bases, max(0, queries - len(real)), rng)])
    vectors = vectors[:queries]
    recalls, served_recalls, ann_ms, exact_ms = [], [], [], []
    for vector in vectors:
        begun = time.perf_counter()
        approximate = index.approximate_dense(vector, 10)
        ann_ms.append(1000 * (time.perf_counter() - begun))
        begun = time.perf_counter()
        exact = index.exact_dense(vector, 10)
        exact_ms.append(1000 * (time.perf_counter() - begun))
        recalls.append(len(set(approximate) & set(exact)) / 10)
        served_recalls.append(len(set(index.served_dense(vector, 10)) & set(exact)) / 10)
    real_count = len(real)
    return {
        "collection": len(index.ids),
        "depth": index.config.depth,
        "source": index.source,
        "load_s": round(load_s, 2),
        "match_ms": {
            "p50": round(percentile(latencies, 0.5), 1),
            "p99": round(percentile(latencies, 0.99), 1),
            "max": round(max(latencies), 1),
        },
        "recall@10": round(float(np.mean(served_recalls)), 4),
        "graph_recall@10": round(float(np.mean(recalls)), 4),
        "recall@10_real_queries": round(float(np.mean(served_recalls[:real_count])), 4),
        "recall@10_synthetic_queries": round(float(np.mean(served_recalls[real_count:])), 4),
        "ann_ms_mean": round(float(np.mean(ann_ms)), 2),
        "exact_ms_mean": round(float(np.mean(exact_ms)), 1),
        "memory_mb": {"before_load": rss_before, "after": _memory()},
    }


def _memory() -> dict:
    fields = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def folder_size_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--import-items", type=int, default=1000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    folder = (
        Path(tempfile.gettempdir()) / f"bench-match-index-{arguments.size}-{SYNTHETIC_DATA_VERSION}"
    )

    if arguments.serve:
        setup_django(bench_env(DATABASE, MATCH_INDEX_DIR=str(folder)))
        print(json.dumps(serve_and_measure(arguments.queries)))
        return 0

    results: dict = {}
    if not arguments.skip_import:
        # Its own database, and no broker: the import's task runs in-process after commit.
        env = bench_env(IMPORT_DATABASE, CELERY_BROKER_URL="", MATCH_CATCH_UP_SECONDS=0)
        prepare_database(env)
        results["import"] = _in_child(env, "import", arguments.import_items)

    env = bench_env(DATABASE, MATCH_INDEX_DIR=str(folder))
    prepare_database(env)
    results["setup"] = _in_child(env, "setup", arguments.size, str(folder))
    serve = subprocess.run(
        [
            sys.executable,
            __file__,
            "--serve",
            "--size",
            str(arguments.size),
            "--queries",
            str(arguments.queries),
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    results["serve"] = json.loads(serve.stdout.strip().splitlines()[-1])
    results["index_files_mb"] = folder_size_mb(folder)
    report(results)
    return 0


def _in_child(env: dict, part: str, *args) -> dict:
    """Run one part in a process of its own (its own database settings)."""
    code = (
        "import sys, json; sys.argv = ['bench']; "
        f"sys.path.append({str(Path(__file__).parent)!r}); "
        "import matching as m; "
        f"m.setup_django(m.os.environ.copy()); print(json.dumps(m.PART[{part!r}](*{args!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {part} part failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _import_part(items: int) -> dict:
    result = bench_import(items)
    result.update(bench_import_parts(items))
    return result


def _setup_part(size: int, folder: str) -> dict:
    return {"collection": fill_collection(size), "index": ensure_saved_index(size, Path(folder))}


PART = {"import": _import_part, "setup": _setup_part}


def report(results: dict) -> None:
    print(json.dumps(results, indent=2))
    lines = []
    if "import" in results:
        rate = results["import"]["per_s_cpu"]
        lines.append(
            f"import and index: {rate:.0f} fact-checks/s of CPU on one core "
            f"({results['import']['per_s_wall']:.0f}/s wall; embedding alone "
            f"{results['import']['embed_per_s_cpu']:.0f}/s); target {TARGET_IMPORT_RATE:.0f}/s, "
            f"ratio {rate / TARGET_IMPORT_RATE:.2f}"
        )
    serve = results["serve"]
    p99 = serve["match_ms"]["p99"]
    lines.append(
        f"one match with {serve['collection']:,} fact-checks: p50 {serve['match_ms']['p50']} ms, "
        f"p99 {p99} ms; target p99 < {TARGET_P99_MS:.0f} ms, ratio {p99 / TARGET_P99_MS:.2f}"
    )
    lines.append(
        f"dense recall@10 against exact search, as a match ranks (the graph's "
        f"{serve['depth']} nearest, rescored in float32): {serve['recall@10']:.3f} (target "
        f"{TARGET_RECALL}, ratio {serve['recall@10'] / TARGET_RECALL:.2f}); the graph's own "
        f"10 nearest: {serve['graph_recall@10']:.3f}; real queries "
        f"{serve['recall@10_real_queries']:.3f}, synthetic "
        f"{serve['recall@10_synthetic_queries']:.3f}; "
        f"HNSW {serve['ann_ms_mean']} ms a search, exact {serve['exact_ms_mean']} ms"
    )
    memory = serve["memory_mb"]["after"]
    lines.append(
        f"memory of a serving process: {memory.get('VmRSS')} MB resident, of which "
        f"{memory.get('RssFile')} MB file-backed (the memory-mapped index, shared between "
        f"processes) and {memory.get('RssAnon')} MB its own; index files "
        f"{results['index_files_mb']} MB"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
