"""Ingest end to end, per core: articles submitted by URL through the API, fetched, extracted
and matched by real Celery workers, next to claim extraction alone in one process.

    .venv/bin/python bench/pipeline.py [--articles 200] [--concurrency N] [--quick]

1. A local HTTP server on 127.0.0.1 serves generated news pages: a masthead, navigation, a
   "most read" box and a footer around 800 to 1,000 words of text. The text is paragraphs of
   the sample articles in tests/fixtures/articles with their figures varied, after a lead of
   quoted statistics and one claim taken from the fact-check collection, so every article is
   distinct and some of its claims have a match. The pages cite no links (each would be one
   more fetch). The fetcher may read this server only (FETCH_ALLOWED_NETWORKS and
   FETCH_ALLOWED_PORTS, as the tests allow it), and its per-host politeness is lifted, since
   every article comes from one host.
2. The CLEF sample collections (tests/fixtures/clef_match_sample, 2A and 2B) are imported,
   embedded and saved as the match index the workers memory-map (MATCH_INDEX_DIR).
3. `celery -A factcheck worker --pool=prefork --concurrency N` (one process per core used)
   takes the fetches, extractions and matches from Redis. A few articles go through first,
   off the clock, so every worker process has loaded its models.
4. The articles are submitted one after another as a fact-checker would, POST
   /api/v1/articles/ {"url"}, through Django's test client in this process (the web side;
   its CPU time is counted apart). The clock runs from the first request to the last
   article's `extracted_at` and, where matching on ingest runs (the warm-up's claims got
   ClaimMatchRun rows; where none appear within 90 s, matching on ingest is taken as not
   running), to the last of their claims' `matched_at`.
5. Extraction alone: the texts ingest stored, through `extract_claims` (what ingest's
   `_extract` calls), in this process, on one thread, once the workers have stopped.

Printed: articles/s and articles/s per core (divided by N), CPU seconds an article (workers,
their PostgreSQL backends, this process), extraction alone in articles/s, and the ratio of
the pipeline per core to extraction alone. `--quick` is a smoke run: a dozen articles, one
worker process.

Its own database (factcheck_bench_pipeline, emptied at each run) and Redis databases 14 (the
broker, emptied) and 13 (the cache); see bench/_setup.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from pathlib import Path

import _setup  # noqa: F401  (before any import of `queue`: see its docstring)

# One thread for every numeric library, here and in the workers: each worker process is one
# core's work, as in production.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

from _setup import (  # noqa: E402
    PROJECT,
    bench_env,
    prepare_database,
    setup_django,
    start_page_server,
)

DATABASE = "factcheck_bench_pipeline"
ARTICLES = PROJECT / "tests" / "fixtures" / "articles"
COLLECTIONS = [
    PROJECT / "tests" / "fixtures" / "clef_match_sample" / name
    for name in ("2a-vclaims.tsv", "2b-vclaims.tsv")
]
SEED = 11
WORDS = (800, 1000)
# Past this long without another claim matched, the rest are taken as never to be matched.
MATCH_STALL_SECONDS = 60.0
WARMUP_MATCH_WAIT_SECONDS = 90.0

# --- the articles -----------------------------------------------------------------------

CITIES = ["Northfield", "Port Aurora", "Santa Aurora", "Kingsbridge", "Eastmoor", "Lakeview"]
PEOPLE = [
    ("Helen Marsh", "director of statistics"),
    ("Tomás Ruiz", "the city's housing commissioner"),
    ("Amara Okafor", "chief economist"),
    ("David Chen", "a spokesman for the regional health board"),
    ("Priya Raman", "head of research"),
    ("Joanna Wells", "the transport minister"),
]
ORGS = ["Office for Regional Statistics", "Housing Federation", "Chamber of Commerce"]
TOPICS = ["rents", "waiting lists", "bus fares", "school places", "energy bills", "wages"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
# A figure in running text; four-digit years are left as they are.
NUMBER = re.compile(r"(?<![\w.-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\w)")


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    html: str
    words: int


def paragraph_pool() -> list[str]:
    """The sample articles' paragraphs, as ingestion normalises them."""
    from articles.extraction.documents import document_from_content

    pool = []
    for path in sorted(ARTICLES.iterdir()):
        body = document_from_content(path.read_text(encoding="utf-8"), filename=path.name).body
        for paragraph in body.split("\n\n"):
            paragraph = paragraph.strip()
            if len(paragraph.split()) >= 15 and not paragraph.startswith(("|", "#")):
                pool.append(paragraph)
    return pool


