"""Who makes a claim: the speaker a sentence attributes it to, or the one it carries over.

News text attributes statements in a handful of ways, all handled here:
- reporting clauses before or after the content ("Kirby said ...", "..., Kabulov explained.",
  '"...," said Mayor Tom Bell'), or a participle ("..., saying:", "lied saying ...");
- "according to X";
- transcript speaker labels ("OKAFOR: ...");
- quotations that go on in the next sentence or paragraph, and "He said" after a named
  speaker: both keep the previous speaker.

Names are returned as written in the article, without their titles ("Admiral John Kirby" is
John Kirby, title "Admiral"), and a surname alone is widened to the full name the article
used earlier ("Kirby" is John Kirby once "John Kirby" appeared).
"""

# News text uses typographic quotes and apostrophes, so this file must too.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .segmentation import Sentence, quotation_spans


@dataclass(frozen=True, slots=True)
class Attribution:
    name: str  # '' when the sentence only points back ("He said")
    title: str = ""
    cue: str = ""  # what attributes it: "said", "according to", "speaker label", ...


# Verbs that report speech, writing or a stated estimate or finding.
_REPORTING_VERBS = (
    "said|says|say|told|tells|added|adds|explained|explains|estimated|estimates|estimate|"
    "claimed|claims|stated|states|noted|notes|warned|warns|reported|reports|announced|"
    "announces|insisted|insists|argued|argues|wrote|writes|tweeted|posted|confirmed|confirms|"
    "denied|denies|acknowledged|acknowledges|admitted|admits|headlined|declared|declares|"
    "predicted|predicts|forecast|forecasts|projected|projects|calculated|calculates|found|"
    "finds|showed|shows|show|revealed|reveals|indicated|indicates|suggested|suggests|repeated|"
    "concluded|concludes|testified|recalled|disclosed|asserted|asserts|alleged|alleges|"
    "maintained|maintains|stressed|stresses|emphasised|emphasized|believes|thinks|sees|"
    "replied|responded|continued|counted|recorded|put|puts|called|calls|cautioned|pointed out|"
    "expected|expects"
)
_REPORTING = re.compile(rf"\b(?:{_REPORTING_VERBS})\b")
# Verbs that attribute only when a quotation follows: "He called "(t)he rise ..." a threat".
_QUOTE_ONLY_VERBS = {"called", "calls", "put", "puts", "continued"}
_PARTICIPLES = re.compile(
    r"\b(?:saying|claiming|adding|noting|arguing|insisting|stating|warning|explaining|"
    r"estimating|declaring|asserting|alleging|writing|reporting|announcing|telling|"
    r"stressing|insisting)\b"
)
_ACCORDING_TO = re.compile(r"\baccording to\b", re.IGNORECASE)
# Verbs that may stand between a speaker and the reporting verb: "has said", "also told".
_AUXILIARIES = {
    "also", "later", "previously", "recently", "earlier", "further", "repeatedly", "has",
    "have", "had", "would", "will", "separately", "then", "again", "once", "has also",
    "publicly", "privately", "first", "last", "subsequently", "reportedly",
}  # fmt: skip

