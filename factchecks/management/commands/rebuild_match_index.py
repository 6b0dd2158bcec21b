"""Bring our published verdicts in, embed what lacks a vector and save the matching index
that every process loads."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from factchecks.matching.engine import index_folder
from factchecks.matching.services import match_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the matching index: bring our published verdicts into the collection as "
        "they stand, embed the fact-checks that have no current vector, then "
        "build BM25 and the dense index over the whole collection and save them under "
        "MATCH_INDEX_DIR, where every web and worker process loads them (memory-mapped) and "
        "catches up from. Run it after a large import or a new model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, quiet: bool, **options) -> None:
        bar: tqdm | None = None
        stream = getattr(self.stderr, "_out", sys.stderr)

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if quiet or not total:
                return
            if bar is None:
                bar = tqdm(total=total, desc="embedding", unit="fact-check", file=stream)
            bar.update(done - bar.n)

        started = time.monotonic()
        index = match_index_rebuild(progress=progress)
        if bar is not None:
            bar.close()
        kind = "approximate (HNSW)" if index.ann is not None else "exact"
        self.stdout.write(
            f"Match index rebuilt: {len(index.ids)} fact-checks, {kind} dense search, "
            f"model {index.encoder_version}, in {time.monotonic() - started:.1f} s; saved "
            f"under {index_folder()}."
        )
