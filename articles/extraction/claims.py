"""Checkable claims of an article body: sentence spans with kind, claimant, figures and score.

The score starts from the check-worthiness model's probability and moves it, in log-odds, by
the structural signals a fact-checker looks for: a figure, a named source, a comparison, a
dated event; opinion and speculation words move it down. The model's own decision threshold
is the midpoint, so a claim scoring 0.5 is one the model alone would have called borderline.
`reasons` says which of these drove each score.
"""

# News text uses typographic quotes and apostrophes, so this file must too.
# ruff: noqa: RUF001

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Protocol

from .claimants import ClaimantResolver, label_only, speaker_label
from .documents import is_noise
from .quantities import Quantity, find_quantities
from .segmentation import Sentence, quotation_spans, split_sentences

EXTRACTOR_VERSION = "claims-1.0"

# Claims scoring below this are not returned at all: they are sentences nobody would check.
# Between it and CLAIM_QUEUE_THRESHOLD they are kept for triage.
MIN_CLAIM_SCORE = 0.3


class Scorer(Protocol):
    version: str
    threshold: float

    def score(self, sentences: Sequence[str]) -> list[float]: ...


class ClaimKind(StrEnum):
    STATISTIC = "statistic"
    ESTIMATE = "estimate"
    COMPARISON = "comparison"
    QUOTATION = "quotation"
    ATTRIBUTION = "attribution"
    EVENT = "event"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ExtractedClaim:
    text: str  # == body[start:end]
    start: int
    end: int
    kind: ClaimKind
    claimant: str  # '' when unknown
    claimant_title: str
    quantities: list[dict] = field(default_factory=list)
    score: float = 0.0
    model_score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["kind"] = str(self.kind)
        return data


# Log-odds added to the model's, per signal. Small on purpose: the signals only separate
# sentences the model finds equally likely, they do not overrule it.
_WEIGHTS = {
    "statistic": 1.0,
    "estimate": 0.8,
    "attributed": 0.5,
    "comparison": 0.5,
    "event": 0.3,
    "opinion": -1.2,
    "speculation": -0.6,
    "forward-looking": -0.8,
    "only forward-looking": -1.6,
    # Nothing to check it against: no one said it, it counts nothing, dates nothing. In news
    # such a sentence is background; in opinion writing it is the writer's argument.
    "unsourced": -0.8,
    "short": -1.0,
}