# Lower-case words that belong to a speaker's description: "State Department spokesman",
# "Media reports", "the ministry".
_ROLE_WORDS = {
    "spokesman", "spokeswoman", "spokesperson", "spokespeople", "minister", "official",
    "officials", "chief", "ambassador", "secretary", "director", "head", "commander", "analyst",
    "analysts", "economist", "economists", "professor", "researcher", "researchers", "president",
    "chairman", "chairwoman", "chair", "envoy", "representative", "adviser", "advisor", "aide",
    "expert", "experts", "officer", "general", "reports", "report", "sources", "source",
    "intelligence", "media", "police", "ministry", "government", "statement", "data", "figures",
    "survey", "study", "scientists", "agency", "authorities", "leader", "founder", "executive",
    "manager", "lawyer", "attorney", "prosecutor", "prosecutors", "investigators", "witnesses",
    "residents", "doctors", "military", "army", "coalition", "monitor", "activists",
    "observers", "correspondent", "department", "office", "institute", "spokespersons",
    "regulator", "watchdog", "union", "company", "firm", "bank", "council", "committee",
    "commission", "organisation", "organization", "group", "campaigners", "inspectors",
    "statistician", "statisticians", "representatives", "staff", "team", "board", "councillors",
    "councilors", "lawmakers", "legislators", "senators", "ministers", "critics", "opponents",
    "supporters", "unions", "meteorologists", "forecasters", "forecaster", "traders",
    "businesses", "counts", "records", "analysis", "documents", "census",
    "filings", "statistics", "poll", "polls", "estimates", "calculations", "consultancy",
    "agencies", "ministries", "governments", "department's", "officials'",
    "newspaper", "broadcaster", "channel", "website", "outlet", "lab", "laboratory", "hospital",
    "authority", "service", "administration", "bureau", "inspectorate", "utility",
}  # fmt: skip
_CONNECTORS = {"of", "for", "to", "at", "and", "de", "del", "da", "al", "bin", "von", "van",
               "der", "du", "la", "le", "on"}  # fmt: skip
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her"}

# Capitalised words that are part of a title, not of a name.
_TITLE_WORDS = {
    "admiral", "adm", "general", "gen", "colonel", "col", "lieutenant", "lt", "major", "maj",
    "captain", "capt", "sergeant", "sgt", "commander", "cmdr", "marshal", "brigadier", "brig",
    "corporal", "private", "dr", "mr", "mrs", "ms", "mx", "prof", "professor", "president",
    "vice", "prime", "minister", "secretary", "secretary-general", "spokesman", "spokeswoman",
    "spokesperson", "ambassador", "senator", "sen", "rep", "representative", "governor", "gov",
    "mayor", "chief", "director", "director-general", "chairman", "chairwoman", "chair",
    "judge", "justice", "king", "queen", "prince", "princess", "sheikh", "pope", "bishop", "rev",
    "father", "deputy", "foreign", "defence", "defense", "interior", "finance", "health",
    "chancellor", "premier", "envoy", "staff", "ceo", "cfo", "coo", "executive", "officer",
    "head", "leader", "speaker", "attorney", "economist", "analyst", "inspector",
    "commissioner", "superintendent", "detective", "sir", "dame", "lord", "lady", "emir",
    "ayatollah", "imam", "state", "acting", "former", "senior", "assistant", "associate",
    "undersecretary", "under-secretary", "lt.-gen", "maj.-gen", "ret", "det", "supt", "insp",
    "cpl", "pvt", "hon", "amb", "sgt.", "chairperson", "founder", "co-founder", "managing",
    "principal", "dean", "rector", "provost", "counsel", "whip", "ombudsman",
    "councillor", "councilor", "councilman", "councilwoman", "alderman", "mp", "mep",
    "lawmaker", "congressman", "congresswoman", "assemblyman", "assemblywoman", "delegate",
}  # fmt: skip
# Capitalised words that begin sentences or name no one.
_NOT_NAMES = {
    "the", "a", "an", "this", "that", "these", "those", "it", "its", "but", "and", "or", "so",
    "if", "when", "while", "in", "on", "at", "by", "for", "from", "with", "as", "what", "who",
    "there", "here", "some", "many", "most", "all", "both", "each", "one", "fact", "yet",
    "still", "also", "then", "now", "however", "perhaps", "already", "meanwhile", "today",
    "yesterday", "instead", "asked", "no", "not", "our", "my", "your", "we", "us", "i", "you",
}  # fmt: skip
_PRONOUNS = {"he", "she"}
# Words of organisations, for telling a person's name from an organisation's.
_ORGANISATION_WORDS = re.compile(
    r"\b(?:Agency|Ministry|Department|Office|Institute|Council|Committee|Commission|"
    r"Organi[sz]ation|Association|University|Bank|Fund|Group|Company|Corp|Inc|Ltd|News|Times|"
    r"Post|Service|Forces|Army|Navy|Police|Government|Directorate|Authority|Center|Centre|"
    r"Foundation|Party|Union|Nations|Court|Parliament|Congress|Senate|House|Federation|"
    r"Network|Radio|TV|International|Research|Statistics|Bureau|Board|Reuters|Press|Agence|"
    r"Monitor|Observatory|Trust|Society|League|Alliance|Coalition|Command|Intelligence|"
    r"Hospital|Clinic|School|College|Museum|Charity|Institution|Laboratory|Labs?|Agencies)\b"
)
_SPEAKER_LABEL = re.compile(
    r"^(?P<label>Q|A|(?:[A-Z][A-Z.'’-]+)(?:\s+[A-Z][A-Z.'’-]+){0,3}"
    r"|[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,3})(?:,\s*[A-Z][A-Za-z ]{1,30})?:\s+"
)
_LABEL_WORDS_NOT_SPEAKERS = {
    "FACT", "NOTE", "UPDATE", "CORRECTION", "EDITOR'S NOTE", "WARNING", "BREAKING", "ANALYSIS",
    "OPINION", "COMMENT", "SOURCE", "SOURCES", "PHOTO", "VIDEO", "WATCH", "READ", "LISTEN",
    "UPDATED", "CLARIFICATION", "BACKGROUND", "CONTEXT", "WHY IT MATTERS", "THE GOAL",
}  # fmt: skip
_INTERVIEWER_LABELS = {"Q", "A", "QUESTION", "ANSWER", "INTERVIEWER", "HOST"}
_WORD = re.compile(r"\S+")
# On their own these name a document, not who stated something.
_TOO_VAGUE_SOURCES = {"report", "statement", "data", "figures", "statistics", "analysis",
                      "documents", "records", "estimates", "counts", "poll", "polls"}  # fmt: skip
