"""Who makes a claim: the source a sentence attributes it to, or the one it carries over.

News text attributes statements in many ways, all handled here:
- a reporting clause before or after the content, with any reporting verb in any tense and
  with auxiliaries, adverbs or a time phrase between source and verb ("Kirby said ...",
  "The IMF this week said", "The Trump campaign has said", "..., Kabulov explained.",
  '"...," said Charlie King, a prominent New York Democrat', "is expected to say"); the verbs
  go well beyond speech: accused, praised, estimated, warned, tweeted, argued, found, shows;
- a participle or a second verb of the same subject ("..., saying:", "... and vowed to");
- "according to X", including polls and reports;
- transcript speaker labels ("OKAFOR: ...");
- quotations that go on in the next sentence or paragraph, and pronouns ("He said"), which
  point back to the last person named as a speaker or as the subject of a sentence.

Names inside a quotation are never taken for the source. Names are returned as written in the
article, without their titles and party tags ("Sen. Claire McCaskill (D-Mo.)" is Claire
McCaskill, title "Sen."), and a surname alone is widened to the full name the article used
earlier ("Kirby" is John Kirby once "John Kirby" appeared). Sources that name no one are kept
as written: organisations ("Trump campaign"), documents ("New York Times/CBS News poll") and
descriptions ("a senior official").
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
    pronoun: str = ""  # "he", "they", ... when the sentence only points back


# --- Reporting verbs ----------------------------------------------------------------------------

# Verbs whose subject is the source of what follows: speech, writing, a stance, an estimate or
# a finding. They come from the cues annotated in news text (PolNeAR's training articles),
# less those that mostly report an act rather than a statement ("signed", "named", "passed")
# or a position the article itself states ("supports", "opposes").
_REGULAR_CUES = (
    "accuse acknowledge add admit advise affirm agree allege announce answer applaud argue "
    "assert assure attack blame blast boast brag call caution charge cite claim complain "
    "concede conclude condemn confirm contend counter criticise criticize decry declare defend "
    "demand denounce deny describe detail disagree disclose dismiss dispute emphasise "
    "emphasize endorse estimate explain fear forecast hail hint hope imply indicate insist "
    "joke lament maintain mention mock note object observe point post praise predict pledge "
    "project promise propose question quip recall recount recommend reiterate reject remark "
    "repeat reply report respond retort reveal scoff signal slam stress suggest testify thank "
    "threaten tout tweet urge vow warn welcome want expect believe scold rebuke lambast "
    "ridicule deride taunt chide fault concur offer seek order decide express discuss "
    "identify remind push assail credit list reference recognize recognise determine portray "
    "highlight outline decline refuse acknowledge pronounce proclaim characterize "
    "characterise contrast label brand"
)
_IRREGULAR_CUES = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "find": ("find", "finds", "found", "finding"),
    "show": ("show", "shows", "showed", "shown", "showing"),
    "think": ("think", "thinks", "thought", "thinking"),
    "feel": ("feels", "felt"),
    "forecast": ("forecast", "forecasts", "forecasting"),
    "put": ("put",),  # only in "as X put it"
    "state": ("stated", "stating"),  # "state" and "states" are nouns far more often
    "seek": ("seek", "seeks", "sought", "seeking"),
}
# Verbs that take a doubled consonant before -ed and -ing.
_DOUBLING = {"admit", "quip", "slam", "scoff", "regret", "rebut", "commit"}
# Forms that are more often nouns or name something else: cues only where nothing else fits.
_NOUN_FORMS = {
    "calls", "claims", "claim", "reports", "report", "notes", "note", "fears", "fear", "hopes",
    "hope", "plans", "estimates", "estimate", "promise", "promises", "charges", "charge",
    "answer", "answers", "counter", "post", "posts", "project", "projects", "question",
    "questions", "finding", "findings", "attack", "attacks", "call", "want", "wants", "demand",
    "demands", "praise", "detail", "details", "point", "points", "signal", "signals", "hint",
    "hints", "thanks", "remark", "remarks", "warning", "show", "shows", "tweet", "tweets",
    "forecast", "forecasts", "defend", "quip", "reply", "replies", "response", "writing",
}  # fmt: skip
# "Pointed out", "called for": verbs that report only with their particle or an object.
_NEEDS_PARTICLE = {"point": ("out", "to"), "put": ("it",)}
# "Added 5,000 jobs", "showed a profit": these report speech only before a quotation, a clause
# or the end of the sentence.
_SPEECH_ONLY_BEFORE_CLAUSE = {"add", "answer", "counter", "post", "repeat"}


def _inflections(lemma: str) -> tuple[str, ...]:
    if lemma in _IRREGULAR_CUES:
        return _IRREGULAR_CUES[lemma]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        stem = lemma[:-1]
        return lemma, stem + "ies", stem + "ied", lemma + "ing"
    if lemma.endswith("e"):
        ing = lemma + "ing" if lemma.endswith("ee") else lemma[:-1] + "ing"
        return lemma, lemma + "s", lemma + "d", ing
    third = lemma + "es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else lemma + "s"
    stem = lemma + lemma[-1] if lemma in _DOUBLING else lemma
    return lemma, third, stem + "ed", stem + "ing"


_CUE_FORMS: dict[str, str] = {}
for _lemma in (*_REGULAR_CUES.split(), *_IRREGULAR_CUES):
    for _form in _inflections(_lemma):
        _CUE_FORMS.setdefault(_form, _lemma)

# Between a source and its verb: auxiliaries, negation, adverbs, control verbs ("is expected
# to say"), and time phrases ("The IMF this week said", "Clinton on Tuesday told").
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
# Words in -ly that are nouns, not adverbs, next to a verb: "the family said".
_NOT_ADVERBS = ("daily", "weekly", "monthly", "family", "rally", "ally", "supply", "reply",
                "assembly", "early", "bully", "fly", "july")  # fmt: skip
_BETWEEN_SOURCE_AND_VERB = re.compile(
    r"(?:\s+(?:"
    r"has|have|had|is|are|was|were|be|been|being|will|would|could|should|may|might|can|must|"
    r"shall|did|does|do|not|never|n[o’']t|also|later|previously|recently|earlier|further|"
    r"repeatedly|publicly|privately|separately|then|again|once|first|subsequently|reportedly|"
    r"often|already|still|even|just|now|only|long|both|all|each|too|yet|ever|since|quickly|"
    r"immediately|initially|originally|similarly|likewise|flatly|directly|explicitly|"
    r"expected to|going to|likely to|set to|due to|about to|continued to|continues to|"
    r"went on to|goes on to|began to|begins to|seemed to|seems to|appeared to|appears to|"
    r"tried to|tries to|used to|wants to|wanted to|declined to|refused to|decided to|"
    rf"(?!(?:{'|'.join(_NOT_ADVERBS)})\b)[a-z]+ly|"
    rf"(?:on|last|this|next|late|early|earlier|later)\s+(?:{_WEEKDAYS})|{_WEEKDAYS}|"
    r"(?:this|last|next|that|earlier this|late last|early last)\s+"
    r"(?:week|weekend|month|year|morning|afternoon|evening|night|spring|summer|fall|autumn|"
    r"winter)|"
    r"yesterday|today|tonight|in the past|at the time|over the weekend|in recent (?:days|weeks|"
    r"months|years)|"
    rf"in\s+(?:(?:early|late|mid-?)\s*)?(?:{_MONTH_NAMES}|(?:19|20)\d\d)(?:\s+\d{{4}})?"
    r")"
    # A parenthetical between commas: "Cyber security experts, however, said".
    r"|,\s*(?:however|though|too|meanwhile|for example|for instance|in turn|in fact|instead|"
    r"as well|for (?:his|her|their|its) part|in (?:a|an|the) \w+|at the time|"
    rf"(?:on\s+)?(?:{_WEEKDAYS})|yesterday|today|(?:last|this) (?:week|month|year)),"
    r")+$"
)

_ACCORDING_TO = re.compile(r"\baccording to\b", re.IGNORECASE)

# Words that end the subject of a reporting verb, reading back from the verb: the subject of
# a clause does not run past a conjunction or a relative word.
_CLAUSE_WORDS = {
    "that", "which", "who", "whom", "whose", "because", "while", "when", "whenever", "if",
    "as", "and", "but", "or", "nor", "since", "after", "before", "although", "though", "where",
    "whether", "so", "than", "until", "unless", "once", "what", "why", "how", "like",
    "said", "says", "told", "with", "without", "by", "in", "on", "at", "from", "into", "about",
    "over", "under", "against", "during", "through", "between", "among", "amid", "despite",
    "to", "is", "are", "was", "were", "has", "have", "had", "be", "been", "it", "not",
}  # fmt: skip
_SUBJECT_PRONOUNS = {"he", "she", "they", "it", "i", "we", "you"}
_RELATIVE_PRONOUNS = {"who", "which", "that"}
# Words that never head a source: "There are", "This shows", "It found".
_NOT_SOURCE_HEADS = {
    "there", "here", "this", "that", "these", "those", "what", "which", "who", "it", "one",
    "nothing", "something", "everything", "anything", "none", "such", "same", "other",
    "way", "time", "times", "year", "years", "day", "days", "week", "weeks", "month", "months",
    "percent", "%", "lot", "number", "part", "point", "case", "fact", "reason", "result",
    "question", "idea", "thing", "things", "issue",
}  # fmt: skip
# A source description longer than this is a clause, not a name.
_MAX_SOURCE_WORDS = 9

# Party and state tags after a legislator's name: "(D-Mo.)", "(R)", ", D-Mo.,".
_PARTY_TAG = re.compile(
    r"\s*\((?:[RDI]|[RDI]-[A-Z][A-Za-z.]{0,5}|[RDI]-[A-Z][A-Za-z.]{0,5}\s[A-Z][A-Za-z.]*)\)"
    r"|,\s*[RDI]-[A-Z][A-Za-z]{0,4}\.?(?=[,\s])"
)

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
    "judge", "justice", "prince", "princess", "sheikh", "pope", "bishop", "rev",
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
    "del", "rep.", "sen.", "gov.", "del.", "reps", "sens", "candidate", "nominee",
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


_POLLED_BY = re.compile(
    r"\s+(?:polled|surveyed|interviewed|questioned|consulted|quoted|cited) by"
    r"(?:\s+(?:the\s+)?[A-Z][\w&.'’-]*)+"
)
_APPOSITION_START = re.compile(r",\s*(?=(?:who|which|whose|\d{1,3},|[a-z][\w’'-]*)(?:\s|,))")


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


def _is_person(name: str) -> bool:
    """True for a person's name as opposed to an organisation or an unnamed source."""
    words = name.split()
    return (
        bool(words)
        and all(word[0].isupper() for word in (words[0], words[-1]))
        and not _ORGANISATION_WORDS.search(name)
        and not name.isupper()
    )


