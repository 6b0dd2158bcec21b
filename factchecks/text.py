"""Making published field values storable: text without markup, dates read leniently,
and the keys fact-checks are recognised by."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import date, datetime
from typing import Any

import nh3
from dateutil import parser as date_parser

# Two defaults that differ in every part: a date missing its month or day parses to
# different days with each, and is refused rather than completed with today's.
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))
# PostgreSQL text cannot hold NUL; other C0 controls are noise in a claim.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A lone surrogate ("\ud800", which JSON allows and UTF-8 cannot encode) stands for nothing.
_SURROGATE = re.compile("[\ud800-\udfff]")
# The shapes nearly every feed and collection uses, read without dateutil (about a tenth of
# its cost, which counts over a collection of 20,000 rows).
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ]\d)")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_STATED_ON = re.compile(r"^\s*stated\s+on\s+(.+?)(?:\s+in\s+.*)?[\s.:]*$", re.IGNORECASE | re.S)
MAX_DATE_TEXT = 100


def clean_text(value: Any) -> str:
    """Published text as plain text: markup removed, entities decoded, spaces collapsed.

    A list (JSON-LD allows one wherever one value is) is joined with commas; an object gives
    its `name`."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, dict):
        return clean_text(value.get("name") or value.get("@value") or "")
    if isinstance(value, list):
        return ", ".join(part for part in (clean_text(item) for item in value) if part)
    text = str(value)
    if "<" in text or "&" in text:
        # nh3 drops tags (and what script and style elements hold) and escapes what is left.
        text = html.unescape(nh3.clean(text, tags=set()))
    text = _CONTROL.sub("", text)
    if not text.isascii():
        text = _SURROGATE.sub("\ufffd", text)
    return " ".join(text.split())


def storable_json(value: Any) -> Any:
    """`value` (parsed JSON) as the database can keep it: strings without NUL, which jsonb
    refuses, and with lone surrogates, which UTF-8 cannot encode, as U+FFFD."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        if not value.isascii() and _SURROGATE.search(value):
            value = _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, dict):
        return {storable_json(key): storable_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable_json(item) for item in value]
    return value


def number_text(value: Any) -> str:
    """A ratingValue, bestRating or worstRating as published: 4 stays "4", "" stays ""."""
    if value is None or isinstance(value, bool | dict | list):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())[:64]


def parse_date(value: Any) -> date | None:
    """The calendar date of a published date, as the publisher wrote it (its own offset), or
    None when it is not a whole date.

    Lenient: "2020-06-24 00:03", "2020-06-22T12:26:08+5:30", "26 May 2015", and PolitiFact's
    "stated on October 22, 2019 in a speech:"."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value")
    if not isinstance(value, str):
        return None
    text = value.strip()[:MAX_DATE_TEXT]
    stated = _STATED_ON.match(text)
    if stated:
        text = stated.group(1)
    if not text:
        return None
    quick = _quick_date(text)
    if quick is not None:
        return quick or None
    try:
        first, second = (date_parser.parse(text, default=default) for default in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    if first.date() != second.date():
        return None
    return first.date()


def _quick_date(text: str) -> date | bool | None:
    """The date of a common shape; False for one of those shapes that is no real date, None
    for another shape."""
    parts: tuple[str, str, str] | None = None
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DAY_MONTH_YEAR.match(text)
        if match:
            parts = (match.group(3), match.group(2), match.group(1))
        else:
            match = _MONTH_DAY_YEAR.match(text)
            if not match:
                return None
            parts = (match.group(3), match.group(1), match.group(2))
        month_number = _MONTHS.get(parts[1].lower())
        if month_number is None:
            return None
        year, month, day = int(parts[0]), month_number, int(parts[2])
    try:
        return date(year, month, day)
    except ValueError:
        return False


def claim_digest(claim: str) -> str:
    """What recognises one claim on a page that reviews several: case and spaces folded."""
    folded = " ".join(claim.casefold().split())
    return hashlib.sha1(folded.encode("utf-8"), usedforsecurity=False).hexdigest()


def url_key(url: str) -> str:
    """A review URL as it is matched: no scheme, no www., no trailing slash, so that the
    http and https, or slashed and unslashed, spellings of one page are one review."""
    if not url:
        return ""
    rest = url.split("://", 1)[-1]
    if rest.startswith("www."):
        rest = rest[4:]
    path, _, query = rest.partition("?")
    path = path.rstrip("/")
    return f"{path}?{query}" if query else path