_QUOTE_CHARS = '"“”«»'


def speaker_label(text: str) -> tuple[str, int] | None:
    """(speaker, length of the label) for a transcript line such as "OKAFOR: We counted...".

    The label is either in capitals or a full name of two to four words, so that "Fact:" or
    "The goal:" in running text are not taken for speakers. An interviewer's "Q:" has
    speaker ''.
    """
    match = _SPEAKER_LABEL.match(text)
    if not match:
        return None
    label = match["label"].strip()
    if label.upper() in _LABEL_WORDS_NOT_SPEAKERS or label.lower() in _NOT_NAMES:
        return None
    if label.upper() in _INTERVIEWER_LABELS:
        return "", match.end()
    if label.isupper():
        label = " ".join(word.capitalize() for word in label.split())
    return label, match.end()


def label_only(text: str) -> str | None:
    """The speaker of a transcript line that holds only a label ("RACHEL MARTIN, HOST:")."""
    if not text.rstrip().endswith(":"):
        return None
    found = speaker_label(text.rstrip() + " ")
    if found is None or found[1] < len(text.rstrip()):
        return None
    return found[0]


def _strip_word(word: str) -> str:
    return word.strip("\"“”‘’'()[],;:*_")


def _is_capitalised(word: str) -> bool:
    core = _strip_word(word)
    return bool(core) and core[0].isupper()


def _split_name(words: list[str]) -> tuple[str, str] | None:
    """(name, title) from the words of a speaker's description, or None if it names no one."""
    if words and re.fullmatch(r"\([A-Z][A-Za-z.]+\)[,.;:]?", words[-1]):
        words = words[:-1]  # "Office for National Statistics (ONS)"
    words = [_strip_word(word) for word in words]
    words = [word for word in words if word]
    while words and (words[0].lower() in _DETERMINERS or words[0].lower() in _CONNECTORS):
        words = words[1:]
    while words and words[-1].lower() in _CONNECTORS:
        words = words[:-1]
    if not words:
        return None
    last = words[-1]
    if not last[0].isupper():
        # "Media reports", "the ministry", "Russian intelligence": an unnamed source.
        if last.lower() in _ROLE_WORDS and len(words) <= 6:
            if len(words) == 1 and last.lower() in _TOO_VAGUE_SOURCES:
                return None
            return " ".join(words), ""
        return None
    if _ORGANISATION_WORDS.fullmatch(last) and all(
        word[0].isupper() or word.lower() in _CONNECTORS for word in words
    ):
        # "The World Health Organization", "Defense Ministry": the organisation is the name.
        return " ".join(words), ""
    name_start = len(words)
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        bare = word.lower().rstrip(".")
        connector_inside = (
            word.lower() in _CONNECTORS
            and index > 0
            and index < len(words) - 1
            and words[index - 1][0].isupper()
            and bare not in ("and",)
        )
        if connector_inside:
            continue
        if (
            not word[0].isupper()
            or bare in _TITLE_WORDS
            or word.lower() in _TITLE_WORDS
            or word.endswith(("'s", "’s"))
        ):
            break
        name_start = index
    name_words = words[name_start:]
    while name_words and name_words[0].lower() in _CONNECTORS:
        name_words = name_words[1:]
        name_start += 1
    if not name_words:
        return None
    if len(name_words) == 1 and name_words[0].lower() in _NOT_NAMES | _PRONOUNS:
        return None
    return " ".join(name_words), " ".join(words[:name_start])


