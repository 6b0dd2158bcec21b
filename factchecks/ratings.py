"""Reading a published rating onto our scale.

The textual rating comes first: it is what the publisher's readers see. Numbers are read only
where they mean something: the publisher is known to run them from worst (false) to best
(true) and gave both ends. Where text and number disagree, the text is kept and the
disagreement is flagged, never settled by a guess. A rating that is a sentence rather than a
label counts as `other` and keeps its text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from reviews.ratings import RATING_SCALE

from .lexicon import LABELS_BY_RATING
from .models import CanonicalRating
from .publishers import KnownPublisher

FIVE_POINT = tuple(CanonicalRating(d.rating.value) for d in RATING_SCALE.values())
"""Our verdict scale, worst first."""

# A label longer than this is a sentence: the longest label in the lexicon is 23 characters.
MAX_LABEL_WORDS = 6
MAX_LABEL_CHARS = 50

_DASHES = re.compile(r"[-_\u2010-\u2013]+")
# After NFKC, which turns full-width punctuation into ASCII: quotes of every kind (as
# escapes, since several look alike), brackets, and sentence punctuation including the danda.
_OUTER_PUNCTUATION = (
    " \t\r\n\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a()[]{}!.?:;,\u3002\u3001\u0964"
)
# Where a label followed by an explanation breaks off: "False: the photo is from 2015".
_LABEL_END = re.compile(r"\s*(?:[:.!?;\u3002(\[]|\s[-\u2013\u2014]\s|\u2014)")


def normalize_label(text: str) -> str:
    """The form labels are compared in: case folded, dashes as spaces, outer punctuation and
    quotes dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DASHES.sub(" ", text)
    return " ".join(text.split()).strip(_OUTER_PUNCTUATION).strip()


@functools.cache
def _lexicon() -> dict[str, str]:
    labels: dict[str, str] = {}
    for rating, written in LABELS_BY_RATING.items():
        for label in written:
            key = normalize_label(label)
            if labels.get(key, rating) != rating:
                raise ValueError(f"The rating lexicon gives {label!r} two ratings.")
            labels[key] = str(rating)
    return labels


@functools.cache
def _overrides(publisher: KnownPublisher) -> dict[str, str]:
    return {normalize_label(label): str(rating) for label, rating in publisher.labels.items()}


def rating_for_label(text: str, *, publisher: KnownPublisher | None = None) -> str | None:
    """Our rating for a textual rating, or None when it is not a label we know.

    "False: the photo is from 2015" is read by its label, "False"."""
    text = unicodedata.normalize("NFKC", text)
    candidates = [normalize_label(text)]
    head = _LABEL_END.split(text.strip(_OUTER_PUNCTUATION), maxsplit=1)[0]
    if head and head != text:
        candidates.append(normalize_label(head))
    for candidate in candidates:
        if not candidate:
            continue
        if publisher is not None:
            found = _overrides(publisher).get(candidate)
            if found:
                return found
        found = _lexicon().get(candidate)
        if found:
            return found
    return None


def is_sentence(text: str) -> bool:
    return len(text.split()) > MAX_LABEL_WORDS or len(text) > MAX_LABEL_CHARS


def _number(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, ValueError, AttributeError):
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class RatingReading:
    canonical: str
    """A CanonicalRating value, or '' when the publisher gave no rating."""
    conflict: bool = False
    note: str = ""
    unreadable: str = ""
    """Set when the rating cannot be read at all: why, for whoever imported it."""


def _label(rating: str) -> str:
    return CanonicalRating(rating).label.lower()


def _from_numbers(value: str, best: str, worst: str) -> tuple[str | None, str]:
    """Our rating for `value` on a scale from `worst` (false) to `best` (true), or None and
    why not."""
    v, b, w = _number(value), _number(best), _number(worst)
    if v is None or b is None or w is None:
        return None, "the numbers are not all given"
    if b == w:
        return None, f"bestRating and worstRating are both {best}"
    position = (v - w) / (b - w)
    if not 0 <= position <= 1:
        return None, f"{value} lies outside {worst} to {best}"
    steps = len(FIVE_POINT) - 1
    return str(FIVE_POINT[int((position * steps).to_integral_value())]), ""


def read_rating(
    *, text: str, value: str, best: str, worst: str, publisher: KnownPublisher | None
) -> RatingReading:
    """Read a published rating (all parts as published, '' where absent) onto our scale."""
    if not (text or value or best or worst):
        return RatingReading(canonical="", note="The publisher gave no rating.")
    numbers_trusted = publisher is not None and publisher.numbers_by_truth
    numeric, numeric_problem = (None, "")
    if value and numbers_trusted:
        numeric, numeric_problem = _from_numbers(value, best, worst)
    scale = f"{value} on {worst or '?'} (worst) to {best or '?'} (best)"

    from_text = rating_for_label(text, publisher=publisher) if text else None
    if from_text:
        if numeric and from_text in FIVE_POINT and numeric != from_text:
            return RatingReading(
                canonical=from_text,
                conflict=True,
                note=(
                    f'The text "{text}" reads as {_label(from_text)} but the number '
                    f"({scale}) as {_label(numeric)}; the text is kept."
                ),
            )
        return RatingReading(canonical=from_text, note=f'Read from the text "{text}".')
    if text and is_sentence(text):
        return RatingReading(
            canonical=CanonicalRating.OTHER,
            note="The rating is a sentence rather than a label; its text is kept.",
        )
    if numeric:
        unknown = f' The label "{text}" is not in the lexicon.' if text else ""
        return RatingReading(
            canonical=numeric,
            note=(
                f"Read from the number ({scale}): {publisher.name} orders its numbers from "
                f"false to true.{unknown}"
            ),
        )
    if text:
        return RatingReading(
            canonical=CanonicalRating.OTHER,
            note=f'"{text}" is not a rating the lexicon knows; its text is kept.',
        )
    if numeric_problem:
        why = f"its numbers cannot be read: {numeric_problem}"
    elif numbers_trusted:
        why = "no number is given"
    else:
        who = publisher.name if publisher else "the publisher"
        why = f"{who} is not known to order its numbers from false to true"
    return RatingReading(
        canonical="",
        unreadable=(
            f"Unknown rating scale: the rating ({scale}) has no text, and {why}. Add the "
            "publisher's scale to factchecks/publishers.py, or import it with a textual rating."
        ),
    )
