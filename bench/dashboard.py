"""The editors' dashboard (`/dashboard/`) over a desk of 100,000 claims: the page's time,
p50 and p95 over N requests through Django's test client (middleware, session, the five
charts' queries and their SVG), against the 200 ms target, and the time of each chart's reads.

The desk is generated with a year of history (seeded, so each run draws the same): claims
extracted evenly over 365 days into triage or the queue, most triaged, taken, checked, some
released, returned and resubmitted, and published or dismissed, at times drawn from
exponential delays; claims whose next move would fall after now stay where they are, so the
last days hold the queue, the work in hand and what awaits sign-off. Every move is in the audit
trail, with the events that move nothing (evidence added, drafts) beside them. Rows are loaded
with COPY.

    .venv/bin/python bench/dashboard.py [--claims 100000] [--runs 30] [--reuse]
"""

import argparse
import io
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import _setup  # noqa: F401  (before any import of `queue`: see its docstring)
import psycopg2
from _setup import bench_env, generate_articles, percentile, prepare_database, setup_django

TARGET_MS = 200.0
SENTENCE = "Officials said {:07d} strikes hit targets."  # fixed length: offsets are arithmetic
CLAIMS_PER_ARTICLE = 10
CHECKERS, EDITORS = 24, 6
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
RATINGS = (("false", 3), ("mostly_false", 3), ("mixed", 2), ("mostly_true", 2), ("true", 1))


class Desk:
    """Rows for COPY, in PostgreSQL's text format."""

    def __init__(self) -> None:
        self.claims = io.StringIO()
        self.verdicts = io.StringIO()
        self.events = io.StringIO()
        self.verdict_id = 0
        self.counts: dict[str, int] = {}
        self.event_count = 0


