"""The fetcher against real HTTP servers on 127.0.0.1, let through by a test-only allowance.

Nothing here needs the database. Address checks are proved by making any socket connection
fail the test, so "refused" means refused before the network was touched.
"""

import dataclasses
import gzip
import hashlib
import io
import ipaddress
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import trustme
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_httpserver import HTTPServer
from werkzeug import Response

from sources.fetcher import (
    FetchErrorKind,
    FetchPolicy,
    InvalidURLError,
    fetch_url,
    normalize_url,
    policy_from_settings,
    validate_fetchable_url,
)
from sources.fetching.addresses import address_refusal_reason
from sources.management.commands.fetch_url import Command as FetchURLCommand

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
MiB = 1024 * 1024

ARTICLE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Council budget doubled, records show</title>
  <meta name="author" content="Jane Roe">
  <meta name="description" content="What the council spent in 2023.">
  <meta property="og:site_name" content="Town Ledger">
  <meta property="article:published_time" content="2024-03-01">
  <link rel="canonical" href="https://ledger.example/council-budget">
</head>
<body>
  <nav><a href="/">Home</a> <a href="#top">Top</a></nav>
  <article>
    <h1>Council budget doubled, records show</h1>
    <p>The town council spent twice as much on road repairs in 2023 as it did in 2022,
       according to spending records published on Monday by the finance office.</p>
    <p>The figures come from <a href="https://stats.example.org/roads/2023">the annual
       roads report</a>, which the council is required to publish every spring.</p>
    <p>Officials said the increase followed <a href="/news/flood-damage">last year's
       flood damage</a> and would not be repeated. <a href="mailto:desk@ledger.example">Write
       to us</a>.</p>
    <p>See also <a href="https://stats.example.org/roads/2023#table-2">table 2</a>.</p>
  </article>
</body>
</html>
"""


# --- Servers and policies ------------------------------------------------------------------


@pytest.fixture(scope="module")
def web_server() -> Iterator[HTTPServer]:
    # Threaded, so a server trickling one response does not hold up the next test's requests.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def site(web_server: HTTPServer) -> Iterator[HTTPServer]:
    web_server.clear()
    yield web_server
    web_server.clear()


@pytest.fixture
def policy(site: HTTPServer) -> FetchPolicy:
    """Public-internet rules, plus the loopback network and the test server's port."""
    return FetchPolicy(
        allowed_networks=(LOOPBACK,),
        allowed_ports=frozenset({80, 443, site.port}),
        deadline_seconds=10,
        connect_timeout_seconds=2,
        max_body_bytes=1 * MiB,
    )


