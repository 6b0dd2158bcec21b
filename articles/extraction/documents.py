"""Normalised documents from plain text, Markdown or HTML articles.

Every input ends up as a list of blocks (paragraphs, headings, list items) made of inline
segments, some of them links. Blocks that are page furniture rather than the article (the
header's byline and date lines, author bios, share prompts, copyright and membership footers)
are dropped here, so that nothing downstream can mistake them for claims. The kept blocks are
joined into `Document.body`, the one text that claim spans and link positions index into.

Body conventions: Unicode NFC, "\\n" newlines only, blocks separated by one blank line, runs of
spaces collapsed to one, no leading or trailing spaces on a line.
"""

# News text uses typographic quotes and apostrophes, so this file must too.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from factcheck.languages import language_tag


class NoMainTextError(ValueError):
    """The input holds no article text once navigation and boilerplate are taken away."""


@dataclass(frozen=True, slots=True)
class CitedLink:
    url: str
    anchor_text: str
    position: int  # offset of the anchor text in Document.body


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    body: str
    byline: str = ""
    publisher: str = ""
    published: datetime.date | None = None
    language: str = ""
    canonical_url: str = ""
    links: list[CitedLink] = field(default_factory=list)
    input_format: str = "text"  # "text", "markdown" or "html", as in Article.InputFormat


# --- Building blocks ---------------------------------------------------------------------------

LINE_BREAK = "\n"


@dataclass(slots=True)
class _Segment:
    text: str
    link: int | None = None  # index into _Block.link_targets
    is_break: bool = False


@dataclass(slots=True)
class _Block:
    kind: str  # "paragraph", "heading", "item" or "quote"
    segments: list[_Segment] = field(default_factory=list)
    link_targets: list[str] = field(default_factory=list)
    level: int = 0  # heading level
    text: str = ""
    links: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, url
    link_characters: int = 0  # how much of the text is link anchors, cited or not

    def add_text(self, text: str, link: int | None = None) -> None:
        if text:
            self.segments.append(_Segment(text, link))

    def add_break(self) -> None:
        self.segments.append(_Segment(LINE_BREAK, is_break=True))

    def open_link(self, url: str) -> int:
        self.link_targets.append(url)
        return len(self.link_targets) - 1


# Spaces that are not plain U+0020 but mean the same thing in running text.
_SPACE_CHARS = re.compile(r"[\t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000 ]+")
# Invisible characters that only get in the way of matching (zero-width, soft hyphen, BOM).
_INVISIBLE_CHARS = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")


def _normalise_inline(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_CHARS.sub("", text)
    return _SPACE_CHARS.sub(" ", text)


def _assemble(block: _Block) -> None:
    """Sets block.text and block.links (offsets relative to the block) from its segments."""
    out = ""
    link_spans: dict[int, list[int]] = {}
    for segment in block.segments:
        if segment.is_break:
            out = out.rstrip(" ")
            if out and not out.endswith(LINE_BREAK):
                out += LINE_BREAK
            continue
        text = _normalise_inline(segment.text)
        if not out or out.endswith((" ", LINE_BREAK)):
            text = text.lstrip(" ")
        if not text:
            continue
        if segment.link is not None and text.strip():
            lead = len(text) - len(text.lstrip(" "))
            start = len(out) + lead
            end = len(out) + len(text.rstrip(" "))
            span = link_spans.setdefault(segment.link, [start, end])
            span[0], span[1] = min(span[0], start), max(span[1], end)
        out += text
    block.text = out.strip()
    block.link_characters = sum(end - start for start, end in link_spans.values())
    block.links = []
    for link, (start, end) in sorted(link_spans.items(), key=lambda item: item[1][0]):
        if end <= len(block.text):
            block.links.append((start, end, block.link_targets[link]))


# --- Metadata lines, bios and footers ----------------------------------------------------------

_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"  # noqa: E501
_DATE_PATTERNS = (
    re.compile(
        rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})\.?,?\s+(?P<year>\d{{4}})\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"),
)


