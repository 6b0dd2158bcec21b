"""Shared by the benchmarks: a dedicated PostgreSQL database and real service processes.

Import it first: `queue.py` in this folder would otherwise stand in for the standard
library's `queue` module, so this puts the folder at the end of the import path.
"""

import sys
from pathlib import Path

_BENCH_DIR = str(Path(__file__).resolve().parent)
sys.path[:] = [entry for entry in sys.path if entry not in ("", _BENCH_DIR)] + [_BENCH_DIR]

import os  # noqa: E402
import subprocess  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import psycopg2  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
# The server the benchmarks use; each benchmark puts its own database name in the path.
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/14"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/13"


def bench_env(database: str, **overrides) -> dict:
    """The environment of the service under benchmark. Each benchmark names its own
    database, so that one's generated data survives another's run."""
    env = dict(os.environ)
    server = urlsplit(os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER_URL))
    # Never the service's own database or broker: the benchmarks truncate the tables they
    # fill, and the fetch benchmark empties its Redis database.
    env["DATABASE_URL"] = server._replace(path=f"/{database}").geturl()
    env["CELERY_BROKER_URL"] = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER_URL)
    # As deployed: the web processes share their throttle counters in Redis.
    env["CACHE_URL"] = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)
    env.setdefault("DEBUG", "false")
    env.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("LOG_LEVEL", "WARNING")
    env["DJANGO_SETTINGS_MODULE"] = "factcheck.settings.base"
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def prepare_database(env: dict) -> None:
    """Create the benchmark database when missing, and migrate it."""
    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=PROJECT,
        env=env,
        check=True,
    )


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def start_gunicorn(env: dict, *, port: int, workers: int) -> subprocess.Popen:
    """The service under gunicorn on 127.0.0.1, once it answers: sync workers, as deployed
    (Dockerfile, docker-compose.yml). With the database on the same two cores, one worker
    per core served the most requests with the shortest tail; three, four, or four threaded
    workers each did worse (measured with wrk)."""
    import time
    import urllib.error
    import urllib.request

    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "factcheck.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--log-level=warning",
        ],
        cwd=PROJECT,
        env=env,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()
            return web
        except urllib.error.HTTPError:
            return web
        except OSError:
            time.sleep(0.2)
    web.kill()
    raise SystemExit("gunicorn did not answer within a minute")


def start_page_server(page_for, *, delay: float = 0.0):
    """An HTTP server on 127.0.0.1 (a free port) in a background thread, answering each GET
    with `page_for(path)` as HTML after `delay` seconds, or 404 when it returns None."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(delay)
            body = page_for(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def generate_articles(cursor, articles: int, per: int) -> None:
    """Empty the review tables, then write `articles` extracted articles in SQL, ids in order
    from 1, each of `per` sentences 'Officials said NNNNNNN strikes hit targets.' numbered
    (article - 1) * 10 + sentence."""
    cursor.execute(
        "TRUNCATE reviews_reviewevent, reviews_evidencelink, reviews_verdict, reviews_claim, "
        "articles_articlelink, articles_article RESTART IDENTITY CASCADE"
    )
    cursor.execute(
        """
        INSERT INTO articles_article (source_url, canonical_url, title, byline, publisher,
            language, input_format, raw_content, body, content_hash, ingest_state,
            ingest_error, extractor_version, created_at, updated_at)
        SELECT '', '', 'Generated ' || a, '', '', 'en', 'text', '',
               (SELECT string_agg('Officials said ' || lpad((a * 10 + c)::text, 7, '0')
                                  || ' strikes hit targets.', ' ' ORDER BY c)
                  FROM generate_series(0, %(per)s - 1) c),
               md5(a::text) || md5('x' || a::text), 'extracted', '', '', now(), now()
          FROM generate_series(0, %(articles)s - 1) a ORDER BY a
        """,
        {"articles": articles, "per": per},
    )