@pytest.fixture
def strict_policy() -> FetchPolicy:
    """The rules as in production: no allowance at all."""
    return FetchPolicy()


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every address a socket connects to during the test. Connecting anywhere but 127.0.0.1
    fails the test, so a check that let a private address through cannot pass unnoticed."""
    seen: list[tuple] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def checked(address: tuple) -> None:
        seen.append(address)
        if address[0] not in ("127.0.0.1", "::ffff:127.0.0.1"):
            raise AssertionError(f"a socket connected to {address}")

    def connect(self: socket.socket, address: tuple) -> None:
        checked(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: tuple) -> int:
        checked(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return seen


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Any socket connection at all fails the test."""
    attempts: list[tuple] = []

    def refuse(self: socket.socket, address: tuple) -> None:
        attempts.append(address)
        raise AssertionError(f"a socket connected to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def _resolver(answers: dict[str, list[str]], calls: list[str] | None = None):
    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        return answers[host]

    return resolve


def _trickle(data: bytes, *, every_seconds: float) -> Iterator[bytes]:
    for index in range(len(data)):
        yield data[index : index + 1]
        time.sleep(every_seconds)


def _timed_fetch(url: str, policy: FetchPolicy):
    started = time.monotonic()
    result = fetch_url(url, policy=policy)
    return result, time.monotonic() - started


# --- Reading pages ---------------------------------------------------------------------------


def test_html_page_gives_title_main_text_links_and_metadata(site, policy, connections):
    site.expect_request("/council-budget").respond_with_data(
        ARTICLE, content_type="text/html; charset=utf-8"
    )

    result = fetch_url(site.url_for("/council-budget?utm_source=feed"), policy=policy)

    assert result.succeeded, result.error_message
    assert result.error_kind == ""
    assert result.status_code == 200
    assert result.final_url == f"http://127.0.0.1:{site.port}/council-budget?utm_source=feed"
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.title == "Council budget doubled, records show"
    assert "twice as much on road repairs" in result.text
    assert "<p>" not in result.text
    assert result.links == [
        {"url": f"http://127.0.0.1:{site.port}/", "text": "Home"},
        {"url": "https://stats.example.org/roads/2023", "text": "the annual roads report"},
        {
            "url": f"http://127.0.0.1:{site.port}/news/flood-damage",
            "text": "last year's flood damage",
        },
    ]
    assert result.metadata["author"] == "Jane Roe"
    assert result.metadata["site_name"] == "Town Ledger"
    assert result.metadata["description"] == "What the council spent in 2023."
    assert result.metadata["canonical_url"] == "https://ledger.example/council-budget"
    assert result.metadata["date"] == "2024-03-01"
    assert result.metadata["language"] == "en"
    body = ARTICLE.encode("utf-8")
    assert result.size == len(body)
    assert result.sha256 == hashlib.sha256(body).hexdigest()
    assert result.fetched_at.tzinfo is not None
    assert {address[1] for address in connections} == {site.port}


def test_plain_text_is_kept_as_it_is(site, policy):
    site.expect_request("/notes.txt").respond_with_data(
        "Line one.\nLine two.\n", content_type="text/plain; charset=utf-8"
    )

    result = fetch_url(site.url_for("/notes.txt"), policy=policy)

    assert result.succeeded
    assert result.text == "Line one.\nLine two.\n"
    assert result.links == []


def test_json_gives_type_size_and_hash_but_no_text(site, policy):
    payload = json.dumps({"spent": 1200000}).encode()
    site.expect_request("/data.json").respond_with_data(payload, content_type="application/json")

    result = fetch_url(site.url_for("/data.json"), policy=policy)

    assert result.succeeded
    assert result.content_type == "application/json"
    assert result.size == len(payload)
    assert len(result.sha256) == 64
    assert result.text == ""


def test_pdf_text_and_document_information_are_extracted(site, policy):
    site.expect_request("/report.pdf").respond_with_data(
        _pdf_with_text("Road repairs cost 1.2 million", title="Roads report 2023"),
        content_type="application/pdf",
    )

    result = fetch_url(site.url_for("/report.pdf"), policy=policy)

    assert result.succeeded, result.error_message
    assert result.content_type == "application/pdf"
    assert "Road repairs cost 1.2 million" in result.text
    assert result.title == "Roads report 2023"
    assert result.metadata["page_count"] == 1
    assert result.metadata["author"] == "Test Desk"


def test_damaged_pdf_is_a_snapshot_without_text(site, policy):
    site.expect_request("/broken.pdf").respond_with_data(
        b"%PDF-1.4\nthis is not really a pdf", content_type="application/pdf"
    )

    result = fetch_url(site.url_for("/broken.pdf"), policy=policy)

    assert result.succeeded
    assert result.text == ""
    assert result.size == len(b"%PDF-1.4\nthis is not really a pdf")


def test_windows_1251_page_is_decoded_from_the_content_type_header(site, policy):
    page = "<html><head><title>Бюджет совета</title></head><body><p>Расходы выросли вдвое.</p>"
    site.expect_request("/ru").respond_with_data(
        page.encode("windows-1251"), content_type="text/html; charset=windows-1251"
    )

    result = fetch_url(site.url_for("/ru"), policy=policy)

    assert result.succeeded
    assert result.charset == "windows-1251"
    assert result.title == "Бюджет совета"
    assert "Расходы выросли вдвое." in result.text


def test_shift_jis_page_is_decoded_from_its_meta_charset(site, policy):
    page = (
        '<html><head><meta charset="Shift_JIS"><title>議会の予算</title></head>'
        "<body><p>道路の修理費は二倍になった。</p></body></html>"
    )
    site.expect_request("/ja").respond_with_data(page.encode("shift_jis"), content_type="text/html")

    result = fetch_url(site.url_for("/ja"), policy=policy)

    assert result.succeeded
    assert result.charset == "shift_jis"
    assert result.title == "議会の予算"
    assert "道路の修理費は二倍になった。" in result.text


def test_gzip_encoded_page_is_decoded(site, policy):
    site.expect_request("/zipped").respond_with_data(
        gzip.compress(ARTICLE.encode()),
        content_type="text/html; charset=utf-8",
        headers={"Content-Encoding": "gzip"},
    )

    result = fetch_url(site.url_for("/zipped"), policy=policy)

    assert result.succeeded
    assert result.title == "Council budget doubled, records show"
    assert result.size == len(ARTICLE.encode())


# --- Redirects -------------------------------------------------------------------------------


def _redirect_chain(site: HTTPServer, hops: int) -> str:
    for hop in range(hops, 0, -1):
        site.expect_request(f"/hop/{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/hop/{hop - 1}"}
        )
    site.expect_request("/hop/0").respond_with_data(ARTICLE, content_type="text/html")
    return site.url_for(f"/hop/{hops}")


