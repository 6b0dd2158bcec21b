"""How a fetch can fail, in words a caller can branch on and a person can act on."""

from __future__ import annotations

import enum


class FetchErrorKind(enum.StrEnum):
    BLOCKED = "blocked"
    """The scheme, port or address is refused by policy; retrying cannot help."""
    TOO_MANY_REDIRECTS = "too_many_redirects"
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"
    HTTP_ERROR = "http_error"
    TOO_LARGE = "too_large"
    UNSUPPORTED_CONTENT_TYPE = "unsupported_content_type"
    INVALID_URL = "invalid_url"
    FETCHER_ERROR = "fetcher_error"
    """The fetcher itself failed on this page (a fault of ours, or of a parser on odd input)."""
    RECORD_FAILED = "record_failed"
    """The fetch ended but what it found could not be stored; the failure was stored instead."""
    LEASE_EXPIRED = "lease_expired"
    """An attempt did not finish within its lease: the worker stopped or hung."""


def is_http_status(status: int) -> bool:
    """HTTP defines three-digit status codes from 100 to 599; anything else is a broken server."""
    return 100 <= status <= 599


def retryable_status(status: int) -> bool:
    """Whether a request answered with `status` may succeed when sent again later: the
    server's own trouble (5xx), a request timeout (408), too early (425) or too many requests
    (429). A code outside HTTP's range is not one of them: a server that sends it is broken,
    and asking again meets the same answer."""
    return 500 <= status <= 599 or status in (408, 425, 429)


class FetchFailure(Exception):
    """Ends a fetch early; turned into a FetchResult with the error, never seen by callers."""

    def __init__(
        self,
        kind: FetchErrorKind,
        message: str,
        *,
        retryable: bool = False,
        status_code: int | None = None,
        retry_after_seconds: int | None = None,
        content_type: str = "",
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retryable = retryable
        self.status_code = status_code
        self.retry_after_seconds = retry_after_seconds
        self.content_type = content_type
