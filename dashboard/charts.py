"""The dashboard's charts, drawn on the server as inline SVG.

Each chart is an `<svg role="img">` named by its `<title>` and summed up in words by its
`<desc>`, so that a screen reader says what it shows. No series is told apart by colour alone:
each has a fill pattern as well (solid, stripes, dots, cross-hatch, lines), the two lines
differ in dash and marker shape, and figures are written on the bars and at the ends of the
lines. The numbers behind each chart come with it as a `Table`, which the page shows on
demand. The page's policy refuses `style` attributes: colours are SVG presentation
attributes, and sizes come from the viewBox and the stylesheet.
"""

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.utils.safestring import SafeString, mark_safe

from .selectors import (
    OPEN_WORK_STATES,
    DeskDashboard,
    Flows,
    OpenWork,
    RatingWeeks,
    StateFlow,
    TimeTrend,
)

# (colour, motif) of each series; the motif is what a reader without colour goes by.
ENTERED = ("#2f62a8", "solid")
LEFT = ("#c25e10", "stripes")
RATING_STYLES = {
    "false": ("#a4221b", "solid"),
    "mostly_false": ("#d2691e", "stripes"),
    "mixed": ("#a88412", "dots"),
    "mostly_true": ("#5d9a3c", "crosshatch"),
    "true": ("#1d6b35", "lines"),
}
OPEN_WORK_STYLES = {
    "assigned": ("#2f62a8", "solid"),
    "returned": ("#b3322a", "stripes"),
    "submitted": ("#6d4fa3", "dots"),
}
OPEN_WORK_LABELS = {"assigned": "Being checked", "returned": "Returned", "submitted": "Submitted"}
MEDIAN_COLOUR = "#1f5fbf"
NINETIETH_COLOUR = "#8a4b00"
# People drawn in the open-work chart; its table lists everyone.
MOST_ROWS = 30


@dataclass(frozen=True)
class Table:
    """A chart's numbers: column headings, then rows whose first cell heads the row."""

    caption: str
    head: Sequence[str]
    rows: Sequence[Sequence[str]]


