"""The one hierarchy of domain errors. Services raise these; the API maps them to HTTP."""


class DomainError(Exception):
    """A request the domain refuses. `message` is written for the person who made it."""

    status_code = 400
    code = "invalid_request"

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid_input"


class NotPermitted(DomainError):
    status_code = 403
    code = "not_permitted"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class InvalidTransition(DomainError):
    status_code = 409
    code = "invalid_transition"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class LeaseExpired(Conflict):
    code = "lease_expired"


class StaleVersion(DomainError):
    status_code = 412
    code = "stale_version"


class PreconditionRequired(DomainError):
    status_code = 428
    code = "precondition_required"