def parse_date(text: str) -> datetime.date | None:
    """The first calendar date written in `text` ("October 09, 2015", "9 Oct 2015", ISO)."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        month = match["month"]
        month_number = int(month) if month.isdigit() else _MONTH_NUMBERS[month.lower()]
        try:
            return datetime.date(int(match["year"]), month_number, int(match["day"]))
        except ValueError:
            continue
    return None


_BYLINE = re.compile(r"^(?:by|written by|words by)\s+(?P<names>[^\n]{2,150})$", re.IGNORECASE)
_PUBLISHER_DATE = re.compile(r"^(?P<publisher>[A-Z][\w&'.\- ]{1,60}),\s+(?P<rest>.{6,40})$")
_DATE_LINE = re.compile(
    r"^(?:(?:published|updated|posted|first published)(?:\s+on)?:?\s*)?(?P<rest>.{6,60})$",
    re.IGNORECASE,
)
# Taxonomy lines of news sites ("Region: Russia and FSU", "Tags: ...").
_LABEL_LINE = re.compile(
    r"^(?:regions?|themes?|topics?|tags?|categor(?:y|ies)|in-depth reports?|filed under|"
    r"sections?|keywords?|subjects?)\s*:",
    re.IGNORECASE,
)
_READING_TIME = re.compile(r"^\d+\s*(?:min|mins|minutes?)\s+read$", re.IGNORECASE)

# A block starting like this ends the article: what follows is the site's, not the author's.
_FOOTER_START = re.compile(
    r"^(?:the original source of this article is|copyright\s*(?:©|\(c\)|\d{4})|©|"
    r"all rights reserved|become a (?:member|patron|subscriber)|about the authors?\b|"
    r"disclaimer\b|articles? by:|related (?:articles|stories|posts|content|reading|coverage)|"
    r"(?:you|we think you) (?:may|might) also like|recommended (?:for you|reading)|"
    r"more (?:from|stories from|on this story)\b|read more\s*:?$|most (?:read|popular)\b|"
    r"media (?:contacts?|enquiries|inquiries)|press contacts?\b|for media (?:enquiries|inquiries)|"
    r"forward-looking statements|safe harbou?r statement|#{3}\s*$|-\s*ends?\s*-$|"
    r"comments?\s*(?:\(\d+\))?\s*$|\d+\s+comments?$)",
    re.IGNORECASE,
)
# "About Acme Corp" as a heading of its own closes a press release.
_ABOUT_HEADING = re.compile(r"^About\s+[A-Z][\w&.,'’ -]{1,60}$")

# Calls to action and widgets that may sit anywhere between paragraphs.
_FURNITURE = re.compile(
    r"^(?:please (?:support|share|donate|subscribe|consider)|support (?:our|independent|us)\b|"
    r"share (?:this|on|the)\b|share\s*:?$|tweet$|print$|e-?mail$|comment on\b|"
    r"leave a (?:comment|reply)|join the (?:conversation|discussion)|"
    r"follow (?:us|him|her|me|them) on\b|(?:click|tap) here\b|sign up\b|subscribe\b|"
    r"advertisement$|sponsored\b|(?:photo|image|picture) (?:credit|by)\b|"
    r"(?:listen|watch)(?: to)? (?:this|the) (?:article|story|podcast|video)\b|"
    r"this (?:article|story|post|report) (?:was|has been) (?:originally |first )?"
    r"(?:published|updated|corrected|amended)|editor['’]?s note\b|we use cookies\b|"
    r"(?:accept|manage) (?:all )?cookies\b|skip to (?:main )?content\b|"
    r"comments are (?:moderated|closed)\b|\((?:additional )?(?:reporting|writing|editing|"
    r"compiled|research) by\b)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")

# --- Noise: prompts to the reader, embedded posts, photo credits ------------------------------
# Each pattern is matched against one sentence, lower-cased. Prompts are told apart from
# reporting about social media ("Sanders said on Twitter ...") by their imperative opening
# together with somewhere to go: a handle, an address, a network, a newsletter or an inbox.
_PROMPT_OPENING = re.compile(
    r"^(?:(?:for more(?: [a-z]+){0,3}|to (?:get|receive|read) [^,]{1,40}|and|also|please),\s*)?"
    r"(?:follow(?!-)|like (?:us|our)|find (?:us|our|more|out more)|join (?:us|our)|"
    r"connect with|e-?mail (?:us|me|him|her|them|any|your|tips|news|story|stories|the (?:author|"
    r"reporter|writer|newsroom|desk)|[\w.+-]+@)|send (?:us|your|any|news|a |an |story|stories|"
    r"feedback)|"
    r"contact (?:us|me|him|her|them|the (?:author|reporter|writer|newsroom|desk))|"
    r"reach (?:us|me|him|her|them|the (?:author|reporter|writer|newsroom|desk))|write to|"
    r"call (?:us|the (?:newsroom|desk))|text (?:us|[\w ]{1,20} to \d)|message us|dm us|"
    r"get (?:the|our|breaking|more|daily|weekly|alerts|updates|email|e-mail)|"
    r"receive (?:the|our|breaking|daily|weekly|alerts|updates)|want to (?:receive|get|read)|"
    r"you can (?:follow|reach|contact|e-?mail|find|write to)|(?:you can )?read (?:more|our)|"
    r"listen to (?:the|our|this)|watch (?:the|our|this)|download (?:the|our))\b"
)
_PROMPT_TARGET = re.compile(
    r"@\w|\b[\w.+-]+@[\w-]+\.\w|\bon (?:twitter|x|facebook|instagram|threads|bluesky|"
    r"linkedin|tiktok|youtube|mastodon|whatsapp|telegram|snapchat)\b|newsletter|\binbox\b|"
    r"\btips?\b|\bpodcast\b|\bour app\b"
)
# Openings that are prompts whatever follows.
_PROMPT_ALONE = re.compile(
    r"^(?:(?:for more(?: [a-z]+){0,3}|please),\s*)?(?:sign(?:-| )?up\b|subscribe\b|"
    r"(?:have|got|do you have) (?:a |any )?(?:news )?tips?\b|send (?:us )?(?:your )?tips\b|"
    r"view this post on\b|a (?:post|photo|video) shared by\b|click (?:here|the link)\b)"
)
# What an embedded post leaves behind: its markup, a picture link, or its signature line
# ("— Name (@handle) March 3, 2016").
_EMBEDDED_POST = re.compile(
    r"pic\.twitter\.com/|twitter-tweet|instagram-media|tiktok-embed|class=[\"']fb-post|"
    r"</?tweet\b|<blockquote\b|(?:—|–|&mdash;|&#8212;|-{1,2})\s*[^()\n]{1,80}\(@\w{1,30}\)\s*"
    r"(?:on\s+)?(?:[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[a-z]{3,9}\s+\d{4})"
)
_PHOTO_CREDIT = re.compile(
    r"^(?:file\s+)?(?:photo(?:graph)?|image|picture|credit|caption)s?"
    r"\s*(?:credit|copyright|caption|by)?\s*[:|]"
    r"|^(?:image|photo) (?:copyright|caption|credit)\b"
    r"|\((?:[a-z]+\s+)?photos?(?:\s+by)?\s*/[^)]{1,60}\)|\(photo by [^)]{1,60}\)"
    r"|(?:\bvia\s+|/\s*)getty images\b|^getty images\b|^[\w.’' -]{2,40}/(?:getty images|"
    r"reuters|afp|ap|epa|bloomberg|the new york times|the washington post)\b\.?$"
)
# A wire picture's credit, in the agency's capitals ("REUTERS/Gary Cameron/File Photo"), told
# apart by its case from a poll's name ("a Reuters/Ipsos poll").
_WIRE_PHOTO_CREDIT = re.compile(r"\b(?:REUTERS|AFP|EPA|AP)\s*/\s*[A-Z][\w.’'-]+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:])\s+(?=[\"“‘'(\[]?[A-Z0-9@])|\n+")


def is_noise(text: str) -> bool:
    """True if `text` (a sentence or a short paragraph) is page furniture that speaks to the
    reader or about the page rather than reporting: a prompt to follow, write, tip off or
    subscribe, what an embedded social media post leaves behind, a photo credit or caption."""
    return _is_embedded_post(text) or any(map(_is_noise_sentence, _rough_sentences(text)))


def _is_embedded_post(text: str) -> bool:
    return bool(_EMBEDDED_POST.search(text.lower()) or _WIRE_PHOTO_CREDIT.search(text))


def _rough_sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE_BREAK.split(text.strip()) if sentence.strip()]


def _is_noise_sentence(sentence: str) -> bool:
    piece = sentence.lower().strip(" *_\"“”‘’'")
    return bool(
        _PROMPT_ALONE.match(piece)
        or _PHOTO_CREDIT.search(piece)
        or (_PROMPT_OPENING.match(piece) and _PROMPT_TARGET.search(piece))
    )


def _is_noise_block(block: _Block) -> bool:
    """A paragraph of noise: an embedded post, or one at least half made of prompts and
    credits ("A soldier at a checkpoint. (AP Photo/...)"). A paragraph of reporting with one
    such sentence in it ("... from Charleston. Sign up to get an email from ...") stays, and
    claim extraction skips that sentence.
    """
    if _is_embedded_post(block.text):
        return True
    sentences = _rough_sentences(block.text)
    noise = [_is_noise_sentence(sentence) for sentence in sentences]
    return bool(noise) and 2 * sum(noise) >= len(noise)


# An embedded post's own text stands just above its signature line, in a paragraph of its own.
_POST_SIGNATURE = re.compile(r"^(?:—|–|&mdash;|-{1,2})\s*[^()\n]{1,80}\(@\w{1,30}\)", re.IGNORECASE)
_MAX_POST_CHARS = 320


def _without_noise(blocks: list[_Block]) -> list[_Block]:
    kept: list[_Block] = []
    for block in blocks:
        if _POST_SIGNATURE.match(block.text):
            if kept and len(kept[-1].text) <= _MAX_POST_CHARS and kept[-1].kind != "heading":
                kept.pop()
            continue
        if not _is_noise_block(block):
            kept.append(block)
    return kept


# Phrases of author bios ("X lives in Chicago. His new book is ...").
_BIO_CUES = re.compile(
    r"\b(?:lives in|can be reached|can be contacted|is the author of|(?:his|her|their) "
    r"(?:new|latest|forthcoming|most recent) book|visit (?:his|her|their) (?:blog|website|site)|"
    r"(?:his|her|their) (?:blog|website) (?:is|at)|follow (?:him|her|them) on|"
    r"is a (?:senior |contributing |freelance |staff |regular |frequent )?"
    r"(?:writer|journalist|correspondent|editor|reporter|columnist|fellow|contributor|"
    r"research associate|author)\b|writes (?:about|on|for|regularly)\b|"
    r"is a regular contributor)",
    re.IGNORECASE,
)
_BIO_NAME_START = re.compile(
    r"^\W*(?:[A-Z][\w'’.-]+\s+){1,3}(?:is|was|lives|has|writes|covers|reports|teaches)\b"
)


def _is_bio(text: str, byline: str) -> bool:
    cues = len(_BIO_CUES.findall(text))
    if not cues:
        return False
    names = [name for name in re.split(r",|\band\b", byline) if name.strip()]
    starts_with_author = any(text.lstrip("*_ ").startswith(name.strip()) for name in names)
    return (
        cues >= 2
        or starts_with_author
        or bool(_EMAIL.search(text))
        or bool(_BIO_NAME_START.match(text))
    )


@dataclass(slots=True)
class _Metadata:
    title: str = ""
    byline: str = ""
    publisher: str = ""
    published: datetime.date | None = None


def _clean_byline(names: str) -> str:
    names = re.split(r"\s+[|•·]\s+|\s+[-–—]\s+", names)[0]
    parts = [part.strip() for part in names.split(",")]
    # "By Jane Doe, Reuters" and "By Jane Doe, October 9, 2015": keep only the names.
    kept = [parts[0]] + [p for p in parts[1:] if p and not parse_date(p) and " and " in p]
    return ", ".join(kept).strip()


def _take_header_line(block: _Block, meta: _Metadata) -> bool:
    """Records a byline, publisher or date line from the article's header; True if it was one."""
    text = block.text
    if len(text) > 160 or LINE_BREAK in text:
        return False
    if match := _BYLINE.match(text):
        if not meta.byline:
            meta.byline = _clean_byline(match["names"])
        meta.published = meta.published or parse_date(text)  # "By Jane Doe — 12 March 2024"
        return True
    if _LABEL_LINE.match(text) or _READING_TIME.match(text):
        return True
    if (match := _PUBLISHER_DATE.match(text)) and (date := parse_date(match["rest"])):
        meta.publisher = meta.publisher or match["publisher"].strip()
        meta.published = meta.published or date
        return True
    if (match := _DATE_LINE.match(text)) and (date := parse_date(text)):
        # Only a line that is a date and little else: "Published October 9, 2015 10:32 EDT".
        leftover = _DATE_PATTERNS[0].sub("", text)
        leftover = _DATE_PATTERNS[1].sub("", leftover)
        leftover = _DATE_PATTERNS[2].sub("", leftover)
        if len(re.findall(r"[A-Za-z]{4,}", leftover)) <= 2:
            meta.published = meta.published or date
            return True
    return False