_INTRO = re.compile(
    r"^(?:(?:On|In|At|Last|Earlier|Late|Early|Later|Meanwhile|However|Already|Separately|"
    r"Since|After|Before|During|Yesterday|Today|This|Also|Still|Then|Now|While|When|Whenever|"
    r"Although|Though|Because|As|If|Unless|Until|Once|Despite|Unlike|Like|With|Without|For|"
    r"From|By|Under|Over|Following|Amid|Asked|Speaking|Instead|But|And|So|Yet|Indeed|"
    r"[A-Z][a-z]+ly|[A-Z][a-z]+ing|(?:[A-Z][a-z]+\s+){1,3}(?:later|earlier|ago))"
    r"\b[^,;:\"“”]{0,120},\s+)"
)


def _intro_end(text: str) -> int:
    """Where the subject starts, after an opening adverbial such as "On Thursday,"."""
    match = _INTRO.match(text)
    return match.end() if match else 0


def _after_speech(text: str, cue_end: int) -> bool:
    """True if only a short tail follows the reporting verb: "Kabulov explained."."""
    tail = text[cue_end:].strip(' .!?"”’')
    return len(tail.split()) <= 8 or tail[:1] == ","


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
        if split is None and (described := _source_from_words(words, "according to")):
            split = (described.name, described.title)
        if split:
            candidates.append(split)
    for name, title in reversed(candidates):
        if _is_person(name) and len(name.split()) >= 2:
            return Attribution(name, title, "according to")
    if candidates:
        name, title = candidates[0]
        if len(name.split()) <= _MAX_SOURCE_WORDS:
            return Attribution(name, title, "according to")
    return None


