"""Client API read throughput: 32 concurrent clients reading `/api/v1/verdicts/` pages of 50
from gunicorn on 127.0.0.1 with 10,000 published verdicts, next to a bare Django view that
returns the same rows as JSON (the ceiling). Prints requests per second, p50 and p99.

The API is measured twice: with every request at an address of its own (an extra `bench`
query parameter, which the API ignores), so every page is built from the database, as for
a client walking through pages; and with all clients re-reading the first page, as clients
polling for new verdicts do, which the service answers from its cache until a verdict or
anything else on the page changes.

The clients are `wrk` connections (2 wrk threads): a C event loop, so the load
generator takes little of the CPU the server runs on (see `_wrk.py`). Any response other
than a 2xx, or any socket error, fails the run.

    .venv/bin/python bench/api.py [--verdicts 10000] [--clients 32] [--seconds 10]
"""

import argparse
import os
import signal
import time

import _setup  # noqa: F401  (before any import of `queue`: see its docstring)
import psycopg2
from _setup import bench_env, prepare_database, setup_django, start_gunicorn
from _wrk import ensure_wrk, run_wrk

WRK_THREADS = 2  # wrk's threads: a server on 2 cores needs no more to keep it loaded


def generate_verdicts(dsn: str, count: int, author_id: int, editor_id: int) -> None:
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE reviews_reviewevent, reviews_evidencelink, reviews_verdict, reviews_claim, "
            "articles_articlelink, articles_article, sources_sourcesnapshot, sources_source, "
            "webhooks_deliveryattempt, webhooks_delivery RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            """
            INSERT INTO sources_source (url, host, state, attempts, last_error_kind, last_error,
                created_at, updated_at)
            VALUES ('https://monitor.example.org/report', 'monitor.example.org', 'fetched', 1,
                '', '', now(), now())
            """
        )
        cursor.execute(
            """
            INSERT INTO articles_article (source_url, canonical_url, title, byline, publisher,
                language, input_format, raw_content, body, content_hash, ingest_state,
                ingest_error, extractor_version, created_at, updated_at)
            SELECT 'https://news.example.com/' || a, '', 'Story ' || a, '', 'Example News',
                   'en', 'text', '', 'Officials said ' || a || ' strikes hit targets.',
                   md5(a::text) || md5('v' || a::text), 'extracted', '', '', now(), now()
              FROM generate_series(1, %(count)s) a
            """,
            {"count": count},
        )
        cursor.execute(
            """
            INSERT INTO reviews_claim (article_id, text, start, "end", kind, claimant, quantities,
                score, reasons, state, priority, boost, dismiss_reason, extractor_version,
                checked_before, created_at, updated_at)
            SELECT id, body, 0, length(body), 'statistic', 'Officials',
                   '[{"value": 1, "unit": "strikes"}]', 0.9, '[]', 'published', 90, 0, '', '',
                   false, now(), now()
              FROM articles_article
            """
        )
        cursor.execute(
            """
            INSERT INTO reviews_verdict (claim_id, state, rating, headline, rationale, author_id,
                version, submitted_at, signed_off_by_id, signed_off_at, signoff_comment,
                correction_note, published_at, created_at, updated_at)
            SELECT id, 'published', (ARRAY['false','mostly_false','mixed','mostly_true','true'])
                   [1 + id %% 5], 'Headline ' || id, 'The **rationale** for claim ' || id,
                   %(author)s, 2, now(), %(editor)s, now(), '', '',
                   now() - (id || ' minutes')::interval, now(), now()
              FROM reviews_claim
            """,
            {"author": author_id, "editor": editor_id},
        )
        cursor.execute(
            """
            INSERT INTO reviews_evidencelink (claim_id, url, source_id, stance, note, added_by_id,
                created_at)
            SELECT c.id, 'https://monitor.example.org/report', s.id, 'refutes', '', %(author)s,
                   now()
              FROM reviews_claim c CROSS JOIN sources_source s
            """,
            {"author": author_id},
        )
        cursor.execute("ANALYZE")


def measure(url: str, token: str | None, clients: int, seconds: float, *, distinct: bool):
    headers = {"Authorization": f"Token {token}"} if token else None
    threads = min(WRK_THREADS, clients)  # wrk wants at least one connection per thread
    result = run_wrk(
        url,
        connections=clients,
        seconds=seconds,
        threads=threads,
        headers=headers,
        distinct=distinct,
    )
    result.check(url)
    return result.rate, result.p50, result.p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verdicts", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--web-workers", type=int, default=os.cpu_count(), help="default: one per core"
    )
    args = parser.parse_args()
    ensure_wrk()  # before generating any data

    env = bench_env("factcheck_bench_api", CONN_MAX_AGE=600, API_THROTTLE_RATE="100000000/min")
    prepare_database(env)
    setup_django(env)
    from django.db import connection

    from accounts.roles import Role
    from accounts.services import token_issue, user_upsert

    author = user_upsert(username="bench-author", role=Role.FACT_CHECKER)[0]
    editor = user_upsert(username="bench-editor", role=Role.EDITOR)[0]
    user_upsert(username="bench-client", role=Role.API_CLIENT)
    token = token_issue(username="bench-client")
    dsn = env["DATABASE_URL"].replace("postgres://", "postgresql://")
    connection.close()
    started = time.monotonic()
    generate_verdicts(dsn, args.verdicts, author.pk, editor.pk)
    print(f"{args.verdicts:,} published verdicts generated in {time.monotonic() - started:.0f} s")

    port = 8766
    web_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.ceiling_settings"}
    web = start_gunicorn(web_env, port=port, workers=args.web_workers)
    base = f"http://127.0.0.1:{port}"
    try:
        print(f"{args.clients} concurrent clients, {args.seconds:.0f} s each, pages of 50:")
        threads = min(WRK_THREADS, args.clients)
        print(f"  load generator: wrk, {args.clients} connections, {threads} threads")
        page = f"{base}/api/v1/verdicts/?page_size=50"
        built = measure(page, token, args.clients, args.seconds, distinct=True)
        cached = measure(page, token, args.clients, args.seconds, distinct=False)
        bare = measure(f"{base}/bench/verdicts/", None, args.clients, args.seconds, distinct=True)
        rows = (
            ("API, every page built", built),
            ("API, a page re-read", cached),
            ("bare view", bare),
        )
        for label, (rate, p50, p99) in rows:
            figures = f"p50 {p50 * 1e3:6.1f} ms   p99 {p99 * 1e3:6.1f} ms"
            print(f"  {label:<22} {rate:7.0f} req/s   {figures}")
        print(
            f"  API / bare view = {built[0] / bare[0]:.2f} built, {cached[0] / bare[0]:.2f} "
            "re-read (target: at least 0.5; p99 under 100 ms)"
        )
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=30)


if __name__ == "__main__":
    main()
