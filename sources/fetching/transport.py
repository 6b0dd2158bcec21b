"""HTTP to one checked address at a time, within one deadline and one size cap per fetch.

Built on urllib3's connection class rather than requests: requests reads proxy settings from the
environment, resolves host names itself when connecting (so the address checked need not be the
address reached) and has no limit on a whole fetch, only on each wait.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import math
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import certifi
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util.ssl_match_hostname import CertificateError

from .addresses import address_refusal_reason
from .errors import FetchErrorKind, FetchFailure, is_http_status, retryable_status
from .policy import FetchPolicy
from .urls import (
    FetchTarget,
    InvalidURLError,
    IPAddress,
    UnsupportedSchemeError,
    address_text,
    parse_fetch_target,
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
READ_CHUNK_BYTES = 64 * 1024
# RFC 6761: "localhost" names are this machine whatever DNS says; answering them here means
# they are refused without asking a resolver.
LOCALHOST_ADDRESS = ipaddress.IPv4Address("127.0.0.1")
# urllib3 reports a certificate for the wrong name as a ValueError of its own.
NETWORK_ERRORS = (OSError, http.client.HTTPException, Urllib3Error, CertificateError)


class Deadline:
    """A point in time after which a fetch gives up, on the monotonic clock."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires_at = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.expires_at - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0


