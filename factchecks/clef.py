"""Reading the CLEF CheckThat! claim-matching collections (vclaims.tsv).

Tab-separated, a header naming the columns; each collection has its own: 2020 `vclaim_id,
vclaim, title` (Snopes), 2021 2A `vclaim_id, vclaim, title, subtitle, author, date` (Snopes),
2021 2B `vclaim_id, vclaim, title, speaker, truth_label, date, url` (PolitiFact). Columns
are found by name, so any layout with `vclaim_id` and `vclaim` is read:

- `vclaim_id` is the external id, `vclaim` the claim, `title` the headline;
- `speaker` the claimant, `truth_label` the rating;
- `date` is when the claim was made where it reads "stated on <date> in <where>"
  (PolitiFact), else when the review was published (Snopes);
- `url` the review, resolved against the publisher's site when relative.

The lab replaced tabs and line breaks inside fields by spaces, so a line is a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin

from .errors import UnreadableDocument
from .items import (
    FactCheckData,
    ReadOptions,
    SkipItem,
    canonical_review_url,
    language_of,
    publisher_identity,
    rating_of,
)
from .publishers import (
    CLEF_2020_SITE,
    CLEF_ID_PREFIXES,
    KnownPublisher,
    known_publisher,
    known_publisher_by_site,
    known_publisher_named,
    site_of,
)
from .text import clean_text, parse_date

REQUIRED_COLUMNS = ("vclaim_id", "vclaim")
_CLEF_2020_LAYOUT = ("vclaim_id", "vclaim", "title")
_ID_PREFIX = re.compile(r"^vclaim-([a-z]+)-")
# PolitiFact's review URLs carry the day the review was published: /factchecks/2019/oct/30/.
_DATED_PATH = re.compile(r"/(\d{4})/([a-z]{3})/(\d{1,2})/")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def looks_like_clef(text: str) -> bool:
    header = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r").split("\t")
    return all(column in header for column in REQUIRED_COLUMNS)


@dataclass(frozen=True)
class ClefRow:
    line: int
    values: dict[str, str]


@dataclass
class ClefCollection:
    columns: tuple[str, ...]
    rows: list[ClefRow]
    malformed: list[tuple[int, str]]
    """Lines that are not rows of the collection: line number and why."""


def read_clef_tsv(text: str) -> ClefCollection:
    lines = text.lstrip("\ufeff").split("\n")
    columns = tuple(column.strip() for column in lines[0].rstrip("\r").split("\t"))
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise UnreadableDocument(
            "This is not a CLEF claim-matching collection: its first line must name the "
            f"columns, tab-separated, among them {', '.join(REQUIRED_COLUMNS)} (missing: "
            f"{', '.join(missing)}; found: {', '.join(columns[:10]) or 'nothing'})."
        )
    rows: list[ClefRow] = []
    malformed: list[tuple[int, str]] = []
    for number, line in enumerate(lines[1:], start=2):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(columns):
            malformed.append(
                (
                    number,
                    f"Line {number} has {len(fields)} tab-separated fields where the header "
                    f"has {len(columns)}.",
                )
            )
            continue
        rows.append(ClefRow(line=number, values=dict(zip(columns, fields, strict=True))))
    return ClefCollection(columns=columns, rows=rows, malformed=malformed)


def _publisher_for(
    external_id: str, *, columns: tuple[str, ...], options: ReadOptions
) -> KnownPublisher | None:
    if options.publisher:
        return known_publisher_named(options.publisher)
    prefix = _ID_PREFIX.match(external_id)
    if prefix:
        return known_publisher_by_site(CLEF_ID_PREFIXES.get(prefix.group(1), ""))
    if columns == _CLEF_2020_LAYOUT:
        return known_publisher_by_site(CLEF_2020_SITE)
    return None


def _review_date_in(url: str) -> date | None:
    match = _DATED_PATH.search(url)
    if not match or match.group(2) not in _MONTHS:
        return None
    try:
        return date(int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3)))
    except ValueError:
        return None


def fact_check_from_clef_row(
    row: ClefRow, *, columns: tuple[str, ...], options: ReadOptions
) -> FactCheckData:
    values = row.values
    external_id = values["vclaim_id"].strip()
    if not external_id:
        raise SkipItem(f"Line {row.line} has no vclaim_id.")
    claim = clean_text(values["vclaim"])
    if not claim:
        raise SkipItem(f"Line {row.line} ({external_id}) has no claim (vclaim).")

    known = _publisher_for(external_id, columns=columns, options=options)
    url = values.get("url", "").strip()
    if url and known is not None and "://" not in url:
        # The collection's URLs are paths on the publisher's site; joining a path that starts
        # with "/" is concatenation (urljoin costs several times more over 20,000 rows).
        url = known.home + url if url.startswith("/") else urljoin(known.home + "/", url)
    review_url = canonical_review_url(url)
    host, path = site_of(review_url)
    if known is None:
        known = known_publisher(host=host, path=path)
    publisher = publisher_identity(name=options.publisher, site=host, known=known)
    if publisher is None:
        raise SkipItem(
            f"Line {row.line} ({external_id}): the collection does not say who published it; "
            "import it with a publisher (--publisher, or `publisher` in the API)."
        )

    rating_text = clean_text(values.get("truth_label", ""))
    rating = rating_of(text=rating_text, value="", best="", worst="", known=known)

    date_text = values.get("date", "").strip()
    claim_date = review_date = None
    if date_text.lower().startswith("stated on"):
        claim_date = parse_date(date_text)
        review_date = _review_date_in(review_url)
    elif date_text:
        review_date = parse_date(date_text)

    headline = clean_text(values.get("title", ""))
    language, detected = language_of(declared="", options=options, texts=[claim, headline])
    return FactCheckData(
        publisher=publisher,
        external_id=external_id,
        review_url=review_url,
        claim_text=claim,
        claimant=clean_text(values.get("speaker", "")),
        claim_date=claim_date,
        review_date=review_date,
        headline=headline,
        language=language,
        language_detected=detected,
        rating_text=rating_text,
        rating_value="",
        best_rating="",
        worst_rating="",
        rating=rating,
        raw=values,
    )