def test_five_redirects_are_followed(site, policy):
    result = fetch_url(_redirect_chain(site, 5), policy=policy)

    assert result.succeeded, result.error_message
    assert result.final_url == site.url_for("/hop/0")
    assert result.title == "Council budget doubled, records show"


def test_a_sixth_redirect_is_refused(site, policy):
    result = fetch_url(_redirect_chain(site, 6), policy=policy)

    assert result.error_kind == FetchErrorKind.TOO_MANY_REDIRECTS
    assert result.error_kind == "too_many_redirects"
    assert "more than 5 times" in result.error_message
    assert result.retryable is False
    assert result.final_url == site.url_for("/hop/1")


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_a_refused_address_is_refused(site, policy, connections, location):
    site.expect_request("/out").respond_with_data("", status=301, headers={"Location": location})

    result = fetch_url(site.url_for("/out"), policy=policy)

    assert result.error_kind == "blocked"
    assert result.retryable is False
    assert result.final_url == location
    assert all(address[1] == site.port for address in connections)


def test_a_redirect_to_a_name_with_a_private_address_is_refused(site, policy, connections):
    resolved: list[str] = []
    policy = dataclasses.replace(
        policy, resolver=_resolver({"intranet.example.com": ["10.1.2.3"]}, resolved)
    )
    site.expect_request("/out").respond_with_data(
        "", status=302, headers={"Location": f"http://intranet.example.com:{site.port}/"}
    )

    result = fetch_url(site.url_for("/out"), policy=policy)

    assert result.error_kind == "blocked"
    assert "intranet.example.com points to 10.1.2.3" in result.error_message
    assert resolved == ["intranet.example.com"]
    assert len(connections) == 1


# --- Addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://LocalHost./",
        "http://api.localhost/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:7f00:1::]/",
        "http://[::127.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[fec0::1]/",
        "http://[ff02::1]/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "https://127.0.0.1/",
    ],
)
def test_addresses_that_are_not_public_are_refused_before_any_connection(
    strict_policy, no_connections, url
):
    result = fetch_url(url, policy=strict_policy)

    assert result.error_kind == "blocked", result.error_message
    assert result.retryable is False
    assert "only public internet addresses are fetched" in result.error_message
    assert no_connections == []