def _is_prose(block: _Block) -> bool:
    return block.kind != "heading" and len(block.text.split()) >= 12


def _strip_furniture(blocks: list[_Block], meta: _Metadata) -> list[_Block]:
    blocks = [block for block in blocks if block.text]

    # The header: title, byline and date lines before the first paragraph of prose.
    header = set()
    for index, block in enumerate(blocks):
        if _is_prose(block):
            break
        if block.kind == "heading" and block.level <= 1:
            # The headline: the page's own title (an HTML <title> or og:title) may word it
            # differently, but it is never part of the text either way.
            meta.title = meta.title or block.text
            header.add(index)
        elif (block.kind == "heading" and block.text == meta.title) or _take_header_line(
            block, meta
        ):
            header.add(index)
    blocks = [block for index, block in enumerate(blocks) if index not in header]

    # The footer: everything from the first site-footer line onwards, once past the opening.
    total = sum(len(block.text) for block in blocks) or 1
    seen = 0
    for index, block in enumerate(blocks):
        if seen / total >= 0.3 and (
            _FOOTER_START.match(block.text)
            or (block.kind == "heading" and _ABOUT_HEADING.match(block.text))
        ):
            blocks = blocks[:index]
            break
        seen += len(block.text)

    kept = [
        block
        for block in _without_noise(blocks)
        if not (
            _FURNITURE.match(block.text.lstrip("*_ "))
            or (_LABEL_LINE.match(block.text) and len(block.text) < 200)
            or _is_navigation(block)
        )
    ]
    # Author bios sit at the end, just before the footer (already cut off).
    while kept and (_is_bio(kept[-1].text, meta.byline) or not kept[-1].text.strip(" .*_-—")):
        kept.pop()
    kept = [
        block
        for index, block in enumerate(kept)
        if index < len(kept) * 0.6 or not _is_bio(block.text, meta.byline)
    ]
    while kept and kept[-1].kind == "heading":
        kept.pop()
    return kept


