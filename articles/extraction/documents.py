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
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree


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
    r"this (?:article|story) (?:was|has been) (?:originally |first )?"
    r"(?:published|updated|corrected|amended)|editor['’]?s note\b|we use cookies\b|"
    r"(?:accept|manage) (?:all )?cookies\b|skip to (?:main )?content\b|"
    r"comments are (?:moderated|closed)\b|\((?:additional )?(?:reporting|writing|editing|"
    r"compiled|research) by\b)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
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
        if block.kind == "heading" and not meta.title and block.level <= 1:
            meta.title = block.text
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
        for block in blocks
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
    line breaks inside a paragraph are only wrapping. A short first line with no closing
    punctuation is the title.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.strip()
    if re.search(r"\n[ \t]*\n", stripped):
        chunks = re.split(r"\n[ \t]*\n+", stripped)
    else:
        chunks = stripped.split("\n")
    blocks = []
    for chunk in chunks:
        block = _Block("paragraph")
        block.add_text(chunk)
        blocks.append(block)
    meta = _Metadata()
    for block in blocks:
        _assemble(block)
    first = blocks[0].text if blocks else ""
    if (
        len(blocks) > 1
        and first
        and LINE_BREAK not in chunks[0].strip()
        and len(first) <= 150
        and len(first.split()) >= 2
        and not first.endswith(tuple(_TERMINAL))
        and not _BYLINE.match(first)
    ):
        blocks[0].kind, blocks[0].level = "heading", 1
    return _finish(blocks, meta, input_format="text")


# --- Markdown ---------------------------------------------------------------------------------


def document_from_markdown(markdown: str) -> Document:
    """A document from Markdown: link targets become cited links, the body keeps anchor text."""
    from markdown_it import MarkdownIt

    markdown = unicodedata.normalize("NFC", markdown).replace("\r\n", "\n").replace("\r", "\n")
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
            block = _Block("paragraph")
            block.add_text(re.sub(r"<[^>]*>", " ", token.content))
            blocks.append(block)
        # Code blocks, fences and rules carry no prose.
    return _finish(blocks, _Metadata(), input_format="markdown")


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

_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def document_from_html(html: str, url: str | None = None) -> Document:
    """A document from an HTML page: its main text and metadata as trafilatura finds them."""
    import trafilatura

    html = unicodedata.normalize("NFC", html)
    extracted = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_links=True,
        include_formatting=False,
        include_comments=False,
        # Table cells are not sentences, and a claim needs a sentence around it.
        include_tables=False,
        include_images=False,
        output_format="python",
    )
    if extracted is None or extracted.body is None:
        raise NoMainTextError(
            "No article text found: the page seems to hold only navigation or boilerplate."
        )
    blocks: list[_Block] = []
    for element in extracted.body:
        blocks.extend(_html_blocks(element))
    meta = _Metadata(
        title=extracted.title or "",
        byline=extracted.author or "",
        publisher=extracted.sitename or "",
        published=parse_date(extracted.date or ""),
    )
    if blocks and blocks[0].kind == "heading":
        _assemble(blocks[0])
        if meta.title and _normalise_inline(blocks[0].text).strip() == meta.title.strip():
            blocks = blocks[1:]
    language_match = _HTML_LANG.search(html[:5000])
    return _finish(
        blocks,
        meta,
        input_format="html",
        base_url=extracted.url or url,
        canonical_url=extracted.url or url or "",
        language=(extracted.language or (language_match[1] if language_match else "")).lower(),
    )


_HTML_BLOCK_TAGS = {"p": "paragraph", "head": "heading", "item": "item", "quote": "quote"}


def _html_blocks(element: etree._Element) -> Iterator[_Block]:
    """Blocks of one element of trafilatura's output tree (p, head, list, quote, ...)."""
    kind = _HTML_BLOCK_TAGS.get(element.tag)
    nested = [child for child in element if child.tag in ("p", "list", "item", "quote", "head")]
    if element.tag in ("list", "quote", "div") or (kind and nested and element.tag != "p"):
        if element.text and element.text.strip() and kind:
            block = _Block(kind)
            block.add_text(element.text)
            yield block
        for child in element:
            yield from _html_blocks(child)
            if child.tail and child.tail.strip() and kind:
                block = _Block(kind)
                block.add_text(child.tail)
                yield block
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
