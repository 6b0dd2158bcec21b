"""The language of a fact-check: as the publisher declares it (inLanguage), else detected.

Detection uses py3langid, whose model ships inside the package (no download, no network)
and which classifies about 8,000 short claims a second on one core, so it does not hold an
import of a whole collection back.
"""

from __future__ import annotations

import re
from typing import Any

import py3langid

# A language tag's primary subtag (BCP 47): "pt-BR" is Portuguese, "zh-Hant-TW" Chinese.
_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")
# Names publishers write instead of a tag, for the languages the samples and feeds use.
_NAMES = {
    "english": "en",
    "spanish": "es",
    "español": "es",
    "portuguese": "pt",
    "português": "pt",
    "french": "fr",
    "français": "fr",
    "german": "de",
    "deutsch": "de",
    "italian": "it",
    "hindi": "hi",
    "chinese": "zh",
    "arabic": "ar",
}
# Too little text to tell a language by.
MIN_DETECT_CHARS = 12


def declared_language(value: Any) -> str:
    """The primary subtag of an inLanguage value (text, a Language object or a list), or ''."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name") or value.get("@value") or ""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    match = _TAG.match(text)
    if match:
        return match.group(1).lower()
    return _NAMES.get(text.casefold(), "")


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is written in, or '' when there is too
    little text to tell."""
    if len(text.strip()) < MIN_DETECT_CHARS:
        return ""
    code, _score = py3langid.classify(text)
    return code
