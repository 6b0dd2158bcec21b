"""Triage in a real browser (the system's Chromium) against a live server, under the
Content-Security-Policy: an editor chooses claims with the keyboard (j and k move between
rows, x selects one), with shift-click (a range) and with "Select all on this page", queues
them at once, and reads what became of each in its row without a reload; a row's own form
answers in the row; a comment's length is counted as it is typed."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from reviews import services
from reviews.models import Claim
from tests.factories import triaged_claims
from tests.web.test_browser import person, session_for  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_claims_chosen_by_keyboard_and_shift_click_are_triaged_in_place(
    session_for,  # noqa: F811
    screenshot_dir,
):
    person("erin", Role.EDITOR)
    fiona = person("fiona", Role.EDITOR)
    claims = triaged_claims(6)
    editor = session_for("erin")
    page = editor.page
    page.goto(reverse("triage"))

    rows = page.locator("tr[data-claim-row]")
    boxes = page.locator("input[data-select-row]")
    count = page.locator("[data-bulk-count]")
    expect(rows).to_have_count(6)
    expect(count).to_have_text("None selected")

    # j moves to the first row and on, k back; x selects the row the focus is in.
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("x")
    expect(count).to_have_text("2 selected")
    assert [boxes.nth(i).is_checked() for i in range(6)] == [True, True] + [False] * 4
    page.keyboard.press("x")
    expect(boxes.nth(1)).not_to_be_checked()

    # A click, then a shift-click, selects the range between them.
    boxes.nth(2).click()
    boxes.nth(4).click(modifiers=["Shift"])
    expect(count).to_have_text("4 selected")
    assert [boxes.nth(i).is_checked() for i in range(6)] == [True, False, True, True, True, False]

    select_all = page.get_by_label("Select all on this page")
    select_all.check()
    expect(count).to_have_text("6 selected")
    select_all.uncheck()
    expect(count).to_have_text("None selected")
    for index in (0, 2, 3):
        boxes.nth(index).check()
    expect(select_all).to_have_js_property("indeterminate", True)

    # The comment counts its characters before anything is saved.
    page.get_by_label("Comment").fill("Slogans")
    expect(page.locator(".bulk-triage .char-counter")).to_have_text("7 of 2,000 characters")

    # fiona queues one of them while the page is open.
    services.claim_queue(claim=claims[2], by=fiona)
    page.get_by_role("button", name="Queue selected").click()

    expect(page.locator("#bulk-status")).to_have_text(
        "2 claims put in the review queue. 1 not queued: see why in its row."
    )
    expect(rows.nth(0).locator("[data-row-message]")).to_have_text("Put in the review queue.")
    expect(rows.nth(3).locator("[data-row-message]")).to_have_text("Put in the review queue.")
    expect(rows.nth(2).locator("[data-row-message]")).to_have_text(
        f"Claim {claims[2].pk} not queued: Cannot put a claim in the review queue: the claim "
        "is queued."
    )
    expect(rows.nth(0).locator(".badge")).to_have_text("Queued")
    # The refused claim stays selected, the others were let go.
    expect(count).to_have_text("1 selected")
    assert page.url.endswith(reverse("triage"))

    # A row's own form answers in its row, and the focus goes to what became of it.
    row = rows.nth(5)
    row.get_by_label(f"Reason for dismissing claim {claims[5].pk}").select_option("opinion")
    row.get_by_role("button", name="Dismiss").click()
    message = page.locator(f"#claim-row-{claims[5].pk} [data-row-message]")
    expect(message).to_have_text("Claim dismissed.")
    expect(message).to_be_focused()
    page.screenshot(path=str(screenshot_dir / "triage-in-bulk.png"), full_page=True)

    assert Claim.objects.get(pk=claims[5].pk).state == "dismissed"
    assert [Claim.objects.get(pk=c.pk).state for c in claims[:4]] == [
        "queued",
        "triage",
        "queued",
        "queued",
    ]
    assert editor.dialogs == []
    assert editor.policy_violations == []
