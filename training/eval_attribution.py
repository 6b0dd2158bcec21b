"""Measure claimant attribution on PolNeAR: is a queued claim's claimant the annotated source?

    .venv/bin/python training/eval_attribution.py --split dev [--errors 40] [--json out.json]
    # The figures the check-worthiness model card reports (train_checkworthiness.py reads
    # them when it writes the card):
    .venv/bin/python training/eval_attribution.py --split dev \
        --json training/runs/attribution-polnear-dev.json

PolNeAR 1.0 annotates every attribution in news articles from seven US publishers as brat
standoff: Source, Cue and Content spans tied together by an event line. Each article's text goes
through the service's own extraction, as ingestion runs it (document_from_text, then
extract_claims with the shipped check-worthiness scorer), and only the claims that would enter
the review queue (score at or above CLAIM_QUEUE_THRESHOLD) are judged.

Which attribution a claim belongs to: the one whose Content spans overlap the claim's characters
most (ties go to the longer Content, the outer attribution of a nested pair). A claim that
overlaps no Content is outside every attribution; it counts for coverage only.

How a claimant is judged against the annotated Source (the span as annotated, which may carry
an apposition: "Michael Briggs, a spokesman for Sanders,"):
- strict: the claimant names the same source. The Source is cut at its commas into parts (the
  name and its appositions: "Sanders's campaign manager, Jeff Weaver"); the claimant is right
  when, with case, leading determiners, party tags ("(D-Mo.)"), possessive endings and
  punctuation set aside, it equals one of the parts; or, for a person, when the names agree
  once titles are set aside and one is the other's trailing words ("Morris" and "Haley Morris",
  "Mr. Trump" and "Donald Trump"): news style names a person in full once and by surname after,
  so within one article both point at the same person.
- lenient: strict, or the claimant and the Source share a content word ("Trump" for "the Trump
  campaign", "Washington Post" for "the Washington Post's fact-checkers").
Pronoun sources ("he", "who", "I") are judged against an approximate antecedent: the nearest
annotated non-pronoun Source before the pronoun (a person for he, she, I; any for they, we, it).
PolNeAR has no coreference, so that row is indicative only; the targets leave pronouns out.

Source types, decided from the annotated span alone: pronoun; named person (a part that is a
run of capitalised name words after titles); organisation or document (an organisation word or
an acronym: campaign, committee, poll, report, CNN); descriptive (the rest: "a senior official",
"voters"). Cue class: "said" when the cue says, tells or is "according to" (in any tense,
with auxiliaries), "other" for the rest.

The scorer's probabilities are cached by sentence (in memory, and in --score-cache when given):
the shipped model scores sentences one at a time, so a cached probability is the one it would
give again.
"""

# News text uses typographic quotes and apostrophes, so this file must too.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

POLNEAR = ROOT.parent / "shared" / "datasets" / "polnear"
SOURCE_TYPES = ("named person", "organisation", "descriptive", "pronoun")
CUE_CLASSES = ("said", "other")


# --- Reading PolNeAR ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    source: str  # '' when the attribution has no source
    source_start: int  # -1 without a source
    cue: str
    content: tuple[tuple[int, int], ...]

    @property
    def content_length(self) -> int:
        return sum(end - start for start, end in self.content)


@dataclass(slots=True)
class PolnearArticle:
    name: str
    text: str
    attributions: list[GoldAttribution]


def _fragments(offsets: str) -> list[tuple[int, int]]:
    pieces = []
    for piece in offsets.split(";"):
        start, end = piece.split()
        pieces.append((int(start), int(end)))
    return pieces