# --- One sentence -------------------------------------------------------------------------------

_LOWER_WORD = re.compile(r"(?<![\w’'.-])[a-z]+(?![\w’'-])")
# Words that open a noun phrase: reading back from a verb, the subject starts here.
_OPENING_DETERMINERS = {"the", "a", "an", "his", "her", "their", "its", "our", "my", "your",
                        "this", "these", "those"}  # fmt: skip
# Words before a cue form that make it a noun: "the claims", "his report", "new polls".
_NOUN_MARKERS = _OPENING_DETERMINERS | {
    "no", "any", "some", "such", "whose", "every", "each", "of", "new", "public", "recent",
    "latest", "first", "last", "own", "these", "many", "more", "most", "several", "false",
    "repeated", "similar", "other", "two", "three", "in", "on", "for", "with", "about",
}  # fmt: skip
_BE_AUXILIARY = re.compile(r"\b(?:is|are|was|were|been|be)\b")


_DOUBLED_APOSTROPHES = re.compile(r"''")


def _plain_quotes(text: str) -> str:
    """`text` with two apostrophes used as a quotation mark (''Like this,'' she said) turned
    into one double quote and a space, on the side that keeps the quotation's shape."""
    if "''" not in text:
        return text

    def mark(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        opening = (before.isspace() or before in "([—–-") and not after.isspace()
        return ' "' if opening else '" '

    return _DOUBLED_APOSTROPHES.sub(mark, text)


def _masked(text: str) -> str:
    """`text` with quoted words and party tags blanked out, every character where it was.

    What a quotation says is never its own attribution: names and verbs inside it are not the
    source ('"The Patriot Act must go," said Patrick McGinley' is McGinley's). A sentence that
    starts inside a quotation opened in an earlier one is blanked up to its closing mark.
    """
    text = _plain_quotes(text)
    chars = list(text)
    spans = quotation_spans(text)
    first_mark = re.search(r'["“”]', text)
    if first_mark and (not spans or first_mark.start() < spans[0][0]):
        spans.insert(0, (-1, first_mark.start()))
    for open_at, close_at in spans:
        for index in range(open_at + 1, min(close_at, len(chars))):
            if not chars[index].isspace():
                chars[index] = "_"
    masked = "".join(chars)
    masked = _PARTY_TAG.sub(lambda match: " " * len(match.group()), masked)
    return _POLLED_BY.sub(lambda match: " " * len(match.group()), masked)


def _words_before(text: str, end: int, limit: int = 24) -> list[re.Match[str]]:
    matches = list(_WORD.finditer(text, max(0, end - 240), end))
    return matches[-limit:]


def _phrase_back(text: str, end: int) -> tuple[list[str], int, str]:
    """The words of the noun phrase that ends at `end`, where it starts, and the word that
    stopped it ('' at a punctuation mark or the sentence start)."""
    phrase: list[str] = []
    start = end
    stopper = ""
    words = list(reversed(_words_before(text, end)))
    for position, match in enumerate(words):
        word = match.group()
        if position > 0 and (word.endswith((",", ";", ":")) or word[-1] in _QUOTE_CHARS):
            break
        core = _strip_word(word)
        if not core or "_" in core or word[0] in _QUOTE_CHARS or word in ("–", "—", "-", "--"):
            break
        lowered = core.lower()
        if lowered == "and" and phrase and position + 1 < len(words):
            # "Current and former officials", "Democrats and Republicans": one source.
            left = _strip_word(words[position + 1].group())
            if left and (left[0].isupper() or left.lower() in _COORDINATED_MODIFIERS):
                phrase.append(word)
                start = match.start()
                continue
        if lowered in _CLAUSE_WORDS:
            stopper = lowered
            break
        phrase.append(word)
        start = match.start()
        if lowered in _OPENING_DETERMINERS or len(phrase) > 14:
            break
    phrase.reverse()
    return phrase, start, stopper


_COORDINATED_MODIFIERS = {"current", "former", "past", "present", "senior", "local", "state",
                          "federal", "foreign", "domestic", "public", "private"}  # fmt: skip
# After a person's name these open a description: "David French of the National Retail
# Federation", "Stephen Vladeck at the University of Texas".
_AFFILIATION_WORDS = {"of", "at", "for", "from", "with", "in", "on"}


def _source_from_words(words: list[str], cue: str) -> Attribution | None:
    """The source a noun phrase names: a pronoun to resolve, a name, or a description."""
    cores = [_strip_word(word) for word in words]
    cores = [core for core in cores if core]
    if not cores:
        return None
    if len(cores) == 1 and cores[0].lower() in _SUBJECT_PRONOUNS:
        return Attribution("", "", cue, pronoun=cores[0].lower())
    for index, core in enumerate(cores[:-1]):
        if index >= 2 and core in _AFFILIATION_WORDS:
            name = [word for word in cores[:index] if word.lower() not in _OPENING_DETERMINERS]
            last = name[-1].lower().rstrip(".") if name else ""
            tail = _split_name(words[index + 1 :])
            if (
                len(name) >= 2
                and all(word[0].isupper() for word in name[-2:])
                and last not in _TITLE_WORDS
                and _is_person(" ".join(name[-2:]))
                and not (tail and " " in tail[0] and _is_person(tail[0]))
            ):
                words, cores = words[:index], cores[:index]
            break
    head = cores[-1].rstrip(".")
    if not head or head.lower() in _NOT_SOURCE_HEADS or head.lower() in _SUBJECT_PRONOUNS:
        return None
    if head[0].isupper():
        split = _split_name(words)
        if split is None:
            return None
        name, title = split
        return Attribution(_clean_name(name), title, cue)
    # A description: kept as written, without a leading "the" ("the bank" is the bank,
    # "a senior official" stays one of several).
    while cores and cores[0].lower() in ("the", "its", "their"):
        cores = cores[1:]
    if not cores or len(cores) > _MAX_SOURCE_WORDS or not head.isalpha():
        return None
    return Attribution(_clean_name(" ".join(cores)), "", cue)


def _clean_name(name: str) -> str:
    """Without the full stop a sentence end leaves ("Ann Jones." is Ann Jones); "Jr." keeps its."""
    name = name.strip().rstrip(",;:")
    if name.endswith(".") and not re.search(r"\b(?:Jr|Sr|[A-Z])\.$", name):
        name = name[:-1]
    return name.strip()


def _appositive_source(before: str, cue: str) -> Attribution | None:
    """The source of "X, <description>, said": X when it names someone, else the description
    when that is a person's name ("His campaign manager, Jeff Weaver, said")."""
    inner_start = before.rfind(",", 0, len(before) - 1)
    if inner_start < 0 or len(before) - inner_start > 160:
        return None
    inner = before[inner_start + 1 : -1].split()
    outer, _, stopper = _phrase_back(before, inner_start)
    outer_source = _source_from_words(outer, cue) if outer else None
    inner_source = _source_from_words(inner, cue) if inner else None
    inner_is_person = bool(inner_source and _is_person(inner_source.name))
    # "Syria's ambassador to Russia, Riad Haddad,": what a preposition governs is no subject.
    if outer_source and _is_person(outer_source.name) and not (stopper and inner_is_person):
        return outer_source
    if inner_source and inner_is_person:
        return inner_source
    return outer_source or inner_source


# Words that a description set off by commas does not hold, unless in a relative clause.
_FINITE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|can|could|does|did)\b")
_RELATIVE_START = re.compile(r",\s*(?:who|which|whose|whom|where)\b")