def test_a_name_whose_dns_answer_is_private_is_refused_before_any_connection(no_connections):
    resolved: list[str] = []
    policy = FetchPolicy(resolver=_resolver({"innocent.example.com": ["192.168.0.10"]}, resolved))

    result = fetch_url("https://innocent.example.com/page", policy=policy)

    assert result.error_kind == "blocked"
    assert "innocent.example.com points to 192.168.0.10" in result.error_message
    assert resolved == ["innocent.example.com"]
    assert no_connections == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(no_connections):
    policy = FetchPolicy(
        resolver=_resolver({"mixed.example.com": ["93.184.216.34", "2606:2800::1", "10.0.0.7"]})
    )

    result = fetch_url("http://mixed.example.com/", policy=policy)

    assert result.error_kind == "blocked"
    assert "10.0.0.7" in result.error_message
    assert no_connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:22/",
        "http://127.0.0.1:6379/",
        "ftp://127.0.0.1/",
        "gopher://127.0.0.1:70/",
        "file:///etc/passwd",
    ],
)
def test_ports_and_schemes_outside_the_policy_are_refused_even_on_allowed_networks(
    policy, no_connections, url
):
    result = fetch_url(url, policy=policy)

    assert result.error_kind == "blocked"
    assert result.retryable is False
    assert no_connections == []


def test_the_checked_address_is_the_one_connected_to(site, policy, connections):
    # A name that answers 127.0.0.1 once and a private address on any later lookup: the fetch
    # must not look it up again when connecting.
    answers = iter([["127.0.0.1"], ["10.9.9.9"], ["10.9.9.9"]])
    lookups: list[str] = []

    def rebinding_resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return next(answers)

    site.expect_request("/").respond_with_data("hello", content_type="text/plain")
    policy = dataclasses.replace(policy, resolver=rebinding_resolver)

    result = fetch_url(f"http://rebind.example.com:{site.port}/", policy=policy)

    assert result.succeeded, result.error_message
    assert result.text == "hello"
    assert lookups == ["rebind.example.com"]
    assert connections == [("127.0.0.1", site.port)]
    assert site.log[0][0].headers["Host"] == f"rebind.example.com:{site.port}"


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("64:ff9b::808:808", True),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::c0a8:1", False),
        ("2001:db8::1", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
        ("198.18.0.1", False),
        ("192.0.2.1", False),
        ("240.0.0.1", False),
    ],
)
def test_address_rules(address, allowed):
    reason = address_refusal_reason(ipaddress.ip_address(address))

    assert (reason == "") is allowed, reason


def test_the_allowance_lets_only_its_own_networks_through():
    allowance = (ipaddress.ip_network("127.0.0.0/8"),)

    assert (
        address_refusal_reason(ipaddress.ip_address("127.0.0.5"), allowed_networks=allowance) == ""
    )
    assert address_refusal_reason(ipaddress.ip_address("10.0.0.1"), allowed_networks=allowance)
    assert address_refusal_reason(ipaddress.ip_address("::1"), allowed_networks=allowance)


# --- HTTPS -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


def _https_server(authority: trustme.CA, *, certificate_for: str) -> HTTPServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert(certificate_for).configure_cert(context)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
    server.start()
    return server


def _https_policy(server: HTTPServer, authority: trustme.CA, tmp_path) -> FetchPolicy:
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return FetchPolicy(
        allowed_networks=(LOOPBACK,),
        allowed_ports=frozenset({server.port}),
        deadline_seconds=10,
        resolver=_resolver({"news.example.com": ["127.0.0.1"]}),
        ca_bundle_path=str(bundle),
    )


def test_https_uses_the_host_name_for_the_certificate_while_connecting_to_the_checked_address(
    certificate_authority, tmp_path, connections
):
    server = _https_server(certificate_authority, certificate_for="news.example.com")
    try:
        server.expect_request("/story").respond_with_data(ARTICLE, content_type="text/html")
        policy = _https_policy(server, certificate_authority, tmp_path)

        result = fetch_url(f"https://news.example.com:{server.port}/story", policy=policy)
    finally:
        server.stop()

    assert result.succeeded, result.error_message
    assert result.title == "Council budget doubled, records show"
    assert connections == [("127.0.0.1", server.port)]


