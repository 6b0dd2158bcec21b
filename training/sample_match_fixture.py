"""Write the CLEF sample that tests/factchecks/test_matching.py matches against
(tests/fixtures/clef_match_sample/), from the 2021 2A and 2B dev splits.

    .venv/bin/python training/eval_matching.py --keep /tmp/candidates
    .venv/bin/python training/sample_match_fixture.py --candidates /tmp/candidates

Queries: dev queries with one right fact-check that the shipped matcher ranks first in the
whole collection (from eval_matching's candidates), 12 tweets (2A) and 6 debate sentences
(2B), drawn with a fixed seed. Collection: their fact-checks and 120 (2A) or 60 (2B) others
drawn with the same seed, in the collection's own layout.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "training"))

import eval_matching as evaluation  # noqa: E402

OUTPUT = REPO_ROOT / "tests" / "fixtures" / "clef_match_sample"
SEED = 2021
SIZES = {"2a": (12, 120), "2b": (6, 60)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=Path, required=True)
    arguments = parser.parse_args()
    config = evaluation.serving_config(
        json.loads(evaluation.CONFIG_PATH.read_text(encoding="utf-8"))
    )
    rank = evaluation.fused_ranking(config)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for task, (query_count, other_count) in SIZES.items():
        rng = random.Random(SEED)
        report = json.loads((arguments.candidates / f"{task}.json").read_text(encoding="utf-8"))
        rows, relevant = evaluation.queries(task, "dev")
        candidates = report["splits"]["dev"]["candidates"]
        first = [
            row
            for row in rows
            if len(relevant[row["query_id"]]) == 1
            and rank(candidates[row["query_id"]])[:1] == list(relevant[row["query_id"]])
        ]
        chosen = sorted(rng.sample(first, query_count), key=lambda row: row["query_id"])
        wanted = {next(iter(relevant[row["query_id"]])) for row in chosen}
        folder = evaluation.DATA_DIR / evaluation.TASKS[task]
        header = (folder / "vclaims.tsv").read_text(encoding="utf-8").split("\n", 1)[0]
        claims = evaluation.read_tsv(folder / "vclaims.tsv")
        others = [c for c in claims if c["vclaim_id"] not in wanted]
        kept = [c for c in claims if c["vclaim_id"] in wanted] + rng.sample(others, other_count)
        columns = header.split("\t")
        lines = [header] + [
            "\t".join(c[name] for name in columns)
            for c in sorted(kept, key=lambda c: c["vclaim_id"])
        ]
        (OUTPUT / f"{task}-vclaims.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        lines = ["query_id\ttext\tvclaim_id"] + [
            f"{row['query_id']}\t{row['text']}\t{next(iter(relevant[row['query_id']]))}"
            for row in chosen
        ]
        (OUTPUT / f"{task}-queries.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
