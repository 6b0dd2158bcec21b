"""How the service starts under different configurations: each runs in a fresh process."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import requests

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "factcheck.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
}
CONFIG_NAMES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SETTINGS_MODULE",
    "SECURE_SSL_REDIRECT",
    # Set for the browser tests' event loop; never part of a real deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def clean_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_NAMES}
    env.update(overrides)
    return env


def manage(*args, cwd=PROJECT, env=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_debug_off_without_a_secret_key_refuses_to_start():
    env = clean_env(**{**PRODUCTION_ENV, "SECRET_KEY": ""})

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_in_a_production_configuration():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**PRODUCTION_ENV))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_the_embedded_database():
    env = clean_env(**{k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"})

    result = manage("check", "--deploy", env=env)

    assert result.returncode != 0
    assert "No DATABASE_URL is set" in result.stderr


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """The project as a fresh clone has it, so the embedded database lands in its folder."""
    target = tmp_path / "factcheck"
    shutil.copytree(
        PROJECT,
        target,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "__pycache__", "db.sqlite3", "artifacts", ".pytest_cache", "*.pyc"
        ),
    )
    return target


def test_with_nothing_configured_the_service_boots_on_sqlite_with_in_process_tasks(
    project_copy, unused_tcp_port, httpserver
):
    httpserver.expect_request("/story").respond_with_data(
        "<html><head><title>Floods</title></head><body><article><p>The ministry said 1,240 "
        "people had been displaced by the floods, twice the number a week earlier.</p>"
        "</article></body></html>",
        content_type="text/html",
    )
    env = clean_env()
    migrated = manage("migrate", "--no-input", cwd=project_copy, env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    assert (project_copy / "db.sqlite3").exists()
    demo = manage("load_demo", cwd=project_copy, env=env, timeout=300)
    assert demo.returncode == 0, demo.stderr
    assert "Loaded demo article" in demo.stdout and "in the review queue" in demo.stdout
    token = manage("issue_token", "editor", cwd=project_copy, env=env).stdout.split()[-1]

    # Only the test page's network is let through, as a developer would for local pages.
    server_env = {
        **env,
        "FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
        "FETCH_ALLOWED_PORTS": f"80,443,{httpserver.port}",
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{unused_tcp_port}", "--noreload"],
        cwd=project_copy,
        env=server_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{unused_tcp_port}"
    try:
        health = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    health = json.load(response)
                    break
            except OSError:
                time.sleep(0.3)
        assert health is not None, "the embedded service never answered /healthz"
        submitted = requests.post(
            f"{base}/api/v1/articles/",
            json={"url": httpserver.url_for("/story")},
            headers={"Authorization": f"Token {token}"},
            timeout=60,
        )
        article = requests.get(
            f"{base}/api/v1/articles/{submitted.json()['id']}/",
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        ).json()
        taken = [
            requests.post(
                f"{base}/api/v1/queue/next/",
                headers={"Authorization": f"Token {token}"},
                timeout=30,
            )
            for _ in range(2)
        ]
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert health["status"] == "ok"
    assert health["dependencies"]["database"]["vendor"] == "sqlite"
    assert health["dependencies"]["broker"]["mode"].startswith("in-process")
    assert output.count("Embedded default in use") == 1
    assert "SQLite" in output and "in-process" in output
    # The fetch and the extraction ran in the request's process, right after it committed.
    assert submitted.status_code == 202
    assert article["ingest_state"] == "extracted"
    assert any("1,240 people" in claim["text"] for claim in article["claims"])
    # The queue hands the editor the demo's claims one at a time, under a lease.
    assert [answer.status_code for answer in taken] == [200, 200]
    first, second = (answer.json() for answer in taken)
    assert first["id"] != second["id"]
    assert first["assignee"] == "editor" and first["lease_expires_at"]
    assert first["priority"] >= second["priority"]