def parse_ann(ann: str, text: str) -> list[GoldAttribution]:
    """The attributions of one brat standoff file, span texts read from `text` by offset.

    The text column of a T line is not used: a span that crosses a line break spills onto the
    next lines of the file.
    """
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events = []
    for line in ann.splitlines():
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        if fields[0].startswith("T"):
            kind, _, offsets = fields[1].partition(" ")
            try:
                spans[fields[0]] = (kind, _fragments(offsets))
            except ValueError:
                continue
        elif fields[0].startswith("E"):
            events.append(fields[1].split())
    attributions = []
    for roles in events:
        source: list[tuple[int, int]] = []
        cue: list[tuple[int, int]] = []
        content: list[tuple[int, int]] = []
        for role_ref in roles:
            role, _, ref = role_ref.partition(":")
            role = role.rstrip("0123456789")
            if ref not in spans:
                continue
            if role == "Source":
                source += spans[ref][1]
            elif role == "Cue":
                cue += spans[ref][1]
            elif role == "Content":
                content += spans[ref][1]
        if not content:
            continue
        attributions.append(
            GoldAttribution(
                source=" ".join(text[start:end] for start, end in source).strip(),
                source_start=min(start for start, _ in source) if source else -1,
                cue=" ".join(text[start:end] for start, end in cue).strip(),
                content=tuple(sorted(content)),
            )
        )
    return attributions


def read_split(folder: Path) -> list[PolnearArticle]:
    """The articles of a PolNeAR folder holding text/ and attributions/.

    An article annotated by several people (PolNeAR's reliability sample) is read in the
    annotation whose annotator code sorts first, so every run reads the same one.
    """
    annotations: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        name = path.stem.rsplit("_", 1)[0]
        annotations.setdefault(name, path)
    articles = []
    for text_path in sorted((folder / "text").glob("*.txt")):
        ann_path = annotations.get(text_path.stem)
        if ann_path is None:
            continue
        text = text_path.read_text(encoding="utf-8")
        attributions = parse_ann(ann_path.read_text(encoding="utf-8"), text)
        articles.append(PolnearArticle(text_path.stem, text, attributions))
    return articles


# --- Mapping claims back to the article text --------------------------------------------------

_SKIPPED = re.compile(r"[\s\u00ad\u200b-\u200d\u2060\ufeff]")


def _comparable(text: str) -> tuple[str, list[int]]:
    """`text` without white space, invisible or combining characters, decomposed, with the
    index in `text` of each character kept: the body's normalisation changes only these."""
    characters: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if _SKIPPED.match(char):
            continue
        for part in unicodedata.normalize("NFD", char):
            if not unicodedata.combining(part):
                characters.append(part)
                positions.append(index)
    return "".join(characters), positions


class Aligner:
    """Finds each claim of the extracted body in the original text, in order."""

    def __init__(self, text: str) -> None:
        self._text, self._positions = _comparable(text)
        self._cursor = 0

    def locate(self, claim_text: str) -> tuple[int, int] | None:
        needle, _ = _comparable(claim_text)
        if not needle:
            return None
        found = self._text.find(needle, self._cursor)
        if found < 0:
            found = self._text.find(needle)
        if found < 0:
            return None
        self._cursor = found + len(needle)
        return self._positions[found], self._positions[found + len(needle) - 1] + 1


# --- Judging a claimant -----------------------------------------------------------------------

