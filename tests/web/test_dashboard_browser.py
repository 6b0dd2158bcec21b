"""The desk dashboard in a real browser (the system's Chromium) against a live server: the
charts are drawn under the Content-Security-Policy, their numbers open without script, and
the page fits a phone's width. Pictures of it land in artifacts/screenshots."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accounts.services import user_upsert
from tests.conftest import PASSWORD
from tests.dashboard.history import busy_past, desk_history

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def person(username: str, role: Role):
    user, _created = user_upsert(username=username, role=role, password=PASSWORD)
    return user


def sign_in(page: Page, username: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account .who")).to_have_text(username)


def policy_violations(page: Page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return found


@pytest.fixture
def busy_desk():
    people = {
        name: person(name, role)
        for name, role in (
            ("alice", Role.FACT_CHECKER),
            ("bob", Role.FACT_CHECKER),
            ("carol", Role.FACT_CHECKER),
            ("erin", Role.EDITOR),
            ("fiona", Role.EDITOR),
        )
    }
    desk_history(
        alice=people["alice"], bob=people["bob"], erin=people["erin"], fiona=people["fiona"]
    )
    busy_past(
        checkers=[people["alice"], people["bob"], people["carol"]],
        editors=[people["erin"], people["fiona"]],
    )
    return people


def test_the_dashboard_draws_its_charts_and_fits_a_phone(
    browser, live_server, busy_desk, screenshot_dir
):
    desktop = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    violations = policy_violations(page)
    sign_in(page, "erin")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Desk dashboard")
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(11)
    for title in charts.locator(":scope > title").all_text_contents():
        assert title.strip()
    expect(page.get_by_role("img", name="Verdicts published per week, by rating")).to_be_visible()
    expect(page.get_by_role("img", name="Open claims per fact-checker, by state")).to_be_visible()

    # The numbers behind a chart open and close without script.
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Open claims per fact-checker")
    )
    table = section.locator("table")
    expect(table).to_be_hidden()
    section.get_by_text("Show the numbers").click()
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first.locator("th")).to_have_text("alice")
    section.get_by_text("Show the numbers").click()
    expect(table).to_be_hidden()

    assert violations == []
    page.screenshot(path=str(screenshot_dir / "dashboard-desktop.png"), full_page=True)
    desktop.close()

    phone = browser.new_context(
        base_url=live_server.url,
        viewport={"width": PHONE_WIDTH, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = phone.new_page()
    sign_in(page, "erin")
    page.goto(reverse("dashboard"))
    expect(page.locator("svg[role=img]")).to_have_count(11)
    # The widest table opened: it scrolls inside its box, not the page.
    flows = page.locator(
        "section", has=page.get_by_role("heading", name="Claims entering and leaving")
    )
    flows.get_by_text("Show the numbers").click()
    expect(flows.locator("table")).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    flows.get_by_text("Show the numbers").click()
    page.screenshot(path=str(screenshot_dir / "dashboard-phone.png"), full_page=True)
    phone.close()
