"""POSTing a webhook under the fetcher's address rules.

A subscriber URL is an address someone typed into this service, exactly like a source URL, so
it goes through the same checks: http(s) only, an allowed port, every address the host resolves
to public (or in FETCH_ALLOWED_NETWORKS), and the connection made to the address that was
checked. Redirects are not followed: a receiver answers at the URL it registered.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from urllib3.response import BaseHTTPResponse

from sources.fetcher import (
    NETWORK_ERRORS,
    Deadline,
    FetchErrorKind,
    FetchFailure,
    FetchPolicy,
    FetchTarget,
    InvalidURLError,
    IPAddress,
    SocketWatchdog,
    checked_addresses,
    connection_to,
    is_http_status,
    network_failure,
    parse_fetch_target,
    parse_retry_after,
    policy_from_settings,
    retryable_status,
)

USER_AGENT = "factcheck-webhooks/1.0"
# Enough of a receiver's answer to see what it complained about.
RESPONSE_EXCERPT_BYTES = 1024


@dataclass
class PostOutcome:
    """What one POST achieved; `error_kind` is '' when the receiver accepted it (2xx)."""

    started_at: datetime
    duration_ms: int = 0
    status_code: int | None = None
    error_kind: str = ""
    error: str = ""
    retryable: bool = False
    retry_after_seconds: int | None = None
    response_excerpt: str = ""

    @property
    def delivered(self) -> bool:
        return not self.error_kind


def webhook_policy(*, timeout_seconds: float) -> FetchPolicy:
    """The fetcher's policy (FETCH_ALLOWED_NETWORKS, FETCH_ALLOWED_PORTS, ...) with the
    webhook time limit for the whole POST."""
    policy = policy_from_settings()
    return dataclasses.replace(
        policy,
        deadline_seconds=timeout_seconds,
        connect_timeout_seconds=min(policy.connect_timeout_seconds, timeout_seconds),
    )


def receiver_refusal(url: str, *, policy: FetchPolicy) -> str:
    """Why webhooks cannot be sent to `url` ('' when they can), in words for whoever typed it.

    Resolves the host name, so a name that points to a private address is refused as well.
    """
    deadline = Deadline(policy.deadline_seconds)
    try:
        target = _target(url)
        _checked_receiver_addresses(target, policy=policy, deadline=deadline)
    except FetchFailure as failure:
        return failure.message
    return ""


def post_json(
    url: str, *, body: bytes, headers: dict[str, str], policy: FetchPolicy
) -> PostOutcome:
    """POST `body` (JSON) with `headers` to `url` and say how it went. Never raises for a
    network, HTTP or policy problem; a refused address is refused before any socket opens."""
    outcome = PostOutcome(started_at=datetime.now(UTC))
    started = time.monotonic()
    try:
        response_status, reason, excerpt, retry_after_value = _post(
            url, body=body, headers=headers, policy=policy
        )
    except FetchFailure as failure:
        outcome.status_code = failure.status_code
        outcome.error_kind = str(failure.kind)
        outcome.error = failure.message
        outcome.retryable = failure.retryable
        outcome.retry_after_seconds = failure.retry_after_seconds
    else:
        outcome.response_excerpt = excerpt
        if not is_http_status(response_status):
            outcome.error_kind = str(FetchErrorKind.HTTP_ERROR)
            outcome.error = f"The receiver answered {response_status}, which is not an HTTP status."
        elif not 200 <= response_status < 300:
            outcome.status_code = response_status
            outcome.error_kind = str(FetchErrorKind.HTTP_ERROR)
            outcome.retryable = retryable_status(response_status)
            if response_status in (429, 503):
                outcome.retry_after_seconds = parse_retry_after(
                    retry_after_value, now=datetime.now(UTC)
                )
            outcome.error = _http_error_message(
                url, status=response_status, reason=reason, retry_after=outcome.retry_after_seconds
            )
        else:
            outcome.status_code = response_status
    outcome.duration_ms = max(0, round((time.monotonic() - started) * 1000))
    return outcome


def _target(url: str) -> FetchTarget:
    try:
        return parse_fetch_target(url)
    except InvalidURLError as exc:
        raise FetchFailure(FetchErrorKind.INVALID_URL, f"Cannot send to {url}: {exc}") from exc


def _checked_receiver_addresses(
    target: FetchTarget, *, policy: FetchPolicy, deadline: Deadline
) -> list[IPAddress]:
    if target.port not in policy.allowed_ports:
        allowed = ", ".join(str(port) for port in sorted(policy.allowed_ports))
        raise FetchFailure(
            FetchErrorKind.BLOCKED,
            f"Refused to send to {target.url}: port {target.port} is not one the service "
            f"connects to (allowed: {allowed}).",
        )
    return checked_addresses(target, policy=policy, deadline=deadline)


def _post(
    url: str, *, body: bytes, headers: dict[str, str], policy: FetchPolicy
) -> tuple[int, str, str, str | None]:
    """Status, reason, the start of the answer and its Retry-After header."""
    deadline = Deadline(policy.deadline_seconds)
    target = _target(url)
    addresses = _checked_receiver_addresses(target, policy=policy, deadline=deadline)
    request_headers = {
        "Host": target.netloc,
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Connection": "close",
        **headers,
    }
    watchdog = SocketWatchdog(deadline)
    try:
        failure: FetchFailure | None = None
        for address in addresses:
            if deadline.expired:
                break
            connection = connection_to(address, target=target, policy=policy, deadline=deadline)
            connection.watchdog = watchdog
            try:
                connection.connect()
            except NETWORK_ERRORS as exc:
                connection.close()
                failure = network_failure(
                    exc, target=target, deadline=deadline, watchdog=watchdog, doing="connect to"
                )
                continue
            try:
                connection.timeout = max(deadline.remaining(), 0.001)
                connection.request(
                    "POST",
                    target.request_target,
                    body=body,
                    headers=request_headers,
                    preload_content=False,
                    decode_content=False,
                )
                response = connection.getresponse()
                # The status line is the answer: a body cut short by the deadline changes nothing.
                excerpt = _excerpt(response)
                return (
                    response.status,
                    (response.reason or "").strip(),
                    excerpt,
                    response.headers.get("Retry-After"),
                )
            except NETWORK_ERRORS as exc:
                raise network_failure(
                    exc,
                    target=target,
                    deadline=deadline,
                    watchdog=watchdog,
                    doing="get an answer from",
                ) from exc
            finally:
                connection.close()
        if failure is None:
            failure = FetchFailure(
                FetchErrorKind.TIMEOUT,
                f"{target.host} was not reached within the {deadline.seconds:g}-second limit.",
                retryable=True,
            )
        raise failure
    finally:
        watchdog.cancel()


def _excerpt(response: BaseHTTPResponse) -> str:
    try:
        data = response.read(RESPONSE_EXCERPT_BYTES, decode_content=False)
    except NETWORK_ERRORS:
        # The status line and headers arrived, which is the answer; the body is a courtesy.
        return ""
    # PostgreSQL text cannot hold NUL characters.
    return data.decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def _http_error_message(url: str, *, status: int, reason: str, retry_after: int | None) -> str:
    answered = f"The receiver answered {status} {reason}".rstrip()
    if 300 <= status < 400:
        return (
            f"{answered}: redirects are not followed; register the URL that answers the POST "
            "itself."
        )
    if status in (404, 410):
        return f"{answered}: there is no receiver at {url}; check the subscriber URL."
    if status in (401, 403):
        return f"{answered}: it refused the delivery; check that it uses the current secret."
    if status == 429:
        wait = f" (it asked to wait {retry_after} seconds)" if retry_after is not None else ""
        return f"{answered}: too many requests{wait}."
    if retryable_status(status):
        return f"{answered}, a problem on the receiver's side."
    return f"{answered}: it refused the delivery."
