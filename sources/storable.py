"""What a fetch found, made into values PostgreSQL accepts.

A page may hold anything, and PostgreSQL refuses some of it: NUL in text columns, lone
surrogates anywhere (they cannot be encoded as UTF-8), and \\u0000, NaN or Infinity in jsonb.
A refused value used to fail the whole write and leave the source fetching for ever, so every
value a fetch writes goes through this module first.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

from .fetcher import FetchResult

_SURROGATE = re.compile("[\ud800-\udfff]")
# Column sizes of SourceSnapshot and Source; a longer value fails the write like a refused one.
_URL_LENGTH = 2048
_CONTENT_TYPE_LENGTH = 255
_ERROR_KIND_LENGTH = 64


def storable_text(text: str) -> str:
    """`text` without NUL (it carries nothing a reader sees) and with each lone surrogate
    (half of a character, from a broken encoder) shown as U+FFFD, as decoders show bytes
    they cannot read."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text)


def storable_json(value: Any) -> Any:
    """`value` as a JSON document PostgreSQL's jsonb accepts: its texts and keys storable,
    numbers that JSON cannot write (NaN, infinities) as null, anything else as its text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable_text(str(key)): storable_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable_json(item) for item in value]
    return storable_text(str(value))


def storable_result(result: FetchResult) -> FetchResult:
    """`result` with every value a snapshot or its source keeps made storable."""
    status_code = result.status_code
    if status_code is not None and not 100 <= status_code <= 599:
        # http.client reads any three digits; the column holds HTTP's range. The error
        # message still names the code the server sent.
        status_code = None
    return dataclasses.replace(
        result,
        requested_url=storable_text(result.requested_url)[:_URL_LENGTH],
        final_url=storable_text(result.final_url or "")[:_URL_LENGTH],
        status_code=status_code,
        content_type=storable_text(result.content_type or "")[:_CONTENT_TYPE_LENGTH],
        charset=storable_text(result.charset or ""),
        title=storable_text(result.title or ""),
        text=storable_text(result.text or ""),
        links=storable_json(result.links or []),
        metadata=storable_json(result.metadata or {}),
        sha256=result.sha256 or "",
        error_kind=storable_text(result.error_kind or "")[:_ERROR_KIND_LENGTH],
        error_message=storable_text(result.error_message or ""),
    )
