"""Reading schema.org ClaimReview: finding the reviews in a JSON-LD value or a page, and
turning one into a fact-check.

Publishers wrap their reviews every way JSON-LD allows: a bare ClaimReview, a list, an
`@graph`, a schema.org DataFeed of DataFeedItems (Google's and Data Commons' feeds), `@type`
as a list or a prefixed name, values given as lists, and nodes that only point at another
node by `@id`. Each is read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from extruct.jsonld import JsonLdExtractor

from .errors import NoClaimReview, UnreadableDocument
from .items import (
    FactCheckData,
    ReadOptions,
    SkipItem,
    canonical_review_url,
    language_of,
    publisher_identity,
    rating_of,
)
from .language import declared_language
from .publishers import known_publisher, site_of
from .text import clean_text, number_text, parse_date

# Deeper than any feed nests its reviews; what lies below is not looked at.
MAX_DEPTH = 64
_JSONLD_SCRIPTS = lxml.etree.XPath(
    "//script[translate(normalize-space(@type), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
    "'abcdefghijklmnopqrstuvwxyz')='application/ld+json']"
)


def _type_names(node: dict) -> set[str]:
    types = node.get("@type")
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        return set()
    # "ClaimReview", "schema:ClaimReview" and "http://schema.org/ClaimReview" are one type.
    return {t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in types if isinstance(t, str)}


def is_claimreview(node: Any) -> bool:
    return isinstance(node, dict) and "ClaimReview" in _type_names(node)


@dataclass
class FoundReviews:
    reviews: list[dict] = field(default_factory=list)
    nodes_by_id: dict[str, dict] = field(default_factory=dict)
    """Every node with an @id and content, to resolve references such as {"@id": "#org"}."""
    types_seen: set[str] = field(default_factory=set)


def find_claimreviews(value: Any, found: FoundReviews | None = None) -> FoundReviews:
    """The ClaimReviews anywhere in a JSON-LD value, in document order."""
    found = found or FoundReviews()
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(node, dict):
            node_id = node.get("@id")
            if isinstance(node_id, str) and len(node) > 1:
                found.nodes_by_id.setdefault(node_id, node)
            names = _type_names(node)
            found.types_seen |= names
            if "ClaimReview" in names:
                found.reviews.append(node)
                children = [node.get("itemReviewed"), node.get("author")]
            else:
                children = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        # Reversed onto the stack, so that reviews come out in the order they were written.
        pending.extend((child, depth + 1) for child in reversed(children) if child)
    return found


@dataclass
class PageJsonLd:
    found: FoundReviews
    blocks: int
    malformed: list[str]
    """For each JSON-LD block that could not be read: which one and why."""


def jsonld_of_page(html: bytes, *, charset: str = "") -> PageJsonLd:
    """The JSON-LD blocks of an HTML page, each read on its own (by extruct), so that one
    malformed block does not hide the others."""
    parser = lxml.html.HTMLParser(encoding=charset or None)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError, LookupError) as exc:
        raise UnreadableDocument(f"The page could not be read as HTML ({exc}).") from exc
    extractor = JsonLdExtractor()
    found = FoundReviews()
    malformed: list[str] = []
    scripts = _JSONLD_SCRIPTS(tree)
    for number, script in enumerate(scripts, start=1):
        try:
            items = extractor.extract_items(script)
        except Exception as exc:  # the parsers raise several types on malformed JSON-LD
            malformed.append(f"JSON-LD block {number} is malformed: {_short(exc)}")
            continue
        find_claimreviews(items, found)
    return PageJsonLd(found=found, blocks=len(scripts), malformed=malformed)


def reviews_of_page(page: PageJsonLd, *, where: str) -> list[dict]:
    """The page's ClaimReviews; refuses a page that has none, saying what it has instead."""
    if page.found.reviews:
        return page.found.reviews
    if page.malformed and len(page.malformed) == page.blocks:
        raise UnreadableDocument(
            f"No ClaimReview could be read from {where}: its JSON-LD is malformed ("
            + "; ".join(page.malformed)
            + "). Ask the publisher to fix the markup, or import the ClaimReview as a file."
        )
    if not page.blocks:
        raise NoClaimReview(
            f'{where} has no JSON-LD (no <script type="application/ld+json">), so no '
            "ClaimReview: check that it is a fact-check page whose publisher marks its reviews "
            "up with schema.org ClaimReview."
        )
    types = ", ".join(sorted(page.found.types_seen)) or "no typed items"
    raise NoClaimReview(
        f"{where} has JSON-LD ({types}) but no ClaimReview: check that it is a fact-check "
        "page, not an article or a list of fact-checks."
    )


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


# --- one review ------------------------------------------------------------------------------


