"""Why an import as a whole was refused. Each is a 400 in the API's one error shape, with a
code a client can branch on and a message saying what to do; an item that cannot be imported
is not an error but a line of the report (`items.SkipItem`). Subscriptions add two refusals
of their own, each a 409."""

from factcheck.errors import Conflict, DomainError, InvalidInput


class ImportRefused(InvalidInput):
    """The input cannot be imported at all."""


class UnreadableDocument(ImportRefused):
    code = "unreadable_document"


class NoClaimReview(ImportRefused):
    code = "no_claimreview"


class FetchRefused(ImportRefused):
    """The fetcher's rules refuse the URL (scheme, port, a private address)."""

    code = "fetch_refused"


class FetchFailed(ImportRefused):
    """The site could not be read (network, HTTP status, content type)."""

    code = "fetch_failed"


class InputTooLarge(ImportRefused):
    code = "too_large"


class NothingImported(ImportRefused):
    """Every item of the input was skipped; `details` holds the report."""

    code = "nothing_imported"


class AlreadySubscribed(Conflict):
    """Another subscription reads the same feed URL; `details.subscription` is its id."""

    code = "already_subscribed"


class SubscriptionPaused(Conflict):
    """A paused subscription (is_active false) is not refreshed, not even on request."""

    code = "subscription_paused"


__all__ = [
    "AlreadySubscribed",
    "DomainError",
    "FetchFailed",
    "FetchRefused",
    "ImportRefused",
    "InputTooLarge",
    "NoClaimReview",
    "NothingImported",
    "SubscriptionPaused",
    "UnreadableDocument",
]
