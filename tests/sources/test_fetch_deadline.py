"""One deadline bounds a whole fetch, headers included: a server that keeps a connection busy
by trickling bytes, or by saying nothing, is recorded as a timeout soon after the deadline,
whatever it has sent by then."""

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from sources import services
from sources.models import Source
from sources.tasks import fetch_source

pytestmark = pytest.mark.django_db

DEADLINE_SECONDS = 1.0
# Generous: the point is that the fetch ended near the deadline instead of waiting the server out.
SLACK_SECONDS = 1.5
# No trickling server runs longer than this, whatever the fetcher does.
SERVER_GIVES_UP_SECONDS = 10.0

Handler = Callable[[socket.socket, str], None]


class TrickleServer:
    """A raw HTTP/1.1 server on 127.0.0.1 whose answer to each path is a handler writing bytes
    to the socket as slowly as it likes."""

    def __init__(self, handlers: dict[str, Handler]) -> None:
        self.handlers = handlers
        self.requests: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self._stopped.set()
        self._acceptor.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        started = time.monotonic()
        while not self._stopped.is_set() and time.monotonic() - started < SERVER_GIVES_UP_SECONDS:
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(2)
            request = b""
            try:
                while b"\r\n\r\n" not in request:
                    chunk = connection.recv(4096)
                    if not chunk:
                        return
                    request += chunk
            except OSError:
                return
            path = request.split(b" ", 2)[1].decode("ascii")
            self.requests.append(path)
            try:
                self.handlers[path](connection, path)
            except OSError:
                return  # the fetcher hung up, as it should at the deadline

    def trickle(self, connection: socket.socket, data: bytes, *, every_seconds: float) -> None:
        """Send `data` a byte at a time until done, the client hangs up or the test ends."""
        for index in range(len(data)):
            if self._stopped.is_set():
                return
            connection.sendall(data[index : index + 1])
            time.sleep(every_seconds)

    def say_nothing(self, connection: socket.socket, path: str) -> None:
        connection.settimeout(0.2)
        started = time.monotonic()
        while not self._stopped.is_set() and time.monotonic() - started < SERVER_GIVES_UP_SECONDS:
            try:
                if connection.recv(1) == b"":
                    return
            except TimeoutError:
                continue


@pytest.fixture
def trickle_server(settings) -> Iterator[Callable[[dict[str, Handler]], TrickleServer]]:
    servers: list[TrickleServer] = []

    def start(handlers: dict[str, Handler]) -> TrickleServer:
        server = TrickleServer(handlers)
        servers.append(server)
        settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        settings.FETCH_ALLOWED_PORTS = [80, 443, server.port]
        settings.FETCH_HOST_DELAY_SECONDS = 0
        settings.FETCH_DEADLINE_SECONDS = DEADLINE_SECONDS
        settings.FETCH_CONNECT_TIMEOUT_SECONDS = DEADLINE_SECONDS
        return server

    yield start
    for server in servers:
        server.stop()


def fetch_timed(url: str) -> tuple[str, Source, float]:
    """Fetch `url` as the worker does and say what was recorded and how long it took."""
    source = services.source_for_url(url=url)
    started = time.monotonic()
    outcome = fetch_source(source.pk)
    elapsed = time.monotonic() - started
    source.refresh_from_db()
    return outcome, source, elapsed


def assert_recorded_as_timeout(outcome: str, source: Source, elapsed: float) -> None:
    snapshot = source.snapshots.get()
    assert outcome == "timeout"
    assert snapshot.error_kind == "timeout"
    assert f"{DEADLINE_SECONDS:g}-second limit" in snapshot.error_message
    assert source.last_error_kind == "timeout"
    assert source.state == "pending", "a timeout is retried later"
    assert elapsed < DEADLINE_SECONDS + SLACK_SECONDS


def test_headers_trickled_without_a_content_type_past_the_deadline_are_a_timeout(
    trickle_server,
):
    def status_then_a_header_byte_at_a_time(connection, path):
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        server.trickle(connection, b"X-Padding: " + b"a" * 200 + b"\r\n\r\n", every_seconds=0.2)

    server = trickle_server({"/slow-headers": status_then_a_header_byte_at_a_time})

    assert_recorded_as_timeout(*fetch_timed(server.url("/slow-headers")))


def test_a_body_trickled_past_the_deadline_is_a_timeout(trickle_server):
    def headers_then_a_body_byte_at_a_time(connection, path):
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        server.trickle(connection, b"x" * 200, every_seconds=0.2)

    server = trickle_server({"/slow-body": headers_then_a_body_byte_at_a_time})

    assert_recorded_as_timeout(*fetch_timed(server.url("/slow-body")))


def test_a_server_that_accepts_and_says_nothing_is_a_timeout(trickle_server):
    server = trickle_server({})
    server.handlers["/silent"] = server.say_nothing

    assert_recorded_as_timeout(*fetch_timed(server.url("/silent")))


def test_a_redirect_chain_trickled_past_the_deadline_is_a_timeout(trickle_server):
    # The first hop trickles well within the deadline; the second one is still trickling its
    # headers at the deadline, after its status line and before its Location header.
    def slow_redirect(next_path, *, padding, every_seconds):
        def redirect(connection, path):
            connection.sendall(b"HTTP/1.1 302 Found\r\n")
            server.trickle(
                connection,
                b"X-Padding: " + b"a" * padding + b"\r\nLocation: " + next_path + b"\r\n\r\n",
                every_seconds=every_seconds,
            )

        return redirect

    server = trickle_server(
        {
            "/hop1": slow_redirect(b"/hop2", padding=10, every_seconds=0.005),
            "/hop2": slow_redirect(b"/hop3", padding=200, every_seconds=0.05),
        }
    )

    outcome, source, elapsed = fetch_timed(server.url("/hop1"))

    assert server.requests == ["/hop1", "/hop2"]
    assert_recorded_as_timeout(outcome, source, elapsed)
