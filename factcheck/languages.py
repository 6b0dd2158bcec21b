"""Language tags as the service keeps them: the primary language subtag of a BCP 47 tag, in
lower case ("pt-BR", "PT_br" and "pt" are all "pt"). Articles and fact-checks both store it,
so filters and claims:search compare like with like."""

from __future__ import annotations

import re

# A primary language subtag (ISO 639-1 or -2), then any further subtags (script, region,
# variants), joined by "-" or, as some pages write them, "_".
_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")


def primary_language(tag: str) -> str:
    """The primary language subtag of `tag`, in lower case, or '' when `tag` is not a
    language tag."""
    match = _TAG.match(tag.strip())
    return match.group(1).lower() if match else ""