_COMPARISON = re.compile(
    # "more than 60 strikes" states one figure and its bound; a comparison sets two things
    # side by side ("more people ... than at any point", "twice as high", "unlike ...").
    r"\b(?:more|less|fewer|greater|higher|lower|larger|smaller|bigger|better|worse|faster|"
    r"slower|cheaper|costlier|stronger|weaker|older|younger|richer|poorer|deadlier|longer|"
    r"shorter|wider|heavier)(?:\s+[\w'’-]+){0,5}?\s+than\b(?!\s+(?:\d|[$€£]|(?:a|an|one|"
    r"half|twice|double|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|"
    r"thousands?|millions?)\b))"
    r"|\b(?:twice|three times|four times|five times|ten times|\d+ times)\s+(?:as|more|less|"
    r"higher|lower|larger|greater|faster|the)\b"
    r"|\bcompared (?:with|to)\b|\bin comparison (?:with|to)\b|\bunlike\b"
    r"|\bsurpass(?:es|ed|ing)?\b|\boutnumber(?:s|ed)?\b|\boutpac(?:e|es|ed)\b"
    r"|\boutperform(?:s|ed)?\b|\b(?:doubled|tripled|halved)\b",
)
_ESTIMATE_WORDS = re.compile(
    r"\b(?:estimat\w*|projected|projections?|forecasts?|roughly|approximately|expected to)\b",
)
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_TIME_EXPRESSION = re.compile(
    rf"\b(?:on|last|this|late|early|since)\s+{_WEEKDAYS}\b|\b{_WEEKDAYS}\b"
    rf"|\b(?:on|in|since|by|from|until)\s+{_MONTHS}(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?\b"
    rf"|\b{_MONTHS}\s+\d{{1,2}}\b|\b(?:yesterday|overnight|this (?:week|month|year)|"
    r"last (?:week|month|year|night)|earlier (?:this|in the) (?:week|month|year)|"
    r"(?:in|since) (?:19|20)\d{2})\b",
)
_PAST_ACTION = re.compile(
    r"\b(?:\w{3,}ed|began|struck|met|held|took|won|lost|fled|shot|hit|led|sent|made|came|went|"
    r"fell|rose|spoke|gave|sold|bought|paid|left|began|broke|brought|built|caught|chose|drew|"
    r"drove|flew|froze|grew|hid|kept|laid|overtook|ran|sank|sat|saw|set|shut|slid|stood|stole|"
    r"swept|threw|tore|woke|wrote|issued|signed|opened|had to)\b"
)
_OPINION = re.compile(
    r"\b(?:i think|i believe|in my (?:view|opinion)|we must|should|ought to|deserves?|"
    r"ludicrous\w*|lunatic|shameful|outrageous|disgrace\w*|big lie|imagine|no doubt|surely|"
    r"obviously|righteous|evil|heroic|foolish\w*|absurd\w*|insane|tyranny|bull(?:y|ies)|"
    r"death blow|so-called|dirty game|walkover|flummoxed|frantic|monster|good guy|"
    r"shameless\w*|brilliant|disastrous|pathetic|scandalous|hypocri\w+|propaganda|lies?|"
    r"lied|it is time|time to|let us|let's|we need|needs? to|must)\b",
)
# What is yet to happen cannot be checked yet: plans, schedules, forecasts.
_FORWARD_LOOKING = re.compile(
    r"\b(?:will|shall|(?:is|are|was|were) (?:due|set|expected|likely|poised) to|expects?|"
    r"(?:is|are|was|were) expected (?:over|later|next|this|in)|next (?:meets|week|month|year)|"
    r"plans? to|intends? to|(?:is|are) going to|promised|pledged to|vowed to)\b",
)
# A fact already there: a past or present-perfect verb. A sentence that has one besides its
# plans ("voted on Tuesday to approve ..., which will keep ...") still states something to check.
_ACCOMPLISHED = re.compile(r"\b(?:has|have|had) (?:\w+ly )?\w+(?:ed|en|wn|un|ught|ade|ot|id)\b")
_SPECULATION = re.compile(
    r"\b(?:may|might|perhaps|maybe|possibly|could|would|if)\b",
)
# A wire dateline before the first sentence: "KYIV, May 4 (Reuters) - ",
# "HAMBURG, Germany — April 24, 2024 — ", "Dec 29 (Reuters) - ", "(CNN)".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .'’-]{2,40}(?:,\s*[A-Z][\w.]*(?:\s+[\w.]+){0,3}){0,2}\s*"
    r"(?:\([A-Za-z .]{2,30}\)\s*)?"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*\([A-Za-z .]{2,30}\)\s*)"
    r"[-–—_]{1,2}\s+"
    r"(?:[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4}\s*[-–—]{1,2}\s+)?"
    r"|^\((?:[A-Z][A-Za-z]{1,20})\)\s*(?=[A-Z“\"])"
)
# What is left of a dateline whose place ends in an abbreviation, which the sentence splitter
# took for a sentence of its own ("ORLANDO, Fla." and "(Reuters) - President Barack ...").
_DATELINE_REST = re.compile(r"^\([A-Za-z .]{2,30}\)\s*[-–—_]{1,2}\s+")
# A heading that the body's line structure ran into the sentence below it: a short first line
# without closing punctuation or quotation marks.
_HEADING_BEFORE_BREAK = re.compile(r"[A-Z][^\n.!?:;\"“”]{0,120}\n+")
_HEADING_MAX_WORDS = 15


def extract_claims(
    body: str, *, scorer: Scorer | None = None, min_score: float = MIN_CLAIM_SCORE
) -> list[ExtractedClaim]:
    """The claims of `body` that score at least `min_score`, in the order they appear.

    `body` is a Document.body (normalised, boilerplate removed). Without a scorer the
    process-wide check-worthiness model is loaded, which raises ScorerUnavailable when its
    files are missing.
    """
    if scorer is None:
        from .scorer import load_scorer

        scorer = load_scorer()
    candidates = list(_candidates(body))
    if not candidates:
        return []
    probabilities = scorer.score([candidate.text for candidate in candidates])
    claims = []
    for candidate, probability in zip(candidates, probabilities, strict=True):
        claim = _scored(candidate, probability, scorer.threshold)
        if claim.score >= min_score:
            claims.append(claim)
    return claims