def _phrase_before(text: str, end: int) -> list[str]:
    """The words of the speaker description that ends at `end`: "... spokesman John Kirby"."""
    words = [match.group() for match in _WORD.finditer(text[:end])]
    phrase: list[str] = []
    # Lower-case modifiers of a source noun ("the state civil defense agency") are kept only
    # if a determiner or a capitalised word closes them off.
    modifiers: list[str] = []
    for position, word in enumerate(reversed(words)):
        if position == 0 and re.fullmatch(r"\([A-Z][A-Za-z.]+\)", word):
            continue  # "The Syrian Arab News Agency (SANA) headlined"
        if position > 0 and (word.endswith((",", ";", ":")) or word[-1] in _QUOTE_CHARS):
            break
        core = _strip_word(word)
        if not core or word[0] in _QUOTE_CHARS:
            break
        lowered = core.lower()
        if core[0].isupper() or lowered in _ROLE_WORDS or lowered in _CONNECTORS:
            phrase.extend(modifiers)
            modifiers = []
            phrase.append(word)
        elif lowered in _DETERMINERS:
            phrase.extend(modifiers)
            modifiers = []
            phrase.append(word)
            break
        elif (
            phrase
            and _strip_word(phrase[0]).lower() in _ROLE_WORDS
            and len(modifiers) < 3
            and core.isalpha()
        ):
            modifiers.append(word)
            continue
        else:
            break
        if len(phrase) >= 14:
            break
    phrase.reverse()
    while phrase and _strip_word(phrase[0]).lower() in _CONNECTORS:
        phrase.pop(0)
    return phrase


_POLLED_BY = re.compile(
    r"\s+(?:polled|surveyed|interviewed|questioned|consulted|quoted|cited) by"
    r"(?:\s+(?:the\s+)?[A-Z][\w&.'’-]*)+"
)
_APPOSITION_START = re.compile(r",\s*(?=(?:who|which|whose|a|an|the|\d{1,3},|[a-z])\b)")


def _apposition(before: str) -> str | None:
    """The text up to the speaker when a description sits between speaker and verb.

    "Tom Rees, who chairs the Eastside Traders' Association, said", "Daniel Osei, chief UK
    economist at Hartwell Capital, said" and "Chiquita, which ships through Wilmington,
    Delaware, said": the speaker stands before the comma that opens the description. When the
    part between commas is itself a name ("Syria's ambassador to Russia, Riad Haddad, said")
    the name is the speaker, and None leaves the text as it is.
    """
    if not before.endswith(","):
        return None
    window_start = max(0, len(before) - 160)
    match = _APPOSITION_START.search(before, window_start, len(before) - 1)
    if not match:
        return None
    return before[: match.start()]


def _phrase_after(text: str, start: int) -> list[str]:
    """The words of a speaker description that starts at `start`: "Mayor Tom Bell, who..."."""
    phrase: list[str] = []
    for match in _WORD.finditer(text, start):
        word = match.group()
        core = _strip_word(word)
        if not core:
            break
        lowered = core.lower()
        describes = core[0].isupper() or lowered in _ROLE_WORDS or lowered in _CONNECTORS
        if not (describes or (lowered in _DETERMINERS and not phrase)):
            break
        phrase.append(word)
        if word.endswith((",", ";", ":", ".")) and lowered.rstrip(".") not in _TITLE_WORDS:
            break
        if len(phrase) >= 16:
            break
    return phrase