def _is_navigation(block: _Block) -> bool:
    """A short block made (almost) only of links: a menu, a tag list, a "read more" row."""
    return (
        len(block.text.split()) < 15
        and block.link_characters >= 0.8 * len(block.text.replace(" ", ""))
        and block.kind != "heading"
    )


def _has_prose(blocks: list[_Block]) -> bool:
    return any(
        len(block.text.split()) >= 4 and re.search(r"[.!?…]", block.text) for block in blocks
    )


def _join_blocks(blocks: list[_Block]) -> tuple[str, list[CitedLink]]:
    parts: list[str] = []
    links: list[CitedLink] = []
    offset = 0
    for block in blocks:
        if parts:
            offset += 2
        for start, end, url in block.links:
            links.append(
                CitedLink(url=url, anchor_text=block.text[start:end], position=offset + start)
            )
        parts.append(block.text)
        offset += len(block.text)
    return "\n\n".join(parts), links


def _cited_url(url: str, base_url: str | None) -> str | None:
    """The absolute http(s) URL a link cites, or None for anchors, mail and script links."""
    url = (url or "").strip()
    if not url or url.startswith("#"):
        return None
    if base_url:
        url = urljoin(base_url, url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def _finish(
    blocks: list[_Block],
    meta: _Metadata,
    *,
    input_format: str,
    base_url: str | None = None,
    canonical_url: str = "",
    language: str = "",
) -> Document:
    for block in blocks:
        block.link_targets = [_cited_url(url, base_url) or "" for url in block.link_targets]
        _assemble(block)
        block.links = [link for link in block.links if link[2]]
    blocks = _strip_furniture(blocks, meta)
    body, links = _join_blocks(blocks)
    if not _has_prose(blocks):
        raise NoMainTextError(
            "No article text found: the input holds only navigation, metadata or boilerplate."
        )
    return Document(
        title=_normalise_inline(meta.title).strip(),
        body=body,
        byline=_normalise_inline(meta.byline).strip(),
        publisher=_normalise_inline(meta.publisher).strip(),
        published=meta.published,
        language=language or guess_language(body),
        canonical_url=canonical_url,
        links=links,
        input_format=input_format,
    )


# --- Language -------------------------------------------------------------------------------

_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "was", "for", "with", "on", "said"},
    "fr": {"le", "la", "les", "et", "des", "est", "que", "une", "dans", "pour", "du", "pas"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "sich", "ein", "zu"},
    "es": {"el", "los", "las", "y", "que", "es", "una", "por", "con", "para", "del", "se"},
    "it": {"il", "che", "di", "è", "per", "una", "non", "sono", "della", "gli", "con", "nel"},
    "pt": {"o", "os", "que", "não", "uma", "para", "com", "é", "do", "da", "em", "se"},
    "nl": {"de", "het", "een", "en", "van", "is", "niet", "dat", "op", "met", "voor", "zijn"},
}


