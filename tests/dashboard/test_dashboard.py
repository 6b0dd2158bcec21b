"""The desk dashboard: its figures for a known history (see `history.py`), on the page as
charts and tables and in the CSV export; who may open it; what it says with nothing to show;
and the same page on the embedded SQLite database.

alice and bob check facts, erin and fiona edit, mallory holds no role.
"""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_upsert
from tests.conftest import PASSWORD
from tests.dashboard.history import at, claims_with_history, day, desk_history, week_of
from tests.factories import claim_taken

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/"
EXPORT = "/dashboard/export.csv"
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def desk(alice, bob, erin, fiona):
    return desk_history(alice=alice, bob=bob, erin=erin, fiona=fiona)


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def figure(rows: list[dict], chart: str, period: str, series: str, measure: str) -> str:
    (row,) = [
        row
        for row in rows
        if (row["chart"], row["period"], row["series"], row["measure"])
        == (chart, period, series, measure)
    ]
    return row["value"]


def tables(page: str) -> dict[str, list[list[str]]]:
    """Each table of the page under its caption, as rows of cell texts (headings first)."""
    document = lxml.html.fromstring(page)
    return {
        table.findtext("caption"): [
            [cell.text_content().strip() for cell in row.xpath("th|td")]
            for row in table.xpath(".//tr")
        ]
        for table in document.xpath("//table[caption]")
    }


def charts(page: str) -> dict[str, tuple[str, str]]:
    """Each chart of the page by its id: its title and its description."""
    document = lxml.html.fromstring(page)
    return {
        svg.get("data-chart"): (svg.findtext("title"), svg.findtext("desc"))
        for svg in document.xpath("//svg[@role='img']")
    }


# --- the figures ----------------------------------------------------------------------------


def test_the_export_counts_the_known_history(desk, erin, signed_in):
    rows = csv_rows(signed_in(erin).get(EXPORT))

    def flow(days_ago, state, measure):
        return int(figure(rows, "state_flow", day(days_ago).isoformat(), state, measure))

    # The past, from the audit trail: a release sends a claim back to the queue.
    assert flow(9, "queued", "entered") == 1 and flow(9, "queued", "left") == 1
    assert flow(9, "assigned", "entered") == 1 and flow(9, "assigned", "left") == 1
    assert flow(2, "submitted", "entered") == 1 and flow(2, "published", "entered") == 1
    assert flow(1, "triage", "left") == 1 and flow(1, "dismissed", "entered") == 1
    # Evidence added moves nothing.
    assert flow(3, "assigned", "left") == 1
    # Today, through the services: four claims extracted into the queue, three taken, two
    # submitted, one of them returned.
    today = {
        state: (flow(0, state, "entered"), flow(0, state, "left"))
        for state in ("queued", "assigned", "submitted", "returned", "published")
    }
    assert today == {
        "queued": (4, 3),
        "assigned": (3, 2),
        "submitted": (2, 1),
        "returned": (1, 0),
        "published": (0, 0),
    }
    published = {
        (row["period"], row["series"]): int(row["value"])
        for row in rows
        if row["chart"] == "published_by_rating" and row["value"] != "0"
    }
    expected = {}
    for days_ago, rating in ((2, "false"), (3, "mostly_true")):
        key = (week_of(days_ago).isoformat(), rating)
        expected[key] = expected.get(key, 0) + 1
    assert published == expected
    assert [
        figure(rows, "time_queued_to_published", "all_weeks", series, measure)
        for series, measure in (
            ("verdicts", "count"),
            ("median", "hours"),
            ("90th_percentile", "hours"),
        )
    ] == ["2", "108.00", "156.00"]
    assert [
        figure(rows, "time_submitted_to_signed_off", "all_weeks", series, measure)
        for series, measure in (
            ("verdicts", "count"),
            ("median", "hours"),
            ("90th_percentile", "hours"),
        )
    ] == ["2", "4.00", "5.60"]
    open_claims = {
        (row["series"], row["measure"]): int(row["value"])
        for row in rows
        if row["chart"] == "open_claims"
    }
    assert open_claims == {
        ("alice", "assigned"): 1,
        ("alice", "returned"): 1,
        ("alice", "submitted"): 0,
        ("bob", "assigned"): 0,
        ("bob", "returned"): 0,
        ("bob", "submitted"): 1,
    }
    waiting = [row["series"] for row in rows if row["chart"] == "waiting_longest"]
    assert waiting == [f"claim {desk.queued.pk}", f"verdict {desk.submitted.pk}"]