def _cell(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _row(out: io.StringIO, *values) -> None:
    out.write("\t".join(_cell(value) for value in values) + "\n")


def _journey(rng: random.Random, created: datetime, now: datetime, checkers, editors):
    """A claim's moves up to now: (when, action, from, to, actor), and what its verdict holds."""
    moves = []
    state = "triage" if rng.random() < 0.3 else "queued"
    moves.append((created, "extract", "", state, None))
    when = created
    verdict: dict = {}

    def later(mean: timedelta) -> datetime:
        return when + mean * rng.expovariate(1)

    if state == "triage":
        when, fate = later(12 * HOUR), rng.random()
        if fate < 0.1 or when > now:
            return moves, verdict
        editor = rng.choice(editors)
        if fate < 0.4:
            moves.append((when, "dismiss", "triage", "dismissed", editor))
            return moves, verdict
        moves.append((when, "queue", "triage", "queued", editor))
    fate = rng.random()
    if fate < 0.1:
        when = later(3 * DAY)
        if when <= now:
            moves.append((when, "dismiss", "queued", "dismissed", rng.choice(editors)))
        return moves, verdict
    if fate < 0.3:
        # More is found than the desk can check: the backlog waits in the queue.
        return moves, verdict
    when = later(36 * HOUR)
    if when > now:
        return moves, verdict
    checker = rng.choice(checkers)
    moves.append((when, "take", "queued", "assigned", checker))
    verdict.update(author=checker, taken=when)
    if rng.random() < 0.1:
        when = later(2 * HOUR)
        if when > now:
            return moves, verdict
        moves.append((when, "release", "assigned", "queued", checker))
        when = later(12 * HOUR)
        if when > now:
            verdict.clear()
            return moves, verdict
        checker = rng.choice(checkers)
        moves.append((when, "take", "queued", "assigned", checker))
        verdict.update(author=checker, taken=when)
    for _ in range(rng.randint(1, 3)):
        when = later(2 * HOUR)
        if when > now:
            return moves, verdict
        moves.append((when, "add_evidence", "assigned", "assigned", checker))
    moves.append((when, "draft", "assigned", "assigned", checker))
    verdict["state"] = "draft"
    when = later(DAY)
    if when > now:
        return moves, verdict
    moves.append((when, "submit", "assigned", "submitted", checker))
    verdict.update(state="submitted", submitted=when)
    if rng.random() < 0.15:
        when = later(6 * HOUR)
        if when > now:
            return moves, verdict
        moves.append((when, "return", "submitted", "returned", rng.choice(editors)))
        verdict["state"] = "returned"
        when = later(12 * HOUR)
        if when > now:
            return moves, verdict
        moves.append((when, "submit", "returned", "submitted", checker))
        verdict.update(state="submitted", submitted=when)
    when = later(8 * HOUR)
    if when > now:
        return moves, verdict
    editor = rng.choice(editors)
    moves.append((when, "approve", "submitted", "published", editor))
    verdict.update(state="published", signed_off_by=editor, published=when)
    return moves, verdict


def generate_desk(dsn: str, size: int, checkers: list[int], editors: list[int]) -> Desk:
    rng = random.Random(20261130)
    now = datetime.now(UTC)
    length = len(SENTENCE.format(0))
    ratings, weights = zip(*RATINGS, strict=True)
    desk = Desk()
    for index in range(size):
        article, place = divmod(index, CLAIMS_PER_ARTICLE)
        claim_id = index + 1
        created = now - DAY * 365 * rng.random()
        moves, verdict = _journey(rng, created, now, checkers, editors)
        state = moves[-1][3]
        desk.counts[state] = desk.counts.get(state, 0) + 1
        author = verdict.get("author")
        holder = author if state in ("assigned", "submitted", "returned", "published") else None
        lease = verdict["taken"] + 30 * timedelta(minutes=1) if state == "assigned" else None
        _row(
            desk.claims, claim_id, article + 1, SENTENCE.format(index), place * (length + 1),
            place * (length + 1) + length, "statistic", "Officials", "[]", 0.8, "[]", state,
            round(rng.random() * 100, 3), 0, holder, lease,
            "not_check_worthy" if state == "dismissed" else "", "bench", "f", created, now,
        )  # fmt: skip
        verdict_id = None
        if "state" in verdict:
            desk.verdict_id += 1
            verdict_id = desk.verdict_id
            written = verdict["state"] != "draft"
            published = verdict.get("published")
            _row(
                desk.verdicts, verdict_id, claim_id, verdict["state"],
                rng.choices(ratings, weights)[0] if written else "",
                f"Headline {claim_id}" if written else "",
                f"The **rationale** for claim {claim_id}." if written else "",
                author, 3, verdict.get("submitted"), verdict.get("signed_off_by"), published, "",
                published, None, "", None, verdict["taken"], now,
            )  # fmt: skip
        for when, action, from_state, to_state, actor in moves:
            carries_verdict = action in ("draft", "submit", "return", "approve")
            _row(
                desk.events, claim_id, article + 1, verdict_id if carries_verdict else None,
                actor, action, from_state, to_state, "", when,
            )  # fmt: skip
            desk.event_count += 1
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        generate_articles(cursor, -(-size // CLAIMS_PER_ARTICLE), CLAIMS_PER_ARTICLE)
        for table, columns, rows in (
            (
                "reviews_claim",
                'id, article_id, text, start, "end", kind, claimant, quantities, score, '
                "reasons, state, priority, boost, assignee_id, lease_expires_at, "
                "dismiss_reason, extractor_version, checked_before, created_at, updated_at",
                desk.claims,
            ),
            (
                "reviews_verdict",
                "id, claim_id, state, rating, headline, rationale, author_id, version, "
                "submitted_at, signed_off_by_id, signed_off_at, signoff_comment, published_at, "
                "corrects_id, correction_note, first_published_at, created_at, updated_at",
                desk.verdicts,
            ),
            (
                "reviews_reviewevent",
                "claim_id, article_id, verdict_id, actor_id, action, from_state, to_state, "
                "comment, created_at",
                desk.events,
            ),
        ):
            rows.seek(0)
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", rows)
        for table in ("reviews_claim", "reviews_verdict"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return desk


def timed(call, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the desk generated by an earlier run"
    )
    args = parser.parse_args()

    env = bench_env("factcheck_bench_dashboard", CONN_MAX_AGE=600)
    prepare_database(env)
    setup_django(env)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from accounts.roles import Role
    from accounts.services import user_upsert
    from dashboard import selectors
    from reviews.models import Claim, ReviewEvent, Verdict

    checkers = [
        user_upsert(username=f"bench-checker-{i}", role=Role.FACT_CHECKER)[0].pk
        for i in range(CHECKERS)
    ]
    editors = [
        user_upsert(username=f"bench-editor-{i}", role=Role.EDITOR)[0].pk for i in range(EDITORS)
    ]
    dsn = env["DATABASE_URL"].replace("postgres://", "postgresql://")
    if args.reuse and Claim.objects.count() == args.claims:
        print(f"reusing the desk of {args.claims:,} claims generated before")
    else:
        connection.close()
        started = time.monotonic()
        desk = generate_desk(dsn, args.claims, checkers, editors)
        spread = ", ".join(f"{state} {count:,}" for state, count in sorted(desk.counts.items()))
        print(
            f"{args.claims:,} claims ({spread}), {desk.verdict_id:,} verdicts and "
            f"{desk.event_count:,} events generated in {time.monotonic() - started:.0f} s"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reviews_reviewevent")
    print(
        f"in the database: {Claim.objects.count():,} claims, {Verdict.objects.count():,} "
        f"verdicts, {ReviewEvent.objects.count():,} events"
    )

    client = Client(SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.get(pk=editors[0]))
    for _ in range(3):  # warm-up: the connection, templates and the planner's statistics
        assert client.get("/dashboard/").status_code == 200
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get("/dashboard/")
    assert response.status_code == 200, response.status_code
    page = timed(lambda: client.get("/dashboard/"), args.runs)
    export = timed(lambda: client.get("/dashboard/export.csv"), max(5, args.runs // 3))
    p50, p95 = percentile(page, 0.5) * 1e3, percentile(page, 0.95) * 1e3
    print(
        f"/dashboard/ over {args.runs} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"({len(statements)} statements, {len(response.content) / 1024:.0f} KiB); target "
        f"{TARGET_MS:.0f} ms, p95 / target = {p95 / TARGET_MS:.2f}"
    )
    print(
        f"/dashboard/export.csv over {len(export)} requests: p50 "
        f"{percentile(export, 0.5) * 1e3:.1f} ms, p95 {percentile(export, 0.95) * 1e3:.1f} ms"
    )
    now = datetime.now(UTC)
    parts = (
        ("claims entering and leaving states (30 days)", lambda: selectors.state_flows(now=now)),
        (
            "publications: ratings and both times (12 weeks)",
            lambda: selectors.publications(now=now),
        ),
        ("open claims per fact-checker", selectors.open_work_by_checker),
        ("queued claims waiting longest", lambda: selectors.claims_waiting_longest(now=now)),
        ("verdicts waiting longest", lambda: selectors.verdicts_waiting_longest(now=now)),
    )
    print("each chart's reads, median of 10:")
    for label, call in parts:
        print(f"  {label:<46} {statistics.median(timed(call, 10)) * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
