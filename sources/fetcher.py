"""The one way this service reads a URL from the internet.

Every fetch goes through `fetch_url`, which only talks HTTP(S) to public addresses (each
redirect checked again, the address connected to being the address checked), within one
deadline and one body size cap, and reads only the content types it knows. It never writes to
the database; callers turn the `FetchResult` into a snapshot.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sources.fetching.content import extract_content
from sources.fetching.errors import (
    FetchErrorKind,
    FetchFailure,
    is_http_status,
    retryable_status,
)
from sources.fetching.policy import FetchPolicy, Resolver, policy_from_settings, resolve_host
from sources.fetching.transport import (
    NETWORK_ERRORS,
    Deadline,
    SocketWatchdog,
    checked_addresses,
    connection_to,
    fetch_response,
    network_failure,
    parse_retry_after,
)
from sources.fetching.urls import (
    FetchTarget,
    InvalidURLError,
    IPAddress,
    UnsupportedSchemeError,
    normalize_url,
    parse_fetch_target,
    validate_fetchable_url,
)

# With `fetch_url`, what other requests to addresses someone typed use (webhooks POST to
# their subscribers; imports read a feed's body with `fetch_response`): the same address
# checks, connections and deadline as a fetch.
__all__ = [
    "NETWORK_ERRORS",
    "Deadline",
    "FetchErrorKind",
    "FetchFailure",
    "FetchPolicy",
    "FetchResult",
    "FetchTarget",
    "IPAddress",
    "InvalidURLError",
    "Resolver",
    "SocketWatchdog",
    "UnsupportedSchemeError",
    "checked_addresses",
    "connection_to",
    "fetch_response",
    "fetch_url",
    "is_http_status",
    "network_failure",
    "normalize_url",
    "parse_fetch_target",
    "parse_retry_after",
    "policy_from_settings",
    "resolve_host",
    "retryable_status",
    "validate_fetchable_url",
]

logger = logging.getLogger(__name__)


@dataclass
class FetchResult:
    """What one fetch found, or why it found nothing; a SourceSnapshot is made from it."""

    requested_url: str
    final_url: str = ""
    status_code: int | None = None
    content_type: str = ""
    charset: str = ""
    title: str = ""
    text: str = ""
    links: list[dict[str, str]] = field(default_factory=list)
    """Absolute http(s) links on the page, each {"url": ..., "text": anchor text}."""
    metadata: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""
    """Of the body bytes as the server meant them (compression undone, before charset decoding)."""
    size: int | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    error_kind: str = ""
    """'' on success, else a FetchErrorKind value."""
    error_message: str = ""
    retryable: bool = False
    retry_after_seconds: int | None = None

    @property
    def succeeded(self) -> bool:
        return not self.error_kind


def fetch_url(url: str, *, policy: FetchPolicy | None = None) -> FetchResult:
    """Fetch `url` under `policy` (the FETCH_* settings when omitted) and say what was found.

    Does not raise for a bad URL, a refused address or any network or HTTP problem: the result
    carries `error_kind`, a message a person can act on, and whether a retry could help.
    """
    policy = policy or policy_from_settings()
    try:
        return _fetch(url, policy=policy)
    except Exception as exc:  # a fault of ours, or a parser's on hostile input, ends this fetch
        logger.exception("Fetching %s failed inside the fetcher.", url)
        return FetchResult(
            requested_url=url,
            error_kind=FetchErrorKind.FETCHER_ERROR,
            error_message=(
                f"The fetcher failed while reading {url} ({type(exc).__name__}); it will try "
                "again, and give up if the page keeps failing."
            ),
            retryable=True,
        )


def _fetch(url: str, *, policy: FetchPolicy) -> FetchResult:
    visited: list[str] = []
    result = FetchResult(requested_url=url)
    try:
        response = fetch_response(
            url, policy=policy, deadline=Deadline(policy.deadline_seconds), visited=visited
        )
    except FetchFailure as failure:
        result.final_url = visited[-1] if visited else url
        result.status_code = failure.status_code
        result.content_type = failure.content_type
        result.error_kind = str(failure.kind)
        result.error_message = failure.message
        result.retryable = failure.retryable
        result.retry_after_seconds = failure.retry_after_seconds
        result.fetched_at = datetime.now(UTC)
        return result

    content = extract_content(
        response.body,
        media_type=response.media_type,
        declared_charset=response.charset,
        url=response.final_url,
    )
    result.final_url = response.final_url
    result.status_code = response.status_code
    result.content_type = response.media_type
    result.charset = content.charset
    result.title = content.title
    result.text = content.text
    result.links = content.links
    result.metadata = content.metadata
    result.sha256 = hashlib.sha256(response.body).hexdigest()
    result.size = len(response.body)
    result.fetched_at = datetime.now(UTC)
    return result