_PRONOUNS = {
    "he", "she", "they", "it", "i", "we", "you", "him", "her", "his", "hers", "its", "their",
    "theirs", "our", "ours", "my", "mine", "your", "them", "us", "me", "who", "whom", "whose",
    "which", "that", "this", "these", "those", "himself", "herself", "themselves", "itself",
    "one", "someone", "somebody", "anyone", "everyone", "everybody", "nobody", "none",
}  # fmt: skip
_PERSON_PRONOUNS = {"he", "she", "i", "him", "her", "his", "me", "my", "himself", "herself"}
_DETERMINERS = {"the", "a", "an"}
_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "representative", "gov",
    "governor", "del", "delegate", "president", "vice", "former", "gen", "general", "lt", "col",
    "adm", "admiral", "prof", "professor", "rev", "reverend", "judge", "justice", "mayor",
    "secretary", "speaker", "chairman", "chairwoman", "leader", "sir", "lady", "lord",
    "prince", "princess", "pope", "sheikh", "spokesman", "spokeswoman", "spokesperson",
    "attorney", "candidate", "nominee", "presidential", "democratic", "republican", "gop",
    "state", "house", "senate", "majority", "minority", "minister", "prime", "chief", "director",
    "ambassador", "commissioner", "congressman", "congresswoman", "assemblyman", "councilman",
    "councilwoman", "sgt", "capt", "maj", "cmdr", "ret", "hon", "first", "u.s", "us", "new",
}  # fmt: skip
_ORGANISATION_WORDS = {
    "campaign", "campaigns", "committee", "party", "poll", "polls", "survey", "surveys",
    "report", "reports", "study", "studies", "analysis", "company", "corporation", "inc",
    "news", "times", "post", "journal", "network", "agency", "department", "administration",
    "court", "government", "office", "institute", "university", "center", "centre", "council",
    "association", "union", "group", "foundation", "bank", "fund", "website", "magazine",
    "newspaper", "paper", "organization", "organisation", "commission", "board", "bureau",
    "house", "senate", "congress", "ministry", "team", "staff", "project", "coalition",
    "alliance", "pac", "super", "press", "tribune", "herald", "gazette", "review", "telegraph",
    "daily", "weekly", "media", "outlet", "show", "program", "programme", "ad", "ads",
    "statement", "data", "figures", "filing", "filings", "records", "documents", "memo",
    "letter", "release", "book", "article", "editorial", "op-ed", "site", "blog", "feed",
    "account", "schedule", "platform", "legislature", "assembly", "firm", "cbs", "cnn", "nbc",
    "abc", "fox", "msnbc", "reuters", "ap", "bloomberg", "politico", "breitbart", "police",
    "fbi", "cia", "rnc", "dnc", "gao", "cbo", "census", "pew", "gallup", "quinnipiac", "npr",
    "white", "pentagon", "kremlin", "army", "navy", "military", "industry",
}  # fmt: skip
_STOPWORDS = {
    "the", "a", "an", "of", "for", "to", "in", "on", "at", "and", "or", "by", "with", "from",
    "his", "her", "its", "their", "our", "who", "which", "that", "this", "former", "new",
    "says", "said", "mr", "mrs", "ms", "dr",
}  # fmt: skip
_PARTY_TAG = re.compile(
    r"\(\s*[RDI](?:-[A-Z][A-Za-z.]*)?\s*\)|\b[RDI]-[A-Z][A-Za-z]{1,3}\.?(?=\W|$)"
)
_PARENTHESIS = re.compile(r"\([^()]*\)")
_TOKEN = re.compile(r"[^\W_][\w.'’-]*")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")
    text = _PARTY_TAG.sub(" ", text)
    return _PARENTHESIS.sub(" ", text)


def _tokens(text: str) -> list[str]:
    tokens = []
    for token in _TOKEN.findall(_plain(text)):
        token = token.rstrip(".'-")
        if token.lower().endswith("'s"):
            token = token[:-2]
        if token:
            tokens.append(token)
    return tokens


def _parts(source: str) -> list[str]:
    """The source cut at its commas: the name and each apposition. A part that goes on in a
    relative clause ("a Mexican official who was not authorized to speak") also gives the
    phrase before it, and a person's name before an affiliation ("David French of the
    National Retail Federation") the name."""
    parts = [part for part in re.split(r"[,;]|\s[–—-]+\s", _plain(source)) if part.strip()]
    heads = []
    for part in parts:
        relative = re.split(r"\s(?:who|which|whose|that)\s", part, maxsplit=1)[0]
        if relative.strip() and relative != part:
            heads.append(relative)
        affiliation = re.split(r"\s(?:of|at|for|from|with|in)\s", part, maxsplit=1)[0]
        if affiliation != part and _person_name(affiliation):
            heads.append(affiliation)
    return parts + heads


def _normalised(text: str) -> str:
    tokens = [token.lower() for token in _tokens(text)]
    while tokens and tokens[0] in _DETERMINERS:
        tokens.pop(0)
    return " ".join(tokens)