def vary_figures(text: str, rng: random.Random) -> str:
    def varied(match: re.Match) -> str:
        written = match.group(0)
        plain = written.replace(",", "")
        if re.fullmatch(r"(19|20)\d\d", plain):
            return written
        value = float(plain) * rng.uniform(0.7, 1.4)
        if "." in plain:
            decimals = len(plain.split(".")[1])
            return f"{value:,.{decimals}f}" if "," in written else f"{value:.{decimals}f}"
        number = max(1, round(value))
        return f"{number:,}" if "," in written else str(number)

    return NUMBER.sub(varied, text)


def lead(rng: random.Random, claim: str) -> list[str]:
    city, topic, month = rng.choice(CITIES), rng.choice(TOPICS), rng.choice(MONTHS)
    (person, role), (person2, role2) = rng.sample(PEOPLE, 2)
    org, org2 = rng.sample(ORGS, 2)
    share, earlier = rng.randint(21, 48), rng.randint(8, 20)
    count, change = rng.randint(1_200, 98_000), rng.randint(3, 60)
    return [
        f'"{share}% of households in {city} now spend more than a third of their income on '
        f'{topic}, up from {earlier}% five years ago," said {person}, {role}.',
        f"The {org} said {count:,} people had applied for help with {topic} since {month}, "
        f'"more than {rng.randint(2, 6)} times the number we expected."',
        f'"We recorded {rng.randint(150, 4_000):,} complaints in {month} alone, a {change}% '
        f'increase on the same month last year," {person2}, {role2}, told reporters.',
        f"According to figures published by the {org2}, {city}'s population grew by "
        f"{rng.randint(900, 9_000):,} to {rng.randint(120_000, 900_000):,} in the year to June.",
        f'A post shared thousands of times online this week claimed: "{claim}"',
    ]


def generate_pages(count: int, *, prefix: str, seed: int, claims: list[str]) -> list[Page]:
    pool = paragraph_pool()
    pages = []
    for n in range(count):
        rng = random.Random(f"{seed}-{prefix}-{n}")
        paragraphs = lead(rng, rng.choice(claims))
        target = rng.randint(*WORDS)
        words = sum(len(p.split()) for p in paragraphs)
        for paragraph in rng.sample(pool, len(pool)):
            paragraph = vary_figures(paragraph, rng)
            if words + len(paragraph.split()) > WORDS[1]:
                continue
            paragraphs.append(paragraph)
            words += len(paragraph.split())
            if words >= target:
                break
        title = (
            f"{rng.choice(CITIES)} {rng.choice(TOPICS)} up {rng.randint(3, 40)}% as officials "
            "warn of pressure"
        )
        published = date(2024, 1, 1) + timedelta(days=rng.randint(0, 300))
        pages.append(
            Page(
                path=f"/{prefix}/{published:%Y/%m/%d}/story-{n}.html",
                title=title,
                html=page_html(title, paragraphs, rng.choice(PEOPLE)[0], published),
                words=words,
            )
        )
    return pages


