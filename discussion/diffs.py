"""Word-level differences between two texts, as HTML: what was removed in `<del>`, what was
added in `<ins>`, every piece of text escaped."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words and the spaces between them, each its own token, so that the text joins back as it was
# (line breaks included) and a changed space never swallows the words beside it.
_TOKENS = re.compile(r"\s+|[^\s]+")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text or "")


def word_diff_html(before: str, after: str) -> SafeString:
    """`after` as HTML, marked where it differs from `before`: removed words in `<del>`,
    added ones in `<ins>`, a replaced run as the one and then the other."""
    old, new = _tokens(before), _tokens(after)
    # autojunk=False: in a long rationale, common words ("the") are not junk to be skipped.
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    parts: list[str] = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = escape("".join(old[old_start:old_end]))
        added = escape("".join(new[new_start:new_end]))
        if operation == "equal":
            parts.append(added)
            continue
        if removed:
            parts.append(f"<del>{removed}</del>")
        if added:
            parts.append(f"<ins>{added}</ins>")
    return mark_safe("".join(parts))  # every piece was escaped above