def _person_name(part: str) -> list[str] | None:
    """The name words of a part that names a person ("former President Bill Clinton" ->
    [bill, clinton]), None if the part names no person."""
    words = _tokens(part)
    # A possessive closes a description: "The New Republic's Jeet Heer".
    raw = _plain(part).split()
    for index in range(len(raw) - 1, -1, -1):
        if raw[index].rstrip(",.").lower().endswith("'s"):
            words = _tokens(" ".join(raw[index + 1 :]))
            break
    name: list[str] = []
    for word in reversed(words):
        lowered = word.lower()
        if lowered in _TITLES or not word[0].isupper():
            break
        name.append(lowered)
    name.reverse()
    if not name or len(name) > 4:
        return None
    if any(word in _ORGANISATION_WORDS for word in name):
        return None
    if all(word.lower() in _PRONOUNS | _DETERMINERS for word in name):
        return None
    original = [word for word in words if word.lower() in name]
    if any(len(word) > 1 and word.isupper() for word in original):
        return None  # an acronym: CNN, ORC
    if len(name) == 1 and name[0].endswith("s") and name[0][:-1] in _GROUP_STEMS:
        return None
    return name


# Capitalised plurals that name a group, not a person: "Democrats", "Republicans".
_GROUP_STEMS = {
    "democrat", "republican", "american", "conservative", "liberal", "evangelical",
    "progressive", "independent", "latino", "hispanic", "christian", "muslim", "jew",
    "catholic", "mormon", "iranian", "russian", "mexican", "israeli", "palestinian", "european",
    "democratic", "millennial",
}  # fmt: skip


def source_type(source: str) -> str:
    if _normalised(source) in _PRONOUNS or source.strip().lower() in _PRONOUNS:
        return "pronoun"
    parts = _parts(source)
    if parts and any(_person_name(part) for part in parts):
        first = _tokens(parts[0])
        if not any(word.lower() in _ORGANISATION_WORDS for word in first) or _person_name(parts[0]):
            return "named person"
    words = _tokens(parts[0] if parts else source)
    if any(word.lower() in _ORGANISATION_WORDS for word in words) or any(
        len(word) > 1 and word.isupper() for word in words
    ):
        return "organisation"
    if words and words[-1][0].isupper() and not words[-1].lower().endswith("s"):
        return "organisation"  # "The Atlantic", "Univision": a capitalised name of no person
    return "descriptive"


def cue_class(cue: str) -> str:
    lowered = _plain(cue).lower()
    if re.search(r"\b(?:say|says|said|saying|tell|tells|told|telling|according to)\b", lowered):
        return "said"
    return "other"


def strict_match(claimant: str, source: str) -> bool:
    if not claimant.strip():
        return False
    wanted = _normalised(claimant)
    parts = _parts(source)
    if any(_normalised(part) == wanted for part in parts) or _normalised(source) == wanted:
        return True
    claimed = _person_name(claimant) or [token.lower() for token in _tokens(claimant)]
    for part in parts:
        name = _person_name(part)
        if not name or not claimed:
            continue
        shorter, longer = sorted((name, claimed), key=len)
        if longer[len(longer) - len(shorter) :] == shorter:
            return True
    return False


def _content_words(text: str) -> set[str]:
    return {
        token.lower()
        for token in _tokens(text)
        if len(token) > 2 and token.lower() not in _STOPWORDS and token.lower() not in _TITLES
    }


def lenient_match(claimant: str, source: str) -> bool:
    if strict_match(claimant, source):
        return True
    return bool(_content_words(claimant) & _content_words(source))


def antecedent(attributions: Sequence[GoldAttribution], pronoun: GoldAttribution) -> str:
    """The nearest non-pronoun source annotated before `pronoun`: a person for he/she/I."""
    wants_person = pronoun.source.strip().lower() in _PERSON_PRONOUNS
    best_start, best = -1, ""
    for other in attributions:
        if not other.source or not (0 <= other.source_start < pronoun.source_start):
            continue
        kind = source_type(other.source)
        if kind == "pronoun" or (wants_person and kind != "named person"):
            continue
        if other.source_start > best_start:
            best_start, best = other.source_start, other.source
    return best


# --- Running the extraction -------------------------------------------------------------------


