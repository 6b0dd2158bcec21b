"""Real service processes for tests: Celery workers and a web server on the test database."""

import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.db import connection

PROJECT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def service_env(**overrides) -> dict:
    """The environment a worker or web process needs to share this test run's database,
    broker and fetch allowances."""
    env = dict(os.environ)
    database = connection.settings_dict
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings.test",
        DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        FETCH_ALLOWED_NETWORKS=",".join(settings.FETCH_ALLOWED_NETWORKS),
        FETCH_ALLOWED_PORTS=",".join(str(p) for p in settings.FETCH_ALLOWED_PORTS),
        FETCH_HOST_DELAY_SECONDS=str(settings.FETCH_HOST_DELAY_SECONDS),
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def start_worker(
    env: dict, *, concurrency: int = 4, log_path: Path | None = None
) -> subprocess.Popen:
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--pool=threads",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_web(
    env: dict, port: int, *options: str, log_path: Path | None = None
) -> subprocess.Popen:
    """gunicorn from the project root (so it reads gunicorn.conf.py there), with `options`
    added to its command line; its output goes to `log_path` when given."""
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "factcheck.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            *options,
        ],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log_path else subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), timeout=60)
    except AssertionError:
        kill(process)
        raise
    return process


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal the whole process group (a worker's pool threads die with it)."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=30)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill(process)


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@contextmanager
def silent_server() -> Iterator[int]:
    """A server on 127.0.0.1 that accepts every connection and never answers, nor closes
    one: a dependency that hangs rather than refuses. Yields its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    listener.setblocking(False)
    accepted: list[socket.socket] = []
    stopping = threading.Event()

    def accept_until_stopped() -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            while not stopping.is_set():
                if selector.select(timeout=0.1):
                    with suppress(BlockingIOError):  # another readiness, already taken
                        accepted.append(listener.accept()[0])

    acceptor = threading.Thread(target=accept_until_stopped, daemon=True)
    acceptor.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stopping.set()
        acceptor.join(timeout=5)
        for sock in accepted:
            sock.close()
        listener.close()