def _table(caption: str, head: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    # Cells as text: the template then writes them as they are, without localizing numbers.
    return Table(caption, list(head), [[str(cell) for cell in row] for row in rows])


@dataclass(frozen=True)
class Chart:
    id: str
    svg: SafeString
    table: Table | None = None
    key: SafeString | str = ""


# --- drawing --------------------------------------------------------------------------------


def _attribute(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    if isinstance(value, int):
        return str(value)
    return html.escape(str(value))


def _child(child) -> str:
    return child if isinstance(child, SafeString) else html.escape(str(child), quote=False)


@cache
def _spelled(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def el(name: str, *children, **attributes) -> SafeString:
    """An SVG element. Attribute names are spelled with `_` for `-` (`text_anchor`), and
    `class_` for `class`; None leaves one out. Text children are escaped. (A page draws
    some 1,500 elements: Python's own `html.escape` keeps that to a few milliseconds.)"""
    spelled = "".join(
        f' {_spelled(key)}="{_attribute(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    if not children:
        return mark_safe(f"<{name}{spelled}/>")
    return mark_safe(f"<{name}{spelled}>{''.join(map(_child, children))}</{name}>")


def group(*children) -> SafeString:
    """Children side by side, with no element around them."""
    return mark_safe("".join(map(_child, children)))


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


def duration_words(seconds: float | None) -> str:
    """A duration as an editor says it: 45 min, 5.2 h, 3.1 days."""
    if seconds is None:
        return "\N{EN DASH}"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _nice_step(rough: float) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten at or above `rough`."""
    power = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 2.5, 5):
        if rough <= multiple * power:
            return multiple * power
    return 10 * power


def _ticks(maximum: float, *, count: int = 4, whole: bool = True) -> list[float]:
    """Tick values from 0 to at least `maximum`, in about `count` round steps."""
    if maximum <= 0:
        return [0, 1]
    step = _nice_step(maximum / count)
    if whole:
        step = max(1, math.ceil(step))
    steps = max(1, math.ceil(maximum / step - 1e-9))
    return [step * index for index in range(steps + 1)]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


_MOTIFS = {
    "solid": lambda: [],
    "stripes": lambda: [
        el("path", d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4", stroke="#fff", stroke_width=1.6)
    ],
    "dots": lambda: [
        el("circle", cx=2, cy=2, r=1.3, fill="#fff"),
        el("circle", cx=6, cy=6, r=1.3, fill="#fff"),
    ],
    "crosshatch": lambda: [el("path", d="M0,0 l8,8 M8,0 l-8,8", stroke="#fff", stroke_width=1.1)],
    "lines": lambda: [el("path", d="M0,4 h8", stroke="#fff", stroke_width=1.6)],
}


def pattern(pattern_id: str, colour: str, motif: str) -> SafeString:
    """A fill: `colour` under a white motif, so that each series keeps its look in grey."""
    return el(
        "pattern",
        el("rect", width=8, height=8, fill=colour),
        *_MOTIFS[motif](),
        id=pattern_id,
        patternUnits="userSpaceOnUse",
        width=8,
        height=8,
    )


def svg(chart_id: str, *children, title: str, desc: str, width: int, height: int) -> SafeString:
    return el(
        "svg",
        el("title", title, id=f"{chart_id}-title"),
        el("desc", desc, id=f"{chart_id}-desc"),
        *children,
        class_="chart-svg",
        viewBox=f"0 0 {width} {height}",
        role="img",
        focusable="false",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        data_chart=chart_id,
    )


def key(chart_id: str, entries: Sequence[tuple[str, tuple[str, str]]]) -> SafeString:
    """The legend: each series' swatch, in its pattern, and its name."""
    items = []
    for index, (label, (colour, motif)) in enumerate(entries):
        fill = f"{chart_id}-key-{index}"
        swatch = el(
            "svg",
            el("defs", pattern(fill, colour, motif)),
            el("rect", width=16, height=16, rx=2, fill=f"url(#{fill})"),
            class_="swatch",
            viewBox="0 0 16 16",
            aria_hidden="true",
            focusable="false",
        )
        items.append(el("li", swatch, label))
    return el("ul", *items, class_="chart-key")


def _grid(ticks: Sequence[float], y, *, left: float, right: float) -> SafeString:
    return el(
        "g",
        *(
            group(
                el("line", x1=left, x2=right, y1=y(tick), y2=y(tick)),
                el(
                    "text",
                    _number(tick),
                    class_="tick",
                    x=left - 5,
                    y=y(tick) + 4,
                    text_anchor="end",
                ),
            )
            for tick in ticks
        ),
        class_="grid",
    )


def _axis(*, left: float, right: float, y: float) -> SafeString:
    """The chart's baseline, from `left` to `right` at height `y`."""
    return el("g", el("line", x1=left, x2=right, y1=y, y2=y), class_="axis")


# --- 1. claims entering and leaving a state: a panel per state ------------------------------

FLOW_WIDTH, FLOW_HEIGHT = 320, 150
FLOW_LEFT, FLOW_RIGHT, FLOW_TOP, FLOW_BOTTOM = 30, 6, 26, 128


def flow_panel(flow: StateFlow, days: Sequence[date], *, chart_id: str) -> SafeString:
    """Bars up for the claims entering the state each day (solid), down for those leaving it
    (striped), on the panel's own scale, its largest day written at the axis."""
    baseline = (FLOW_TOP + FLOW_BOTTOM) / 2
    half = (FLOW_BOTTOM - FLOW_TOP) / 2
    peak = max([*flow.entered, *flow.left, 1])
    slot = (FLOW_WIDTH - FLOW_LEFT - FLOW_RIGHT) / len(days)
    bar = max(1.0, slot * 0.72)
    in_fill, out_fill = f"{chart_id}-in", f"{chart_id}-out"
    bars = []
    for index, (came, went) in enumerate(zip(flow.entered, flow.left, strict=True)):
        x = FLOW_LEFT + index * slot + (slot - bar) / 2
        day = short_date(days[index])
        if came:
            height = max(1.0, came / peak * half)
            bars.append(
                el(
                    "rect",
                    el("title", f"{day}: {came} entered"),
                    class_="bar-in",
                    x=x,
                    y=baseline - height,
                    width=bar,
                    height=height,
                    fill=f"url(#{in_fill})",
                )
            )
        if went:
            height = max(1.0, went / peak * half)
            bars.append(
                el(
                    "rect",
                    el("title", f"{day}: {went} left"),
                    class_="bar-out",
                    x=x,
                    y=baseline,
                    width=bar,
                    height=height,
                    fill=f"url(#{out_fill})",
                )
            )
    if flow.total_entered or flow.total_left:
        desc = (
            f"{flow.total_entered} claims entered and {flow.total_left} left between "
            f"{short_date(days[0])} and {short_date(days[-1])}."
        )
        if flow.total_entered:
            busiest = max(range(len(days)), key=lambda index: flow.entered[index])
            desc += f" The most entered on {short_date(days[busiest])}: {flow.entered[busiest]}."
    else:
        desc = "No claim entered or left this state in these 30 days."
    right = FLOW_WIDTH - FLOW_RIGHT
    return svg(
        chart_id,
        el("defs", pattern(in_fill, *ENTERED), pattern(out_fill, *LEFT)),
        # Direct labels, each with a shape of its own: up for entering, down for leaving.
        el("path", d="M2,15 l6,-11 l6,11 z", fill=f"url(#{in_fill})", stroke=ENTERED[0]),
        el("text", f"{flow.total_entered} entered", class_="label", x=18, y=14),
        el("path", d=f"M{right - 13},4 l6,11 l6,-11 z", fill=f"url(#{out_fill})", stroke=LEFT[0]),
        el(
            "text", f"{flow.total_left} left", class_="label", x=right - 17, y=14, text_anchor="end"
        ),
        el("text", str(peak), class_="tick", x=FLOW_LEFT - 4, y=FLOW_TOP + 8, text_anchor="end"),
        el("text", str(peak), class_="tick", x=FLOW_LEFT - 4, y=FLOW_BOTTOM, text_anchor="end"),
        *bars,
        _axis(left=FLOW_LEFT, right=right, y=baseline),
        el("text", short_date(days[0]), class_="tick", x=FLOW_LEFT, y=FLOW_HEIGHT - 4),
        el(
            "text",
            short_date(days[-1]),
            class_="tick",
            x=right,
            y=FLOW_HEIGHT - 4,
            text_anchor="end",
        ),
        title=f"{flow.label}: claims entering and leaving each day",
        desc=desc,
        width=FLOW_WIDTH,
        height=FLOW_HEIGHT,
    )


def state_flow_charts(flows: Flows) -> tuple[list[tuple[StateFlow, Chart]], Table, SafeString]:
    """A panel per state, the table of all of them, and their legend."""
    panels = []
    for flow in flows.states:
        chart_id = f"flow-{flow.state}"
        panels.append((flow, Chart(chart_id, flow_panel(flow, flows.days, chart_id=chart_id))))
    head = ["Day"]
    for flow in flows.states:
        head += [f"{flow.label}: entered", f"{flow.label}: left"]
    rows = []
    for index, day in enumerate(flows.days):
        row: list[object] = [day.isoformat()]
        for flow in flows.states:
            row += [flow.entered[index], flow.left[index]]
        rows.append(row)
    table = _table("Claims entering and leaving each state, per day", head, rows)
    legend = key("flow", [("Entered (bars up)", ENTERED), ("Left (bars down)", LEFT)])
    return panels, table, legend


# --- 2. verdicts published per week, stacked by rating --------------------------------------

WEEKS_WIDTH, WEEKS_HEIGHT = 420, 250
WEEKS_LEFT, WEEKS_RIGHT, WEEKS_TOP, WEEKS_BOTTOM = 32, 6, 18, 214


def ratings_chart(ratings: RatingWeeks, *, chart_id: str = "published-by-rating") -> Chart:
    totals = ratings.totals()
    ticks = _ticks(max(totals))
    plot_height = WEEKS_BOTTOM - WEEKS_TOP

    def y(value: float) -> float:
        return WEEKS_BOTTOM - value / ticks[-1] * plot_height

    slot = (WEEKS_WIDTH - WEEKS_LEFT - WEEKS_RIGHT) / len(ratings.weeks)
    bar = slot * 0.7
    marks = []
    for index, week in enumerate(ratings.weeks):
        x = WEEKS_LEFT + index * slot + (slot - bar) / 2
        middle = x + bar / 2
        stacked = 0
        for value, label in ratings.ratings:
            count = ratings.counts[value][index]
            if not count:
                continue
            top, bottom = y(stacked + count), y(stacked)
            marks.append(
                el(
                    "rect",
                    el("title", f"Week of {short_date(week)}: {count} {label.lower()}"),
                    class_="segment",
                    x=x,
                    y=top,
                    width=bar,
                    height=bottom - top,
                    fill=f"url(#{chart_id}-{value})",
                )
            )
            if bottom - top >= 13:
                marks.append(
                    el(
                        "text",
                        str(count),
                        class_="on-bar",
                        x=middle,
                        y=(top + bottom) / 2 + 4,
                        text_anchor="middle",
                    )
                )
            stacked += count
        if totals[index]:
            marks.append(
                el(
                    "text",
                    str(totals[index]),
                    class_="total",
                    x=middle,
                    y=y(totals[index]) - 4,
                    text_anchor="middle",
                )
            )
        if index % 2 == (len(ratings.weeks) - 1) % 2:
            marks.append(
                el(
                    "text",
                    short_date(week),
                    class_="tick",
                    x=middle,
                    y=WEEKS_BOTTOM + 16,
                    text_anchor="middle",
                )
            )
    busiest = max(range(len(totals)), key=lambda index: totals[index])
    by_rating = ", ".join(
        f"{sum(ratings.counts[value])} {label.lower()}" for value, label in ratings.ratings
    )
    desc = (
        f"{sum(totals)} verdicts published in the {len(ratings.weeks)} weeks from the week of "
        f"{short_date(ratings.weeks[0])}: {by_rating}. The busiest week began "
        f"{short_date(ratings.weeks[busiest])}, with {totals[busiest]}."
    )
    drawing = svg(
        chart_id,
        el("defs", *(pattern(f"{chart_id}-{v}", *RATING_STYLES[v]) for v, _ in ratings.ratings)),
        _grid(ticks, y, left=WEEKS_LEFT, right=WEEKS_WIDTH - WEEKS_RIGHT),
        _axis(left=WEEKS_LEFT, right=WEEKS_WIDTH - WEEKS_RIGHT, y=WEEKS_BOTTOM),
        *marks,
        el("text", "Week beginning", class_="tick", x=WEEKS_LEFT, y=WEEKS_HEIGHT - 4),
        title="Verdicts published per week, by rating",
        desc=desc,
        width=WEEKS_WIDTH,
        height=WEEKS_HEIGHT,
    )
    table = _table(
        "Verdicts published per week, by rating",
        ["Week beginning", *(label for _, label in ratings.ratings), "Total"],
        [
            [week.isoformat(), *(ratings.counts[v][index] for v, _ in ratings.ratings), total]
            for index, (week, total) in enumerate(zip(ratings.weeks, totals, strict=True))
        ],
    )
    legend = key(chart_id, [(label, RATING_STYLES[value]) for value, label in ratings.ratings])
    return Chart(chart_id, drawing, table, legend)


# --- 3. median and 90th percentile, per week ------------------------------------------------

TREND_WIDTH, TREND_HEIGHT = 420, 210
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 32, 108, 22, 180


def _unit(seconds: float) -> tuple[float, str]:
    if seconds >= 2 * 86400:
        return 86400, "days"
    if seconds >= 2 * 3600:
        return 3600, "hours"
    return 60, "minutes"


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Consecutive points with figures: a week with no verdict breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _path(run: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in run)


def trend_chart(trend: TimeTrend) -> Chart:
    chart_id = f"time-{trend.name.replace('_', '-')}"
    highest = max((spread.ninetieth or 0) for spread in trend.per_week)
    unit, unit_name = _unit(highest)
    ticks = _ticks(highest / unit, whole=False)
    plot_height = TREND_BOTTOM - TREND_TOP
    slot = (TREND_WIDTH - TREND_LEFT - TREND_RIGHT) / len(trend.weeks)

    def y(value: float) -> float:
        return TREND_BOTTOM - value / ticks[-1] * plot_height

    def x(index: int) -> float:
        return TREND_LEFT + index * slot + slot / 2

    def points(measure: str) -> list[tuple[float, float] | None]:
        return [
            None if getattr(spread, measure) is None else (x(i), y(getattr(spread, measure) / unit))
            for i, spread in enumerate(trend.per_week)
        ]

    median, ninetieth = points("median"), points("ninetieth")
    marks = [
        el(
            "path",
            class_="line",
            d=_path(run),
            stroke=NINETIETH_COLOUR,
            stroke_dasharray="6 4",
            fill="none",
        )
        for run in _runs(ninetieth)
    ] + [
        el("path", class_="line", d=_path(run), stroke=MEDIAN_COLOUR, fill="none")
        for run in _runs(median)
    ]
    for index, (mid, high) in enumerate(zip(median, ninetieth, strict=True)):
        spread, week = trend.per_week[index], short_date(trend.weeks[index])
        if high is not None:
            marks.append(
                el(
                    "rect",
                    el(
                        "title",
                        f"Week of {week}: 90th percentile {duration_words(spread.ninetieth)}",
                    ),
                    x=high[0] - 3.5,
                    y=high[1] - 3.5,
                    width=7,
                    height=7,
                    fill="#fff",
                    stroke=NINETIETH_COLOUR,
                    stroke_width=2,
                )
            )
        if mid is not None:
            marks.append(
                el(
                    "circle",
                    el(
                        "title",
                        f"Week of {week}: median {duration_words(spread.median)}"
                        f" ({spread.count} verdicts)",
                    ),
                    cx=mid[0],
                    cy=mid[1],
                    r=4,
                    fill=MEDIAN_COLOUR,
                )
            )
    # Direct labels at the last week with figures, in the axis's unit, kept apart where the
    # lines meet.
    last = max((i for i, point in enumerate(median) if point is not None), default=None)
    if last is not None:
        spread = trend.per_week[last]
        mid_y, high_y = median[last][1], ninetieth[last][1]
        high_y = min(high_y, mid_y - 14)
        marks += [
            el(
                "text",
                f"90th pct {_number(round(spread.ninetieth / unit, 1))}",
                class_="label",
                x=x(last) + 10,
                y=high_y + 4,
            ),
            el(
                "text",
                f"median {_number(round(spread.median / unit, 1))}",
                class_="label",
                x=x(last) + 10,
                y=mid_y + 4,
            ),
        ]
    # Every third week is named, the last one included: more would crowd a phone's width.
    named = (len(trend.weeks) - 1) % 3
    week_labels = [
        el(
            "text",
            short_date(week),
            class_="tick",
            x=x(i),
            y=TREND_BOTTOM + 16,
            text_anchor="middle",
        )
        for i, week in enumerate(trend.weeks)
        if i % 3 == named
    ]
    overall = trend.overall
    desc = (
        f"{trend.label}, per week of publication. Over the {len(trend.weeks)} weeks: median "
        f"{duration_words(overall.median)}, 90th percentile {duration_words(overall.ninetieth)}, "
        f"from {overall.count} verdicts."
    )
    drawing = svg(
        chart_id,
        _grid(ticks, y, left=TREND_LEFT, right=TREND_WIDTH - TREND_RIGHT),
        _axis(left=TREND_LEFT, right=TREND_WIDTH - TREND_RIGHT, y=TREND_BOTTOM),
        el("text", unit_name, class_="tick", x=0, y=TREND_TOP - 8),
        *marks,
        *week_labels,
        title=f"{trend.label}: median and 90th percentile per week",
        desc=desc,
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
    )
    rows = [
        [week.isoformat(), s.count, duration_words(s.median), duration_words(s.ninetieth)]
        for week, s in zip(trend.weeks, trend.per_week, strict=True)
    ]
    rows.append(
        [
            "All weeks",
            overall.count,
            duration_words(overall.median),
            duration_words(overall.ninetieth),
        ]
    )
    table = _table(
        f"{trend.label}, per week of publication",
        ["Week beginning", "Verdicts", "Median", "90th percentile"],
        rows,
    )
    swatch = {
        "class_": "swatch swatch-line",
        "viewBox": "0 0 24 12",
        "aria_hidden": "true",
        "focusable": "false",
    }
    legend = el(
        "ul",
        el(
            "li",
            el(
                "svg",
                el("path", d="M0,6 h24", stroke=MEDIAN_COLOUR, stroke_width=2.5),
                el("circle", cx=12, cy=6, r=4, fill=MEDIAN_COLOUR),
                **swatch,
            ),
            "Median: half took less",
        ),
        el(
            "li",
            el(
                "svg",
                el(
                    "path",
                    d="M0,6 h24",
                    stroke=NINETIETH_COLOUR,
                    stroke_width=2.5,
                    stroke_dasharray="6 4",
                ),
                el(
                    "rect",
                    x=8.5,
                    y=2.5,
                    width=7,
                    height=7,
                    fill="#fff",
                    stroke=NINETIETH_COLOUR,
                    stroke_width=2,
                ),
                **swatch,
            ),
            "90th percentile: nine in ten took less",
        ),
        class_="chart-key",
    )
    return Chart(chart_id, drawing, table, legend)


# --- 4. open claims per person --------------------------------------------------------------

ROW_HEIGHT = 26
PEOPLE_WIDTH, PEOPLE_LABEL, PEOPLE_RIGHT, PEOPLE_TOP = 420, 104, 28, 8


def open_work_chart(people: Sequence[OpenWork], *, chart_id: str = "open-work") -> Chart:
    shown = list(people[:MOST_ROWS])
    ticks = _ticks(max(person.total for person in shown))
    span = PEOPLE_WIDTH - PEOPLE_LABEL - PEOPLE_RIGHT
    axis_y = PEOPLE_TOP + ROW_HEIGHT * len(shown)

    def x(value: float) -> float:
        return PEOPLE_LABEL + value / ticks[-1] * span

    marks = []
    for index, person in enumerate(shown):
        top = PEOPLE_TOP + index * ROW_HEIGHT
        name = person.username if len(person.username) <= 14 else person.username[:13] + "…"
        marks.append(
            el("text", name, class_="label", x=PEOPLE_LABEL - 8, y=top + 17, text_anchor="end")
        )
        start = 0
        for state in OPEN_WORK_STATES:
            count = person.counts[state]
            if not count:
                continue
            left, right = x(start), x(start + count)
            marks.append(
                el(
                    "rect",
                    el("title", f"{person.username}: {count} {OPEN_WORK_LABELS[state].lower()}"),
                    class_="segment",
                    x=left,
                    y=top + 3,
                    width=right - left,
                    height=18,
                    fill=f"url(#{chart_id}-{state})",
                )
            )
            if right - left >= 18:
                marks.append(
                    el(
                        "text",
                        str(count),
                        class_="on-bar",
                        x=(left + right) / 2,
                        y=top + 16,
                        text_anchor="middle",
                    )
                )
            start += count
        marks.append(
            el("text", str(person.total), class_="total", x=x(person.total) + 5, y=top + 17)
        )
    grid = el(
        "g",
        *(
            group(
                el("line", x1=x(tick), x2=x(tick), y1=PEOPLE_TOP, y2=axis_y),
                el(
                    "text",
                    _number(tick),
                    class_="tick",
                    x=x(tick),
                    y=axis_y + 16,
                    text_anchor="middle",
                ),
            )
            for tick in ticks
        ),
        class_="grid",
    )
    busiest = shown[0]
    held = ", ".join(
        f"{busiest.counts[state]} {OPEN_WORK_LABELS[state].lower()}" for state in OPEN_WORK_STATES
    )
    desc = (
        f"{sum(person.total for person in people)} claims in review, held by {len(people)} "
        f"people. Most: {busiest.username}, with {busiest.total} ({held})."
    )
    if len(people) > len(shown):
        desc += f" The {len(shown)} holding most are drawn; the table lists everyone."
    drawing = svg(
        chart_id,
        el("defs", *(pattern(f"{chart_id}-{s}", *OPEN_WORK_STYLES[s]) for s in OPEN_WORK_STATES)),
        grid,
        *marks,
        title="Open claims per fact-checker, by state",
        desc=desc,
        width=PEOPLE_WIDTH,
        height=axis_y + 22,
    )
    table = _table(
        "Open claims per fact-checker",
        ["Fact-checker", *(OPEN_WORK_LABELS[state] for state in OPEN_WORK_STATES), "Total"],
        [
            [person.username, *(person.counts[state] for state in OPEN_WORK_STATES), person.total]
            for person in people
        ],
    )
    legend = key(
        chart_id, [(OPEN_WORK_LABELS[state], OPEN_WORK_STYLES[state]) for state in OPEN_WORK_STATES]
    )
    return Chart(chart_id, drawing, table, legend)


# --- 5. what has waited longest: a bar per item ---------------------------------------------


def age_bar(fraction: float) -> SafeString:
    """A bar as long as `fraction` of the row. The wait is written out beside it, which is what
    assistive technology reads: the bar is hidden from it."""
    return el(
        "svg",
        el("rect", width=max(1.0, min(1.0, fraction) * 100), height=8, rx=1),
        class_="age-bar",
        viewBox="0 0 100 8",
        preserveAspectRatio="none",
        aria_hidden="true",
        focusable="false",
    )


# --- the page -------------------------------------------------------------------------------


def _trend(trend: TimeTrend, empty: str) -> dict:
    overall = trend.overall
    return {
        "heading": trend.label,
        "chart": None if trend.empty else trend_chart(trend),
        "median": duration_words(overall.median),
        "ninetieth": duration_words(overall.ninetieth),
        "count": overall.count,
        "empty": empty,
    }


def _waiting(items) -> list[tuple]:
    """Each item, its wait in words, and a bar on the list's own scale (claims wait days where
    verdicts wait hours)."""
    longest = max((item.waited.total_seconds() for item in items), default=0) or 1
    return [
        (
            item,
            duration_words(item.waited.total_seconds()),
            age_bar(item.waited.total_seconds() / longest),
        )
        for item in items
    ]


def page_charts(data: DeskDashboard) -> dict:
    """Every chart of the dashboard, for the template; a chart with nothing to show is None,
    and the page says so in its place."""
    flows = None
    if not data.flows.empty:
        panels, table, legend = state_flow_charts(data.flows)
        flows = {"panels": panels, "table": table, "key": legend}
    return {
        "flows": flows,
        "ratings": None if data.ratings.empty else ratings_chart(data.ratings),
        "trends": [
            _trend(data.to_publish, "No claim went from the queue to publication in these weeks."),
            _trend(data.to_signoff, "No verdict was signed off in these weeks."),
        ],
        "open_work": open_work_chart(data.open_work) if data.open_work else None,
        "queued": _waiting(data.queued.oldest),
        "awaiting_signoff": _waiting(data.awaiting_signoff.oldest),
    }