def test_the_per_week_times_add_up_to_the_published_verdicts(desk, erin, signed_in):
    rows = csv_rows(signed_in(erin).get(EXPORT))

    weekly = {
        row["period"]: int(row["value"])
        for row in rows
        if row["chart"] == "time_queued_to_published"
        and row["series"] == "verdicts"
        and row["period"] != "all_weeks"
    }

    assert len(weekly) == 12 and sum(weekly.values()) == 2
    if week_of(2) != week_of(3):
        # A week with one verdict: its median and 90th percentile are that verdict's time.
        period = week_of(2).isoformat()
        assert figure(rows, "time_queued_to_published", period, "median", "hours") == "48.00"
        assert figure(rows, "time_queued_to_published", period, "90th_percentile", "hours") == (
            "48.00"
        )


def test_the_page_draws_each_chart_with_its_numbers(desk, erin, signed_in):
    response = signed_in(erin).get(PAGE)
    page = response.content.decode()

    assert response.status_code == 200
    drawn = charts(page)
    assert set(drawn) == {
        *(f"flow-{state}" for state in ("triage", "queued", "assigned", "submitted")),
        *(f"flow-{state}" for state in ("returned", "published", "dismissed")),
        "published-by-rating",
        "time-queued-to-published",
        "time-submitted-to-signed-off",
        "open-work",
    }
    assert drawn["flow-queued"][0] == "Queued: claims entering and leaving each day"
    assert drawn["flow-queued"][1].startswith("7 claims entered and 6 left between")
    assert "2 verdicts published" in drawn["published-by-rating"][1]
    assert (
        "1 false, 0 mostly false, 0 mixed, 1 mostly true, 0 true"
        in (drawn["published-by-rating"][1])
    )
    assert drawn["time-queued-to-published"][1].endswith(
        "median 4.5 days, 90th percentile 6.5 days, from 2 verdicts."
    )
    assert "median 4.0 h, 90th percentile 5.6 h" in drawn["time-submitted-to-signed-off"][1]
    assert drawn["open-work"][1].startswith("3 claims in review, held by 2 people.")
    # Figures written on the chart, not only in colour: the legend names each pattern.
    assert ">7 entered</text>" in page and ">6 left</text>" in page

    numbers = tables(page)
    assert numbers["Open claims per fact-checker"] == [
        ["Fact-checker", "Being checked", "Returned", "Submitted", "Total"],
        ["alice", "1", "1", "0", "2"],
        ["bob", "0", "0", "1", "1"],
    ]
    assert numbers["From queued to published, per week of publication"][-1] == [
        "All weeks",
        "2",
        "4.5 days",
        "6.5 days",
    ]
    assert numbers["From submitted to signed off, per week of publication"][-1] == [
        "All weeks",
        "2",
        "4.0 h",
        "5.6 h",
    ]
    by_day = {row[0]: row for row in numbers["Claims entering and leaving each state, per day"][1:]}
    head = numbers["Claims entering and leaving each state, per day"][0]
    today = dict(zip(head, by_day[day(0).isoformat()], strict=True))
    assert (today["Queued: entered"], today["Queued: left"]) == ("4", "3")
    ratings = numbers["Verdicts published per week, by rating"]
    assert ratings[0] == [
        "Week beginning",
        "False",
        "Mostly false",
        "Mixed",
        "Mostly true",
        "True",
        "Total",
    ]
    assert sum(int(row[-1]) for row in ratings[1:]) == 2
    # The numbers are behind a toggle that needs no script.
    assert page.count('<details class="numbers">') == 5