@dataclass(slots=True)
class _Candidate:
    text: str
    start: int
    end: int
    claimant: str
    claimant_title: str
    quantities: list[Quantity]
    quotes: bool
    signals: dict[str, bool]
    kind: ClaimKind


def _candidates(body: str):
    sentences = split_sentences(body)
    resolver = ClaimantResolver(body)
    # A transcript may put the speaker's label on a line of its own ("RACHEL MARTIN, HOST:").
    pending_label: str | None = None
    index = 0
    while index < len(sentences):
        sentence = sentences[index]
        index += 1
        start = sentence.start
        label: str | None = None
        if sentence.first_in_paragraph:
            if (own_line := label_only(sentence.text)) is not None:
                pending_label = own_line
                continue
            if found_label := speaker_label(sentence.text):
                label, label_length = found_label
                start += label_length
            elif dateline := _DATELINE.match(sentence.text):
                start += dateline.end()
            if label is None and pending_label is not None:
                label = pending_label
            pending_label = None
        elif rest := _DATELINE_REST.match(sentence.text):
            start += rest.end()
        if (heading := _HEADING_BEFORE_BREAK.match(body, start, sentence.end)) and len(
            heading.group().split()
        ) <= _HEADING_MAX_WORDS:
            start = heading.end()
        end = sentence.end
        attribution = resolver.resolve(sentence, body[start:end], label)
        # A lead-in ("... issued a statement, saying:") ends its paragraph and introduces the
        # quotation below it: the two are one claim, said by the lead-in's speaker.
        if _is_lead_in(sentence, sentences, index):
            introduced = sentences[index]
            index += 1
            quoted = resolver.resolve(introduced, introduced.text, None)
            if attribution is None or not attribution.name:
                attribution = quoted
            end = introduced.end
        text = body[start:end]
        if not _is_claim_shaped(text) or is_noise(text):
            continue
        quantities = find_quantities(text, offset=start)
        # Reported speech, as opposed to a transcript's speaker talking in the first person.
        reported = (
            attribution is not None
            and bool(attribution.name)
            and (attribution.cue != "speaker label")
        )
        quotes = _has_direct_quote(text) or (
            attribution is not None and attribution.cue == "quotation continued"
        )
        # Word lists are matched against lower-cased text: much faster than IGNORECASE
        # over long alternations, and only whether they match is used, not where.
        lowered = text.lower()
        signals = {
            "statistic": any(not q.approximate for q in quantities),
            "estimate": any(q.approximate for q in quantities)
            or (bool(quantities) and bool(_ESTIMATE_WORDS.search(lowered))),
            "comparison": bool(_COMPARISON.search(lowered)),
            "event": bool(_TIME_EXPRESSION.search(text) and _PAST_ACTION.search(text)),
            "opinion": bool(_OPINION.search(lowered)),
            "speculation": bool(_SPECULATION.search(lowered)),
            "forward-looking": bool(_FORWARD_LOOKING.search(lowered)),
            "accomplished": bool(_PAST_ACTION.search(text) or _ACCOMPLISHED.search(lowered)),
            "short": len(text.split()) < 8,
        }
        yield _Candidate(
            text=text,
            start=start,
            end=end,
            claimant=attribution.name if attribution else "",
            claimant_title=attribution.title if attribution else "",
            quantities=quantities,
            quotes=quotes,
            signals=signals,
            kind=_kind(signals, quotes, reported),
        )


def _is_lead_in(sentence: Sentence, sentences: list[Sentence], following: int) -> bool:
    """True if `sentence` ends its paragraph with a colon and the next paragraph follows."""
    if not sentence.text.rstrip(" *_").endswith(":") or following >= len(sentences):
        return False
    introduced = sentences[following]
    return introduced.first_in_paragraph and introduced.paragraph == sentence.paragraph + 1