class SocketWatchdog:
    """Shuts the current connection's socket down when the deadline passes.

    Socket timeouts bound each wait, not the whole fetch: a server that sends a byte just before
    every timeout would hold a reader for ever, in the headers as well as the body. Shutting the
    socket down from another thread wakes whatever read is blocked, at the deadline.
    """

    def __init__(self, deadline: Deadline) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(deadline.remaining(), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socket = sock
            fired = self.fired
        if fired:
            _shut_down(sock)

    def limit_waits(self, seconds: float) -> None:
        with self._lock:
            sock = self._socket
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.settimeout(max(seconds, 0.001))

    def cancel(self) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sock = self._socket
        if sock is not None:
            _shut_down(sock)


def _shut_down(sock: socket.socket) -> None:
    # The plain socket method, so a TLS socket is cut at the TCP level without a TLS goodbye
    # that could itself wait on the server.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _WatchedConnectionMixin:
    watchdog: SocketWatchdog | None = None

    def _new_conn(self) -> socket.socket:
        # Hand the socket to the watchdog before the TLS handshake, which can be stalled too.
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        if self.watchdog is not None:
            self.watchdog.watch(sock)
        return sock


class _WatchedHTTPConnection(_WatchedConnectionMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnectionMixin, HTTPSConnection):
    pass


@dataclass(frozen=True)
class FetchedResponse:
    """A successful response whose type is allowed and whose body fitted under the cap."""

    final_url: str
    status_code: int
    media_type: str
    charset: str
    """As declared in the Content-Type header; '' when it declared none."""
    body: bytes
    """With Content-Encoding undone."""


def fetch_response(
    url: str, *, policy: FetchPolicy, deadline: Deadline, visited: list[str]
) -> FetchedResponse:
    """Follow `url` through allowed redirects to a response and read its body.

    Appends each URL it tries to `visited`, so a caller knows where a failure happened.
    Raises FetchFailure for everything the network, the server or the policy can do wrong.
    """
    watchdog = SocketWatchdog(deadline)
    try:
        return _follow_redirects(
            url, policy=policy, deadline=deadline, visited=visited, watchdog=watchdog
        )
    finally:
        watchdog.cancel()


def parse_content_type(value: str) -> tuple[str, str]:
    """Media type and charset (both lowercase, '' when absent) of a Content-Type value."""
    media_type, *parameters = value.split(";")
    charset = ""
    for parameter in parameters:
        name, _, parameter_value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = parameter_value.strip().strip("\"'").strip().lower()
    return media_type.strip().lower(), charset


def parse_retry_after(value: str | None, *, now: datetime) -> int | None:
    """Seconds to wait according to a Retry-After value (delay-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - now).total_seconds()))


def _follow_redirects(
    url: str,
    *,
    policy: FetchPolicy,
    deadline: Deadline,
    visited: list[str],
    watchdog: SocketWatchdog,
) -> FetchedResponse:
    current = url
    redirects_followed = 0
    while True:
        target = _target_for(current, visited=visited)
        if target.port not in policy.allowed_ports:
            allowed = ", ".join(str(port) for port in sorted(policy.allowed_ports))
            raise FetchFailure(
                FetchErrorKind.BLOCKED,
                f"Refused to fetch {target.url}: port {target.port} is not one the fetcher "
                f"uses (allowed: {allowed}).",
            )
        addresses = checked_addresses(target, policy=policy, deadline=deadline)
        connection, response = _send_request(
            target, addresses=addresses, policy=policy, deadline=deadline, watchdog=watchdog
        )
        try:
            location = response.headers.get("Location", "").strip()
            if response.status in REDIRECT_STATUSES and location:
                next_url = urljoin(target.url, _header_text(location))
                if redirects_followed >= policy.max_redirects:
                    raise FetchFailure(
                        FetchErrorKind.TOO_MANY_REDIRECTS,
                        f"{url} redirected more than {policy.max_redirects} times (the last "
                        f"hop pointed to {next_url}); link to the final page instead.",
                    )
                redirects_followed += 1
                current = next_url
                continue
            return _read_final_response(
                target, response=response, policy=policy, deadline=deadline, watchdog=watchdog
            )
        finally:
            response.release_conn()
            connection.close()


def _target_for(url: str, *, visited: list[str]) -> FetchTarget:
    try:
        target = parse_fetch_target(url)
    except UnsupportedSchemeError as exc:
        visited.append(url)
        raise FetchFailure(FetchErrorKind.BLOCKED, f"Refused to fetch {url}: {exc}") from exc
    except InvalidURLError as exc:
        visited.append(url)
        raise FetchFailure(FetchErrorKind.INVALID_URL, f"Cannot fetch {url}: {exc}") from exc
    visited.append(target.url)
    return target


def _header_text(value: str) -> str:
    # http.client decodes header bytes as Latin-1; servers that put UTF-8 in Location mean UTF-8.
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def checked_addresses(
    target: FetchTarget, *, policy: FetchPolicy, deadline: Deadline
) -> list[IPAddress]:
    """The addresses to try for `target`, every one of them allowed by the policy.

    A host is refused when any of its addresses is: an answer mixing public and private
    addresses is a way to reach the private one.
    """
    if target.address is not None:
        addresses: list[IPAddress] = [target.address]
    elif target.host == "localhost" or target.host.endswith(".localhost"):
        addresses = [LOCALHOST_ADDRESS]
    else:
        addresses = _resolve(target, policy=policy, deadline=deadline)

    for address in addresses:
        reason = address_refusal_reason(address, allowed_networks=policy.allowed_networks)
        if reason:
            named = "" if target.address is not None else f"{target.host} points to "
            raise FetchFailure(
                FetchErrorKind.BLOCKED,
                f"Refused to fetch {target.url}: {named}{address_text(address)}, which is "
                f"{reason}; only public internet addresses are fetched.",
            )
    return addresses


def _resolve(target: FetchTarget, *, policy: FetchPolicy, deadline: Deadline) -> list[IPAddress]:
    outcome: dict[str, object] = {}

    def look_up() -> None:
        try:
            outcome["answer"] = list(policy.resolver(target.host, target.port))
        except Exception as exc:  # handed to the fetching thread, which decides
            outcome["error"] = exc

    # getaddrinfo has no timeout of its own; a slow DNS server must not outlast the deadline.
    lookup = threading.Thread(target=look_up, name=f"resolve {target.host}", daemon=True)
    lookup.start()
    lookup.join(deadline.remaining())
    if lookup.is_alive():
        raise FetchFailure(
            FetchErrorKind.TIMEOUT,
            f"Looking up {target.host} took longer than the {deadline.seconds:g}-second limit "
            "for a fetch; try again later.",
            retryable=True,
        )
    error = outcome.get("error")
    if isinstance(error, OSError):
        raise FetchFailure(
            FetchErrorKind.CONNECTION_ERROR,
            f"The host name {target.host} could not be resolved ({_describe(error)}); check "
            "the spelling, or try again later if the site's DNS is failing.",
            retryable=True,
        ) from error
    if isinstance(error, BaseException):
        raise error

    answer = outcome.get("answer") or []
    assert isinstance(answer, list)
    if not answer:
        raise FetchFailure(
            FetchErrorKind.CONNECTION_ERROR,
            f"The host name {target.host} has no addresses; check the spelling.",
            retryable=True,
        )
    addresses: list[IPAddress] = []
    for text in answer:
        try:
            # A scope (fe80::1%eth0) names an interface, not a different address.
            addresses.append(ipaddress.ip_address(str(text).split("%", 1)[0]))
        except ValueError as exc:
            raise FetchFailure(
                FetchErrorKind.BLOCKED,
                f"Refused to fetch {target.url}: the resolver answered {text!r} for "
                f"{target.host}, which is not an IP address.",
            ) from exc
    return addresses


def _send_request(
    target: FetchTarget,
    *,
    addresses: list[IPAddress],
    policy: FetchPolicy,
    deadline: Deadline,
    watchdog: SocketWatchdog,
) -> tuple[HTTPConnection, BaseHTTPResponse]:
    failure: FetchFailure | None = None
    for address in addresses:
        _check_deadline(target, deadline=deadline)
        connection = connection_to(address, target=target, policy=policy, deadline=deadline)
        connection.watchdog = watchdog
        try:
            connection.connect()
        except NETWORK_ERRORS as exc:
            connection.close()
            failure = network_failure(
                exc, target=target, deadline=deadline, watchdog=watchdog, doing="connect to"
            )
            if deadline.expired or watchdog.fired:
                raise failure from exc
            continue
        try:
            connection.timeout = max(deadline.remaining(), 0.001)
            connection.request(
                "GET",
                target.request_target,
                headers=_request_headers(target, policy=policy),
                preload_content=False,
                decode_content=False,
            )
            response = connection.getresponse()
        except NETWORK_ERRORS as exc:
            connection.close()
            raise network_failure(
                exc,
                target=target,
                deadline=deadline,
                watchdog=watchdog,
                doing="get a response from",
            ) from exc
        if watchdog.fired:
            # The watchdog's shutdown reads as the end of the headers, so headers cut off at
            # the deadline parse as a whole response missing whatever had not arrived yet
            # (its Content-Type, its Location): judged on them, it would be the wrong failure.
            response.release_conn()
            connection.close()
            raise _timeout(target, deadline=deadline)
        return connection, response
    assert failure is not None
    raise failure


def connection_to(
    address: IPAddress, *, target: FetchTarget, policy: FetchPolicy, deadline: Deadline
) -> _WatchedHTTPConnection | _WatchedHTTPSConnection:
    """A connection to exactly `address`; for HTTPS, SNI and certificate checks use the host
    name from the URL, so pinning the address does not weaken TLS."""
    timeout = min(policy.connect_timeout_seconds, max(deadline.remaining(), 0.001))
    if target.scheme == "https":
        return _WatchedHTTPSConnection(
            host=str(address),
            port=target.port,
            timeout=timeout,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=policy.ca_bundle_path or certifi.where(),
        )
    return _WatchedHTTPConnection(host=str(address), port=target.port, timeout=timeout)


def _request_headers(target: FetchTarget, *, policy: FetchPolicy) -> dict[str, str]:
    accepted = ", ".join(sorted(policy.content_types))
    return {
        "Host": target.netloc,
        "User-Agent": policy.user_agent,
        "Accept": f"{accepted}, */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }


def _read_final_response(
    target: FetchTarget,
    *,
    response: BaseHTTPResponse,
    policy: FetchPolicy,
    deadline: Deadline,
    watchdog: SocketWatchdog,
) -> FetchedResponse:
    if not 200 <= response.status < 300:
        raise _http_failure(target, response=response)

    media_type, charset = parse_content_type(response.headers.get("Content-Type", ""))
    if media_type not in policy.content_types:
        described = f"'{media_type}'" if media_type else "no content type at all"
        raise FetchFailure(
            FetchErrorKind.UNSUPPORTED_CONTENT_TYPE,
            f"{target.url} sent {described}, which the fetcher does not read (it reads "
            f"{', '.join(sorted(policy.content_types))}).",
            status_code=response.status,
            content_type=media_type,
        )

    decoder = BodyDecoder(response.headers.get("Content-Encoding", ""))
    if not decoder.is_supported:
        raise FetchFailure(
            FetchErrorKind.UNSUPPORTED_CONTENT_TYPE,
            f"{target.url} sent its body compressed as '{decoder.encoding}', which the "
            "fetcher cannot undo.",
            status_code=response.status,
            content_type=media_type,
        )
    # Only an unencoded length says how big the body will be; a compressed one is checked as
    # it inflates.
    declared_length = response.headers.get("Content-Length", "").strip()
    declared_too_large = declared_length.isdigit() and int(declared_length) > policy.max_body_bytes
    if decoder.is_identity and declared_too_large:
        raise _too_large(target, policy=policy, status_code=response.status)

    body = _read_body(
        target,
        response=response,
        decoder=decoder,
        policy=policy,
        deadline=deadline,
        watchdog=watchdog,
    )
    return FetchedResponse(
        final_url=target.url,
        status_code=response.status,
        media_type=media_type,
        charset=charset,
        body=body,
    )


def _read_body(
    target: FetchTarget,
    *,
    response: BaseHTTPResponse,
    decoder: BodyDecoder,
    policy: FetchPolicy,
    deadline: Deadline,
    watchdog: SocketWatchdog,
) -> bytes:
    cap = policy.max_body_bytes
    pieces: list[bytes] = []
    raw_size = 0
    decoded_size = 0
    while True:
        _check_deadline(target, deadline=deadline)
        watchdog.limit_waits(deadline.remaining())
        try:
            raw = response.read1(READ_CHUNK_BYTES, decode_content=False)
        except NETWORK_ERRORS as exc:
            raise network_failure(
                exc, target=target, deadline=deadline, watchdog=watchdog, doing="read from"
            ) from exc
        if not raw:
            break
        raw_size += len(raw)
        # Compressed input is capped too: a stream of empty deflate blocks inflates to nothing.
        if raw_size > cap:
            raise _too_large(target, policy=policy, status_code=response.status)
        piece = _decode_piece(target, decoder=decoder, raw=raw, budget=cap - decoded_size)
        decoded_size += len(piece)
        if decoded_size > cap:
            raise _too_large(target, policy=policy, status_code=response.status)
        pieces.append(piece)

    # A socket shut down by the watchdog reads as a clean end of the body.
    if watchdog.fired:
        raise _timeout(target, deadline=deadline)
    piece = _decode_piece(target, decoder=decoder, raw=b"", budget=cap - decoded_size, last=True)
    if decoded_size + len(piece) > cap:
        raise _too_large(target, policy=policy, status_code=response.status)
    pieces.append(piece)
    return b"".join(pieces)


def _decode_piece(
    target: FetchTarget, *, decoder: BodyDecoder, raw: bytes, budget: int, last: bool = False
) -> bytes:
    try:
        return decoder.finish() if last else decoder.decode(raw, limit=budget)
    except zlib.error as exc:
        raise FetchFailure(
            FetchErrorKind.CONNECTION_ERROR,
            f"{target.url} sent a {decoder.encoding}-compressed body that could not be "
            f"decompressed ({exc}); the transfer may have been damaged, try again later.",
            retryable=True,
        ) from exc


class BodyDecoder:
    """Undoes a Content-Encoding a piece at a time.

    Each call produces at most `limit + 1` bytes, so a body over the cap is noticed one byte
    past it, not after inflating everything the server sent (a few kilobytes of gzip can hold
    gigabytes of zeros).
    """

    def __init__(self, content_encoding: str) -> None:
        encodings = [part.strip().lower() for part in content_encoding.split(",") if part.strip()]
        encodings = [encoding for encoding in encodings if encoding != "identity"]
        self.encoding = ", ".join(encodings)
        self.is_identity = not encodings
        self.is_supported = self.is_identity or self.encoding in ("gzip", "x-gzip", "deflate")
        self._is_gzip = self.encoding in ("gzip", "x-gzip")
        self._inflater = self._new_inflater() if not self.is_identity else None
        self._produced_any = False
        self._finished = False

    def decode(self, data: bytes, *, limit: int) -> bytes:
        if self._inflater is None:
            return data
        output: list[bytes] = []
        produced = 0
        pending = data
        while pending and not self._finished and produced <= limit:
            try:
                piece = self._inflater.decompress(pending, limit - produced + 1)
            except zlib.error:
                # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
                if self.encoding == "deflate" and not self._produced_any:
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._produced_any = True
                    continue
                raise
            self._produced_any = True
            output.append(piece)
            produced += len(piece)
            if self._inflater.eof:
                pending = self._inflater.unused_data
                if self._is_gzip and pending[:2] == b"\x1f\x8b":
                    self._inflater = self._new_inflater()
                else:
                    # Bytes after the end of the compressed stream are ignored, as browsers do.
                    self._finished = True
            else:
                pending = self._inflater.unconsumed_tail
        return b"".join(output)

    def finish(self) -> bytes:
        if self._inflater is None or self._finished:
            return b""
        return self._inflater.flush()

    def _new_inflater(self) -> zlib._Decompress:
        return zlib.decompressobj(16 + zlib.MAX_WBITS if self._is_gzip else zlib.MAX_WBITS)


def _check_deadline(target: FetchTarget, *, deadline: Deadline) -> None:
    if deadline.expired:
        raise _timeout(target, deadline=deadline)


def _timeout(target: FetchTarget, *, deadline: Deadline) -> FetchFailure:
    return FetchFailure(
        FetchErrorKind.TIMEOUT,
        f"{target.host} did not finish answering within the {deadline.seconds:g}-second limit "
        "for a fetch; the site may be slow or overloaded, try again later.",
        retryable=True,
    )


def _too_large(target: FetchTarget, *, policy: FetchPolicy, status_code: int) -> FetchFailure:
    return FetchFailure(
        FetchErrorKind.TOO_LARGE,
        f"{target.url} is larger than the {_format_bytes(policy.max_body_bytes)} the fetcher "
        "reads; link to a smaller page or document.",
        status_code=status_code,
    )


def _format_bytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MiB"
    if size >= 1024:
        return f"{size / 1024:g} KiB"
    return f"{size} bytes"


def _http_failure(target: FetchTarget, *, response: BaseHTTPResponse) -> FetchFailure:
    status = response.status
    reason = (response.reason or "").strip()
    answered = f"{target.host} answered {status} {reason}".rstrip()
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=datetime.now(UTC))
    wait = f"after {retry_after} seconds" if retry_after is not None else "later"

    if not is_http_status(status):
        message = f"{answered}, which is not an HTTP status: the site is misbehaving."
    elif 300 <= status < 400:
        message = f"{answered} without saying where the page moved; check the link."
    elif status in (404, 410):
        message = f"{answered}: there is no page at {target.url}; check the link."
    elif status in (401, 403):
        message = f"{answered}: the page needs a login or turns automated readers away."
    elif status == 429:
        message = f"{answered}: too many requests; try again {wait}."
    elif retryable_status(status):
        message = f"{answered}, a problem on the site's side; try again {wait}."
    else:
        message = f"{answered}; the site refused the request."
    return FetchFailure(
        FetchErrorKind.HTTP_ERROR,
        message,
        retryable=retryable_status(status),
        status_code=status,
        retry_after_seconds=retry_after,
    )


def network_failure(
    exc: BaseException,
    *,
    target: FetchTarget,
    deadline: Deadline,
    watchdog: SocketWatchdog,
    doing: str,
) -> FetchFailure:
    if watchdog.fired or deadline.expired:
        return _timeout(target, deadline=deadline)
    if isinstance(exc, ssl.SSLCertVerificationError | CertificateError) or (
        isinstance(exc, Urllib3Error) and "CERTIFICATE" in str(exc).upper()
    ):
        return FetchFailure(
            FetchErrorKind.CONNECTION_ERROR,
            f"The TLS certificate of {target.host} could not be verified ({_describe(exc)}); "
            "the site may be misconfigured or the connection intercepted.",
            retryable=True,
        )
    # urllib3 files a refused connection under its connect-timeout error as well.
    if isinstance(exc, TimeoutError | Urllib3TimeoutError) and not isinstance(
        exc, NewConnectionError
    ):
        return FetchFailure(
            FetchErrorKind.TIMEOUT,
            f"{target.host} did not answer in time; the site may be slow or down, try again later.",
            retryable=True,
        )
    return FetchFailure(
        FetchErrorKind.CONNECTION_ERROR,
        f"Could not {doing} {target.host} ({_describe(exc)}); the site may be down, try again "
        "later.",
        retryable=True,
    )


def _describe(exc: BaseException) -> str:
    root: BaseException = exc
    while root.__cause__ is not None or root.__context__ is not None:
        root = root.__cause__ or root.__context__  # type: ignore[assignment]
    if isinstance(root, ssl.SSLCertVerificationError) and root.verify_message:
        return str(root.verify_message)
    text = getattr(root, "strerror", None) or str(root) or type(root).__name__
    return str(text)
