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
