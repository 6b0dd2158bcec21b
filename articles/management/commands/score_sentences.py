"""Prints the check-worthiness score of each sentence of a file, or of standard input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Score sentences, one per line (blank lines skipped), for check-worthiness. Prints one "
        'JSON object per line: {"text", "score", "checkworthy"}, where checkworthy means the '
        "score reaches the model's tuned threshold."
    )
    # Reads a file and runs a model: no database, so no need for system checks.
    requires_system_checks: list[str] = []
    # Lets tests hand in standard input: call_command("score_sentences", "-", stdin=...).
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A UTF-8 file with one sentence per line, or - for stdin.")

    def handle(self, *args, **options) -> None:
        path: str = options["path"]
        if path == "-":
            content = options.get("stdin", sys.stdin).read()
        else:
            try:
                content = Path(path).read_text(encoding="utf-8")
            except FileNotFoundError as exc:
                raise CommandError(f"No such file: {path}") from exc
            except IsADirectoryError as exc:
                raise CommandError(f"{path} is a directory, not a file of sentences") from exc
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path} is not UTF-8 text: {exc.reason}") from exc
        sentences = [line.strip() for line in content.splitlines() if line.strip()]

        from articles.extraction.scorer import ScorerUnavailable, load_scorer

        try:
            scorer = load_scorer()
        except ScorerUnavailable as exc:
            raise CommandError(str(exc)) from exc
        for text, score in zip(sentences, scorer.score(sentences), strict=True):
            record = {"text": text, "score": score, "checkworthy": score >= scorer.threshold}
            self.stdout.write(json.dumps(record, ensure_ascii=False))
