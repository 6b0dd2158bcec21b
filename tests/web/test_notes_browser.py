"""Notes and notifications in a real browser (the system's Chromium) against a live server,
under the Content-Security-Policy: a note written on the claim page joins the thread without a
reload, the colleague it mentions sees the count in the header, and marking it read on the
notifications page takes the count down in place."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from reviews import services
from tests.factories import queued_claims
from tests.web.test_browser import person, session_for  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_note_mentioning_a_colleague_reaches_them(session_for):  # noqa: F811
    alice = person("alice", Role.FACT_CHECKER)
    person("bob", Role.FACT_CHECKER)
    queued_claims(1)
    claim = services.claim_take_next(reviewer=alice)
    writer = session_for("alice")
    page = writer.page
    page.goto(reverse("claim-workspace", args=[claim.pk]))

    notes = page.locator("#notes")
    notes.locator("textarea[name=text]").fill("@bob the base year is 2015 <b>not</b> 2016")
    notes.get_by_role("button", name="Add note").click()

    expect(page.locator("#notes .note-text")).to_have_text(
        "@bob the base year is 2015 <b>not</b> 2016"
    )
    expect(page.locator("#notes textarea[name=text]")).to_have_value("")
    assert page.url.endswith(reverse("claim-workspace", args=[claim.pk]))

    reader = session_for("bob")
    inbox = reader.page
    expect(inbox.locator("#unread-count")).to_have_text("1")
    inbox.get_by_role("link", name="Notifications").click()
    expect(inbox.locator(".notification")).to_contain_text("alice mentioned you in a note")
    inbox.get_by_role("button", name="Mark read").click()
    expect(inbox.locator(".notification")).to_contain_text("read")
    expect(inbox.locator("#unread-count")).to_be_hidden()

    for session in (writer, reader):
        assert session.dialogs == []
        assert session.policy_violations == []