def test_https_with_a_certificate_for_another_name_fails(certificate_authority, tmp_path):
    server = _https_server(certificate_authority, certificate_for="elsewhere.example.net")
    try:
        server.expect_request("/story").respond_with_data(ARTICLE, content_type="text/html")
        policy = _https_policy(server, certificate_authority, tmp_path)

        result = fetch_url(f"https://news.example.com:{server.port}/story", policy=policy)
    finally:
        server.stop()

    assert result.error_kind == "connection_error"
    assert "certificate" in result.error_message
    assert result.text == ""


# --- Limits ----------------------------------------------------------------------------------


def test_a_trickling_body_is_cut_off_at_the_deadline(site, policy):
    site.expect_request("/slow").respond_with_handler(
        lambda request: Response(_trickle(b"x" * 30, every_seconds=1), content_type="text/plain")
    )
    policy = dataclasses.replace(policy, deadline_seconds=2)

    result, elapsed = _timed_fetch(site.url_for("/slow"), policy)

    assert result.error_kind == "timeout"
    assert result.retryable is True
    assert "2-second limit" in result.error_message
    assert 1.8 <= elapsed < 3.0


def test_trickling_headers_are_cut_off_at_the_deadline(policy):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve_slowly() -> None:
        connection, _ = listener.accept()
        with connection:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: " + b"a" * 60:
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.2)

    server = threading.Thread(target=serve_slowly, daemon=True)
    server.start()
    policy = dataclasses.replace(
        policy, allowed_ports=frozenset({port}), deadline_seconds=2, connect_timeout_seconds=1
    )
    try:
        result, elapsed = _timed_fetch(f"http://127.0.0.1:{port}/", policy)
    finally:
        listener.close()
        server.join(timeout=5)

    assert result.error_kind == "timeout"
    assert 1.8 <= elapsed < 3.0


def test_a_body_over_the_cap_is_refused(site, policy):
    oversized = b"a" * (policy.max_body_bytes + 1)
    # Streamed without Content-Length, so the cap has to be found while reading.
    site.expect_request("/big").respond_with_handler(
        lambda request: Response(iter([oversized[: 512 * 1024], oversized[512 * 1024 :]]))
    )

    result = fetch_url(site.url_for("/big"), policy=policy)

    assert result.error_kind == "too_large"
    assert result.retryable is False
    assert "1 MiB" in result.error_message
    assert result.size is None
    assert result.text == ""


def test_a_body_exactly_at_the_cap_is_read(site, policy):
    site.expect_request("/full").respond_with_data(
        b"a" * policy.max_body_bytes, content_type="text/plain"
    )

    result = fetch_url(site.url_for("/full"), policy=policy)

    assert result.succeeded
    assert result.size == policy.max_body_bytes


def test_a_declared_length_over_the_cap_is_refused_without_reading_the_body(site, policy):
    # The body would take half a minute to arrive: only a refusal from the headers is quick.
    site.expect_request("/huge").respond_with_handler(
        lambda request: Response(
            _trickle(b"a" * 30, every_seconds=1),
            content_type="text/plain",
            headers={"Content-Length": str(50 * MiB)},
        )
    )

    result, elapsed = _timed_fetch(site.url_for("/huge"), policy)

    assert result.error_kind == "too_large"
    assert elapsed < 1.5


def test_a_gzip_bomb_is_refused_while_it_inflates(site, policy, monkeypatch):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MiB)
    bomb = b"".join([compressor.compress(zeros) for _ in range(50)] + [compressor.flush()])
    assert len(bomb) < MiB  # 50 MiB of zeros, well under the cap on the wire
    site.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/plain", headers={"Content-Encoding": "gzip"}
    )
    inflated: list[int] = []
    real_decompressobj = zlib.decompressobj

    class CountingInflater:
        def __init__(self, *args: object) -> None:
            self._inner = real_decompressobj(*args)

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            output = self._inner.decompress(data, max_length)
            inflated.append(len(output))
            return output

        def flush(self, *args: int) -> bytes:
            output = self._inner.flush(*args)
            inflated.append(len(output))
            return output

        def __getattr__(self, name: str) -> object:
            return getattr(self._inner, name)

    monkeypatch.setattr(zlib, "decompressobj", CountingInflater)

    result = fetch_url(site.url_for("/bomb"), policy=policy)

    assert result.error_kind == "too_large"
    assert sum(inflated) <= policy.max_body_bytes + 1


