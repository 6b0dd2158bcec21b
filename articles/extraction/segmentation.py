"""Sentence segmentation for news text, with every sentence an exact span of the body.

Rules, in the order they matter:
- A line break ends a sentence unless the line stops mid-sentence (no closing punctuation) and
  the next one goes on in lower case: pasted and scraped articles break sentences that way.
- Quotations and parenthetical insertions of modest length are never split: "The strikes were
  precise. They hit 40 targets," he said. is one sentence, with its attribution.
- A full stop after a title (Gen., Col., Mr.), an initial, or an abbreviation such as U.S. or
  Inc. ends a sentence only when the next word is one that starts sentences ("The", "He").
- Decimal points, ellipses inside a sentence and "?"/"!" followed by lower case never end one.
"""

# News text uses typographic quotes and apostrophes, so this file must too.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str  # == body[start:end]
    paragraph: int  # index of the (logical) paragraph, counting from 0
    first_in_paragraph: bool


# A quotation or parenthesis longer than this is split like running text: it is a speech, not
# an insertion, and each of its sentences is a claim of its own.
MAX_PROTECTED_QUOTE = 400
MAX_PROTECTED_PARENTHESIS = 250

# Titles that precede a name: a full stop after them never ends a sentence.
_TITLE_ABBREVIATIONS = {
    "mr", "mrs", "ms", "mx", "dr", "gen", "col", "adm", "lt", "capt", "cpt", "maj", "sgt", "cpl",
    "pvt", "gov", "sen", "rep", "rev", "prof", "brig", "cmdr", "cdr", "hon", "amb", "supt",
    "insp", "det", "fr", "messrs", "mme", "mlle", "pres", "gens", "lt.-gen", "ret", "sr", "jr",
    "st", "mt", "ft", "esq", "reps", "sens", "del", "dels",
}  # fmt: skip
# Abbreviations that stay inside a sentence, whatever follows.
_INNER_ABBREVIATIONS = {"e.g", "i.e", "cf", "vs", "v", "approx", "ca", "viz", "al"}
# Abbreviations followed by a number: "No. 5", "Fig. 2", "Oct. 9".
_NUMBER_ABBREVIATIONS = {
    "no", "nos", "vol", "fig", "figs", "pp", "p", "art", "ch", "sec", "para", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "tel", "ext", "est",
}  # fmt: skip

# Words that commonly open a sentence. After an abbreviation that can also end one ("U.S.",
# "Inc.", an initial), only one of these makes the next word a new sentence; a capitalised
# name ("U.S. Army", "John F. Kennedy") does not.
_SENTENCE_STARTERS = {
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we",
    "i", "you", "his", "her", "their", "our", "my", "there", "here", "but", "and", "or", "so",
    "yet", "if", "when", "while", "after", "before", "since", "as", "in", "on", "at", "by",
    "for", "from", "with", "without", "under", "over", "according", "however", "meanwhile",
    "still", "also", "now", "then", "some", "many", "most", "all", "no", "not", "one", "both",
    "each", "other", "others", "officials", "what", "who", "why", "how", "where", "last",
    "earlier", "later", "today", "yesterday", "during", "despite", "although", "though",
    "instead", "nevertheless", "further", "furthermore", "moreover", "such", "several", "few",
}  # fmt: skip

_CANDIDATE = re.compile(r"(?:\.{3}|…|[.!?])+[\"'”’»)\]]*(?=\s|$)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.'’-]*)$")
_CLOSING_PUNCTUATION = re.compile(r"[.!?…:;][\"'”’»)\]*_]*$")
_LINE = re.compile(r"[^\n]+")

_OPENING_QUOTES = "“«„"
_CLOSING_QUOTES = "”»"
_QUOTE_MARK = re.compile(r'["“”«»„]')
_BRACKET = re.compile(r"[()\[\]]")


def split_sentences(body: str) -> list[Sentence]:
    """The sentences of `body`, in order, trimmed of surrounding white space."""
    sentences: list[Sentence] = []
    for paragraph_index, (start, end) in enumerate(logical_paragraphs(body)):
        first = True
        for sentence_start, sentence_end in _split_paragraph(body, start, end):
            sentences.append(
                Sentence(
                    start=sentence_start,
                    end=sentence_end,
                    text=body[sentence_start:sentence_end],
                    paragraph=paragraph_index,
                    first_in_paragraph=first,
                )
            )
            first = False
    return sentences


