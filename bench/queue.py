"""Queue throughput: 16 concurrent reviewers taking claims through the API (gunicorn on
127.0.0.1), next to the bare SQL dequeue statement on 16 connections as the ceiling.

For each queue size (100,000 and 1,000,000 generated claims by default) it prints takes per
second, p50 and p99 latency for both, and the API's share of the ceiling. Between them it
prints the same dequeue run by a bare Django view on the same server (`bench/ceiling.py`:
no REST framework, authentication, throttle, audit event or serializer): the share of the
ceiling a Django view served this way reaches before doing any of the API's work.

The reviewers on the API side are `wrk` connections, one wrk thread each, so that
each connection sends its own reviewer's token (see `_wrk.py`): a C event loop, so the load
generator takes little of the CPU the server runs on. Any answer other than 200 fails the
run. The bare SQL side is one Python thread per reviewer on its own psycopg2 connection.

    .venv/bin/python bench/queue.py [--sizes 100000 1000000] [--seconds 10] [--reviewers 16]
"""

import argparse
import os
import signal
import threading
import time

import _setup  # noqa: F401  (before any import of `queue`: see its docstring)
import psycopg2
from _setup import (
    bench_env,
    generate_articles,
    percentile,
    prepare_database,
    setup_django,
    start_gunicorn,
)
from _wrk import ensure_wrk, run_wrk

SENTENCE = "Officials said {:07d} strikes hit targets."  # fixed length: offsets are arithmetic
CLAIMS_PER_ARTICLE = 10


def generate_queue(dsn: str, size: int) -> None:
    """Fill the queue with `size` claims over size/10 articles, in SQL."""
    articles = size // CLAIMS_PER_ARTICLE
    length = len(SENTENCE.format(0))
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        generate_articles(cursor, articles, CLAIMS_PER_ARTICLE)
        cursor.execute(
            """
            INSERT INTO reviews_claim (article_id, text, start, "end", kind, claimant, quantities,
                score, reasons, state, priority, boost, dismiss_reason, extractor_version,
                checked_before, created_at, updated_at)
            SELECT a.id,
                   'Officials said ' || lpad(((a.id - 1) * 10 + c)::text, 7, '0')
                       || ' strikes hit targets.',
                   c * (%(length)s + 1), c * (%(length)s + 1) + %(length)s,
                   'statistic', 'Officials', '[]', 0.8, '[]', 'queued',
                   round((random() * 100)::numeric, 3), 0, '', 'bench', false,
                   now() - (random() * interval '30 days'), now()
              FROM articles_article a CROSS JOIN generate_series(0, %(per)s - 1) c
            """,
            {"length": length, "per": CLAIMS_PER_ARTICLE},
        )
        cursor.execute("ANALYZE reviews_claim")


def run_clients(take, reviewers: int, seconds: float) -> tuple[int, list[float]]:
    latencies: list[list[float]] = [[] for _ in range(reviewers)]
    stop_at = time.monotonic() + seconds
    barrier = threading.Barrier(reviewers)

    def client(index: int) -> None:
        do_take = take(index)
        barrier.wait()
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            do_take()
            latencies[index].append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(reviewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [value for values in latencies for value in values]
    return len(flat), flat


def http_takes(url: str, reviewers: int, seconds: float, tokens: list[str] | None = None):
    """Takes per second, p50 and p99 of POSTs to `url` from `reviewers` connections, each
    with its own reviewer's token when `tokens` are given."""
    # wrk's scripts cannot tell a thread's connections apart: one thread per reviewer is
    # how each connection gets its own reviewer's token.
    result = run_wrk(
        url,
        connections=reviewers,
        threads=reviewers,
        seconds=seconds,
        method="POST",
        tokens=tokens,
        expect=200,
    )
    if 204 in result.unexpected:
        raise SystemExit("the queue ran dry; use a larger queue or fewer seconds")
    result.check(url)
    return result.rate, result.p50, result.p99


def sql_taker(dsn: str, user_ids: list[int]):
    """The bare dequeue statement on its own connection per reviewer, prepared once per
    connection: the ceiling is the database's best."""
    from ceiling import dequeue

    def take(index: int):
        connection = psycopg2.connect(dsn)
        connection.autocommit = True
        cursor = connection.cursor()
        prepared_on: set = set()

        def do_take():
            if dequeue(cursor, prepared_on, user_ids[index]) is None:
                raise SystemExit("the queue ran dry; use a larger queue or fewer seconds")

        return do_take

    return take


def report(label: str, rate: float, p50: float, p99: float) -> float:
    print(f"  {label:<9} {rate:8.0f} takes/s   p50 {p50 * 1000:6.1f} ms   p99 {p99 * 1000:6.1f} ms")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--reviewers", type=int, default=16)
    parser.add_argument(
        "--web-workers", type=int, default=os.cpu_count(), help="default: one per core"
    )
    args = parser.parse_args()
    ensure_wrk()  # before generating any data

    env = bench_env("factcheck_bench_queue", CONN_MAX_AGE=600)
    prepare_database(env)
    setup_django(env)
    from django.db import connection

    from accounts.roles import Role
    from accounts.services import token_issue, user_upsert

    dsn = env["DATABASE_URL"].replace("postgres://", "postgresql://")
    users = [
        user_upsert(username=f"bench-reviewer-{i}", role=Role.FACT_CHECKER)[0]
        for i in range(args.reviewers)
    ]
    tokens = [token_issue(username=user.username) for user in users]
    connection.close()

    port = 8765
    web_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.ceiling_settings"}
    web = start_gunicorn(web_env, port=port, workers=args.web_workers)
    base_url = f"http://127.0.0.1:{port}"
    try:
        for size in args.sizes:
            started = time.monotonic()
            generate_queue(dsn, size)
            print(
                f"queue of {size:,} claims (generated in {time.monotonic() - started:.0f} s), "
                f"{args.reviewers} concurrent reviewers, {args.seconds:.0f} s each:"
            )
            print(
                f"  load generator: wrk, {args.reviewers} connections, {args.reviewers} threads "
                "(one per reviewer)"
            )
            api_url = f"{base_url}/api/v1/queue/next/"
            api_rate = report("API", *http_takes(api_url, args.reviewers, args.seconds, tokens))
            view_url = f"{base_url}/bench/take/?reviewer={users[0].pk}"
            view_rate = report("bare view", *http_takes(view_url, args.reviewers, args.seconds))
            count, latencies = run_clients(
                sql_taker(dsn, [u.pk for u in users]), args.reviewers, args.seconds
            )
            sql_rate = report(
                "bare SQL",
                count / args.seconds,
                percentile(latencies, 0.5),
                percentile(latencies, 0.99),
            )
            print(
                f"  API / bare view = {api_rate / view_rate:.2f} (target: at least 0.5); "
                f"API / bare SQL = {api_rate / sql_rate:.2f}; "
                f"bare view / bare SQL = {view_rate / sql_rate:.2f}"
            )
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=30)


if __name__ == "__main__":
    main()