def _source_before(masked: str, cue_start: int, cue: str, participle: bool):
    """The source named before a reporting verb, and whether it follows a break (a comma, a
    quotation, a dash) as in "..., Kabulov explained". None when there is no subject."""
    head = masked[:cue_start].rstrip()
    between = _BETWEEN_SOURCE_AND_VERB.search(head, max(0, len(head) - 120))
    end = between.start() if between else len(head)
    auxiliary = bool(between and _BE_AUXILIARY.search(between.group()))
    if participle and not auxiliary:
        return None  # "Kirby lied saying": a participle clause, its subject is the sentence's
    if auxiliary and not participle and cue in _PAST_PARTICIPLES:
        return None  # "were told", "was found": a passive, its subject is not the source
    before = head[:end].rstrip()
    if not before or before[-1] in _QUOTE_CHARS or before.endswith(("—", "–", "--")):
        return None
    found: Attribution | None = None
    if before.endswith(",") and before[:-1] != before[:-1].rstrip():
        before = before[:-1].rstrip()  # the comma after a blanked party tag: "Jones, D-Mo., said"
    if before.endswith(","):
        inner_start = before.rfind(",", 0, len(before) - 1)
        inner = before[inner_start + 1 : -1].split()
        if inner_start >= 0 and 2 <= len(inner) <= 6 and all(_is_capitalised(w) for w in inner):
            # A name set off by commas: "his top aide, Tad Devine, told", "Gov. John Kasich,".
            found = _source_from_words(inner, cue)
            if found is not None and _is_person(found.name) and " " in found.name:
                outer, outer_start, _ = _phrase_back(before, inner_start)
                lead = masked[: outer_start if outer else inner_start + 1].rstrip()
                return found, bool(lead) and lead[-1] in ",;:–—" + _QUOTE_CHARS
        cut = _apposition(before)
        if cut is not None:
            if _FINITE_VERB.search(before, len(cut)) and not _RELATIVE_START.match(
                before, len(cut)
            ):
                return None  # "..., but it is under pressure, said X": a clause, no apposition
            before = cut.rstrip()
        else:
            found = _appositive_source(before, cue)
            if found is None:
                return None
            inner_start = before.rfind(",", 0, len(before) - 1)
            outer, outer_start, _ = _phrase_back(before, inner_start)
            lead = masked[: outer_start if outer else inner_start].rstrip()
            return found, bool(lead) and lead[-1] in ",;:–—" + _QUOTE_CHARS
    phrase, start, stopper = _phrase_back(before, len(before))
    if not phrase:
        if stopper in _RELATIVE_PRONOUNS:
            # "Clinton, who has said ...", "a poll that shows ...": the antecedent speaks.
            relative_at = before.rfind(stopper)
            antecedent = before[:relative_at].rstrip().rstrip(",")
            phrase, start, stopper = _phrase_back(antecedent, len(antecedent))
            if not phrase:
                return None
        else:
            return None
    found = _source_from_words(phrase, cue)
    if found is None:
        return None
    lead = masked[:start].rstrip()
    after_break = bool(lead) and (lead[-1] in ",;:–—" + _QUOTE_CHARS)
    return found, after_break


