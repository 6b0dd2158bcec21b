"""Match texts against the fact-check collection: one text a line in, one JSON line out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.errors import InvalidInput
from factchecks.api.matches import match_items
from factchecks.matching.selectors import MAX_LIMIT, matches_for_text
from factchecks.matching.services import factcheck_embeddings_refresh


class Command(BaseCommand):
    help = (
        "Has this been checked before? Reads one text a line (a file, or - for standard "
        "input) and prints, for each, one JSON object: the text and the fact-checks that most "
        "likely review its claim, best first, each with a score from 0 to 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", metavar="PATH", help="A text file, one text a line; - reads standard input."
        )
        parser.add_argument(
            "--top", type=int, default=5, help=f"Fact-checks per text, 1 to {MAX_LIMIT} (5)."
        )
        parser.add_argument(
            "--language", default="", help="Only fact-checks in this language (e.g. en)."
        )

    def handle(self, *args, path: str, top: int, language: str, **options) -> None:
        if not 1 <= top <= MAX_LIMIT:
            raise CommandError(f"--top must be between 1 and {MAX_LIMIT}.")
        try:
            lines = self._lines(path)
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
        # Workers embed what imports write; what they have not reached yet (none running, a
        # lost message) is embedded here first, so that the answers cover the whole
        # collection.
        written = factcheck_embeddings_refresh()
        if written:
            self.stderr.write(f"Embedded {written} fact-checks the workers had not reached.")
        refused = 0
        for number, line in enumerate(lines, start=1):
            text = line.rstrip("\r\n")
            try:
                matches = matches_for_text(text=text, language=language or None, limit=top)
            except InvalidInput as refusal:
                # An empty or overlong line still gets its line of output, so that output
                # line n answers input line n.
                self.stderr.write(f"line {number}: {refusal.message}")
                refused += 1
                matches = []
            record = {"text": text, "matches": match_items(matches)}
            self.stdout.write(json.dumps(record, ensure_ascii=False, default=str))
        if refused:
            self.stderr.write(f"{refused} lines were not matched (see above).")

    def _lines(self, path: str):
        if path == "-":
            return sys.stdin
        return Path(path).read_text(encoding="utf-8").splitlines()