def _is_person(name: str) -> bool:
    """True for a person's name as opposed to an organisation or an unnamed source."""
    words = name.split()
    return (
        bool(words)
        and all(word[0].isupper() for word in (words[0], words[-1]))
        and not _ORGANISATION_WORDS.search(name)
        and not name.isupper()
    )


def _intro_end(text: str) -> int:
    """Where the subject starts, after an opening adverbial such as "On Thursday,"."""
    match = re.match(
        r"^(?:(?:On|In|At|Last|Earlier|Late|Early|Later|Meanwhile|However|Already|Separately|"
        r"Since|After|Before|During|Yesterday|Today|This|Also|Still|Then|Now)\b[^,]{0,40},\s+)",
        text,
    )
    return match.end() if match else 0


def _after_speech(text: str, cue_end: int) -> bool:
    """True if only a short tail follows the reporting verb: "Kabulov explained."."""
    tail = text[cue_end:].strip(' .!?"”’')
    return len(tail.split()) <= 8 and "," not in tail[:1]


def find_attribution(text: str) -> Attribution | None:
    """The speaker this sentence names, or a pronoun's Attribution('') that needs context."""
    # "Economists polled by Reuters had expected": the economists are the source.
    text = _POLLED_BY.sub("", text)
    trailing = None
    subject = None
    pronoun = None
    for cue in _REPORTING.finditer(text):
        verb = cue.group()
        if verb in _QUOTE_ONLY_VERBS and not re.match(r"\s*[\"“]", text[cue.end() :]):
            continue
        if _REPORTING.match(text, cue.end() + 1):
            continue  # "Media reports said": the first word is a noun
        before = text[: cue.start()].rstrip()
        apposition = _apposition(before)
        if apposition is not None:
            before = apposition
        phrase = _phrase_before(text, len(before))
        preceded_by_break = False
        if phrase:
            head = text[: cue.start()].rstrip()
            lead = head[: len(head) - len(" ".join(phrase))].rstrip()
            preceded_by_break = not lead or lead[-1] in ",;:–—" + _QUOTE_CHARS
        else:
            # Auxiliaries between the speaker and the verb: "Kirby also said".
            words = before.split()
            skipped = 0
            while words and words[-1].lower() in _AUXILIARIES and skipped < 2:
                words.pop()
                skipped += 1
            if skipped:
                phrase = _phrase_before(" ".join(words), len(" ".join(words)))
        if phrase:
            if len(phrase) == 1 and _strip_word(phrase[0]).lower() in _PRONOUNS:
                pronoun = pronoun or Attribution("", "", verb)
                continue
            split = _split_name(phrase)
            if split:
                attribution = Attribution(split[0], split[1], verb)
                if preceded_by_break and _after_speech(text, cue.end()):
                    trailing = attribution
                elif subject is None:
                    subject = attribution
                continue
        # Inversion: '"...," said Mayor Tom Bell' or ", added the ministry".
        lead = text[: cue.start()].rstrip()
        if lead and lead[-1] in ",;" + _QUOTE_CHARS:
            after = _phrase_after(text, cue.end())
            split = _split_name(after) if after else None
            if split:
                trailing = Attribution(split[0], split[1], verb)
    if trailing:
        return trailing
    if according := _ACCORDING_TO.search(text):
        found = _according_to(text, according.end())
        if found:
            return found
    if subject:
        return subject
    if participle := _PARTICIPLES.search(text):
        found = _sentence_subject(text, participle.group())
        if found:
            return found
    return pronoun


