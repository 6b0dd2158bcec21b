"""API tokens never reach a log line: gunicorn's access and error logs (gunicorn.conf.py, read
from the project root), Django's request logging and runserver's request lines."""

import io
import logging
import subprocess
import sys

import pytest
import requests
from django.test import Client

from accounts.roles import Role
from accounts.services import token_issue, user_upsert
from factcheck.redaction import RedactSecrets
from tests.processes import PROJECT, free_port, service_env, start_web, stop, wait_until

# Every field an access line can show a token in: the request line, the query, the path, the
# Referer and the credential header.
ACCESS_FORMAT = (
    '%(h)s "%(r)s" %(s)s "%(f)s" query=%(q)s path=%(U)s auth=%({authorization}i)s '
    "raw=%({raw_uri}e)s"
)


@pytest.fixture
def reader_token(db):
    user_upsert(username="reader", role=Role.API_CLIENT)
    return token_issue(username="reader")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_gunicorn_started_from_the_project_root_keeps_tokens_out_of_its_log(tmp_path):
    user_upsert(username="reader", role=Role.API_CLIENT)
    token = token_issue(username="reader")
    log_path = tmp_path / "web.log"
    port = free_port()
    # No --config: gunicorn reads gunicorn.conf.py from the project root by itself.
    web = start_web(
        service_env(),
        port,
        "--access-logfile=-",
        f"--access-logformat={ACCESS_FORMAT}",
        log_path=log_path,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        google = requests.get(
            f"{base}/v1alpha1/claims:search",
            params={"key": token, "query": "floods"},
            headers={"Referer": f"https://newsroom.example/search?api_key={token}&page=2"},
            timeout=30,
        )
        header = requests.get(
            f"{base}/api/v1/verdicts/?access_token={token}",
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )
        # A 404 whose path holds the token: Django logs the path as a warning.
        missing = requests.get(f"{base}/no-such-page%3Fkey={token}", timeout=30)
        # Django's warning and the access line, which is written after the answer went out.
        wait_until(lambda: log_path.read_text().count("no-such-page") >= 2, timeout=30)
    finally:
        stop(web)
    log = log_path.read_text()

    assert (google.status_code, header.status_code, missing.status_code) == (200, 200, 404)
    assert token not in log
    assert token[:16] not in log
    assert "/v1alpha1/claims:search?key=[redacted]&query=floods" in log
    assert "query=key=[redacted]&query=floods" in log
    assert "https://newsroom.example/search?api_key=[redacted]&page=2" in log
    assert "/api/v1/verdicts/?access_token=[redacted]" in log
    [header_line] = [line for line in log.splitlines() if "GET /api/v1/verdicts/" in line]
    assert "auth=[redacted]" in header_line
    assert "Not Found: /no-such-page?key=[redacted]" in log


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_runserver_request_lines_keep_tokens_out(tmp_path):
    log_path = tmp_path / "runserver.log"
    port = free_port()
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=PROJECT,
            env=service_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), timeout=60)
        requests.get(f"http://127.0.0.1:{port}/healthz?token=SECRET-RUNSERVER", timeout=30)
        # runserver writes its request line after the answer has gone out.
        wait_until(lambda: log_path.read_text().count("GET /healthz") >= 2, timeout=30)
    finally:
        stop(server)
    log = log_path.read_text()

    assert "GET /healthz?token=[redacted] HTTP/1.1" in log
    assert "SECRET-RUNSERVER" not in log


def _answers(url: str) -> bool:
    try:
        requests.get(url, timeout=10)
    except requests.ConnectionError:
        return False
    return True


@pytest.fixture
def console_output():
    """What the configured console handler (settings LOGGING) writes."""
    handler = next(h for h in logging.getLogger().handlers if _redacts(h))
    output = io.StringIO()
    previous = handler.setStream(output)
    yield output
    handler.setStream(previous)


def _redacts(handler: logging.Handler) -> bool:
    return any(isinstance(f, RedactSecrets) for f in handler.filters)


@pytest.mark.django_db
def test_django_request_warnings_keep_tokens_out(console_output, reader_token):
    response = Client().get(f"/no-such-page%3Fkey={reader_token}")

    assert response.status_code == 404
    assert "Not Found: /no-such-page?key=[redacted]" in console_output.getvalue()
    assert reader_token not in console_output.getvalue()


def test_app_log_lines_and_tracebacks_keep_tokens_out(console_output):
    logger = logging.getLogger("sources.fetching.content")
    try:
        raise ValueError("fetch of https://example.org/doc?token=SECRET-IN-ERROR failed")
    except ValueError:
        logger.warning(
            "Main text extraction failed for %s",
            "https://example.org/doc?apikey=SECRET-URL",
            exc_info=True,
        )
    logging.getLogger("kombu").warning("Connecting to redis://:SECRET-PASSWORD@redis:6379/0")

    output = console_output.getvalue()
    assert "Main text extraction failed for https://example.org/doc?apikey=[redacted]" in output
    assert "ValueError: fetch of https://example.org/doc?token=[redacted] failed" in output
    assert "redis://:[redacted]@redis:6379/0" in output
    assert "SECRET" not in output
