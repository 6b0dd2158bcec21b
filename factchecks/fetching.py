"""Reading a fact-check page or a feed from the web, under the fetcher's rules.

`sources.fetcher.fetch_url` keeps what a snapshot needs (text, title, links), not the body,
and JSON-LD lives in the body. So imports read the body with the fetcher's `fetch_response`:
the same address checks (http(s), allowed ports, public addresses only, each redirect
checked again), connections pinned to the checked address, one deadline for the whole fetch
and the body cap (FETCH_MAX_BODY_BYTES), with feed types added to what it accepts.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from sources.fetcher import (
    Deadline,
    FetchErrorKind,
    FetchFailure,
    FetchPolicy,
    FetchTarget,
    InvalidURLError,
    UnsupportedSchemeError,
    checked_addresses,
    fetch_response,
    parse_fetch_target,
    policy_from_settings,
)

from .errors import FetchFailed, FetchRefused, ImportRefused, InputTooLarge

# Feeds and collections come in types a page fetcher does not read.
DOCUMENT_CONTENT_TYPES = frozenset(
    {"application/ld+json", "application/feed+json", "text/tab-separated-values"}
)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchedDocument:
    url: str
    """Where the document was found, after redirects."""
    media_type: str
    charset: str
    body: bytes


def import_policy() -> FetchPolicy:
    """The fetcher's policy (FETCH_* settings), reading feed types as well."""
    policy = policy_from_settings()
    return dataclasses.replace(policy, content_types=policy.content_types | DOCUMENT_CONTENT_TYPES)


def fetch_document(url: str, *, policy: FetchPolicy | None = None) -> FetchedDocument:
    """GET `url` under the fetcher's rules; ImportRefused saying why when it cannot be read."""
    policy = policy or import_policy()
    try:
        return _fetch(url, policy=policy)
    except FetchFailure as failure:
        raise _refusal(failure) from None
    except Exception as exc:  # a fault of ours, or of a library on a hostile answer
        logger.exception("Fetching %s for an import failed inside the fetch.", url)
        raise FetchFailed(
            f"{url} could not be read ({type(exc).__name__}); try again later, or import the "
            "page or feed as a file.",
            details={"kind": str(FetchErrorKind.FETCHER_ERROR)},
        ) from exc


def url_refusal(url: str, *, policy: FetchPolicy | None = None) -> str:
    """Why `url` could never be read ('' when it could): its syntax, scheme, port, and the
    addresses its host resolves to, judged by the fetcher's rules without connecting."""
    policy = policy or import_policy()
    try:
        target = _target(url, policy=policy)
        checked_addresses(target, policy=policy, deadline=Deadline(policy.deadline_seconds))
    except FetchFailure as failure:
        if failure.kind in (FetchErrorKind.BLOCKED, FetchErrorKind.INVALID_URL):
            return failure.message
    return ""


def _refusal(failure: FetchFailure) -> ImportRefused:
    if failure.kind in (FetchErrorKind.BLOCKED, FetchErrorKind.INVALID_URL):
        return FetchRefused(failure.message)
    if failure.kind == FetchErrorKind.TOO_LARGE:
        return InputTooLarge(
            f"{failure.message} A larger feed or collection can be split, or imported as a "
            "file with `manage.py import_factchecks`."
        )
    return FetchFailed(failure.message, details={"kind": str(failure.kind)})


def _fetch(url: str, *, policy: FetchPolicy) -> FetchedDocument:
    response = fetch_response(
        url, policy=policy, deadline=Deadline(policy.deadline_seconds), visited=[]
    )
    return FetchedDocument(
        url=response.final_url,
        media_type=response.media_type,
        charset=response.charset,
        body=response.body,
    )


def _target(url: str, *, policy: FetchPolicy) -> FetchTarget:
    try:
        target = parse_fetch_target(url)
    except UnsupportedSchemeError as exc:
        raise FetchFailure(FetchErrorKind.BLOCKED, f"Refused to fetch {url}: {exc}") from exc
    except InvalidURLError as exc:
        raise FetchFailure(FetchErrorKind.INVALID_URL, f"Cannot fetch {url}: {exc}") from exc
    if target.port not in policy.allowed_ports:
        allowed = ", ".join(str(port) for port in sorted(policy.allowed_ports))
        raise FetchFailure(
            FetchErrorKind.BLOCKED,
            f"Refused to fetch {target.url}: port {target.port} is not one the fetcher uses "
            f"(allowed: {allowed}).",
        )
    return target
