"""Quantities stated in a sentence: value, unit, comparator and whether it is approximate.

"greater than 90%" is 90 percent with comparator ">"; "around 3,500 militants" is 3500
militants, approximate; "hundreds of terrorists" is at least 200 terrorists, approximate.
Years, dates, clock times, ordinals and numbers inside names ("F-16", "COVID-19") are not
quantities a fact-checker would look up, and are left out.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str
    value: float | int
    unit: str
    comparator: str  # "=", ">", "<", ">=" or "<="
    approximate: bool
    start: int
    end: int

    def as_dict(self) -> dict:
        return asdict(self)


_SCALES = {
    "thousand": 1_000,
    "k": 1_000,
    "million": 1_000_000,
    "mn": 1_000_000,
    "m": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "tn": 1_000_000_000_000,
}
_CURRENCIES = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yen": "JPY",
    "rupees": "INR",
    "roubles": "RUB",
    "rubles": "RUB",
}
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a dozen": 12, "a hundred": 100, "a thousand": 1000, "a million": 1_000_000,
    "a billion": 1_000_000_000,
}  # fmt: skip
# Shares of a whole, counted only before "of": "a third of the patients".
_FRACTIONS = {
    "half": 0.5, "a half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3,
    "two thirds": 2 / 3, "two-thirds": 2 / 3, "a quarter": 0.25, "one quarter": 0.25,
    "three quarters": 0.75, "three-quarters": 0.75, "a fifth": 0.2, "one fifth": 0.2,
}  # fmt: skip
# Plural round numbers: "hundreds" means at least two hundred, and is never exact.
_VAGUE_COUNTS = {
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2_000,
    "tens of thousands": 20_000,
    "hundreds of thousands": 200_000,
    "millions": 2_000_000,
    "billions": 2_000_000_000,
}

# Longest phrases first, so that "more than" wins over "more".
_COMPARATORS = {
    "greater than": ">", "more than": ">", "over": ">", "above": ">", "exceeding": ">",
    "in excess of": ">", "upwards of": ">", "higher than": ">", "larger than": ">",
    "at least": ">=", "no fewer than": ">=", "no less than": ">=", "a minimum of": ">=",
    "less than": "<", "fewer than": "<", "under": "<", "below": "<", "lower than": "<",
    "nearly": "<", "almost": "<", "just under": "<", "just over": ">",
    "up to": "<=", "at most": "<=", "as many as": "<=", "no more than": "<=",
    "a maximum of": "<=", "as much as": "<=",
}  # fmt: skip
_APPROXIMATORS = (
    "around", "about", "approximately", "roughly", "some", "an estimated", "estimated",
    "nearly", "almost", "close to", "circa", "ca.", "more or less", "upwards of", "~",
    "an approximate", "perhaps", "maybe", "just under", "just over",
)  # fmt: skip

_PREFIX_WORDS = sorted(set(_COMPARATORS) | set(_APPROXIMATORS), key=len, reverse=True)
_PREFIX = (
    r"(?P<prefix>(?:(?:" + "|".join(re.escape(word) for word in _PREFIX_WORDS) + r")\s+){1,2})?"
)
_NUMERAL = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUMERAL = "|".join(sorted((re.escape(word) for word in _NUMBER_WORDS), key=len, reverse=True))
_FRACTION = "|".join(sorted((re.escape(word) for word in _FRACTIONS), key=len, reverse=True))
_VAGUE = "|".join(sorted((re.escape(word) for word in _VAGUE_COUNTS), key=len, reverse=True))

_QUANTITY = re.compile(
    r"(?<![\w.,/:-])"
    + _PREFIX
    + r"(?P<currency>US\$|[$€£¥₹])?\s?"
    + r"(?:(?P<number>"
    + _NUMERAL
    + r")|(?P<word>(?i:"
    + _WORD_NUMERAL
    + r"))\b|(?P<fraction>(?i:"
    + _FRACTION
    + r"))(?=\s+of\b)|(?P<vague>(?i:"
    + _VAGUE
    + r"))\b)"
    + r"(?:\s?(?P<scale>thousand|million|billion|trillion|mn|bn|tn|[kmb])\b)?"
    + r"(?P<percent>\s?(?:%|percent\b|per cent\b|percentage points?\b))?",
    re.IGNORECASE,
)
_UNIT_WORD = re.compile(r"\s+(?:of\s+(?:the\s+)?)?([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?")
_STOP_UNITS = {
    "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "from", "for", "by", "with",
    "per", "that", "which", "who", "were", "was", "is", "are", "be", "been", "have", "has",
    "had", "will", "would", "could", "should", "may", "might", "than", "as", "into", "over",
    "under", "between", "since", "after", "before", "during", "last", "this", "these", "those",
    "it", "its", "their", "his", "her", "more", "less", "times", "percent", "am", "pm", "out",
}  # fmt: skip
_TIME_UNITS = {
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
    "month", "months", "year", "years", "decade", "decades", "century", "centuries",
}  # fmt: skip
_IRREGULAR_PLURALS = {"people", "children", "men", "women", "police", "staff", "personnel"}
_MONTHS = re.compile(
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s*$",
    re.IGNORECASE,
)


# Numbers that name something rather than count it.
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:No|Nos|Art|Fig|Figs|Vol|pp?|Ch|Sec|Para)\.|\b(?:Article|Section|Chapter|"
    r"Resolution|Page|Room|Route|Highway|Flight|Gate|Phase|Act|Rule|Clause|Paragraph|Number|"
    r"Volume|Item|Table|Figure|Stage|Round|Platform|Terminal|Line|Channel|Level|Grade|Year|"
    r"Class|Category|Division|District|Ward|Unit|Block|Lot|Case|Bill|version|v))\s*$"
)
_HYPHEN_UNIT = re.compile(r"-([a-z]+)\b")


_MONTH_AFTER = re.compile(
    r"\s+(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
    re.IGNORECASE,
)


def find_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Quantities in `text`; start/end are offsets into the body when `offset` is where
    `text` starts in it."""
    quantities = []
    for match in _QUANTITY.finditer(text):
        quantity = _quantity(text, match, offset)
        if quantity is not None:
            quantities.append(quantity)
    return quantities