def guess_language(text: str) -> str:
    """ISO 639-1 code of the likeliest of a few European languages, '' when unsure.

    Counting function words is crude but needs no model data, and news bodies are long enough
    for it to be right whenever it answers.
    """
    words = re.findall(r"[^\W\d_]+", text[:5000].lower())
    if len(words) < 20:
        return ""
    frequencies = Counter(words)
    counts = {code: sum(frequencies[word] for word in stop) for code, stop in _STOPWORDS.items()}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= 0.08 * len(words) else ""


# --- Plain text -------------------------------------------------------------------------------

_TERMINAL = '.!?:;"”’)…'


def document_from_text(text: str) -> Document:
    """A document from plain text: paragraphs are separated by blank lines.

    A text with no blank line at all is taken to put one paragraph on each line; otherwise the
    line breaks inside a paragraph are only wrapping, except after a heading line (see
    `_heading_lines`). A short first line with no closing punctuation is the title; front
    matter (a block of `key: value` lines between `---` lines) gives title, author and date.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    meta, text = _front_matter(text)
    stripped = text.strip()
    if re.search(r"\n[ \t]*\n", stripped):
        parts = [
            part for chunk in re.split(r"\n[ \t]*\n+", stripped) for part in _heading_lines(chunk)
        ]
    else:
        parts = [(line, False) for line in stripped.split("\n")]
    chunks = [chunk for chunk, _ in parts]
    blocks = []
    for chunk, is_heading in parts:
        block = _Block("heading" if is_heading else "paragraph", level=2 if is_heading else 0)
        block.add_text(chunk)
        blocks.append(block)
    for block in blocks:
        _assemble(block)
    first = blocks[0].text if blocks else ""
    if (
        len(blocks) > 1
        and first
        and LINE_BREAK not in chunks[0].strip()
        and len(first) <= 150
        and len(first.split()) >= 2
        and (not first.endswith(tuple(_TERMINAL)) or _is_title_case(first))
        and not _BYLINE.match(first)
    ):
        blocks[0].kind, blocks[0].level = "heading", 1
    return _finish(blocks, meta, input_format="text")


def _is_title_case(line: str) -> bool:
    """A headline written in title case, as some sites and corpora end it with a full stop
    ("Politifact: Donald Trump Is Right, 'Thousands of Shootings' in Chicago this Year.")."""
    words = [word.strip("‘’'\"“”:,.") for word in line.split()]
    long_words = [word for word in words if len(word) >= 4]
    capitalised = [word for word in long_words if word[:1].isupper()]
    return len(capitalised) >= 3 and len(capitalised) >= 0.75 * len(long_words)


_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?P<lines>(?:[^\n]*\n){1,40}?)---[ \t]*(?:\n|\Z)")
_FRONT_MATTER_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w -]{0,30}):\s*(?P<value>.*?)\s*$")
_FRONT_MATTER_KEYS = {
    "title": "title",
    "headline": "title",
    "author": "byline",
    "authors": "byline",
    "byline": "byline",
    "publisher": "publisher",
    "site": "publisher",
    "site_name": "publisher",
    "date": "published",
    "published": "published",
    "published_at": "published",
    "date_published": "published",
    "pubdate": "published",
}


def _front_matter(text: str) -> tuple[_Metadata, str]:
    """The metadata of a front matter block at the very start of `text`, and the text after it.

    Only `key: value` lines are read (no YAML library: the values wanted are single strings).
    """
    meta = _Metadata()
    match = _FRONT_MATTER.match(text)
    if not match:
        return meta, text
    fields: dict[str, str] = {}
    for line in match["lines"].splitlines():
        if not line.strip():
            continue
        item = _FRONT_MATTER_LINE.match(line)
        if item is None:
            return meta, text  # not front matter after all, only a rule above some text
        name = _FRONT_MATTER_KEYS.get(item["key"].strip().lower().replace("-", "_"))
        if name and name not in fields:
            fields[name] = item["value"].strip().strip("\"'").strip("[]").strip("\"'")
    meta.title = fields.get("title", "")
    meta.byline = fields.get("byline", "")
    meta.publisher = fields.get("publisher", "")
    meta.published = parse_date(fields.get("published", ""))
    return meta, text[match.end() :]


_HEADING_LINE_MAX = 150


def _starts_sentence(line: str) -> bool:
    first = line.lstrip("\"“‘'(")[:1]
    return first.isupper() or first.isdigit()


def _heading_lines(chunk: str) -> list[tuple[str, bool]]:
    """`chunk` (a paragraph between blank lines) as (text, is_heading) parts: any heading line
    is split off the text written straight below it, as in "Subhead\nThe council said ...".

    Inside a paragraph, line breaks are wrapping. A line is a heading rather than wrapped text
    when it follows a finished sentence (or opens the chunk), has no closing punctuation, the
    next line starts a sentence, and the next line's first word would have fitted on it: a
    wrapped line is full up to the width that the paragraph's other lines show.
    """
    lines = [line.strip() for line in chunk.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) < 2:
        return [(chunk, False)]
    width = max(len(line) for line in lines)
    parts: list[tuple[str, bool]] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        after_sentence = not current or current[-1].endswith(tuple(_TERMINAL))
        if (
            following
            and after_sentence
            and len(line) <= _HEADING_LINE_MAX
            and not line.endswith(tuple(_TERMINAL + ",–—-"))
            and _starts_sentence(following)
            and len(line) + 1 + len(following.split()[0]) <= width
        ):
            if current:
                parts.append(("\n".join(current), False))
                current = []
            parts.append((line, True))
            continue
        current.append(line)
    if current:
        parts.append(("\n".join(current), False))
    return parts


# --- Markdown ---------------------------------------------------------------------------------


def document_from_markdown(markdown: str) -> Document:
    """A document from Markdown: link targets become cited links, the body keeps anchor text."""
    from markdown_it import MarkdownIt

    markdown = unicodedata.normalize("NFC", markdown).replace("\r\n", "\n").replace("\r", "\n")
    meta, markdown = _front_matter(markdown)
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    blocks: list[_Block] = []
    kind = "paragraph"
    level = 0
    quote_depth = 0
    item_depth = 0
    table_depth = 0
    for token in tokens:
        if token.type == "table_open":
            table_depth += 1
        elif token.type == "table_close":
            table_depth -= 1
        elif table_depth:
            continue  # table cells are not sentences, as for HTML tables
        elif token.type == "heading_open":
            kind, level = "heading", int(token.tag[1:])
        elif token.type == "heading_close":
            kind, level = "paragraph", 0
        elif token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            item_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            item_depth -= 1
        elif token.type == "inline":
            block_kind = kind
            if kind == "paragraph" and item_depth:
                block_kind = "item"
            elif kind == "paragraph" and quote_depth:
                block_kind = "quote"
            block = _Block(block_kind, level=level)
            _inline_markdown(token.children or [], block)
            blocks.append(block)
        elif token.type == "html_block":
            if _EMBEDDED_POST.search(token.content.lower()):
                continue  # an embedded post: its text is someone else's, quoted whole
            block = _Block("paragraph")
            block.add_text(re.sub(r"<[^>]*>", " ", token.content))
            blocks.append(block)
        # Code blocks, fences and rules carry no prose.
    return _finish(blocks, meta, input_format="markdown")


def _inline_markdown(children: Iterable, block: _Block) -> None:
    link: int | None = None
    for child in children:
        if child.type in ("text", "code_inline"):
            block.add_text(child.content, link)
        elif child.type == "softbreak":
            block.add_text(" ", link)
        elif child.type == "hardbreak":
            block.add_break()
        elif child.type == "link_open":
            link = block.open_link(str(child.attrs.get("href", "")))
        elif child.type == "link_close":
            link = None
        elif child.type == "html_inline" and re.match(r"<br\s*/?>", child.content, re.I):
            block.add_break()
        # Images, emphasis markers and other inline HTML add nothing to the text.


# --- HTML -------------------------------------------------------------------------------------


def document_from_html(html: str, url: str | None = None) -> Document:
    """A document from an HTML page: its main text as trafilatura finds it, less embedded
    posts, pictures and their captions; its metadata from the page's head and byline."""
    import lxml.html
    import trafilatura

    html = unicodedata.normalize("NFC", html)
    # lxml refuses text that still declares a byte encoding; the text is already decoded.
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise NoMainTextError("No article text found: the page could not be read.") from exc
    published = published_date_of_page(tree)
    language = language_tag(tree.get("lang") or "")
    extracted = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        # The date trafilatura guesses may come from any words on the page; it is not used.
        date_extraction_params={"extensive_search": False},
        include_links=True,
        include_formatting=False,
        include_comments=False,
        # Table cells are not sentences, and a claim needs a sentence around it.
        include_tables=False,
        include_images=False,
        prune_xpath=_NOT_THE_ARTICLE,
        output_format="python",
    )
    if extracted is None or extracted.body is None:
        raise NoMainTextError(
            "No article text found: the page seems to hold only navigation or boilerplate."
        )
    blocks = list(_html_blocks(extracted.body))
    meta = _Metadata(
        title=extracted.title or "",
        byline=extracted.author or "",
        publisher=extracted.sitename or "",
        published=published,
    )
    return _finish(
        blocks,
        meta,
        input_format="html",
        base_url=extracted.url or url,
        canonical_url=extracted.url or url or "",
        language=language_tag(extracted.language or "") or language,
    )


