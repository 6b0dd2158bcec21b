"""Paging and search in a real browser (the system's Chromium) against a live server, under
the Content-Security-Policy: a fact-checker searches the queue from its form, pages through
the results with the pager, and the search stays with every page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from tests.factories import queued_claims
from tests.web.test_browser import person, session_for  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True)]

DASH = "\N{EN DASH}"


def test_a_searched_queue_pages_through_its_results_keeping_the_search(
    session_for,  # noqa: F811
    screenshot_dir,
):
    person("alice", Role.FACT_CHECKER)
    claims = queued_claims(75)
    checker = session_for("alice")
    page = checker.page
    page.goto(reverse("queue"))
    waiting = page.locator("#waiting")
    expect(waiting).to_contain_text(f"1{DASH}50 of 75")

    # Every claim says "percent of strikes"; those numbered 1x say "Claim number 1".
    page.get_by_label("Search").fill('"Claim number 1"')
    page.get_by_role("button", name="Filter").click()
    matching = [c for c in claims if c.text.startswith("Claim number 1")]
    expect(waiting).to_contain_text(f"of {len(matching)}")
    expect(waiting.locator("tbody tr")).to_have_count(len(matching))

    # Past a page: search for every claim, then go to the second page with the pager.
    page.get_by_label("Search").fill("strikes")
    page.get_by_role("button", name="Filter").click()
    expect(waiting).to_contain_text(f"1{DASH}50 of 75")
    page.get_by_role("navigation", name="Pages of the list").get_by_role(
        "link", name="Next"
    ).click()
    expect(waiting).to_contain_text(f"51{DASH}75 of 75")
    expect(waiting.locator("tbody tr")).to_have_count(25)
    assert "q=strikes" in page.url
    expect(page.get_by_label("Search")).to_have_value("strikes")
    page.screenshot(path=str(screenshot_dir / "queue-searched-page-2-desktop.png"), full_page=True)
    assert checker.policy_violations == []
    assert checker.dialogs == []
