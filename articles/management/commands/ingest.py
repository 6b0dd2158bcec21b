from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.extraction.documents import detect_format
from articles.services import article_submit_content, article_submit_url
from factcheck.errors import DomainError

MAX_FILE_BYTES = 5 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Ingest articles from files (.txt, .md, .html) or URLs, as the API does: files are "
        "stored and their claims extracted; URLs are fetched and extracted by the workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("items", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--publisher", default="")

    def handle(self, *args, **options):
        items = options["items"]
        failures = 0
        progress = tqdm(items, unit="article", disable=len(items) < 2, file=self.stderr)
        for item in progress:
            try:
                line = self._ingest(item, publisher=options["publisher"])
            except (DomainError, OSError, ValueError) as exc:
                failures += 1
                line = f"FAILED {item}: {getattr(exc, 'message', None) or exc}"
            progress.write(line, file=self.stdout)
        if failures:
            raise CommandError(f"{failures} of {len(items)} could not be ingested.")

    def _ingest(self, item: str, *, publisher: str) -> str:
        if item.startswith(("http://", "https://")):
            article, created = article_submit_url(url=item)
            verb = "queued for fetching" if created else "already known"
            return f"{article.pk}: {item} {verb} ({article.ingest_state})"
        path = Path(item)
        if not path.is_file():
            raise FileNotFoundError("no such file (give a path or an http(s) URL)")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
        content = path.read_text(encoding="utf-8")
        article, created = article_submit_content(
            content=content,
            input_format=detect_format(content, path.name),
            publisher=publisher,
        )
        verb = "stored" if created else "already stored"
        return f"{article.pk}: {path.name} {verb}, {article.claims.count()} claims: {article.title}"