def test_the_waiting_lists_link_the_oldest_items(desk, erin, signed_in):
    page = signed_in(erin).get(PAGE).content.decode()
    document = lxml.html.fromstring(page)

    links = [link.get("href") for link in document.xpath("//ol[@class='waiting-list']//a")]

    assert links == [
        reverse("claim-workspace", args=[desk.queued.pk]),
        reverse("signoff-review", args=[desk.submitted.pk]),
    ]
    # Each list's bars on its own scale: its longest wait fills the row.
    bars = document.xpath("//ol[@class='waiting-list']//svg[@aria-hidden='true']/rect/@width")
    assert bars == ["100", "100"]
    # The claim's text is shown as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_a_claim_back_in_the_queue_waits_from_its_return(erin, signed_in):
    claims = claims_with_history(
        {
            "Prices rose 3% in May.": [(3, 9, "extract", "", "queued")],
            "Rents fell 2% in June.": [
                (5, 9, "extract", "", "queued"),
                (4, 9, "take", "queued", "assigned"),
                (1, 9, "release", "assigned", "queued"),
            ],
            "Wages rose 1% in July.": [
                (6, 9, "extract", "", "triage"),
                (2, 9, "queue", "triage", "queued"),
            ],
        }
    )

    rows = csv_rows(signed_in(erin).get(EXPORT))

    waiting = [(row["series"], row["period"]) for row in rows if row["chart"] == "waiting_longest"]
    assert waiting == [
        (f"claim {claims['Prices rose 3% in May.'].pk}", at(3, 9).isoformat()),
        (f"claim {claims['Wages rose 1% in July.'].pk}", at(2, 9).isoformat()),
        (f"claim {claims['Rents fell 2% in June.'].pk}", at(1, 9).isoformat()),
    ]


def test_the_longest_waiting_are_found_beyond_the_first_claims_extracted(erin, signed_in):
    # The 45 claims extracted first were all released back to the queue today; two
    # claims extracted after them have waited since four days ago.
    released = [(20, 9, "extract", "", "queued"), (19, 9, "take", "queued", "assigned"),
                (0, 0, "release", "assigned", "queued")]  # fmt: skip
    moves = {f"Claim {number} says {number}% rose.": released for number in range(45)}
    moves["Late claim A says 7% fell."] = [(4, 9, "extract", "", "queued")]
    moves["Late claim B says 8% fell."] = [(4, 10, "extract", "", "queued")]
    claims = claims_with_history(moves)

    rows = csv_rows(signed_in(erin).get(EXPORT))

    waiting = [row["series"] for row in rows if row["chart"] == "waiting_longest"]
    assert waiting[:2] == [
        f"claim {claims['Late claim A says 7% fell.'].pk}",
        f"claim {claims['Late claim B says 8% fell.'].pk}",
    ]
    assert len(waiting) == 10