class CachedScorer:
    """The shipped scorer, remembering each sentence's probability."""

    def __init__(self, scorer, cache: dict[str, float] | None = None) -> None:
        self._scorer = scorer
        self.version = scorer.version
        self.threshold = scorer.threshold
        self.cache: dict[str, float] = cache if cache is not None else {}

    def score(self, sentences: Sequence[str]) -> list[float]:
        missing = [sentence for sentence in dict.fromkeys(sentences) if sentence not in self.cache]
        if missing:
            for sentence, probability in zip(missing, self._scorer.score(missing), strict=True):
                self.cache[sentence] = probability
        return [self.cache[sentence] for sentence in sentences]


def queue_threshold() -> float:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.base")
    from django.conf import settings

    return float(settings.CLAIM_QUEUE_THRESHOLD)


@dataclass
class Judged:
    article: str
    claim: str
    claimant: str
    source: str
    gold: str  # what the claimant is compared with: the source, or a pronoun's antecedent
    cue: str
    source_type: str
    cue_class: str
    strict: bool
    lenient: bool


@dataclass
class Report:
    articles: int = 0
    queued: int = 0
    unaligned: int = 0
    in_attribution: int = 0
    without_source: int = 0
    judged: list[Judged] = field(default_factory=list)
    seconds: float = 0.0


def evaluate(articles: Sequence[PolnearArticle], scorer, threshold: float) -> Report:
    from articles.extraction.claims import extract_claims
    from articles.extraction.documents import NoMainTextError, document_from_text

    report = Report()
    started = time.perf_counter()
    for article in articles:
        try:
            document = document_from_text(article.text)
        except NoMainTextError:
            continue
        report.articles += 1
        aligner = Aligner(article.text)
        for claim in extract_claims(document.body, scorer=scorer):
            if claim.score < threshold:
                continue
            report.queued += 1
            located = aligner.locate(claim.text)
            if located is None:
                report.unaligned += 1
                continue
            start, end = located
            best, best_overlap = None, 0
            for attribution in article.attributions:
                overlap = sum(
                    max(0, min(end, c_end) - max(start, c_start))
                    for c_start, c_end in attribution.content
                )
                if overlap > best_overlap or (
                    overlap == best_overlap
                    and overlap
                    and best is not None
                    and attribution.content_length > best.content_length
                ):
                    best, best_overlap = attribution, overlap
            if best is None:
                continue
            report.in_attribution += 1
            if not best.source:
                report.without_source += 1
                continue
            kind = source_type(best.source)
            gold = antecedent(article.attributions, best) if kind == "pronoun" else best.source
            report.judged.append(
                Judged(
                    article=article.name,
                    claim=claim.text,
                    claimant=claim.claimant,
                    source=best.source,
                    gold=gold,
                    cue=best.cue,
                    source_type=kind,
                    cue_class=cue_class(best.cue),
                    strict=bool(gold) and strict_match(claim.claimant, gold),
                    lenient=bool(gold) and lenient_match(claim.claimant, gold),
                )
            )
    report.seconds = time.perf_counter() - started
    return report


# --- Reporting --------------------------------------------------------------------------------


def _row(label: str, rows: Sequence[Judged]) -> dict:
    count = len(rows)
    return {
        "group": label,
        "claims": count,
        "strict": sum(row.strict for row in rows) / count if count else 0.0,
        "lenient": sum(row.lenient for row in rows) / count if count else 0.0,
        "no_claimant": sum(not row.claimant for row in rows) / count if count else 0.0,
    }


