"""Prints the claims of an article file, or of standard input, without touching the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.extraction.claims import MIN_CLAIM_SCORE, ExtractedClaim, extract_claims
from articles.extraction.documents import NoMainTextError, document_from_content

TABLE_TEXT_WIDTH = 90


class Command(BaseCommand):
    help = (
        "Extract the checkable claims of an article (plain text, Markdown or HTML, detected from "
        "the file extension or the content) and print them as JSON or as a table. "
        "Nothing is written to the database."
    )
    # The command reads a file and runs a model: no database, so no need for system checks.
    requires_system_checks: list[str] = []
    # Lets tests hand in standard input: call_command("extract_claims", "-", stdin=...).
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The article file, or - to read standard input.")
        parser.add_argument("--format", choices=("json", "table"), default="json")
        parser.add_argument(
            "--url", default=None, help="Where an HTML page came from, to resolve its links."
        )
        parser.add_argument(
            "--min-score",
            type=float,
            default=MIN_CLAIM_SCORE,
            help=f"Leave out claims scoring below this (default {MIN_CLAIM_SCORE}).",
        )

    def handle(self, *args, **options) -> None:
        path: str = options["path"]
        if path == "-":
            content = options.get("stdin", sys.stdin).read()
            filename = ""
        else:
            try:
                content = Path(path).read_text(encoding="utf-8")
            except FileNotFoundError as exc:
                raise CommandError(f"No such file: {path}") from exc
            except UnicodeDecodeError as exc:
                raise CommandError(f"{path} is not UTF-8 text: {exc.reason}") from exc
            filename = path
        try:
            document = document_from_content(content, filename=filename, url=options["url"])
        except NoMainTextError as exc:
            raise CommandError(str(exc)) from exc

        from articles.extraction.scorer import ScorerUnavailable, load_scorer

        try:
            scorer = load_scorer()
        except ScorerUnavailable as exc:
            raise CommandError(str(exc)) from exc
        claims = extract_claims(document.body, scorer=scorer, min_score=options["min_score"])

        if options["format"] == "json":
            data = [claim.as_dict() for claim in claims]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_table(claims))


def _table(claims: list[ExtractedClaim]) -> str:
    if not claims:
        return "No claims found."
    rows = [("span", "score", "kind", "claimant", "text")]
    for claim in claims:
        text = " ".join(claim.text.split())
        if len(text) > TABLE_TEXT_WIDTH:
            text = text[: TABLE_TEXT_WIDTH - 1] + "…"
        rows.append(
            (
                f"{claim.start}-{claim.end}",
                f"{claim.score:.2f}",
                str(claim.kind),
                claim.claimant or "-",
                text,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, row[4]]))
    return "\n".join(lines)