_PAST_PARTICIPLES = {
    form for form in _CUE_FORMS if form.endswith("ed") or form in ("told", "found", "shown",
    "written", "thought", "said", "felt", "forecast")
}  # fmt: skip


# What may follow an inverted source: "said Tom Bell, who ...", "said Smith in an interview".
_ENDS_INVERTED_SOURCE = {"who", "which", "whose", "in", "on", "at", "during", "after", "before",
                         "from", "with", "when", "while", "as", "to", "about", "by"}  # fmt: skip


def _source_after(masked: str, cue_end: int, cue: str) -> Attribution | None:
    """The source named after an inverted verb: '"...," said Mayor Tom Bell, who ...'."""
    phrase: list[str] = []
    for match in _WORD.finditer(masked, cue_end):
        word = match.group()
        core = _strip_word(word)
        if not core or "_" in core:
            break
        lowered = core.lower()
        if lowered in _WEEKDAY_WORDS or lowered in _ENDS_INVERTED_SOURCE:
            break
        if lowered in _CLAUSE_WORDS or lowered in _VERB_COMPANIONS or lowered in _CUE_FORMS:
            return None  # ", said the flag was removed": a clause, not an inverted source
        if not phrase and not (
            core[0].isupper() or lowered in _OPENING_DETERMINERS or lowered in _ROLE_WORDS
        ):
            return None  # ", said they believed": no source follows the verb
        if (
            lowered in _AFFILIATION_WORDS
            and len(phrase) >= 2
            and _is_person(" ".join(_strip_word(word) for word in phrase[-2:]))
            and _strip_word(phrase[-1]).lower().rstrip(".") not in _TITLE_WORDS
        ):
            break  # "Stephen Vladeck of the University of Texas"
        phrase.append(word)
        if word.endswith((",", ";", ":", "!", "?")) or (
            word.endswith(".")
            and lowered.rstrip(".") not in _TITLE_WORDS
            and not re.fullmatch(r"[A-Z]\.", core)
        ):
            break
        if len(phrase) > 12:
            return None
    while phrase and _strip_word(phrase[-1]).lower() in _CONNECTORS:
        phrase.pop()
    return _source_from_words(phrase, cue) if phrase else None