def _class_is(*names: str) -> str:
    return " or ".join(
        f"contains(concat(' ', normalize-space(@class), ' '), ' {n} ')" for n in names
    )


# Parts of an article page that are not its text: embedded posts (their words are someone
# else's, quoted whole, with the network's furniture), pictures with captions and credits.
_NOT_THE_ARTICLE = [
    f"//blockquote[{_class_is('twitter-tweet', 'twitter-video', 'instagram-media', 'tiktok-embed', 'reddit-card', 'imgur-embed-pub')}]",  # noqa: E501
    f"//*[{_class_is('fb-post', 'fb-video', 'embed', 'social-embed', 'embedded-post')}]",
    "//figure",
    "//figcaption",
    "//iframe",
    f"//*[{_class_is('caption', 'credit', 'photo-credit', 'image-credit', 'wp-caption-text')}]",
]

# Meta tags that carry the date of first publication, by property, name or itemprop.
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "date.published",
    "publication_date",
    "publish-date",
    "publish_date",
    "published_time",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
)
_BYLINE_CONTAINER = re.compile(
    r"byline|dateline|author|posted|published|pubdate|timestamp|entry-meta|article-meta|"
    r"post-meta|story-meta|meta-date|headline|header",
    re.IGNORECASE,
)


def published_date_of_page(tree: etree._Element) -> datetime.date | None:
    """When the page says its article was first published: from its meta tags, JSON-LD
    (`datePublished`), microdata, or a <time> in its header or byline. Never from the text:
    a date in the body ("inspected in 2023") or an embedded post says when something else
    happened. (htmldate, which trafilatura uses, falls back on the text even in its fast mode.)
    """
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _PUBLISHED_META and key not in found and meta.get("content"):
            found[key] = meta.get("content", "")
    for key in _PUBLISHED_META:
        if key in found and (date := parse_date(found[key])):
            return date
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for value in _json_ld_values(data, "datePublished"):
            if isinstance(value, str) and (date := parse_date(value)):
                return date
    for element in tree.xpath("//*[@itemprop='datePublished']"):
        value = element.get("content") or element.get("datetime") or element.text_content()
        if date := parse_date(value or ""):
            return date
    for time in tree.iter("time"):
        if time.get("pubdate") is None and not _in_byline(time):
            continue
        if date := parse_date(time.get("datetime") or time.text_content() or ""):
            return date
    return None


