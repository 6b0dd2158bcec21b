"""Reading a fact-check page or a feed from the web, under the fetcher's rules.

`sources.fetcher.fetch_url` keeps what a snapshot needs (text, title, links), not the body,
and JSON-LD lives in the body. So the GET is made here from the pieces the fetcher's public
module shares for this (as webhooks do for their POST): the URL parsed and every address
checked by the fetcher (http(s), allowed ports, public addresses only, each redirect checked
again), connections pinned to the checked address, one deadline for the whole fetch with a
watchdog, and the fetcher's body cap (FETCH_MAX_BODY_BYTES), counted as the body arrives.
"""

from __future__ import annotations

import dataclasses
import logging
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

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
    UnsupportedSchemeError,
    checked_addresses,
    connection_to,
    network_failure,
    parse_fetch_target,
    policy_from_settings,
)

from .errors import FetchFailed, FetchRefused, ImportRefused, InputTooLarge

# Feeds and collections come in types a page fetcher does not read.
DOCUMENT_CONTENT_TYPES = frozenset(
    {"application/ld+json", "application/feed+json", "text/tab-separated-values"}
)
logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
READ_CHUNK_BYTES = 64 * 1024


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
        return InputTooLarge(failure.message)
    return FetchFailed(failure.message, details={"kind": str(failure.kind)})


def _fetch(url: str, *, policy: FetchPolicy) -> FetchedDocument:
    deadline = Deadline(policy.deadline_seconds)
    watchdog = SocketWatchdog(deadline)
    try:
        current = url
        for _hop in range(policy.max_redirects + 1):
            target = _target(current, policy=policy)
            addresses = checked_addresses(target, policy=policy, deadline=deadline)
            connection, response = _get(
                target, addresses=addresses, policy=policy, deadline=deadline, watchdog=watchdog
            )
            try:
                location = response.headers.get("Location", "").strip()
                if response.status in REDIRECT_STATUSES and location:
                    current = urljoin(target.url, location)
                    continue
                return _read(
                    target, response=response, policy=policy, deadline=deadline, watchdog=watchdog
                )
            finally:
                response.release_conn()
                connection.close()
        raise FetchFailure(
            FetchErrorKind.TOO_MANY_REDIRECTS,
            f"{url} redirected more than {policy.max_redirects} times; give the final address.",
        )
    finally:
        watchdog.cancel()


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


def _get(
    target: FetchTarget,
    *,
    addresses: list[IPAddress],
    policy: FetchPolicy,
    deadline: Deadline,
    watchdog: SocketWatchdog,
):
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
                "GET",
                target.request_target,
                headers={
                    "Host": target.netloc,
                    "User-Agent": policy.user_agent,
                    "Accept": "application/ld+json, application/json, text/html;q=0.9, "
                    "text/tab-separated-values;q=0.8, */*;q=0.1",
                    "Accept-Encoding": "gzip, deflate",
                    "Connection": "close",
                },
                preload_content=False,
                decode_content=False,
            )
            return connection, connection.getresponse()
        except NETWORK_ERRORS as exc:
            connection.close()
            raise network_failure(
                exc,
                target=target,
                deadline=deadline,
                watchdog=watchdog,
                doing="get a response from",
            ) from exc
    raise failure or FetchFailure(
        FetchErrorKind.TIMEOUT,
        f"{target.host} was not reached within the {deadline.seconds:g}-second limit.",
        retryable=True,
    )


def _read(
    target: FetchTarget,
    *,
    response: BaseHTTPResponse,
    policy: FetchPolicy,
    deadline: Deadline,
    watchdog: SocketWatchdog,
) -> FetchedDocument:
    if not 200 <= response.status < 300:
        reason = (response.reason or "").strip()
        raise FetchFailure(
            FetchErrorKind.HTTP_ERROR,
            f"{target.host} answered {response.status} {reason}".rstrip()
            + f" for {target.url}; check the address, or try again later.",
            status_code=response.status,
        )
    media_type, _, parameters = response.headers.get("Content-Type", "").partition(";")
    media_type = media_type.strip().lower()
    charset = ""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    if media_type not in policy.content_types:
        raise FetchFailure(
            FetchErrorKind.UNSUPPORTED_CONTENT_TYPE,
            f"{target.url} sent '{media_type or 'no content type'}', which is neither a page "
            "nor a feed (HTML, JSON, JSON-LD or tab-separated values).",
        )
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise FetchFailure(
            FetchErrorKind.UNSUPPORTED_CONTENT_TYPE,
            f"{target.url} sent its body compressed as '{encoding}', which cannot be undone.",
        )
    inflater = (
        None
        if encoding in ("", "identity")
        else zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
    )
    cap = policy.max_body_bytes
    declared = response.headers.get("Content-Length", "").strip()
    if inflater is None and declared.isdigit() and int(declared) > cap:
        raise _too_large(target, cap=cap)
    pieces: list[bytes] = []
    size = received = 0
    while True:
        if deadline.expired:
            raise _timeout(target, deadline=deadline)
        watchdog.limit_waits(deadline.remaining())
        try:
            raw = response.read1(READ_CHUNK_BYTES, decode_content=False)
        except NETWORK_ERRORS as exc:
            raise network_failure(
                exc, target=target, deadline=deadline, watchdog=watchdog, doing="read from"
            ) from exc
        if not raw:
            break
        received += len(raw)
        try:
            # At most one byte past the cap is inflated: a small bomb is caught as it grows.
            piece = raw if inflater is None else inflater.decompress(raw, cap - size + 1)
        except zlib.error as exc:
            raise FetchFailure(
                FetchErrorKind.CONNECTION_ERROR,
                f"{target.url} sent a compressed body that could not be decompressed ({exc}).",
                retryable=True,
            ) from exc
        size += len(piece)
        if size > cap or received > cap:
            raise _too_large(target, cap=cap)
        pieces.append(piece)
    if watchdog.fired:
        raise _timeout(target, deadline=deadline)
    if inflater is not None:
        pieces.append(inflater.flush())
        if size + len(pieces[-1]) > cap:
            raise _too_large(target, cap=cap)
    return FetchedDocument(
        url=target.url, media_type=media_type, charset=charset, body=b"".join(pieces)
    )


def _too_large(target: FetchTarget, *, cap: int) -> FetchFailure:
    return FetchFailure(
        FetchErrorKind.TOO_LARGE,
        f"{target.url} is larger than the {_size(cap)} the fetcher reads "
        "(FETCH_MAX_BODY_BYTES): split the feed, or import the file with "
        "`manage.py import_factchecks`.",
    )


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MiB"
    if size >= 1024:
        return f"{size / 1024:g} KiB"
    return f"{size} bytes"


def _timeout(target: FetchTarget, *, deadline: Deadline) -> FetchFailure:
    return FetchFailure(
        FetchErrorKind.TIMEOUT,
        f"{target.host} did not finish answering within the {deadline.seconds:g}-second limit "
        "for a fetch; try again later.",
        retryable=True,
    )