def test_a_binary_type_is_refused_from_the_headers_before_the_body_is_read(site, policy):
    # A PNG that would take half a minute to arrive: only a refusal from the headers is quick.
    site.expect_request("/photo").respond_with_handler(
        lambda request: Response(
            _trickle(b"\x89PNG\r\n\x1a\n" + b"\x00" * 22, every_seconds=1),
            content_type="image/png",
        )
    )

    result, elapsed = _timed_fetch(site.url_for("/photo"), policy)

    assert result.error_kind == "unsupported_content_type"
    assert result.content_type == "image/png"
    assert "'image/png'" in result.error_message
    assert result.retryable is False
    assert result.size is None
    assert elapsed < 1.5


def test_a_response_without_a_content_type_is_refused(site, policy):
    site.expect_request("/mystery").respond_with_handler(
        lambda request: Response(b"???", headers={"Content-Type": ""})
    )

    result = fetch_url(site.url_for("/mystery"), policy=policy)

    assert result.error_kind == "unsupported_content_type"
    assert "no content type" in result.error_message


# --- HTTP errors -----------------------------------------------------------------------------


def test_a_server_error_is_a_retryable_http_error(site, policy):
    site.expect_request("/broken").respond_with_data("oops", status=500)

    result = fetch_url(site.url_for("/broken"), policy=policy)

    assert result.error_kind == "http_error"
    assert result.status_code == 500
    assert result.retryable is True
    assert result.retry_after_seconds is None
    assert "try again later" in result.error_message


def test_too_many_requests_carries_the_retry_after_seconds(site, policy):
    site.expect_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )

    result = fetch_url(site.url_for("/busy"), policy=policy)

    assert result.error_kind == "http_error"
    assert result.status_code == 429
    assert result.retryable is True
    assert result.retry_after_seconds == 120
    assert "after 120 seconds" in result.error_message


def test_unavailable_with_a_retry_after_date_carries_the_seconds_until_then(site, policy):
    when = datetime.now(UTC) + timedelta(minutes=10)
    site.expect_request("/maintenance").respond_with_data(
        "back soon", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)}
    )

    result = fetch_url(site.url_for("/maintenance"), policy=policy)

    assert result.status_code == 503
    assert result.retryable is True
    assert 590 <= result.retry_after_seconds <= 600


def test_not_found_is_not_retryable(site, policy):
    site.expect_request("/gone").respond_with_data("no", status=404)

    result = fetch_url(site.url_for("/gone"), policy=policy)

    assert result.error_kind == "http_error"
    assert result.status_code == 404
    assert result.retryable is False
    assert "check the link" in result.error_message


@pytest.mark.parametrize("status", [600, 799, 999])
def test_a_status_outside_http_is_an_error_not_worth_retrying(site, policy, status):
    site.expect_request("/odd").respond_with_data("?", status=status)

    result = fetch_url(site.url_for("/odd"), policy=policy)

    assert result.error_kind == "http_error"
    assert result.status_code == status
    assert result.retryable is False
    assert "which is not an HTTP status" in result.error_message


@pytest.mark.parametrize("status", [408, 425])
def test_a_request_timeout_or_too_early_is_retryable(site, policy, status):
    site.expect_request("/later").respond_with_data("", status=status)

    result = fetch_url(site.url_for("/later"), policy=policy)

    assert (result.status_code, result.retryable) == (status, True)
    assert "try again later" in result.error_message