def _resolved(value: Any, nodes: dict[str, dict]) -> Any:
    """`value`, or the node it points at when it is only a reference ({"@id": ...})."""
    if isinstance(value, list):
        return [_resolved(item, nodes) for item in value]
    if isinstance(value, dict) and set(value) == {"@id"}:
        return nodes.get(value["@id"], value) if isinstance(value["@id"], str) else value
    return value


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return next((item for item in value if item not in (None, "", {}, [])), None)
    return value


def _organizations(value: Any) -> list[dict]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _name_of(value: Any) -> str:
    if isinstance(value, str):
        return clean_text(value)
    names = [clean_text(item.get("name")) for item in _organizations(value)]
    return ", ".join(name for name in names if name)


def _url_of(value: Any) -> str:
    for item in _organizations(value):
        url = item.get("url") or item.get("@id")
        if isinstance(url, str) and url.strip():
            return url.strip()
    return ""


def _is_person(value: Any) -> bool:
    return any("Person" in _type_names(item) for item in _organizations(value))


def _review_url(data: dict, *, page_url: str) -> str:
    main_entity = data.get("mainEntityOfPage")
    candidates = [
        _first(data.get("url")),
        data.get("@id"),
        main_entity.get("@id") or main_entity.get("url")
        if isinstance(main_entity, dict)
        else main_entity,
        page_url,
    ]
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate.strip():
            continue
        candidate = candidate.strip()
        if page_url:
            candidate = urljoin(page_url, candidate)
        url = canonical_review_url(candidate)
        if url:
            return url
    return ""


def fact_check_from_claimreview(
    data: dict, *, nodes: dict[str, dict], options: ReadOptions
) -> FactCheckData:
    """A fact-check from one ClaimReview (as published); SkipItem when it cannot be one."""
    item = _resolved(_first(_resolved(data.get("itemReviewed"), nodes)) or {}, nodes)
    item = item if isinstance(item, dict) else {}

    claim = clean_text(data.get("claimReviewed")) or clean_text(item.get("name"))
    if not claim:
        raise SkipItem("The ClaimReview has no claimReviewed: there is no claim to match against.")

    review_url = _review_url(data, page_url=options.page_url)
    publisher_value = _resolved(data.get("publisher"), nodes)
    author_value = _resolved(data.get("author"), nodes)
    organisation_url = _url_of(publisher_value) or _url_of(author_value)
    host, path = site_of(review_url) if review_url else site_of(organisation_url)
    known = known_publisher(host=host, path=path)
    if known is None and review_url and organisation_url:
        organisation_host, organisation_path = site_of(organisation_url)
        known = known_publisher(host=organisation_host, path=organisation_path)
    # A person named as the author is the writer, not the publisher.
    author_organisation = "" if _is_person(author_value) else _name_of(author_value)
    name = (
        _name_of(publisher_value)
        or author_organisation
        or options.publisher
        or host
        or _name_of(author_value)
    )
    publisher = publisher_identity(name=name, site=host, known=known)
    if publisher is None:
        raise SkipItem(
            "The ClaimReview names no publisher and has no URL: import it with a publisher "
            "(--publisher, or `publisher` in the API)."
        )

    rating_value = _resolved(_first(data.get("reviewRating")), nodes)
    rating_value = rating_value if isinstance(rating_value, dict) else {}
    rating_text = clean_text(rating_value.get("alternateName")) or clean_text(
        rating_value.get("name")
    )
    value = number_text(rating_value.get("ratingValue"))
    best = number_text(rating_value.get("bestRating"))
    worst = number_text(rating_value.get("worstRating"))
    rating = rating_of(text=rating_text, value=value, best=best, worst=worst, known=known)

    appearance = _resolved(_first(item.get("appearance") or item.get("firstAppearance")), nodes)
    claim_date = parse_date(item.get("datePublished")) or (
        parse_date(appearance.get("datePublished")) if isinstance(appearance, dict) else None
    )
    claimant_value = _resolved(item.get("author") or item.get("creator"), nodes)
    headline = clean_text(data.get("name")) or clean_text(data.get("headline"))
    language, detected = language_of(
        declared=declared_language(data.get("inLanguage"))
        or declared_language(item.get("inLanguage")),
        options=options,
        texts=[claim, headline, clean_text(data.get("description"))],
    )
    external_id = data.get("@id") if isinstance(data.get("@id"), str) else ""
    return FactCheckData(
        publisher=publisher,
        external_id=external_id.strip(),
        review_url=review_url,
        claim_text=claim,
        claimant=_name_of(claimant_value),
        claim_date=claim_date,
        review_date=parse_date(data.get("datePublished"))
        or parse_date(data.get("dateCreated"))
        or parse_date(data.get("dateModified")),
        headline=headline,
        language=language,
        language_detected=detected,
        rating_text=rating_text,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        rating=rating,
        raw=data,
    )
