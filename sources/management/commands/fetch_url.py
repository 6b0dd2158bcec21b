import json

from django.core.management.base import BaseCommand, CommandError

from sources.fetcher import FetchResult, fetch_url

TEXT_EXCERPT_CHARACTERS = 500


class Command(BaseCommand):
    help = (
        "Fetch one URL the way source snapshots are fetched and show what the snapshot would "
        "hold, or why the URL was refused. Writes nothing to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args, **options):
        result = fetch_url(options["url"])
        summary = snapshot_summary(result)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_as_lines(summary))
        if not result.succeeded:
            raise CommandError(f"{result.error_kind}: {result.error_message}")


def snapshot_summary(result: FetchResult) -> dict[str, object]:
    return {
        "requested_url": result.requested_url,
        "final_url": result.final_url,
        "status_code": result.status_code,
        "content_type": result.content_type,
        "charset": result.charset,
        "title": result.title,
        "size": result.size,
        "sha256": result.sha256,
        "text_excerpt": result.text[:TEXT_EXCERPT_CHARACTERS],
        "links_count": len(result.links),
        "metadata": result.metadata,
        "fetched_at": result.fetched_at.isoformat(),
        "error_kind": result.error_kind,
        "error_message": result.error_message,
        "retryable": result.retryable,
        "retry_after_seconds": result.retry_after_seconds,
    }


def _as_lines(summary: dict[str, object]) -> str:
    if summary["error_kind"]:
        keys = ["requested_url", "final_url", "status_code", "content_type", "error_kind"]
        keys += ["retryable", "retry_after_seconds"]
    else:
        keys = ["requested_url", "final_url", "status_code", "content_type", "charset"]
        keys += ["title", "size", "sha256", "links_count", "metadata"]
    width = max(len(key) for key in keys)
    shown = [key for key in keys if summary[key] not in ("", None, {})]
    lines = [f"{key.ljust(width)}  {summary[key]}" for key in shown]
    if not summary["error_kind"]:
        lines += ["", summary["text_excerpt"]]
    return "\n".join(str(line) for line in lines)