def test_a_closed_port_is_a_retryable_connection_error(policy):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    policy = dataclasses.replace(policy, allowed_ports=frozenset({closed_port}))

    result = fetch_url(f"http://127.0.0.1:{closed_port}/", policy=policy)

    assert result.error_kind == "connection_error"
    assert result.retryable is True
    assert "Connection refused" in result.error_message


def test_a_host_that_does_not_resolve_is_a_connection_error(no_connections):
    def failing_resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    result = fetch_url(
        "http://no-such-host.example/", policy=FetchPolicy(resolver=failing_resolver)
    )

    assert result.error_kind == "connection_error"
    assert "could not be resolved" in result.error_message
    assert no_connections == []


def test_proxy_settings_in_the_environment_are_ignored(site, policy, connections, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_proxy = f"http://127.0.0.1:{probe.getsockname()[1]}"
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(variable, dead_proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    site.expect_request("/direct").respond_with_data("straight there", content_type="text/plain")

    result = fetch_url(site.url_for("/direct"), policy=policy)

    assert result.succeeded, result.error_message
    assert result.text == "straight there"
    assert connections == [("127.0.0.1", site.port)]


# --- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        (
            "HTTP://News.Example.COM:80/a/B?id=3&utm_source=x&UTM_Medium=y&fbclid=z#top",
            "http://news.example.com/a/B?id=3",
        ),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x?", "https://example.com:8443/x"),
        ("http://Bücher.example/straße", "http://xn--bcher-kva.example/stra%C3%9Fe"),
        ("http://example.com./page?b=2&a=1&gclid=9", "http://example.com/page?b=2&a=1"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://[0:0:0:0:0:0:0:1]:8080/", "http://[::1]:8080/"),
        ("  https://example.com/a%20b  ", "https://example.com/a%20b"),
    ],
)
def test_normalize_url(given, normalised):
    assert normalize_url(given) == normalised