def _json_ld_values(data, key: str) -> Iterator:
    if isinstance(data, dict):
        if key in data:
            yield data[key]
        for value in data.values():
            if isinstance(value, dict | list):
                yield from _json_ld_values(value, key)
    elif isinstance(data, list):
        for item in data:
            yield from _json_ld_values(item, key)


def _in_byline(element: etree._Element) -> bool:
    """True for an element inside the page's header or byline, not inside its text, a quoted
    post, a picture, a list of other stories or the footer."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("blockquote", "figure", "aside", "footer", "li", "nav", "table"):
            return False
        if ancestor.tag == "header":
            return True
        marks = " ".join(ancestor.get(name) or "" for name in ("class", "id", "itemprop"))
        if marks and _BYLINE_CONTAINER.search(marks):
            return True
        if ancestor.tag in ("article", "main", "body"):
            return False
    return False


_HTML_BLOCK_TAGS = {"p": "paragraph", "head": "heading", "item": "item", "quote": "quote"}
_HTML_CONTAINERS = ("body", "div", "list", "quote")


def _html_blocks(element: etree._Element) -> Iterator[_Block]:
    """Blocks of one element of trafilatura's output tree (p, head, list, quote, ...)."""
    kind = _HTML_BLOCK_TAGS.get(element.tag)
    nested = [child for child in element if child.tag in ("p", "list", "item", "quote", "head")]
    if element.tag in _HTML_CONTAINERS or (kind and nested and element.tag != "p"):
        # Text written straight in a container, between its blocks ("<h1>..</h1>Text<br><br>
        # More text"), is a paragraph of its own: never part of the heading it follows.
        loose_kind = kind if kind in ("quote", "item") else "paragraph"
        loose = _Block(loose_kind)
        loose.add_text(element.text or "")
        breaks = 0
        for child in element:
            if child.tag in _HTML_BLOCK_TAGS or child.tag in _HTML_CONTAINERS:
                if _has_text(loose):
                    yield loose
                loose = _Block(loose_kind)
                yield from _html_blocks(child)
                breaks = 0
            elif child.tag == "lb":
                breaks += 1
                if breaks == 2 and _has_text(loose):
                    yield loose
                    loose = _Block(loose_kind)
                elif breaks == 1:
                    loose.add_break()
            else:
                _inline_html(child, loose, None)
                breaks = 0
            if child.tail and child.tail.strip():
                loose.add_text(child.tail)
                breaks = 0
        if _has_text(loose):
            yield loose
        return
    if kind is None:
        return
    level = 0
    if kind == "heading":
        rend = element.get("rend", "h2")
        level = int(rend[1:]) if re.fullmatch(r"h\d", rend) else 2
    block = _Block(kind, level=level)
    _inline_html(element, block, None)
    yield block