def logical_paragraphs(body: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, joining lines that a break cut mid-sentence."""
    paragraphs: list[list[int]] = []
    previous_end = 0
    for line in _LINE.finditer(body):
        start, end = _trim(body, line.start(), line.end())
        if start >= end:
            continue
        text = body[start:end]
        if paragraphs and _continues(body[paragraphs[-1][0] : previous_end], text):
            paragraphs[-1][1] = end
        else:
            paragraphs.append([start, end])
        previous_end = end
    return [(start, end) for start, end in paragraphs]


def _continues(previous: str, line: str) -> bool:
    """True if `line` carries on the sentence that `previous` left unfinished."""
    if _CLOSING_PUNCTUATION.search(previous):
        return False
    first = line.lstrip("\"'“‘(")[:1]
    return first.islower()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) indices of the double-quote pairs in `text`; close is the closing mark.

    Curly quotes say which way they face; a straight quote opens when it follows a space or
    an opening bracket and otherwise closes. A quote still open at the end of the text is
    returned with close == len(text) (a quotation that goes on in the next paragraph).
    """
    spans = []
    open_at: int | None = None
    for quote in _QUOTE_MARK.finditer(text):
        index, char = quote.start(), quote.group()
        if char in _OPENING_QUOTES:
            if open_at is None:
                open_at = index
        elif char in _CLOSING_QUOTES:
            if open_at is not None:
                spans.append((open_at, index))
                open_at = None
        elif char == '"':
            if open_at is not None:
                spans.append((open_at, index))
                open_at = None
            else:
                before = text[index - 1] if index else " "
                after = text[index + 1] if index + 1 < len(text) else " "
                if (before.isspace() or before in "([{—–-/:") and not after.isspace():
                    open_at = index
    if open_at is not None:
        spans.append((open_at, len(text)))
    return spans


def _parenthesis_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    stack: list[int] = []
    for bracket in _BRACKET.finditer(text):
        index, char = bracket.start(), bracket.group()
        if char in "([":
            stack.append(index)
        elif char in ")]" and stack:
            spans.append((stack.pop(), index))
    return spans


def _split_paragraph(body: str, start: int, end: int) -> list[tuple[int, int]]:
    text = body[start:end]
    protected = [
        (open_at, close_at)
        for open_at, close_at in quotation_spans(text)
        if close_at < len(text) and close_at - open_at <= MAX_PROTECTED_QUOTE
    ] + [
        (open_at, close_at)
        for open_at, close_at in _parenthesis_spans(text)
        if close_at - open_at <= MAX_PROTECTED_PARENTHESIS
    ]
    # inside[i] is True where a cut before text[i] would split a protected span.
    inside = [False] * (len(text) + 1)
    for open_at, close_at in protected:
        inside[open_at + 1 : close_at + 1] = [True] * (close_at - open_at)
    cuts = [0]
    for match in _CANDIDATE.finditer(text):
        if inside[match.start()] and inside[match.end()]:
            continue
        if _is_boundary(text, match):
            cuts.append(match.end())
    cuts.append(len(text))
    spans: list[tuple[int, int]] = []
    for cut_start, cut_end in pairwise(cuts):
        span_start, span_end = _trim(body, start + cut_start, start + cut_end)
        if span_start >= span_end:
            continue
        if spans and not any(char.isalnum() for char in body[span_start:span_end]):
            spans[-1] = (spans[-1][0], span_end)  # a stray closing quote or bracket
        else:
            spans.append((span_start, span_end))
    return spans


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    rest = text[match.end() :].lstrip()
    if not rest:
        return False  # the paragraph's end is a boundary anyway
    following = rest[0]
    if following.islower() or following in ",;:–—-":
        return False
    next_word_match = re.match(r"[\"'“‘(\[]*([A-Za-z]+)", rest)
    next_word = next_word_match[1].lower() if next_word_match else ""
    punctuation = match.group().rstrip("\"'”’»)]")
    if punctuation != ".":
        return True
    before = _WORD_BEFORE.search(text[max(0, match.start() - 40) : match.start()])
    if not before:
        return True
    word = before[1]
    lowered = word.lower().rstrip(".")
    if lowered in _TITLE_ABBREVIATIONS:
        # "Del." is also Delaware, which ends sentences: "in Wilmington, Del. The port ...".
        return next_word in _SENTENCE_STARTERS and lowered in {"st", "sr", "jr", "ft", "mt", "del"}
    if lowered in _INNER_ABBREVIATIONS:
        return False
    if lowered in _NUMBER_ABBREVIATIONS and following.isdigit():
        return False
    if len(word) == 1 and word.isupper():
        return next_word in _SENTENCE_STARTERS
    if "." in word:
        letters = word.replace(".", "")
        if letters.isupper():  # U.S., U.N., D.C.
            return next_word in _SENTENCE_STARTERS
        return True  # a.m., p.m.
    if lowered in {"inc", "ltd", "corp", "co", "bros", "plc", "llc", "jr", "sr"}:
        return next_word in _SENTENCE_STARTERS
    return True