_WEEKDAY_WORDS = {day.lower() for day in _WEEKDAYS.split("|")} | {
    "yesterday", "today", "tonight", "recently", "earlier", "later", "last", "this", "also",
}  # fmt: skip


# Lower-case words that follow a subject, not belong to it: "The nominee also outlined".
_VERB_COMPANIONS = {"also", "has", "have", "had", "will", "would", "could", "should", "may",
                    "might", "can", "must", "did", "does", "do", "not", "never", "still",
                    "just", "now", "then", "again", "only", "even"}  # fmt: skip


# Irregular past tenses that end a subject: "The billionaire businessman began".
_COMMON_VERBS = {
    "began", "sought", "took", "made", "went", "came", "gave", "got", "kept", "held", "ran",
    "won", "lost", "met", "left", "led", "sent", "spent", "stood", "brought", "bought", "built",
    "became", "drew", "knew", "saw", "heard", "spoke", "wrote", "told", "said", "is", "are",
    "was", "were", "has", "had",
}  # fmt: skip


def _opening_subject(masked: str, cue: str) -> Attribution | None:
    """The subject that opens the sentence, for a participle or a second verb of it: "Kirby
    lied, saying", "The nominee outlined his plan and vowed"."""
    phrase: list[str] = []
    opened_by_determiner = False
    for match in _WORD.finditer(masked, _intro_end(masked)):
        word = match.group()
        core = _strip_word(word)
        if not core or "_" in core:
            break
        lowered = core.lower()
        if not phrase and lowered in _OPENING_DETERMINERS:
            opened_by_determiner = True
        elif (
            core[0].isupper()
            or (lowered in _CONNECTORS and phrase)
            or (
                (opened_by_determiner or lowered in _ROLE_WORDS)
                and lowered not in _CLAUSE_WORDS
                and lowered not in _CUE_FORMS
                and lowered not in _VERB_COMPANIONS
                and lowered not in _COMMON_VERBS
                and not lowered.endswith(("ed", "ly"))
            )
        ):
            pass
        else:
            break
        phrase.append(word)
        if word.endswith((",", ";", ":")) or len(phrase) > 12:
            break
    while phrase and not (
        _is_capitalised(phrase[-1])
        or _strip_word(phrase[-1]).lower() in _ROLE_WORDS
        or opened_by_determiner
    ):
        phrase.pop()
    return _source_from_words(phrase, cue) if phrase else None


# What may follow a reporting verb used as a verb: "reports that", "claims the", "estimates 5".
_OBJECT_START = {
    "that", "the", "a", "an", "his", "her", "their", "its", "our", "this", "these", "those",
    "him", "them", "it", "he", "she", "they", "we", "i", "you", "what", "how", "why",
    "whether", "some", "many", "no", "any", "all", "more", "about", "nearly", "almost",
    "roughly", "around", "over", "between", "as", "up",
}  # fmt: skip


# Nouns that report findings: after them "shows" or "estimates" is the verb ("a poll shows").
_DOCUMENT_NOUNS = {
    "poll", "polls", "survey", "surveys", "study", "studies", "report", "reports", "data",
    "analysis", "review", "research", "results", "numbers", "figures", "records", "documents",
    "statistics", "census", "tally", "count", "memo", "letter", "estimate", "estimates", "map",
    "chart", "video", "footage", "photos", "images", "evidence", "article", "story", "audit",
    "filing", "filings", "ad", "ads", "statement", "book", "website", "page", "slide",
}  # fmt: skip


