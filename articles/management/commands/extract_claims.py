"""Prints the claims of article files, or of standard input, without touching the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.extraction.claims import MIN_CLAIM_SCORE, ExtractedClaim, Scorer, extract_claims
from articles.extraction.documents import NoMainTextError, document_from_content
from articles.services import claim_enters_queue

TABLE_TEXT_WIDTH = 90


class Command(BaseCommand):
    help = (
        "Extract the checkable claims of one or more articles (plain text, Markdown or HTML, "
        "detected from the file extension or the content) and print them as JSON or as a table. "
        "Each claim says whether it would enter the review queue (queued), by the rule "
        "ingestion uses. With one path, JSON output is an array of claims; with several, it is "
        'one line per article, {"path": ..., "claims": [...]}, in the order given. A path '
        "that cannot be read or holds no article text is reported on standard error, naming "
        "it, and the others are still extracted; the command then exits with status 1. "
        "Nothing is written to the database."
    )
    # The command reads files and runs a model: no database, so no need for system checks.
    requires_system_checks: list[str] = []
    # Lets tests hand in standard input: call_command("extract_claims", "-", stdin=...).
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", metavar="path", help="Article files; - reads standard input."
        )
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
        paths: list[str] = options["paths"]
        if paths.count("-") > 1:
            raise CommandError("Standard input (-) can be read only once.")

        from articles.extraction.scorer import ScorerUnavailable, load_scorer

        try:
            scorer = load_scorer()
        except ScorerUnavailable as exc:
            raise CommandError(str(exc)) from exc

        if len(paths) == 1:
            try:
                claims = self._claims_of(paths[0], scorer, options)
            except _Unreadable as exc:
                raise CommandError(str(exc)) from exc
            if options["format"] == "json":
                self.stdout.write(json.dumps(_as_json(claims), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(_table(claims))
            return

        failed = 0
        for index, path in enumerate(paths):
            try:
                claims = self._claims_of(path, scorer, options)
            except _Unreadable as exc:
                failed += 1
                self.stderr.write(str(exc))
                continue
            if options["format"] == "json":
                line = {"path": path, "claims": _as_json(claims)}
                self.stdout.write(json.dumps(line, ensure_ascii=False))
            else:
                self.stdout.write(("\n" if index else "") + f"== {path}\n{_table(claims)}")
        if failed:
            raise CommandError(f"{failed} of {len(paths)} paths could not be extracted.")

    def _claims_of(self, path: str, scorer: Scorer, options: dict) -> list[ExtractedClaim]:
        if path == "-":
            content = options.get("stdin", sys.stdin).read()
            filename = ""
        else:
            try:
                content = Path(path).read_text(encoding="utf-8")
            except FileNotFoundError as exc:
                raise _Unreadable(f"{path}: no such file") from exc
            except IsADirectoryError as exc:
                raise _Unreadable(f"{path}: is a directory, not an article file") from exc
            except PermissionError as exc:
                raise _Unreadable(f"{path}: permission denied") from exc
            except UnicodeDecodeError as exc:
                raise _Unreadable(f"{path}: not UTF-8 text ({exc.reason})") from exc
            except OSError as exc:
                raise _Unreadable(f"{path}: cannot be read ({exc.strerror})") from exc
            filename = path
        try:
            document = document_from_content(content, filename=filename, url=options["url"])
        except NoMainTextError as exc:
            raise _Unreadable(f"{path}: {exc}") from exc
        return extract_claims(document.body, scorer=scorer, min_score=options["min_score"])


class _Unreadable(Exception):
    """One path gave no article: its message names the path and says why."""


def _as_json(claims: list[ExtractedClaim]) -> list[dict]:
    return [claim.as_dict() | {"queued": claim_enters_queue(claim)} for claim in claims]


def _table(claims: list[ExtractedClaim]) -> str:
    if not claims:
        return "No claims found."
    rows = [("span", "score", "queued", "kind", "claimant", "text")]
    for claim in claims:
        text = " ".join(claim.text.split())
        if len(text) > TABLE_TEXT_WIDTH:
            text = text[: TABLE_TEXT_WIDTH - 1] + "…"
        rows.append(
            (
                f"{claim.start}-{claim.end}",
                f"{claim.score:.2f}",
                "yes" if claim_enters_queue(claim) else "no",
                str(claim.kind),
                claim.claimant or "-",
                text,
            )
        )
    columns = len(rows[0]) - 1
    widths = [max(len(row[column]) for row in rows) for column in range(columns)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:columns], widths, strict=True)]
        lines.append("  ".join([*cells, row[columns]]))
    return "\n".join(lines)