def _according_to(text: str, start: int) -> Attribution | None:
    window = text[start:]
    cut = re.search(r"[;:\"“”]|,\s+(?=[a-z])|\.\s*$|\s[–—]\s", window)
    if cut:
        window = window[: cut.start()]
    # Of several names ("Putin's special representative for Afghanistan, Zamir Kabulov") the
    # speaker is the last one that names a person; else the whole description.
    candidates = []
    for part in re.split(r",\s*", window):
        words = part.split()
        if not words:
            continue
        split = _split_name(words)
        if split:
            candidates.append(split)
    for name, title in reversed(candidates):
        if _is_person(name) and len(name.split()) >= 2:
            return Attribution(name, title, "according to")
    if candidates:
        name, title = candidates[0]
        if len(name.split()) <= 6:
            return Attribution(name, title, "according to")
    return None


def _sentence_subject(text: str, cue: str) -> Attribution | None:
    start = _intro_end(text)
    phrase = _phrase_after(text, start)
    while (
        phrase
        and not _is_capitalised(phrase[-1])
        and (_strip_word(phrase[-1]).lower() not in _ROLE_WORDS)
    ):
        phrase.pop()
    if not phrase:
        return None
    if len(phrase) == 1 and _strip_word(phrase[0]).lower() in _PRONOUNS:
        return Attribution("", "", cue)
    split = _split_name(phrase)
    return Attribution(split[0], split[1], cue) if split else None


# --- Across sentences ---------------------------------------------------------------------------

_NAME_RUN = re.compile(r"\b[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z'’-]+){1,2}\b")


class ClaimantResolver:
    """Resolves speakers sentence by sentence, in order, carrying them across quotations.

    Feed it every sentence of the body in order (not only the claims), since a speaker named in
    a sentence that makes no claim still speaks the quotation that follows.
    """

    def __init__(self, body: str) -> None:
        # Full names in the body, to widen a bare surname to the name the article gave.
        self._full_names: dict[str, str] = {}
        for match in _NAME_RUN.finditer(body):
            split = _split_name(match.group().split())
            if split and len(split[0].split()) >= 2 and _is_person(split[0]):
                self._full_names.setdefault(split[0].split()[-1], split[0])
        self._sources_by_noun: dict[str, str] = {}
        self._last_person: Attribution | None = None
        self._quote_speaker: Attribution | None = None
        self._label_speaker: Attribution | None = None
        self._paragraph = -1

    def full_name(self, name: str) -> str:
        """The fullest form of `name` the article used: "Kirby" -> "John Kirby", "agency" ->
        "state civil defense agency" when that source was named before."""
        if name in self._sources_by_noun:
            return self._sources_by_noun[name]
        if " " in name:
            return name
        return self._full_names.get(name, name)

    def _remember_source(self, name: str) -> None:
        noun = name.split()[-1]
        if not noun[0].isupper() and " " in name:
            self._sources_by_noun[noun] = name

    def resolve(self, sentence: Sentence, text: str, label: str | None) -> Attribution | None:
        """The speaker of `sentence`; `text` is its text without any speaker label, and `label`
        the paragraph's label if it opens with one."""
        if sentence.paragraph != self._paragraph:
            self._label_speaker = None
            if label is not None:
                self._label_speaker = (
                    Attribution(self.full_name(label), "", "speaker label") if label else None
                )
            previous_paragraph, self._paragraph = self._paragraph, sentence.paragraph
            if sentence.paragraph - previous_paragraph > 1:
                self._quote_speaker = None
        stripped = text.lstrip()
        opens_quote = stripped[:1] in '"“«'
        found = find_attribution(text)
        attribution: Attribution | None
        if found and found.name:
            attribution = replace(found, name=self.full_name(found.name))
            self._remember_source(attribution.name)
        elif self._label_speaker:
            attribution = self._label_speaker
        elif found and self._last_person:
            attribution = replace(self._last_person, cue=f"{found.cue} (pronoun)")
        elif opens_quote and self._quote_speaker:
            attribution = replace(self._quote_speaker, cue="quotation continued")
        else:
            attribution = None

        if attribution and _is_person(attribution.name):
            self._last_person = attribution
        spans = quotation_spans(text)
        quotes_or_introduces = bool(spans) or text.rstrip().endswith(":")
        unclosed = bool(spans) and spans[-1][1] >= len(text)
        if attribution and (quotes_or_introduces or unclosed):
            self._quote_speaker = attribution
        elif not opens_quote:
            self._quote_speaker = None
        return attribution
