"""The texts matching reads: of a fact-check (what is embedded and what BM25 indexes) and of
a query (what a person or a tweet sends)."""

from __future__ import annotations

import hashlib
import re

_URL = re.compile(r"https?://\S+|\bpic\.twitter\.com/\S+|\bwww\.\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def dense_text(claim: str, headline: str) -> str:
    """What is embedded: the claim, then the review's headline."""
    return _joined(claim, headline)


def lexical_text(claim: str, headline: str, subtitle: str) -> str:
    """What BM25 indexes: the claim, the headline and the standfirst where there is one (a
    CLEF Snopes row's `subtitle`, kept in the raw item, which often words the claim another
    way; ClaimReview items have none)."""
    return _joined(claim, headline, subtitle)


def text_digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def query_text(text: str) -> str:
    """A query as matched: links dropped (a shortened link says nothing of the claim),
    spacing folded. Handles and names are kept: who posted or is quoted often names the
    claim's subject."""
    return _SPACE.sub(" ", _URL.sub(" ", text)).strip()


def _joined(*parts: str) -> str:
    return _SPACE.sub(" ", " ".join(part.strip() for part in parts if part and part.strip()))