def summary(report: Report) -> dict:
    judged = report.judged
    named = [row for row in judged if row.source_type != "pronoun"]
    groups = [
        _row("non-pronoun sources (target)", named),
        _row("  cue said/told/according to", [r for r in named if r.cue_class == "said"]),
        _row("  cue other", [r for r in named if r.cue_class == "other"]),
    ]
    for kind in SOURCE_TYPES:
        rows = [row for row in judged if row.source_type == kind]
        label = kind + (" (approx.)" if kind == "pronoun" else "")
        groups.append(_row(label, rows))
        for cue in CUE_CLASSES:
            groups.append(_row(f"  {cue}", [row for row in rows if row.cue_class == cue]))
    groups.append(_row("all sources", judged))
    return {
        "articles": report.articles,
        "queued_claims": report.queued,
        "unaligned": report.unaligned,
        "in_attribution": report.in_attribution,
        "in_attribution_without_source": report.without_source,
        "judged": len(judged),
        "coverage": report.in_attribution / report.queued if report.queued else 0.0,
        "seconds": round(report.seconds, 1),
        "groups": groups,
    }


def print_summary(split: str, figures: dict, threshold: float) -> None:
    queued = figures["queued_claims"]
    print(
        f"PolNeAR {split}: {figures['articles']} articles, {queued} queued claims "
        f"(score >= {threshold}), {figures['unaligned']} not found in the text"
    )
    print(
        f"coverage: {figures['in_attribution']} queued claims inside an attribution "
        f"({figures['coverage']:.1%}); {figures['in_attribution_without_source']} of them "
        f"without a source; {figures['judged']} judged"
    )
    print(f"{'group':34} {'claims':>7} {'strict':>7} {'lenient':>8} {'no claimant':>12}")
    for group in figures["groups"]:
        print(
            f"{group['group']:34} {group['claims']:7d} {group['strict']:7.1%} "
            f"{group['lenient']:8.1%} {group['no_claimant']:12.1%}"
        )
    print(f"({figures['seconds']} s)")


def print_errors(report: Report, count: int, kinds: set[str], cues: set[str]) -> None:
    misses = [
        row
        for row in report.judged
        if not row.strict and row.source_type in kinds and row.cue_class in cues
    ]
    reasons = Counter("no claimant" if not row.claimant else "other name" for row in misses)
    print(f"\n{len(misses)} misses: {dict(reasons)}; showing {min(count, len(misses))}")
    step = max(1, len(misses) // count) if count else 1
    for row in misses[::step][:count]:
        text = " ".join(row.claim.split())
        print(f"- [{row.source_type} / {row.cue!r}] gold {row.gold!r} got {row.claimant!r}")
        print(f"    {text[:300]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", help="train or dev (a folder of --data)")
    parser.add_argument("--data", type=Path, default=POLNEAR)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--errors", type=int, default=0, help="print N misses")
    parser.add_argument(
        "--error-types", default="named person,organisation,descriptive", help="of these types"
    )
    parser.add_argument("--error-cues", default="said,other", help="of these cue classes")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--dump", type=Path, help="write every judged claim here (JSON lines)")
    parser.add_argument("--score-cache", type=Path, help="keep sentence probabilities here")
    arguments = parser.parse_args()

    from articles.extraction.scorer import load_scorer

    real_scorer = load_scorer()
    # The cache holds one model's probabilities: another model starts it afresh.
    caches: dict[str, dict[str, float]] = {}
    if arguments.score_cache and arguments.score_cache.exists():
        caches = pickle.loads(arguments.score_cache.read_bytes())
    scorer = CachedScorer(real_scorer, caches.setdefault(real_scorer.version, {}))
    threshold = queue_threshold()
    articles = read_split(arguments.data / arguments.split)
    if arguments.limit:
        articles = articles[: arguments.limit]
    report = evaluate(articles, scorer, threshold)
    if arguments.score_cache:
        arguments.score_cache.write_bytes(pickle.dumps(caches))
    figures = summary(report)
    print_summary(arguments.split, figures, threshold)
    if arguments.errors:
        print_errors(
            report,
            arguments.errors,
            set(arguments.error_types.split(",")),
            set(arguments.error_cues.split(",")),
        )
    if arguments.dump:
        with arguments.dump.open("w", encoding="utf-8") as out:
            for row in report.judged:
                out.write(json.dumps(row.__dict__, ensure_ascii=False) + "\n")
    if arguments.json:
        figures = {
            "split": arguments.split,
            "model": real_scorer.version,
            "queue_threshold": threshold,
            **figures,
        }
        arguments.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
