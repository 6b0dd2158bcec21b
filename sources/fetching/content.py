"""Turning a fetched body into what a snapshot keeps: text, title, links and page metadata."""

from __future__ import annotations

import codecs
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import charset_normalizer
import lxml.html
import trafilatura
from lxml import etree
from pypdf import PdfReader

logger = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PLAIN_TEXT_TYPES = frozenset({"text/plain"})
PDF_TYPES = frozenset({"application/pdf"})

# A page with more links than this is a directory, not a source; the first ones are enough.
MAX_LINKS = 1000
MAX_ANCHOR_TEXT = 300
# Text extraction time grows with pages; fact-checks cite reports, not whole books.
MAX_PDF_PAGES = 300

# Labels browsers read differently from Python's codec of the same name (WHATWG Encoding).
_CODEC_FOR_LABEL = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
}
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16be"),
)
# Browsers look for <meta charset> in the first 1024 bytes; a little more tolerates long heads.
_META_CHARSET_WINDOW = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:+-]+)""", re.IGNORECASE
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass
class ExtractedContent:
    title: str = ""
    text: str = ""
    charset: str = ""
    links: list[dict[str, str]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def extract_content(
    body: bytes, *, media_type: str, declared_charset: str, url: str
) -> ExtractedContent:
    """What the snapshot of a `media_type` body found at `url` keeps.

    HTML gives title, main text, links and page metadata; plain text gives itself; PDF gives
    its text and document information; other allowed types give nothing beyond what the
    caller already has (type, size, hash).
    """
    if media_type in HTML_TYPES:
        html, charset = decode_text(body, declared_charset=declared_charset, is_html=True)
        return _extract_html(_without_nul(html), charset=charset, url=url)
    if media_type in PLAIN_TEXT_TYPES:
        text, charset = decode_text(body, declared_charset=declared_charset, is_html=False)
        return ExtractedContent(text=_without_nul(text), charset=charset)
    if media_type in PDF_TYPES:
        return _extract_pdf(body)
    return ExtractedContent(charset=declared_charset)


def decode_text(body: bytes, *, declared_charset: str, is_html: bool) -> tuple[str, str]:
    """The body as text and the name of the charset used.

    Order of authority, as in browsers: a byte order mark, the Content-Type charset, an HTML
    <meta> charset, then a guess from the bytes. A declared charset wins even where some bytes
    do not fit it (those become U+FFFD), because a guess is more often wrong than a declaration.
    """
    for mark, codec, name in _BYTE_ORDER_MARKS:
        if body.startswith(mark):
            return body.decode(codec, errors="replace"), name

    declared = [declared_charset]
    if is_html:
        found = _META_CHARSET.search(body[:_META_CHARSET_WINDOW])
        if found:
            declared.append(found.group(1).decode("ascii").lower())
    for label in declared:
        codec = _codec_for(label)
        if codec:
            return body.decode(codec, errors="replace"), label

    if not body:
        return "", ""
    guess = charset_normalizer.from_bytes(body).best()
    if guess is not None and _codec_for(guess.encoding):
        return body.decode(guess.encoding, errors="replace"), guess.encoding
    return body.decode("utf-8", errors="replace"), "utf-8"


def _without_nul(text: str) -> str:
    # A reader sees nothing of NUL in page text (browsers drop it), where lxml would put U+FFFD
    # in the middle of a word; text stored from other types is made storable when recorded.
    return text.replace("\x00", "")


def _codec_for(label: str) -> str:
    label = label.strip().lower()
    if not label:
        return ""
    label = _CODEC_FOR_LABEL.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def _extract_html(html: str, *, charset: str, url: str) -> ExtractedContent:
    # lxml refuses text that still declares a byte encoding; the text is already decoded.
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ExtractedContent(charset=charset)

    base_url = _base_url(tree, url=url)
    title = _collapse(tree.findtext(".//title") or "")
    language = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    links = _links(tree, base_url=base_url, page_url=url)

    text = ""
    metadata: dict[str, Any] = {}
    try:
        # The parsed tree is handed over rather than parsed twice. The fallback extractors
        # (justext, readability) double the cost for little gain on article pages.
        document = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, fast=True
        )
    except Exception:  # a third-party parser on hostile input; the fallback text is enough
        logger.warning("Main text extraction failed for %s", url, exc_info=True)
        document = None
    if document is not None:
        text = (document.text or "").strip()
        title = title or _collapse(document.title or "")
        metadata = {
            "author": document.author,
            "date": document.date,
            "site_name": document.sitename,
            "description": document.description,
            "canonical_url": document.url if document.url != url else None,
            "language": document.language,
            "image": document.image,
        }
    if language:
        metadata["language"] = language.strip()
    if not text:
        body = tree.find("body")
        text = _collapse_lines(body.text_content() if body is not None else "")
    return ExtractedContent(
        title=title,
        text=text,
        charset=charset,
        links=links,
        metadata={key: value for key, value in metadata.items() if value},
    )


def _base_url(tree: lxml.html.HtmlElement, *, url: str) -> str:
    base = tree.find(".//base[@href]")
    if base is not None:
        candidate = urljoin(url, base.get("href", "").strip())
        if urlsplit(candidate).scheme in ("http", "https"):
            return candidate
    return url


def _links(tree: lxml.html.HtmlElement, *, base_url: str, page_url: str) -> list[dict[str, str]]:
    page = _without_fragment(page_url)
    links: list[dict[str, str]] = []
    seen: set[str] = set()
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        try:
            absolute = _without_fragment(urljoin(base_url, href))
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme not in ("http", "https") or not parts.hostname or absolute == page:
            continue
        if absolute in seen:
            continue
        seen.add(absolute)
        text = _collapse(anchor.text_content())[:MAX_ANCHOR_TEXT]
        links.append({"url": absolute, "text": text})
        if len(links) >= MAX_LINKS:
            break
    return links


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _extract_pdf(body: bytes) -> ExtractedContent:
    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty password only to forbid editing.
            reader.decrypt("")
        page_count = len(reader.pages)
        texts = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
        info = reader.metadata
    except Exception:  # pypdf raises many types on damaged files; a snapshot without text is fine
        logger.warning("Could not read text from a PDF", exc_info=True)
        return ExtractedContent(metadata={"pdf_unreadable": True})

    metadata: dict[str, Any] = {"page_count": page_count}
    title = ""
    if info is not None:
        title = _collapse(str(info.title or ""))
        metadata["author"] = _collapse(str(info.author or ""))
        try:
            created = info.creation_date
        except ValueError:
            created = None
        if created is not None:
            metadata["date"] = created.isoformat()
    return ExtractedContent(
        title=title,
        text="\n\n".join(text.strip() for text in texts if text.strip()),
        metadata={key: value for key, value in metadata.items() if value},
    )


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _collapse_lines(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
