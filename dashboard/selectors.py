"""Reads for the desk dashboard: how claims move through the workflow, what is published, how
long it takes, who holds what, and what has waited longest.

Every figure is aggregated in the database, grouped by day or week in the current time zone.
The verdicts published in the window are read once for three charts (`publications`: ratings,
time to publication, time to sign-off). On PostgreSQL their percentiles are `percentile_cont`,
over GROUPING SETS (`_PUBLICATIONS_SQL`). SQLite, the embedded default, has no percentile
aggregate: there the window's rows are read (one a verdict published in the last twelve
weeks) and `_percentile` computes the same interpolated value in Python (`_tally_in_python`).
`bench/dashboard.py` times the page at 100,000 claims.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from reviews.models import Claim, ClaimState, ReviewEvent, Verdict, VerdictState
from reviews.ratings import RATING_SCALE
from reviews.selectors import verdicts_awaiting_signoff
from reviews.workflow import IN_REVIEW, Move

FLOW_DAYS = 30
TREND_WEEKS = 12
WAITING_SHOWN = 10
# Queued claims read at a time, in the order they were extracted, to find those waiting
# longest (`claims_waiting_longest`): one read each is the usual case.
WAITING_READ = 40
MEDIAN, NINETIETH = 0.5, 0.9

# The order the states are drawn in: the way a claim travels through the desk.
FLOW_STATES = tuple(ClaimState)
# Who holds open work, by what state it is in: being checked, returned, awaiting sign-off.
OPEN_WORK_STATES = (ClaimState.ASSIGNED, ClaimState.RETURNED, ClaimState.SUBMITTED)
# Verdicts that were published, whether or not a correction has since superseded them.
PUBLISHED_ONCE = (VerdictState.PUBLISHED, VerdictState.SUPERSEDED)


# --- windows --------------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _last_days(now: datetime, count: int) -> tuple[date, ...]:
    today = timezone.localdate(now)
    return tuple(today - timedelta(days=back) for back in range(count - 1, -1, -1))


def _last_weeks(now: datetime, count: int) -> tuple[date, ...]:
    """The Mondays of the last `count` weeks, this one last (TruncWeek's weeks)."""
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    return tuple(monday - timedelta(weeks=back) for back in range(count - 1, -1, -1))


# --- 1. claims entering and leaving each state ----------------------------------------------


@dataclass(frozen=True)
class StateFlow:
    state: str
    label: str
    entered: tuple[int, ...]
    left: tuple[int, ...]

    @property
    def total_entered(self) -> int:
        return sum(self.entered)

    @property
    def total_left(self) -> int:
        return sum(self.left)


@dataclass(frozen=True)
class Flows:
    days: tuple[date, ...]
    states: tuple[StateFlow, ...]

    @property
    def empty(self) -> bool:
        return not any(flow.total_entered or flow.total_left for flow in self.states)


def state_flows(*, now: datetime, days: int = FLOW_DAYS) -> Flows:
    """For each claim state and each of the last `days` days: how many claims entered it and
    how many left it, from the audit trail. A claim's first state (from extraction) counts as
    entering it. Events that move nothing (evidence, edits) are not moves; a supersession
    records the verdict's states, not the claim's, so it is left out too."""
    window = _last_days(now, days)
    moves = (
        ReviewEvent.objects.filter(
            claim__isnull=False,
            created_at__gte=_midnight(window[0]),
            created_at__lt=_midnight(window[-1] + timedelta(days=1)),
        )
        .exclude(from_state=F("to_state"))
        .exclude(action=Move.SUPERSEDE)
        .annotate(day=TruncDate("created_at"))
        .values("day", "from_state", "to_state")
        .annotate(moves=Count("id"))
        .values_list("day", "from_state", "to_state", "moves")
        .order_by()
    )
    position = {day: index for index, day in enumerate(window)}
    entered = {state: [0] * len(window) for state in FLOW_STATES}
    left = {state: [0] * len(window) for state in FLOW_STATES}
    for day, from_state, to_state, count in moves:
        index = position.get(day)
        if index is None:
            continue
        if to_state in entered:
            entered[to_state][index] += count
        if from_state in left:
            left[from_state][index] += count
    return Flows(
        days=window,
        states=tuple(
            StateFlow(
                state=state.value,
                label=state.label,
                entered=tuple(entered[state]),
                left=tuple(left[state]),
            )
            for state in FLOW_STATES
        ),
    )


# --- 2 and 3. what was published, and how long it took ------------------------------------


@dataclass(frozen=True)
class RatingWeeks:
    weeks: tuple[date, ...]
    ratings: tuple[tuple[str, str], ...]
    """(value, label), worst first."""
    counts: dict[str, tuple[int, ...]]
    """Per rating, the verdicts published in each week."""

    def totals(self) -> tuple[int, ...]:
        return tuple(sum(column) for column in zip(*self.counts.values(), strict=True))

    @property
    def empty(self) -> bool:
        return not any(self.totals())


@dataclass(frozen=True)
class Spread:
    """The median and the 90th percentile of `count` durations, in seconds (None: none)."""

    count: int = 0
    median: float | None = None
    ninetieth: float | None = None


@dataclass(frozen=True)
class TimeTrend:
    name: str
    label: str
    weeks: tuple[date, ...]
    per_week: tuple[Spread, ...]
    overall: Spread

    @property
    def empty(self) -> bool:
        return self.overall.count == 0


@dataclass(frozen=True)
class Publications:
    ratings: RatingWeeks
    to_publish: TimeTrend
    to_signoff: TimeTrend


class _Seconds(Func):
    """A duration in seconds (PostgreSQL)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


# The three groupings in one pass over the window's publications (GROUPING SETS; GROUPING()
# tells them apart: 0 a week and a rating, 1 a week, 3 the whole window), each duration
# computed once (the materialized CTE). The ORM has neither: it repeats an annotation in
# every aggregate using it and needs a query per grouping, which at 17,000 publications in
# the window cost 272 ms for the first-queued lookups alone, and 75 ms this way.
_PUBLICATIONS_SQL = """
WITH spans AS MATERIALIZED ({spans})
SELECT GROUPING(week, rating), week, rating, count(*),
       count(to_publish),
       percentile_cont(ARRAY[{fractions}]::float8[]) WITHIN GROUP (ORDER BY to_publish),
       count(to_signoff),
       percentile_cont(ARRAY[{fractions}]::float8[]) WITHIN GROUP (ORDER BY to_signoff)
  FROM spans
 GROUP BY GROUPING SETS ((week, rating), (week), ())
"""
_WEEK_AND_RATING, _WEEK, _WINDOW = 0, 1, 3


def _percentile(ordered: Sequence[float], fraction: float) -> float:
    """What percentile_cont answers: the value `fraction` of the way through `ordered`,
    interpolated between its neighbours."""
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _spread(seconds: Iterable[float]) -> Spread:
    ordered = sorted(seconds)
    if not ordered:
        return Spread()
    return Spread(len(ordered), _percentile(ordered, MEDIAN), _percentile(ordered, NINETIETH))


def _spread_of(count: int, percentiles: list[float] | None) -> Spread:
    if not count or not percentiles:
        return Spread()
    return Spread(count, percentiles[0], percentiles[1])


def _as_date(week) -> date:
    return week.date() if isinstance(week, datetime) else week


@dataclass
class _Tally:
    """The window's figures as they are read: counts per rating and week, spreads per week
    and over the window, for the time to publication and the time to sign-off."""

    counts: dict[str, dict[date, int]] = field(default_factory=lambda: defaultdict(dict))
    weekly: dict[str, dict[date, Spread]] = field(default_factory=lambda: defaultdict(dict))
    overall: dict[str, Spread] = field(default_factory=dict)


def _tally_in_database(published: QuerySet[Verdict]) -> _Tally:
    spans = published.annotate(
        to_publish=_Seconds(
            ExpressionWrapper(F("published_at") - F("queued_at"), output_field=DurationField())
        ),
        to_signoff=_Seconds(
            ExpressionWrapper(F("signed_off_at") - F("submitted_at"), output_field=DurationField())
        ),
    ).values_list("week", "rating", "to_publish", "to_signoff")
    inner, params = spans.query.sql_with_params()
    sql = _PUBLICATIONS_SQL.format(spans=inner, fractions=f"{MEDIAN}, {NINETIETH}")
    tally = _Tally()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for grouping, week, rating, count, *spreads in cursor.fetchall():
            to_publish, to_signoff = _spread_of(*spreads[:2]), _spread_of(*spreads[2:])
            if grouping == _WEEK_AND_RATING:
                tally.counts[rating][_as_date(week)] = count
            elif grouping == _WEEK:
                tally.weekly["to_publish"][_as_date(week)] = to_publish
                tally.weekly["to_signoff"][_as_date(week)] = to_signoff
            elif grouping == _WINDOW:
                tally.overall = {"to_publish": to_publish, "to_signoff": to_signoff}
    return tally


def _tally_in_python(published: QuerySet[Verdict]) -> _Tally:
    """SQLite's way: the window's rows are read and the percentiles computed here."""
    tally = _Tally()
    seconds: dict[str, dict[date, list[float]]] = {
        "to_publish": defaultdict(list),
        "to_signoff": defaultdict(list),
    }
    rows = published.values_list(
        "week", "rating", "queued_at", "published_at", "submitted_at", "signed_off_at"
    )
    for week, rating, queued_at, published_at, submitted_at, signed_off_at in rows:
        tally.counts[rating][week] = tally.counts[rating].get(week, 0) + 1
        if queued_at is not None:
            seconds["to_publish"][week].append((published_at - queued_at).total_seconds())
        if submitted_at is not None and signed_off_at is not None:
            seconds["to_signoff"][week].append((signed_off_at - submitted_at).total_seconds())
    for measure, by_week in seconds.items():
        tally.weekly[measure] = {week: _spread(values) for week, values in by_week.items()}
        tally.overall[measure] = _spread(value for values in by_week.values() for value in values)
    return tally


def publications(*, now: datetime, weeks: int = TREND_WEEKS) -> Publications:
    """The verdicts published in each of the last `weeks` weeks, read in one pass: how many
    of each rating; how long from their claim first entering the queue to publication (first
    verdicts only: a correction is not a claim's journey through the queue); and how long from
    their (last) submission to sign-off. A correction counts as a publication of its own, and
    a verdict it superseded in the week it was published."""
    window = _last_weeks(now, weeks)
    first_queued = (
        ReviewEvent.objects.filter(claim=OuterRef("claim_id"), to_state=ClaimState.QUEUED)
        .order_by("created_at")
        .values("created_at")[:1]
    )
    published = (
        Verdict.objects.filter(state__in=PUBLISHED_ONCE, published_at__gte=_midnight(window[0]))
        .annotate(
            week=TruncWeek("published_at", output_field=DateField()),
            queued_at=Case(When(corrects__isnull=True, then=Subquery(first_queued))),
        )
        .order_by()
    )
    tally = (
        _tally_in_database(published)
        if connection.vendor == "postgresql"
        else _tally_in_python(published)
    )
    ratings = RatingWeeks(
        weeks=window,
        ratings=tuple((value, scale.label) for value, scale in RATING_SCALE.items()),
        counts={
            rating: tuple(tally.counts[rating].get(week, 0) for week in window)
            for rating in RATING_SCALE
        },
    )

    def trend(measure: str, label: str, name: str) -> TimeTrend:
        return TimeTrend(
            name=name,
            label=label,
            weeks=window,
            per_week=tuple(tally.weekly[measure].get(week, Spread()) for week in window),
            overall=tally.overall.get(measure, Spread()),
        )

    return Publications(
        ratings=ratings,
        to_publish=trend("to_publish", "From queued to published", "queued_to_published"),
        to_signoff=trend("to_signoff", "From submitted to signed off", "submitted_to_signed_off"),
    )


# --- 4. open work per fact-checker ----------------------------------------------------------


@dataclass(frozen=True)
class OpenWork:
    username: str
    counts: dict[str, int]
    """Per state of OPEN_WORK_STATES."""

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def open_work_by_checker() -> list[OpenWork]:
    """The claims each person holds now, by state (being checked, returned to them, awaiting
    sign-off), most first. People holding none are not listed."""
    rows = (
        Claim.objects.filter(state__in=IN_REVIEW, assignee__isnull=False)
        .values("assignee__username", "state")
        .annotate(claims=Count("id"))
        .values_list("assignee__username", "state", "claims")
        .order_by()
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(OPEN_WORK_STATES, 0))
    for username, state, count in rows:
        counts[username][state] += count
    people = [OpenWork(username=name, counts=dict(held)) for name, held in counts.items()]
    return sorted(people, key=lambda person: (-person.total, person.username))


# --- 5. what has waited longest -------------------------------------------------------------


@dataclass(frozen=True)
class WaitingItem:
    kind: str
    """"claim" (queued) or "verdict" (awaiting sign-off)."""
    pk: int
    text: str
    since: datetime
    waited: timedelta


@dataclass(frozen=True)
class Waiting:
    total: int
    oldest: list[WaitingItem] = field(default_factory=list)


def claims_waiting_longest(*, now: datetime, limit: int = WAITING_SHOWN) -> Waiting:
    """Queued claims, longest waiting first: a claim waits from the last time it entered the
    queue (one released, or whose lease ran out, waits from then).

    A claim waits at most since it was extracted, so claims are read in the order they were
    extracted, WAITING_READ at a time, until no claim extracted later could have waited longer
    than those found: usually after the first read, whatever the length of the queue."""
    entered_queue = (
        ReviewEvent.objects.filter(claim=OuterRef("pk"), to_state=ClaimState.QUEUED)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    queued = Claim.objects.filter(state=ClaimState.QUEUED)
    in_extraction_order = (
        queued.annotate(since=Coalesce(Subquery(entered_queue), F("created_at")))
        .order_by("created_at", "id")
        .values_list("pk", "text", "since", "created_at")
    )
    found: list[tuple] = []
    after = Q()
    while True:
        batch = list(in_extraction_order.filter(after)[:WAITING_READ])
        found = sorted([*found, *batch], key=lambda row: (row[2], row[0]))[:limit]
        if len(batch) < WAITING_READ or (len(found) == limit and found[-1][2] <= batch[-1][3]):
            break
        pk, created_at = batch[-1][0], batch[-1][3]
        after = Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk)
    return Waiting(
        total=queued.count(),
        oldest=[WaitingItem("claim", pk, text, since, now - since) for pk, text, since, _ in found],
    )


def verdicts_waiting_longest(*, now: datetime, limit: int = WAITING_SHOWN) -> Waiting:
    """Verdicts awaiting sign-off, submitted longest ago first (the sign-off inbox's order)."""
    waiting = verdicts_awaiting_signoff()
    oldest = waiting.values_list("pk", "headline", "submitted_at")[:limit]
    return Waiting(
        total=waiting.count(),
        oldest=[
            WaitingItem("verdict", pk, headline, since, now - since)
            for pk, headline, since in oldest
        ],
    )


# --- the whole page -------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskDashboard:
    as_of: datetime
    flows: Flows
    ratings: RatingWeeks
    to_publish: TimeTrend
    to_signoff: TimeTrend
    open_work: list[OpenWork]
    queued: Waiting
    awaiting_signoff: Waiting

    @property
    def empty(self) -> bool:
        return (
            self.flows.empty
            and self.ratings.empty
            and self.to_publish.empty
            and self.to_signoff.empty
            and not self.open_work
            and not self.queued.total
            and not self.awaiting_signoff.total
        )


def desk_dashboard(*, now: datetime | None = None) -> DeskDashboard:
    now = now or timezone.now()
    published = publications(now=now)
    return DeskDashboard(
        as_of=now,
        flows=state_flows(now=now),
        ratings=published.ratings,
        to_publish=published.to_publish,
        to_signoff=published.to_signoff,
        open_work=open_work_by_checker(),
        queued=claims_waiting_longest(now=now),
        awaiting_signoff=verdicts_waiting_longest(now=now),
    )
