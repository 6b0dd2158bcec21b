"""Fetch throughput through the real worker setup.

200 URLs on a local server that answers each after 200 ms, fetched by Celery workers
(thread pool) through Redis, with the per-host politeness limit raised for this host.
Prints the wall time next to the sequential time (200 x 0.2 s) as a ratio.

    .venv/bin/python bench/fetch.py [--urls 200] [--delay 0.2] [--workers 2] [--threads 32]
"""

import argparse
import signal
import subprocess
import sys
import time

import _setup  # noqa: F401  (before any import of `queue`: see its docstring)
from _setup import PROJECT, bench_env, prepare_database, setup_django, start_page_server

PAGE = (
    "<html><head><title>Report {n}</title></head><body><article><p>The ministry counted "
    "{n} incidents in the province during October, up from the month before.</p>"
    "</article></body></html>"
)


def start_server(delay: float):
    return start_page_server(
        lambda path: PAGE.format(n=path.rsplit("/", 1)[-1]).encode(), delay=delay
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=32, help="threads per worker")
    args = parser.parse_args()

    server = start_server(args.delay)
    port = server.server_address[1]
    env = bench_env(
        "factcheck_bench_fetch",
        FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
        FETCH_ALLOWED_PORTS=f"80,443,{port}",
        FETCH_HOST_CONCURRENCY=args.workers * args.threads,
        FETCH_HOST_DELAY_SECONDS=0,
        # Workers keep their database connections, as deployed (see docker-compose.yml).
        CONN_MAX_AGE=600,
    )
    prepare_database(env)
    setup_django(env)

    import redis
    from django.conf import settings
    from django.db import connection

    from sources.models import Source
    from sources.services import sources_for_urls

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE sources_sourcesnapshot, sources_source RESTART IDENTITY CASCADE")

    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--pool=threads",
                f"--concurrency={args.threads}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=bench{i}@%h",
            ],
            cwd=PROJECT,
            env=env,
            start_new_session=True,
        )
        for i in range(args.workers)
    ]
    try:
        time.sleep(4)  # let the workers connect before the clock starts
        started = time.monotonic()
        sources_for_urls(urls=[f"http://127.0.0.1:{port}/report/{n}" for n in range(args.urls)])
        enqueued = time.monotonic()
        while Source.objects.exclude(state__in=["fetched", "failed", "blocked"]).exists():
            if time.monotonic() - started > 300:
                raise SystemExit("gave up after 300 s")
            time.sleep(0.05)
        finished = time.monotonic()
        wall = finished - started
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
        server.shutdown()

    fetched = Source.objects.filter(state="fetched").count()
    sequential = args.urls * args.delay
    print(f"urls fetched            {fetched}/{args.urls}")
    print(
        f"wall time               {wall:.2f} s (storing and enqueueing the URLs: "
        f"{enqueued - started:.2f} s, then fetching: {finished - enqueued:.2f} s)"
    )
    print(f"sequential time         {sequential:.2f} s ({args.urls} x {args.delay} s)")
    print(f"speed-up over sequential {sequential / wall:.1f}x (target: at least 10x)")
    print(f"rate                    {fetched / wall:.1f} fetches/s")


if __name__ == "__main__":
    main()