def _is_claim_shaped(text: str) -> bool:
    """False for headings, questions, fragments: sentences that state nothing to check."""
    words = text.split()
    if len(words) < 5:
        return False
    stripped = text.rstrip("\"'”’)» ")
    # A question asks; a lead-in ending in a colon introduces what follows and states nothing
    # without it (one that has it is joined to it before this test).
    if stripped.endswith(("?", ":")):
        return False
    return bool(re.search(r"[.!…;\"”’)]$", text.rstrip())) or len(words) >= 12


def _has_direct_quote(text: str) -> bool:
    for open_at, close_at in quotation_spans(text):
        # Two words in quotes are usually scare quotes ("opposition groups"), not a quotation.
        if len(text[open_at + 1 : close_at].split()) >= 3:
            return True
    return False


def _kind(signals: dict[str, bool], quotes: bool, attributed: bool) -> ClaimKind:
    if signals["comparison"]:
        return ClaimKind.COMPARISON
    if signals["estimate"]:
        return ClaimKind.ESTIMATE
    if signals["statistic"]:
        return ClaimKind.STATISTIC
    if quotes:
        return ClaimKind.QUOTATION
    if signals["event"]:
        return ClaimKind.EVENT
    if attributed:
        return ClaimKind.ATTRIBUTION
    return ClaimKind.OTHER


def _logit(probability: float) -> float:
    probability = min(max(probability, 1e-4), 1 - 1e-4)
    return math.log(probability / (1 - probability))


def _scored(candidate: _Candidate, probability: float, threshold: float) -> ExtractedClaim:
    log_odds = _logit(probability) - _logit(threshold)
    reasons = [f"model {probability:.2f}"]
    signals = candidate.signals
    if signals["statistic"]:
        log_odds += _WEIGHTS["statistic"]
        reasons.append("has a statistic")
    elif signals["estimate"]:
        log_odds += _WEIGHTS["estimate"]
        reasons.append("has an estimate")
    if candidate.claimant:
        log_odds += _WEIGHTS["attributed"]
        reasons.append(f"attributed to {candidate.claimant}")
    if signals["comparison"]:
        log_odds += _WEIGHTS["comparison"]
        reasons.append("comparison")
    if signals["event"]:
        log_odds += _WEIGHTS["event"]
        reasons.append("dated event")
    # Opinion words in a quotation are the speaker's, and the quotation itself is checkable.
    if signals["opinion"] and not candidate.quotes:
        log_odds += _WEIGHTS["opinion"]
        reasons.append("opinion wording")
    elif signals["speculation"] and not candidate.quantities:
        log_odds += _WEIGHTS["speculation"]
        reasons.append("speculative")
    sourced_figure = bool(candidate.claimant and candidate.quantities)
    if signals["forward-looking"] and not (signals["accomplished"] or sourced_figure):
        # Nothing but a plan, forecast or promise, quoted or not: nothing to check yet. A
        # figure someone put on the future is a forecast they can be held to, and stays.
        log_odds += _WEIGHTS["only forward-looking"]
        reasons.append("only forward-looking")
    elif signals["forward-looking"] and not candidate.quotes:
        log_odds += _WEIGHTS["forward-looking"]
        reasons.append("forward-looking")
    if not (candidate.claimant or candidate.quantities or candidate.quotes or signals["event"]):
        log_odds += _WEIGHTS["unsourced"]
        reasons.append("no source, figure, quotation or dated event")
    if signals["short"]:
        log_odds += _WEIGHTS["short"]
        reasons.append("short")
    score = 1 / (1 + math.exp(-log_odds))
    return ExtractedClaim(
        text=candidate.text,
        start=candidate.start,
        end=candidate.end,
        kind=candidate.kind,
        claimant=candidate.claimant,
        claimant_title=candidate.claimant_title,
        quantities=[quantity.as_dict() for quantity in candidate.quantities],
        score=round(score, 4),
        model_score=round(probability, 4),
        reasons=reasons,
    )


__all__ = [
    "EXTRACTOR_VERSION",
    "MIN_CLAIM_SCORE",
    "ClaimKind",
    "ExtractedClaim",
    "Scorer",
    "extract_claims",
]