def _quantity(text: str, match: re.Match[str], offset: int) -> Quantity | None:
    number, word, vague = match["number"], match["word"], match["vague"]
    fraction = match["fraction"]
    prefix = " ".join((match["prefix"] or "").lower().split())
    after = text[match.end() :]
    before = text[: match.start()]
    if number:
        if re.match(r"[\w-]*[A-Za-z]", after[:1]) and not match["scale"] and not match["percent"]:
            return None  # "1PM", "70s", "2nd"
        if re.match(r"(?:\s?[ap]\.?m\.?\b|:\d)", after, re.IGNORECASE):
            return None  # clock times
        if re.search(r"[A-Za-z]-$", before) or _LABEL_BEFORE.search(before):
            return None  # "F-16", "COVID-19", "No. 5", "Article 5", "Resolution 2254"
        if _MONTHS.search(before) or _MONTH_AFTER.match(after):
            return None  # "October 9", "9 October"
        value: float = float(number.replace(",", ""))
    elif word:
        if re.search(r"\b(?:the|these|those|its|their|our|his|her|my|your)\s+$", before, re.I):
            return None  # "the two countries" points at things, it does not count them
        value = _NUMBER_WORDS[" ".join(word.lower().split())]
    elif fraction:
        if re.search(r"\b(?:first|second|last|latter|former|other)\s+$", before, re.IGNORECASE):
            return None  # "the first half of the year" is a period, not a share
        value = round(_FRACTIONS[" ".join(fraction.lower().split())], 4)
    else:
        value = _VAGUE_COUNTS[" ".join(vague.lower().split())]
    scale = (match["scale"] or "").lower()
    if scale in ("k", "m", "b") and not match["currency"]:
        # A bare "m" or "b" after a number is a unit of length or nothing, not a scale.
        scale = ""
    if scale:
        value *= _SCALES[scale]

    end = match.end() if scale or not match["scale"] else match.start("scale")
    unit = ""
    if fraction:
        unit = "share"
    elif match["percent"]:
        unit = "percentage points" if "point" in match["percent"].lower() else "percent"
    elif match["currency"]:
        unit = _CURRENCIES[match["currency"].lower()]
    elif hyphen_unit := _HYPHEN_UNIT.match(text, end):
        unit, end = hyphen_unit[1], hyphen_unit.end()  # "a 12-month high", "a 10-point lead"
    else:
        unit_match = _UNIT_WORD.match(text, end)
        if unit_match and unit_match[1] not in _STOP_UNITS:
            unit, end = unit_match[1], unit_match.end(1)
            second = unit_match[2]
            if (
                second
                and second not in _STOP_UNITS
                and not unit.endswith("s")
                and (second.endswith("s") or second in _IRREGULAR_PLURALS)
            ):
                unit, end = f"{unit} {second}", unit_match.end(2)
            unit = _CURRENCY_WORDS.get(unit, unit)
        elif vague:
            return None  # "hundreds" alone, with nothing counted

    if (
        number
        and not match["currency"]
        and not match["percent"]
        and not prefix
        and "," not in number
        and "." not in number
        and 1800 <= value <= 2100
        and (not unit or not (unit.endswith("s") or unit in _IRREGULAR_PLURALS))
    ):
        return None  # a year
    if word and not unit:
        return None  # "two" on its own is rarely a figure anyone states as one
    if unit in _TIME_UNITS and re.match(r"\s+(?:ago|earlier|later|before|after)\b", text[end:]):
        return None  # "two years ago" dates something, it does not measure it

    comparator = "="
    approximate = bool(vague)
    padded_prefix = f" {prefix} "
    for phrase in _PREFIX_WORDS:
        if f" {phrase} " in padded_prefix:
            if phrase in _COMPARATORS and comparator == "=":
                comparator = _COMPARATORS[phrase]
            if phrase in _APPROXIMATORS:
                approximate = True
    if vague:
        comparator = ">=" if comparator == "=" else comparator
    if word and word.lower().startswith("a "):
        approximate = True

    start = match.start()
    value_out: float | int = int(value) if float(value).is_integer() else value
    return Quantity(
        text=text[start:end],
        value=value_out,
        unit=unit,
        comparator=comparator,
        approximate=approximate,
        start=offset + start,
        end=offset + end,
    )