def _has_text(block: _Block) -> bool:
    return any(segment.text.strip() for segment in block.segments if not segment.is_break)


def _inline_html(element: etree._Element, block: _Block, link: int | None) -> None:
    if element.text:
        block.add_text(element.text, link)
    for child in element:
        if child.tag == "lb":
            block.add_break()
        elif child.tag == "ref":
            _inline_html(child, block, block.open_link(child.get("target", "")))
        elif child.tag != "graphic":
            _inline_html(child, block, link)
        if child.tail:
            block.add_text(child.tail, link)


# --- Any format -------------------------------------------------------------------------------


def detect_format(content: str, filename: str = "") -> str:
    """'html', 'markdown' or 'text', from the file extension or else the content itself."""
    lowered = filename.lower()
    if lowered.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lowered.endswith((".md", ".markdown", ".mdown")):
        return "markdown"
    if lowered.endswith(".txt"):
        return "text"
    head = content.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(
        r"<(?:body|p|div|article)\b", head
    ):
        return "html"
    if re.search(r"\[[^\]\n]+\]\([^)\s]*\)|^#{1,6} \S|^\s*[*-] \S", content[:5000], re.M):
        return "markdown"
    return "text"


def document_from_content(content: str, *, filename: str = "", url: str | None = None) -> Document:
    """A document from content in any of the three formats, detected as `detect_format` does."""
    input_format = detect_format(content, filename)
    if input_format == "html":
        return document_from_html(content, url=url)
    if input_format == "markdown":
        return document_from_markdown(content)
    return document_from_text(content)
