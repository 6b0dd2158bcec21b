"""Language tags (BCP 47) as the service keeps them. Pages write them in any case and some
with "_" ("EN_gb"); stored tags are in the tag's conventional form ("en-GB"), so that the
filters and claims:search, which compare a tag and the tags under it ("en" takes "en-GB"),
see every article its publisher tagged."""

from __future__ import annotations

import re

# A primary language subtag (ISO 639-1 or -2), then any further subtags (script, region,
# variants), joined by "-" or, as some pages write them, "_".
_TAG = re.compile(r"^([a-zA-Z]{2,3})((?:[-_][a-zA-Z0-9]{1,8})*)$")
# What the article's language column holds.
MAX_TAG_LENGTH = 16


def language_tag(tag: str) -> str:
    """`tag` in its conventional form: the language in lower case, a script in title case,
    a region in upper case, joined by "-" ("zh_hant_tw": "zh-Hant-TW"); subtags past
    MAX_TAG_LENGTH dropped; '' when `tag` is not a language tag."""
    match = _TAG.match(tag.strip())
    if not match:
        return ""
    parts = [match.group(1).lower()]
    for subtag in re.split(r"[-_]", match.group(2))[1:]:
        if len(subtag) == 4 and subtag.isalpha():
            subtag = subtag.title()
        elif len(subtag) == 2 and subtag.isalpha():
            subtag = subtag.upper()
        else:
            subtag = subtag.lower()
        if len("-".join([*parts, subtag])) > MAX_TAG_LENGTH:
            break
        parts.append(subtag)
    # A singleton ("x", "u") introduces the subtags after it: without them it means nothing.
    while len(parts) > 1 and len(parts[-1]) == 1:
        parts.pop()
    return "-".join(parts)


def primary_language(tag: str) -> str:
    """The primary language subtag of `tag`, in lower case ("pt-BR": "pt"), or '' when `tag`
    is not a language tag."""
    return language_tag(tag).split("-", 1)[0]