# --- who may open it ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGE, EXPORT])
def test_anonymous_visitors_are_sent_to_sign_in(path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


@pytest.mark.parametrize("path", [PAGE, EXPORT])
def test_fact_checkers_and_people_without_a_role_get_403(path, alice, mallory, signed_in):
    assert signed_in(alice).get(path).status_code == 403
    assert signed_in(mallory).get(path).status_code == 403


def test_the_header_links_the_dashboard_for_editors_only(alice, erin, signed_in):
    editor_page = signed_in(erin).get(reverse("queue")).content.decode()
    checker_page = signed_in(alice).get(reverse("queue")).content.decode()

    assert f'href="{PAGE}"' in editor_page
    assert f'href="{PAGE}"' not in checker_page


def test_the_page_and_export_only_read(erin, signed_in):
    response = signed_in(erin).post(PAGE)

    assert response.status_code == 405


# --- the export -----------------------------------------------------------------------------


def test_the_export_is_a_csv_attachment_with_one_chart_column(desk, erin, signed_in):
    response = signed_in(erin).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="desk-dashboard-{day(0).isoformat()}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["chart", "period", "series", "measure", "value"]
    assert {row[0] for row in rows[1:]} == {
        "state_flow",
        "published_by_rating",
        "time_queued_to_published",
        "time_submitted_to_signed_off",
        "open_claims",
        "waiting_longest",
    }


def test_names_a_spreadsheet_would_run_as_formulas_are_written_as_text(erin, signed_in):
    risky, _created = user_upsert(username="@SUM", role=Role.FACT_CHECKER, password=PASSWORD)
    claim_taken(reviewer=risky)

    rows = csv_rows(signed_in(erin).get(EXPORT))

    assert {row["series"] for row in rows if row["chart"] == "open_claims"} == {"'@SUM"}


# --- nothing to show ------------------------------------------------------------------------


def test_an_empty_desk_says_so_instead_of_drawing_empty_charts(erin, signed_in):
    response = signed_in(erin).get(PAGE)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Nothing to chart yet" in page
    assert charts(page) == {}
    assert "<svg" not in page.split('id="main"', 1)[1]


def test_a_chart_with_nothing_to_show_says_so(alice, erin, signed_in):
    claim_taken(reviewer=alice)

    page = signed_in(erin).get(PAGE).content.decode()

    assert set(charts(page)) == {
        f"flow-{state}"
        for state in (
            "triage",
            "queued",
            "assigned",
            "submitted",
            "returned",
            "published",
            "dismissed",
        )
    } | {"open-work"}
    assert "No verdict was published in the last 12 weeks." in page
    assert "No claim went from the queue to publication in these weeks." in page
    assert "The queue is empty." in page
    assert "Nothing waits for sign-off." in page


# --- the embedded database ------------------------------------------------------------------

SQLITE_SCRIPT = """
import csv, io, json
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from accounts.roles import Role
from accounts.services import user_upsert
from tests.dashboard.history import desk_history

setup_test_environment()
people = {
    name: user_upsert(username=name, role=role, password="pw-for-the-test-only")[0]
    for name, role in (("alice", Role.FACT_CHECKER), ("bob", Role.FACT_CHECKER),
                       ("erin", Role.EDITOR), ("fiona", Role.EDITOR))
}
desk_history(**people)
client = Client()
client.force_login(people["erin"])
page = client.get("/dashboard/")
export = client.get("/dashboard/export.csv")
print(json.dumps({
    "vendor": connection.vendor,
    "page": page.status_code,
    "html": page.content.decode(),
    "export": export.status_code,
    "rows": list(csv.DictReader(io.StringIO(export.content.decode()))),
}))
"""


@pytest.mark.slow
def test_the_dashboard_works_on_the_embedded_sqlite_database(tmp_path):
    names = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "SECURE_SSL_REDIRECT")
    env = {key: value for key, value in os.environ.items() if key not in names}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    # Tasks wait in the broker rather than run in the process (evidence is not fetched).
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    manage("migrate", "--no-input", "-v", "0")
    answer = json.loads(manage("shell", "-c", SQLITE_SCRIPT).strip().splitlines()[-1])

    assert answer["vendor"] == "sqlite"
    assert (answer["page"], answer["export"]) == (200, 200)
    drawn = charts(answer["html"])
    assert len(drawn) == 11
    assert drawn["time-queued-to-published"][1].endswith(
        "median 4.5 days, 90th percentile 6.5 days, from 2 verdicts."
    )
    rows = answer["rows"]
    # Percentiles computed in Python there: the same as PostgreSQL's percentile_cont.
    assert figure(rows, "time_queued_to_published", "all_weeks", "median", "hours") == "108.00"
    assert figure(
        rows, "time_submitted_to_signed_off", "all_weeks", "90th_percentile", "hours"
    ) == ("5.60")
    assert figure(rows, "state_flow", day(0).isoformat(), "queued", "entered") == "4"
