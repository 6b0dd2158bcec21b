"""Import fact-checks by others from files and URLs, with a progress bar and a report."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from factcheck.errors import DomainError
from factchecks import services
from factchecks.documents import FORMATS
from factchecks.errors import NothingImported
from factchecks.models import ImportRun

# Skipped items listed in the closing report; the rest are counted.
LISTED_SKIPS = 20


class Command(BaseCommand):
    help = (
        "Import fact-checks published by others: schema.org ClaimReview (a fact-check page or "
        "a feed URL, or a JSON / JSON-LD file) and CLEF claim-matching collections "
        "(vclaims.tsv). Adds and updates, never duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "inputs", nargs="+", metavar="PATH_OR_URL", help="Files, or http(s) URLs to fetch."
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default="auto",
            help="How to read the inputs (default: told from the name and the content).",
        )
        parser.add_argument(
            "--publisher",
            default="",
            help="The publisher of items that name none (CLEF collections name none).",
        )
        parser.add_argument(
            "--language",
            default="",
            help="The language of items that declare none (e.g. en), instead of detecting it.",
        )

    def handle(self, *args, inputs: list[str], **options) -> None:
        failed = 0
        for location in inputs:
            try:
                run = self._import(location, options=options)
            except NothingImported as refusal:
                self.stderr.write(f"{location}: not imported. {refusal.message}")
                run = ImportRun.objects.get(pk=refusal.details["import"]["id"])
                failed += 1
            except DomainError as refusal:
                self.stderr.write(f"{location}: not imported. {refusal.message}")
                failed += 1
                continue
            except OSError as exc:
                self.stderr.write(f"{location}: cannot be read ({exc.strerror or exc}).")
                failed += 1
                continue
            self._report(location, run)
        if failed:
            raise CommandError(f"{failed} of {len(inputs)} inputs could not be imported.")

    def _import(self, location: str, *, options) -> ImportRun:
        common = {
            "format": options["format"],
            "publisher": options["publisher"],
            "language": options["language"].strip().lower(),
        }
        # The bar writes carriage returns of its own: the stream under Django's wrapper,
        # which would end each write with a newline.
        stream = getattr(self.stderr, "_out", sys.stderr)
        with _ProgressBar(location, stream=stream) as progress:
            if location.startswith(("http://", "https://")):
                return services.factchecks_import_url(url=location, progress=progress, **common)
            path = Path(location)
            data = path.read_bytes()
            return services.factchecks_import_file(
                data=data, filename=path.name, progress=progress, **common
            )

    def _report(self, location: str, run: ImportRun) -> None:
        lines = [
            f"{location}: {run.imported} imported, {run.updated} updated, "
            f"{run.unchanged} unchanged, {run.skipped} skipped "
            f"(of {run.items} items; import #{run.pk})."
        ]
        for item in run.skipped_items[:LISTED_SKIPS]:
            where = f"item {item['position']}" if item["position"] else "input"
            named = f" {item['item']}" if item["item"] else ""
            lines.append(f"  skipped {where}{named}: {item['reason']}")
        if run.skipped > LISTED_SKIPS:
            lines.append(
                f"  ... and {run.skipped - LISTED_SKIPS} more skipped (the admin lists the first "
                f"{len(run.skipped_items)} under import #{run.pk})."
            )
        if run.error:
            lines.append(f"  {run.error}")
        self.stdout.write("\n".join(lines))


class _ProgressBar:
    """A tqdm bar on standard error, sized once the input is read."""

    def __init__(self, location: str, *, stream) -> None:
        self.location = location
        self.stream = stream
        self.bar: tqdm | None = None

    def __enter__(self) -> _ProgressBar:
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            name = self.location.rsplit("/", 1)[-1] or self.location
            self.bar = tqdm(total=total, desc=name[:40], unit="item", file=self.stream)
        self.bar.update(done - self.bar.n)

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.close()
