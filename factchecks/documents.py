"""From an input (a page, a feed, a file, a JSON value) to the items it holds.

Which reader applies is told by the format asked for, else by the file name, the media type
and the content: a header naming `vclaim_id` and `vclaim` is a CLEF collection, markup is a
page whose JSON-LD is read, anything else must be JSON (JSON-LD).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from .claimreview import (
    FoundReviews,
    fact_check_from_claimreview,
    find_claimreviews,
    jsonld_of_page,
    reviews_of_page,
)
from .clef import fact_check_from_clef_row, looks_like_clef, read_clef_tsv
from .errors import NoClaimReview, UnreadableDocument
from .items import FactCheckData, ReadOptions
from .models import ImportFormat

AUTO = "auto"
FORMATS = (AUTO, *ImportFormat.values)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TSV_TYPES = frozenset({"text/tab-separated-values"})


@dataclass(frozen=True)
class Skipped:
    position: int
    """The item's number in the input (its line, for a collection)."""
    item: str
    """Its review URL or id, when it got as far as having one."""
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"position": self.position, "item": self.item, "reason": self.reason}


@dataclass(frozen=True)
class Entry:
    position: int
    read: Callable[[], FactCheckData]
    """Reads the item; raises SkipItem when it cannot be imported."""


@dataclass
class Document:
    format: str
    is_page: bool = False
    entries: list[Entry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    """What could not even be told apart as an item (a malformed block or line)."""


def read_document(
    data: bytes,
    *,
    options: ReadOptions,
    format: str = AUTO,
    media_type: str = "",
    charset: str = "",
    filename: str = "",
    where: str = "The input",
) -> Document:
    """The items of an input, each still to be read (so that one bad item skips alone)."""
    if format not in FORMATS:
        raise UnreadableDocument(f"Unknown format {format!r}: give one of {', '.join(FORMATS)}.")
    if format == ImportFormat.CLEF_TSV or (
        format == AUTO and (filename.lower().endswith(".tsv") or media_type in TSV_TYPES)
    ):
        return _clef(_text(data, charset=charset, what="A CLEF collection"), options=options)
    start = _start(data)
    if looks_like_page(data, media_type=media_type):
        page = jsonld_of_page(data, charset=charset)
        document = _claimreviews(
            reviews_of_page(page, where=where), page.found, options=options, is_page=True
        )
        document.skipped[:0] = [Skipped(0, "", reason) for reason in page.malformed]
        return document
    if format == AUTO and not start.startswith((b"{", b"[")):
        text = _text(data, charset=charset, what="The input")
        if looks_like_clef(text):
            return _clef(text, options=options)
    try:
        value = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as exc:
        raise UnreadableDocument(
            f"{where} is not valid JSON (JSON-LD): {exc}. A feed or file must be ClaimReview "
            "JSON-LD (or a CLEF collection: tab-separated, with a vclaim_id header)."
        ) from exc
    return read_value(value, options=options, where=where)


def looks_like_page(data: bytes, *, media_type: str = "") -> bool:
    """Whether the input is a page (markup) rather than JSON or a collection."""
    return media_type in HTML_TYPES or _start(data).startswith(b"<")


def _start(data: bytes) -> bytes:
    return data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")


def read_value(value: Any, *, options: ReadOptions, where: str = "The input") -> Document:
    """The ClaimReviews of a JSON value: one, a list, an @graph, a DataFeed or DataFeedItems."""
    found = find_claimreviews(value)
    if not found.reviews:
        types = ", ".join(sorted(found.types_seen))
        holds = f"holds {types}" if types else "holds no typed schema.org item"
        raise NoClaimReview(
            f"{where} {holds} but no ClaimReview. Give ClaimReview JSON-LD: one ClaimReview, "
            "a list of them, an @graph, or a schema.org DataFeed whose items are ClaimReviews."
        )
    return _claimreviews(found.reviews, found, options=options, is_page=False)


def _claimreviews(
    reviews: list[dict], found: FoundReviews, *, options: ReadOptions, is_page: bool
) -> Document:
    nodes = found.nodes_by_id

    def reader(review: dict) -> Callable[[], FactCheckData]:
        return lambda: fact_check_from_claimreview(review, nodes=nodes, options=options)

    return Document(
        format=ImportFormat.CLAIMREVIEW,
        is_page=is_page,
        entries=[
            Entry(position=number, read=reader(review))
            for number, review in enumerate(reviews, start=1)
        ],
    )


def _clef(text: str, *, options: ReadOptions) -> Document:
    collection = read_clef_tsv(text)
    columns = collection.columns

    def reader(row) -> Callable[[], FactCheckData]:
        return lambda: fact_check_from_clef_row(row, columns=columns, options=options)

    return Document(
        format=ImportFormat.CLEF_TSV,
        entries=[Entry(position=row.line, read=reader(row)) for row in collection.rows],
        skipped=[Skipped(line, "", reason) for line, reason in collection.malformed],
    )


def _text(data: bytes, *, charset: str, what: str) -> str:
    try:
        return data.decode(charset or "utf-8-sig")
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableDocument(
            f"{what} must be UTF-8 text; this one is not ({exc}). Save it as UTF-8 and try again."
        ) from exc