def page_html(title: str, paragraphs: list[str], author: str, published: date) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} | The Daily Ledger</title>
<meta name="author" content="{escape(author)}">
<meta property="og:site_name" content="The Daily Ledger">
<meta property="article:published_time" content="{published.isoformat()}">
</head><body>
<header><div class="brand">The Daily Ledger</div>
<nav><ul><li>World</li><li>Politics</li><li>Business</li><li>Health</li><li>Sport</li></ul></nav>
<div class="subscribe">Subscribe for unlimited access. Sign up for our morning briefing.</div>
</header>
<main><article>
<h1>{escape(title)}</h1>
<p class="byline">By {escape(author)}</p>
<time datetime="{published.isoformat()}">{published:%d %B %Y}</time>
{body}
</article>
<aside><h2>Most read</h2><ul><li>Ten things to do this weekend</li>
<li>Your questions answered on the new parking rules</li></ul></aside>
</main>
<footer><p>&copy; 2024 The Daily Ledger. All rights reserved.</p>
<p>Cookie settings. Privacy policy. Terms of use. Contact us.</p></footer>
</body></html>"""


def start_server(pages: dict[str, bytes]):
    return start_page_server(pages.get)


# --- CPU time of other processes ----------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(parent pid, own CPU seconds, reaped children's CPU seconds), None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / _TICK
    reaped = (int(fields[13]) + int(fields[14])) / _TICK
    return int(fields[1]), own, reaped


def process_tree_cpu(root: int) -> float:
    """CPU seconds of `root` and every descendant, living or reaped."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                stats[int(entry)] = stat
    children: dict[int, list[int]] = {}
    for pid, (parent, _own, _reaped) in stats.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1] + stats[pid][2]
            todo.extend(children.get(pid, []))
    return total


