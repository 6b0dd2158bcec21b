"""The dashboard's figures as CSV rows: one table for every chart, told apart by its `chart`
column, so that a spreadsheet can filter or pivot it."""

from collections.abc import Iterator

from django.utils import timezone

from .selectors import OPEN_WORK_STATES, DeskDashboard, Spread

HEADER = ("chart", "period", "series", "measure", "value")
# A cell starting with one of these is a formula to a spreadsheet: names are written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def _spread_rows(chart: str, period: str, spread: Spread) -> Iterator[tuple]:
    yield chart, period, "verdicts", "count", spread.count
    yield chart, period, "median", "hours", _hours(spread.median)
    yield chart, period, "90th_percentile", "hours", _hours(spread.ninetieth)


def rows(data: DeskDashboard) -> Iterator[tuple]:
    yield HEADER
    flows = data.flows
    for index, day in enumerate(flows.days):
        for flow in flows.states:
            yield "state_flow", day.isoformat(), flow.state, "entered", flow.entered[index]
            yield "state_flow", day.isoformat(), flow.state, "left", flow.left[index]
    ratings = data.ratings
    for index, week in enumerate(ratings.weeks):
        for rating, _label in ratings.ratings:
            count = ratings.counts[rating][index]
            yield "published_by_rating", week.isoformat(), rating, "verdicts", count
    for trend in (data.to_publish, data.to_signoff):
        chart = f"time_{trend.name}"
        for week, spread in zip(trend.weeks, trend.per_week, strict=True):
            yield from _spread_rows(chart, week.isoformat(), spread)
        yield from _spread_rows(chart, "all_weeks", trend.overall)
    today = timezone.localdate(data.as_of).isoformat()
    for person in data.open_work:
        for state in OPEN_WORK_STATES:
            yield "open_claims", today, _text(person.username), state, person.counts[state]
    for waiting in (data.queued, data.awaiting_signoff):
        for item in waiting.oldest:
            since = timezone.localtime(item.since).isoformat(timespec="seconds")
            hours = f"{item.waited.total_seconds() / 3600:.2f}"
            yield "waiting_longest", since, f"{item.kind} {item.pk}", "waited_hours", hours