def test_normalize_url_makes_one_source_of_spellings_of_one_url():
    spellings = [
        "https://example.com/report?id=7",
        "HTTPS://EXAMPLE.COM:443/report?id=7#summary",
        "https://example.com/report?id=7&utm_campaign=spring",
    ]

    assert len({normalize_url(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("ftp://example.com/file", "Only http:// and https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("example.com/page", "must start with http:// or https://"),
        ("http:///path-only", "no host"),
        ("http://example.com:99999/", "port"),
        ("http://example.com:http/", "port"),
        ("http://example.com:0/", "port"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http://exa mple.com/", "spaces"),
        ("http://example.com\\@127.0.0.1/", "backslashes"),
        ("http://[::1/", "could not be read"),
        ("http://256.1.1.1/", "not a valid one"),
        ("http://bad_label-.example/", "not a valid host name"),
        ("", "empty"),
        ("https://example.com/" + "a" * 2048, "longer than 2048"),
    ],
)
def test_validate_fetchable_url_explains_what_is_wrong(no_connections, url, complaint):
    with pytest.raises(InvalidURLError, match=complaint) as raised:
        validate_fetchable_url(url)

    assert isinstance(raised.value, ValueError)
    assert no_connections == []


def test_validate_fetchable_url_returns_a_good_url_trimmed():
    assert validate_fetchable_url("  https://example.com/a?b=1  ") == "https://example.com/a?b=1"


def test_fetching_an_invalid_url_returns_the_problem_instead_of_raising(no_connections):
    result = fetch_url("http://example.com:99999/", policy=FetchPolicy())

    assert result.error_kind == "invalid_url"
    assert "port" in result.error_message
    assert result.retryable is False


# --- Settings and the command ----------------------------------------------------------------


def test_policy_from_settings_reads_the_fetch_settings(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
    settings.FETCH_ALLOWED_PORTS = [80, 443, 8000]
    settings.FETCH_MAX_REDIRECTS = 3
    settings.FETCH_DEADLINE_SECONDS = 7.5
    settings.FETCH_MAX_BODY_BYTES = 1234
    settings.FETCH_CONTENT_TYPES = ["text/html", "Text/Plain"]
    settings.FETCH_USER_AGENT = "tester/1.0"

    policy = policy_from_settings()

    assert policy.allowed_networks == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    )
    assert policy.allowed_ports == frozenset({80, 443, 8000})
    assert policy.max_redirects == 3
    assert policy.deadline_seconds == 7.5
    assert policy.max_body_bytes == 1234
    assert policy.content_types == frozenset({"text/html", "text/plain"})
    assert policy.user_agent == "tester/1.0"
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.max_redirects = 10


def test_policy_from_settings_rejects_a_network_that_is_not_cidr(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FETCH_ALLOWED_NETWORKS = ["not-a-network"]

    with pytest.raises(ImproperlyConfigured, match="FETCH_ALLOWED_NETWORKS"):
        policy_from_settings()


def test_the_user_agent_from_the_policy_is_sent(site, policy):
    site.expect_request("/ua", headers={"User-Agent": "ledger-bot/2.0"}).respond_with_data(
        "hi", content_type="text/plain"
    )

    result = fetch_url(
        site.url_for("/ua"), policy=dataclasses.replace(policy, user_agent="ledger-bot/2.0")
    )

    assert result.succeeded, result.error_message


@pytest.fixture
def allow_local_site(settings, site):
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.FETCH_ALLOWED_PORTS = [80, 443, site.port]
    return site


def test_fetch_url_command_shows_what_a_snapshot_would_hold(allow_local_site):
    allow_local_site.expect_request("/story").respond_with_data(ARTICLE, content_type="text/html")
    out = io.StringIO()

    call_command("fetch_url", allow_local_site.url_for("/story"), stdout=out)

    printed = out.getvalue()
    assert "Council budget doubled, records show" in printed
    assert "status_code" in printed and "200" in printed
    assert "links_count" in printed and " 3" in printed
    assert hashlib.sha256(ARTICLE.encode()).hexdigest() in printed
    assert "twice as much on road repairs" in printed


def test_fetch_url_command_prints_json(allow_local_site):
    allow_local_site.expect_request("/story").respond_with_data(ARTICLE, content_type="text/html")
    out = io.StringIO()

    call_command("fetch_url", allow_local_site.url_for("/story"), "--json", stdout=out)

    summary = json.loads(out.getvalue())
    assert summary["status_code"] == 200
    assert summary["final_url"] == allow_local_site.url_for("/story")
    assert summary["content_type"] == "text/html"
    assert summary["title"] == "Council budget doubled, records show"
    assert summary["links_count"] == 3
    assert summary["size"] == len(ARTICLE.encode())
    assert len(summary["text_excerpt"]) <= 500
    assert summary["error_kind"] == ""


def test_fetch_url_command_reports_a_refusal_and_fails(settings, no_connections):
    settings.FETCH_ALLOWED_NETWORKS = []
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"blocked: Refused to fetch .*169\.254\.169\.254"):
        call_command("fetch_url", "http://169.254.169.254/latest/meta-data/", stdout=out)

    assert "blocked" in out.getvalue()
    assert no_connections == []


def test_fetch_url_command_exits_non_zero_on_a_refusal(settings, capsys, no_connections):
    settings.FETCH_ALLOWED_NETWORKS = []

    with pytest.raises(SystemExit) as exit_info:
        FetchURLCommand().run_from_argv(
            ["manage.py", "fetch_url", "--skip-checks", "--json", "http://10.0.0.1/"]
        )

    assert exit_info.value.code != 0
    printed = capsys.readouterr()
    assert json.loads(printed.out)["error_kind"] == "blocked"
    assert "10.0.0.1" in printed.err


# --- Test helpers ----------------------------------------------------------------------------


def _pdf_with_text(text: str, *, title: str) -> bytes:
    """A one-page PDF showing `text` in Helvetica, with an information dictionary."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) /Author (Test Desk) >>".encode("latin-1"),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    pdf += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(pdf)