def database_backends_cpu() -> dict[int, float] | None:
    """CPU seconds of each PostgreSQL backend serving this database, by pid; None when the
    server's processes cannot be read from here (another machine, a container)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        pids = [pid for (pid,) in cursor.fetchall()]
    times = {pid: stat[1] for pid in pids if (stat := _stat(pid)) is not None}
    return times if times else None


# --- the run --------------------------------------------------------------------------------


def reset_database() -> None:
    from django.apps import apps
    from django.db import connection

    tables = [
        model._meta.db_table
        for label in ("articles", "reviews", "sources", "factchecks")
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def import_collection(index_dir: Path) -> tuple[int, list[str]]:
    """Import the CLEF samples, embed them and save the index the workers will load."""
    from factchecks.matching.services import match_index_rebuild
    from factchecks.models import FactCheck
    from factchecks.services import factchecks_import_file

    for path in COLLECTIONS:
        factchecks_import_file(data=path.read_bytes(), filename="vclaims.tsv", format="clef-tsv")
    match_index_rebuild(folder=index_dir)
    claims = list(FactCheck.objects.order_by("pk").values_list("claim_text", flat=True))
    return len(claims), claims


def claim_match_runs():
    """The model of when a claim was matched, where this version of the service has one."""
    from django.apps import apps

    try:
        return apps.get_model("factchecks", "ClaimMatchRun")
    except LookupError:
        return None


def start_workers(env: dict, concurrency: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "--quiet",  # no banner; warnings and errors still reach standard error
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname=bench-pipeline@%h",
        ],
        cwd=PROJECT,
        env=env,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def submit(client, urls: list[str]) -> list[int]:
    ids = []
    for url in urls:
        response = client.post(
            "/api/v1/articles/", data=json.dumps({"url": url}), content_type="application/json"
        )
        if response.status_code != 202:
            raise SystemExit(
                f"POST /api/v1/articles/ {url}: {response.status_code} {response.content[:300]!r}"
            )
        ids.append(response.json()["id"])
    return ids


def wait_extracted(ids: list[int], deadline: float, workers: subprocess.Popen) -> None:
    from articles.models import Article

    waiting = Article.objects.filter(pk__in=ids, ingest_state__in=["pending", "fetching"])
    while waiting.exists():
        if workers.poll() is not None:
            raise SystemExit(f"the worker stopped (exit status {workers.returncode})")
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up: {waiting.count()} articles still not extracted")
        time.sleep(0.1)


def wait_matched(ids: list[int], deadline: float, *, stall: float) -> tuple[int, int]:
    """Wait until every claim of the articles `ids` has a ClaimMatchRun, or none was added
    for `stall` seconds; (claims matched, claims)."""
    from reviews.models import Claim

    runs = claim_match_runs()
    claims = Claim.objects.filter(article_id__in=ids).count()
    if runs is None:
        return 0, claims
    matched = runs.objects.filter(claim__article_id__in=ids)
    seen, since = -1, time.monotonic()
    while True:
        count = matched.count()
        if count >= claims:
            return count, claims
        if count != seen:
            seen, since = count, time.monotonic()
        if time.monotonic() - since > stall or time.monotonic() > deadline:
            return count, claims
        time.sleep(0.1)


def extraction_alone(bodies: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds to extract the claims of every body, in this process."""
    from articles.extraction.claims import extract_claims

    extract_claims(bodies[0])  # the model loads once, before the clock
    wall, cpu = time.perf_counter(), time.process_time()
    for body in bodies:
        extract_claims(body)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, help="articles measured (default 200)")
    parser.add_argument(
        "--concurrency",
        type=int,
        help="worker processes, one per core used (default: every core)",
    )
    parser.add_argument(
        "--warmup", type=int, help="articles through first, off the clock (default 2 a process)"
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds, in all")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 12 articles, one worker process"
    )
    args = parser.parse_args()
    # The test client's static files middleware looks for collected files nobody needs here.
    warnings.filterwarnings("ignore", message="No directory at")
    count = args.articles or (12 if args.quick else 200)
    concurrency = args.concurrency or (1 if args.quick else os.cpu_count() or 1)
    warmup = args.warmup if args.warmup is not None else 2 * concurrency
    deadline = time.monotonic() + args.timeout
    load = os.getloadavg()[0]

    pages: dict[str, bytes] = {}
    server = start_server(pages)
    port = server.server_address[1]
    index_dir = Path(tempfile.gettempdir()) / "bench-pipeline-match-index"
    env = bench_env(
        DATABASE,
        FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
        FETCH_ALLOWED_PORTS=f"80,443,{port}",
        FETCH_HOST_CONCURRENCY=10_000,
        FETCH_HOST_DELAY_SECONDS=0,
        MATCH_INDEX_DIR=str(index_dir),
        API_THROTTLE_RATE="1000000/min",
        # Workers keep their database connections, as deployed.
        CONN_MAX_AGE=600,
    )
    prepare_database(env)
    setup_django(env)

    import redis
    from django.conf import settings
    from django.test import Client

    from accounts.roles import Role
    from accounts.services import token_issue, user_upsert
    from articles.models import Article

    reset_database()
    collection, claims = import_collection(index_dir)
    measured = generate_pages(count, prefix="news", seed=SEED, claims=claims)
    warming = generate_pages(warmup, prefix="warmup", seed=SEED, claims=claims)
    for page in [*measured, *warming]:
        pages[page.path] = page.html.encode("utf-8")
    base = f"http://127.0.0.1:{port}"
    user, _created = user_upsert(username="bench-pipeline-checker", role=Role.FACT_CHECKER)
    client = Client(
        HTTP_AUTHORIZATION=f"Token {token_issue(username=user.username)}",
        HTTP_HOST="127.0.0.1",
    )
    # What the import sent for embedding is done already (match_index_rebuild).
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()

    workers = start_workers(env, concurrency)
    try:
        warm_ids = submit(client, [base + page.path for page in warming])
        wait_extracted(warm_ids, deadline, workers)
        warm_matched, warm_claims = wait_matched(
            warm_ids, deadline, stall=WARMUP_MATCH_WAIT_SECONDS
        )
        matching = warm_matched > 0

        workers_cpu = process_tree_cpu(workers.pid)
        database_cpu = database_backends_cpu()
        own_cpu = time.process_time()
        started = time.time()
        ids = submit(client, [base + page.path for page in measured])
        submitted = time.time()
        wait_extracted(ids, deadline, workers)
        matched, claim_count = (
            wait_matched(ids, deadline, stall=MATCH_STALL_SECONDS) if matching else (0, 0)
        )
        workers_cpu = process_tree_cpu(workers.pid) - workers_cpu
        database_after = database_backends_cpu()
        own_cpu = time.process_time() - own_cpu
    finally:
        stop(workers)
        server.shutdown()

    extracted = Article.objects.filter(pk__in=ids, ingest_state="extracted")
    failed = Article.objects.filter(pk__in=ids, ingest_state="failed")
    done = extracted.count()
    if not done:
        reason = failed.values_list("ingest_error", flat=True).first()
        raise SystemExit(f"no article was extracted; the first failure: {reason}")
    last_extracted = max(extracted.values_list("extracted_at", flat=True)).timestamp()
    to_extracted = last_extracted - started
    to_matched = None
    if matching and matched:
        runs = claim_match_runs().objects.filter(claim__article_id__in=ids)
        to_matched = max(runs.values_list("matched_at", flat=True)).timestamp() - started
    bodies = list(extracted.order_by("pk").values_list("body", flat=True))
    alone_wall, alone_cpu = extraction_alone(bodies)
    database_cpu_used = None
    if database_cpu is not None and database_after is not None:
        database_cpu_used = sum(
            seconds - database_cpu.get(pid, 0.0) for pid, seconds in database_after.items()
        )

    report(
        count=count,
        done=done,
        failed=list(failed.values_list("ingest_error", flat=True)),
        words=[page.words for page in measured],
        concurrency=concurrency,
        warmup=warmup,
        collection=collection,
        submitting=submitted - started,
        to_extracted=to_extracted,
        to_matched=to_matched,
        matching=(matched, claim_count) if matching else None,
        warm_matching=(warm_matched, warm_claims),
        cpu={"workers": workers_cpu, "PostgreSQL": database_cpu_used, "this process": own_cpu},
        alone=(alone_wall, alone_cpu),
        load=load,
    )
    return 0 if not failed.exists() else 1