def _used_as_verb(masked: str, form: str, start: int, end: int, next_word: str) -> bool:
    """False where a form that is also a noun is one: "the claims", "a poll conducted"."""
    if form not in _NOUN_FORMS:
        return True
    previous = masked[:start].split()[-1:]
    if previous:
        before = _strip_word(previous[0])
        if before.lower() in _DOCUMENT_NOUNS or (
            before[:1].isupper() and len(masked[:start].split()) > 1
        ):
            return True  # "a poll shows", "Gen. Valery Gerasimov estimates"
    following = masked[end:].lstrip()[:1]
    if not following or following in ",.;:\"“”'—–-":
        return True  # "..., the report says."
    return next_word in _OBJECT_START or following.isupper() or following.isdigit()


# A poll or study that a sentence reports from without a verb of its own.
_IN_DOCUMENT = re.compile(
    r"\b[Ii]n (?P<source>(?:a|an|the|this|that|its|his|her|their) (?:[\w./’'&-]+ ){0,6}?"
    r"(?:poll|survey|study|report|analysis|review|audit|census|tally|count))\b"
)
# "Trump: Cruz Has 'To Come a Long Way' On Ethanol": a headline's speaker before a colon.
_HEADLINE_LABEL = re.compile(r"^([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}):\s")


def find_attribution(text: str) -> Attribution | None:
    """The source this sentence names, or a pronoun's Attribution('') that needs context.

    In order of preference: a reporting clause that closes the sentence after a quotation or a
    comma ('"...," said X', "..., X explained"), which names the source of all of it;
    "according to"; the subject of the first reporting verb of the main clause (a later one
    sits in what the first reports), or the sentence's subject when that verb is a participle
    ("..., saying") or a second verb of it ("... and vowed"); a reporting verb in an opening
    clause ("While Trump says ..., ").
    """
    masked = _masked(text)
    intro_end = _intro_end(masked)
    trailing: Attribution | None = None
    main: Attribution | None = None
    in_intro: Attribution | None = None
    for match in _LOWER_WORD.finditer(masked):
        form = match.group()
        lemma = _CUE_FORMS.get(form)
        if lemma is None:
            continue
        start, end = match.span()
        rest = masked[end:]
        next_match = re.match(r"\s*([\w’'-]+)", rest)
        next_word = next_match[1].lower() if next_match else ""
        if lemma in _NEEDS_PARTICLE and next_word not in _NEEDS_PARTICLE[lemma]:
            continue
        if lemma in _SPEECH_ONLY_BEFORE_CLAUSE and not re.match(
            r"\s*(?:[,:;.!?\"“”—–]|that\b|$)", rest
        ):
            continue
        if next_word in _CUE_FORMS and form in _NOUN_FORMS:
            continue  # "Media reports said": the first is a noun
        previous = masked[:start].split()[-1:] or [""]
        if _strip_word(previous[0]).lower() in _NOUN_MARKERS:
            continue
        if not _used_as_verb(masked, form, start, end, next_word):
            continue
        participle = form.endswith("ing")
        lead = masked[:start].rstrip()
        invertible = not participle and bool(lead) and lead[-1] in ",;:–—" + _QUOTE_CHARS
        # Inversion: '"...," said Mayor Tom Bell', ", added the ministry". After a comma the
        # comma may close a description of the subject instead ("X, a Democrat, said"), which
        # is tried first.
        if invertible and lead[-1] != ",":
            after = _source_after(masked, end, form)
            if after is not None:
                trailing = trailing or after
                continue
        found = _source_before(masked, start, form, participle)
        if found is None and invertible:
            after = _source_after(masked, end, form)
            if after is not None:
                trailing = trailing or after
                continue
        if main is not None:
            # The verbs after the main clause's report in what it reports; only a closing
            # "..., X said" still counts.
            if found is not None and found[1] and _after_speech(masked, end):
                trailing = trailing or found[0]
            continue
        if found is not None:
            attribution, after_break = found
            if after_break and _after_speech(masked, end):
                trailing = trailing or attribution
            elif start < intro_end:
                in_intro = in_intro or attribution
            else:
                main = attribution
            continue
        if start >= intro_end and (
            participle or _strip_word(previous[0]).lower() in ("and", "but")
        ):
            main = _opening_subject(masked, form)
    if trailing:
        return trailing
    if according := _ACCORDING_TO.search(masked):
        found = _according_to(masked, according.end())
        if found:
            return found
    if main or in_intro:
        return main or in_intro
    if document := _IN_DOCUMENT.search(masked):
        # "In an NBC News/Wall Street Journal poll released Monday, 50 percent ...".
        return _source_from_words(document["source"].split(), "in")
    label = _HEADLINE_LABEL.match(masked)
    if (
        label
        and label[1].lower() not in _NOT_NAMES
        and label[1].upper() not in _LABEL_WORDS_NOT_SPEAKERS
    ):
        return _source_from_words(label[1].split(), ":")
    return None