def report(
    *,
    count: int,
    done: int,
    failed: list[str],
    words: list[int],
    concurrency: int,
    warmup: int,
    collection: int,
    submitting: float,
    to_extracted: float,
    to_matched: float | None,
    matching: tuple[int, int] | None,
    warm_matching: tuple[int, int],
    cpu: dict[str, float | None],
    alone: tuple[float, float],
    load: float,
) -> None:
    mean_words = sum(words) / len(words)
    print(f"load average before the run: {load:.1f} on {os.cpu_count()} cores")
    print(
        f"pipeline: {count} articles of {min(words)} to {max(words)} words (mean "
        f"{mean_words:.0f}) submitted by URL through the API, {warmup} more first to warm up"
    )
    print(
        f"  workers: celery prefork --concurrency {concurrency} (cores used: {concurrency}); "
        f"collection: {collection} fact-checks, index memory-mapped"
    )
    if failed:
        print(f"  FAILED: {len(failed)} articles; the first: {failed[0]}")
    print(f"  {'':34} {'wall':>8}  {'articles/s':>10}  {'per core':>8}")
    print(f"  {'submitted (POST /api/v1/articles/)':34} {submitting:7.1f}s")
    rows = [("every article extracted", to_extracted)]
    if matching is None:
        print(
            "  matching on ingest: no ClaimMatchRun written for the warm-up's "
            f"{warm_matching[1]} claims; measured up to `extracted`"
        )
    elif to_matched is not None:
        matched, claims = matching
        label = f"every claim matched ({matched:,}" + (
            f" of {claims:,})" if matched < claims else ")"
        )
        rows.append((label, to_matched))
    for label, seconds in rows:
        rate = done / seconds
        print(f"  {label:34} {seconds:7.1f}s  {rate:10.2f}  {rate / concurrency:8.2f}")
    end_to_end = rows[-1][1]
    per_core = done / end_to_end / concurrency
    parts = ", ".join(
        f"{name} {seconds / done:.3f} s" for name, seconds in cpu.items() if seconds is not None
    )
    counted = sum(seconds for seconds in cpu.values() if seconds is not None)
    print(
        f"  CPU an article: {parts}; in all {counted / done:.3f} s "
        f"({done / counted:.2f} articles per CPU-second)"
    )
    alone_wall, alone_cpu = alone
    alone_rate = done / alone_wall
    print(
        f"extraction alone (extract_claims, one process, one thread): {alone_rate:.2f} "
        f"articles/s ({alone_wall:.1f} s for the {done} texts; CPU {alone_cpu / done:.3f} s an "
        "article)"
    )
    ratios = f"{done / to_extracted / concurrency / alone_rate:.3f} (submitted to extracted)"
    if len(rows) > 1:
        ratios = f"{per_core / alone_rate:.3f} (submitted to matched), {ratios}"
    print(f"ratio, pipeline per core / extraction alone: {ratios}")
    print(
        f"by CPU time: extraction alone {alone_cpu / done:.3f} s an article, the pipeline "
        f"{counted / done:.3f} s ({alone_cpu / counted:.3f})"
    )


if __name__ == "__main__":
    sys.exit(main())