# --- Across sentences ---------------------------------------------------------------------------

_NAME_RUN = re.compile(r"\b[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z'’-]+){1,2}\b")
_PERSON_PRONOUNS = {"he", "she", "i"}
_GROUP_PRONOUNS = {"they", "it", "we"}
_CLOSING_MARK = re.compile(r'[”"»]|\'\'')
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


class ClaimantResolver:
    """Resolves speakers sentence by sentence, in order, carrying them across quotations.

    Feed it every sentence of the body in order (not only the claims), since a speaker named in
    a sentence that makes no claim still speaks the quotation that follows, and the subject of
    one sentence is who "he" or "she" means in the next.
    """

    def __init__(self, body: str) -> None:
        self._body = body
        # Full names in the body, to widen a bare surname to the name the article gave.
        self._full_names: dict[str, str] = {}
        for match in _NAME_RUN.finditer(body):
            split = _split_name(match.group().split())
            if split and len(split[0].split()) >= 2 and _is_person(split[0]):
                self._full_names.setdefault(split[0].split()[-1], split[0])
        self._sources_by_noun: dict[str, str] = {}
        self._last_person: Attribution | None = None
        self._last_group: Attribution | None = None
        self._quote_speaker: Attribution | None = None
        self._quote_open = False
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

    def _speaker_after_quotation(self, sentence: Sentence) -> Attribution | None:
        """The speaker named where a quotation that this sentence opens closes, later in the
        paragraph: '"The strikes were precise. (...) They hit 40 targets," Kirby said.'."""
        paragraph_end = self._body.find("\n\n", sentence.end)
        if paragraph_end < 0:
            paragraph_end = len(self._body)
        closing = _CLOSING_MARK.search(self._body, sentence.end, paragraph_end)
        if closing is None:
            return None
        end = _SENTENCE_END.search(self._body, closing.end(), paragraph_end)
        tail = self._body[closing.start() : end.end() if end else paragraph_end]
        found = find_attribution('"quoted' + tail)
        return found if found and found.name else None

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
            self._quote_open = False
            if sentence.paragraph - previous_paragraph > 1:
                self._quote_speaker = None
        plain = _plain_quotes(text)
        opens_quote = plain.lstrip()[:1] in '"“«'
        spans = quotation_spans(plain)
        # A long quotation is cut into sentences: those after the first carry no mark.
        inside_quote = self._quote_open and not opens_quote
        closes_quote = (
            bool(_CLOSING_MARK.search(plain))
            if inside_quote
            else any(close < len(plain) for _, close in spans)
        )
        found = find_attribution(text)
        if inside_quote and not closes_quote:
            found = None
        unclosed = bool(spans) and spans[-1][1] >= len(plain)
        attribution: Attribution | None
        if found and found.name:
            attribution = replace(found, name=self.full_name(found.name))
            self._remember_source(attribution.name)
        elif self._label_speaker:
            attribution = self._label_speaker
        elif found and found.pronoun in _PERSON_PRONOUNS and self._last_person:
            attribution = replace(self._last_person, cue=f"{found.cue} (pronoun)")
        elif found and found.pronoun in _GROUP_PRONOUNS and self._last_group:
            attribution = replace(self._last_group, cue=f"{found.cue} (pronoun)")
        elif (opens_quote and unclosed) and (after := self._speaker_after_quotation(sentence)):
            attribution = replace(after, name=self.full_name(after.name))
        elif (opens_quote or inside_quote) and self._quote_speaker:
            attribution = replace(self._quote_speaker, cue="quotation continued")
        else:
            attribution = None

        if attribution and _is_person(attribution.name):
            self._last_person = attribution
        elif attribution and attribution.name:
            self._last_group = attribution
        elif not inside_quote:
            # "Trump met donors on Monday. He said ...": the subject is who "he" is.
            subject = _opening_subject(_masked(text), "")
            if subject and subject.name:
                subject = replace(subject, name=self.full_name(subject.name))
                if _is_person(subject.name):
                    self._last_person = subject
                else:
                    self._last_group = subject
        quotes_or_introduces = bool(spans) or plain.rstrip().endswith(":")
        if attribution and (quotes_or_introduces or unclosed):
            self._quote_speaker = attribution
        elif not opens_quote and not inside_quote:
            self._quote_speaker = None
        if unclosed:
            self._quote_open = True
        elif closes_quote:
            self._quote_open = False
        return attribution
