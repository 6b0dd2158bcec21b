"""The pages in a real browser (the system's Chromium) against a live server: hostile article
text stays inert, fetch states update without a reload, two sessions editing one draft see the
conflict, and the Content-Security-Policy leaves the pages working."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models.functions import Now
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accounts.services import user_upsert
from factcheck.celery import app as celery_app
from reviews import services
from reviews.models import Claim, Verdict
from sources.models import Source
from sources.tasks import fetch_source
from tests.conftest import PASSWORD
from tests.factories import queued_claims

pytestmark = [pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = "<svg onload=confirm()>"


class Session:
    """One person's browser session: a page, and what the browser reported on it."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(base_url=base_url)
        self.page: Page = self.context.new_page()
        self.dialogs: list[str] = []
        self.policy_violations: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.policy_violations.append(message.text)

    def sign_in(self, username: str) -> "Session":
        page = self.page
        page.goto(reverse("login"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".account .who")).to_have_text(username)
        return self

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session_for(browser, live_server):
    sessions = []

    def open_session(username: str | None = None) -> Session:
        session = Session(browser, live_server.url)
        sessions.append(session)
        return session.sign_in(username) if username else session

    yield open_session
    for session in sessions:
        session.close()


def person(username: str, role: Role):
    user, _created = user_upsert(username=username, role=role, password=PASSWORD)
    return user


def test_hostile_article_text_stays_inert_in_the_browser(session_for, figure_extractor):
    person("erin", Role.EDITOR)
    alice = person("alice", Role.FACT_CHECKER)
    editor = session_for("erin")
    page = editor.page

    page.goto(reverse("article-new"))
    page.get_by_role("radio", name="Plain text").check()
    page.locator("textarea[name=content]").fill(
        f"Officials said {SCRIPT} that 90% of roads are new. "
        f"Critics replied {IMG} that 40% are unfinished.\n\n{SVG} The end."
    )
    page.locator("input[name=title]").fill(f"Roads {SCRIPT}")
    page.get_by_role("button", name="Add the article").click()
    expect(page.locator(".message-success")).to_contain_text("Article stored: 2 claims found.")

    # The payloads are shown as text, in the title, the claims table and the marked-up body.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Roads {SCRIPT}")
    expect(page.locator(".article-body")).to_contain_text(IMG)
    expect(page.locator(".claims-table")).to_contain_text(SCRIPT)

    claim = Claim.objects.order_by("start").first()
    services.claim_take_next(reviewer=alice)
    checker = session_for("alice")
    checker.page.goto(reverse("claim-workspace", args=[claim.pk]))
    expect(checker.page.locator(".article-body .claim-current")).to_have_text(
        f"Officials said {SCRIPT} that 90% of roads are new."
    )
    # Markdown typed into the rationale previews without running anything.
    checker.page.locator("#id_rationale").fill(f"**Inert** {IMG} [x](javascript:alert(3))")
    expect(checker.page.locator("#rationale-preview strong")).to_have_text("Inert")
    expect(checker.page.locator("#rationale-preview")).to_contain_text(IMG)

    for session in (editor, checker):
        assert session.dialogs == []
        assert session.page.locator("[onerror], [onload]").count() == 0
        assert session.page.locator("main script, main svg, main img").count() == 0
        assert session.page.locator("#rationale-preview a").count() == 0
        assert session.policy_violations == []


def test_a_fetch_finishing_later_shows_without_a_reload(
    session_for, local_web, monkeypatch, settings
):
    # No worker runs: the fetch waits in the database until this test plays the worker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr("sources.tasks.fetch_source.apply_async", lambda *a, **k: None)
    local_web.expect_request("/register").respond_with_data(
        "<html><head><title>Road register 2015</title></head><body><article>"
        "<p>The register lists 1,200 road projects, 480 of them unfinished.</p>"
        "</article></body></html>",
        content_type="text/html; charset=utf-8",
    )
    alice = person("alice", Role.FACT_CHECKER)
    queued_claims(1)
    claim = services.claim_take_next(reviewer=alice)
    services.evidence_add(
        claim=claim, by=alice, url=local_web.url_for("/register"), stance="refutes"
    )
    checker = session_for("alice")
    page = checker.page
    page.goto(reverse("claim-workspace", args=[claim.pk]))
    expect(page.locator(".evidence-item")).to_have_attribute("data-fetch-state", "pending")
    page.evaluate("window.sameDocument = true")

    source = Source.objects.get()
    fetch_source(source.pk)

    expect(page.locator(".evidence-item")).to_have_attribute(
        "data-fetch-state", "fetched", timeout=10_000
    )
    expect(page.locator(".snapshot-title")).to_have_text("Road register 2015")
    expect(page.locator(".snapshot-excerpt")).to_contain_text("480 of them unfinished")
    assert page.evaluate("window.sameDocument") is True
    assert checker.policy_violations == []


def test_two_sessions_editing_one_draft_see_the_conflict(session_for):
    alice = person("alice", Role.FACT_CHECKER)
    queued_claims(1)
    claim = services.claim_take_next(reviewer=alice)
    services.verdict_create(
        claim=claim, by=alice, rating="mixed", headline="Loaded", rationale="As loaded."
    )
    first = session_for("alice")
    second = session_for("alice")
    for session in (first, second):
        session.page.goto(reverse("claim-workspace", args=[claim.pk]))
        expect(session.page.locator("input[name=headline]")).to_have_value("Loaded")

    first.page.locator("input[name=headline]").fill("Saved in the first window")
    first.page.get_by_role("button", name="Save draft").click()
    expect(first.page.locator(".message-success")).to_have_text("Draft saved (version 2).")

    second.page.locator("input[name=headline]").fill("Typed in the second window")
    second.page.locator("input[name=rating][value=false]").check()
    second.page.get_by_role("button", name="Save draft").click()

    conflict = second.page.locator("#conflict")
    expect(conflict).to_contain_text("this verdict changed after you opened it")
    expect(conflict).to_contain_text("alice saved version 2")
    expect(conflict.locator(".saved-value")).to_contain_text(["Mixed", "Saved in the first window"])
    expect(conflict.locator(".your-value")).to_contain_text(["False", "Typed in the second window"])
    expect(second.page.locator("input[name=headline]")).to_have_value("Typed in the second window")
    stored = Verdict.objects.get(claim=claim)
    assert (stored.version, stored.headline, stored.rating) == (
        2,
        "Saved in the first window",
        "mixed",
    )


def test_typed_work_outlives_the_lease(session_for):
    alice = person("alice", Role.FACT_CHECKER)
    queued_claims(1)
    claim = services.claim_take_next(reviewer=alice)
    # Under the two minutes the page warns at.
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=Now() + timedelta(seconds=90))
    session = session_for("alice")
    page = session.page
    page.goto(reverse("claim-workspace", args=[claim.pk]))
    lease = page.locator("#lease-row")
    expect(lease.locator("[data-lease-soon]")).to_be_visible()
    expect(lease.get_by_role("button", name="Renew (30 min)")).to_be_visible()
    expect(lease.get_by_role("button", name="Take it back")).to_be_hidden()

    # The draft saves itself as it is typed.
    page.locator("input[name=headline]").fill("Typed while the lease ran")
    expect(page.locator("#autosave-status")).to_contain_text("Saved at", timeout=10_000)
    expect(page.locator("#id_version")).to_have_value("1")
    assert Verdict.objects.get(claim=claim).headline == "Typed while the lease ran"

    # The lease runs out, on the database's clock and the page's: renewing it cannot work
    # any more, so taking the claim back is offered instead.
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=Now() - timedelta(seconds=1))
    lease.locator("[data-expires-at]").evaluate(
        "element => element.setAttribute('data-expires-at', new Date(Date.now() - 1000)"
        ".toISOString())"
    )
    expect(lease.locator("[data-lease-ended]")).to_be_visible(timeout=10_000)
    expect(lease.get_by_role("button", name="Renew (30 min)")).to_be_hidden()
    expect(lease.get_by_role("button", name="Take it back")).to_be_visible()

    # Typing on saves it, and takes the claim back, since nobody else took it.
    page.locator("#id_rationale").fill("Typed after the lease ran out.")
    expect(page.locator("#autosave-status")).to_contain_text("it is yours again", timeout=10_000)
    expect(lease.locator("[data-lease-ended]")).to_be_hidden()
    expect(lease.get_by_role("button", name="Renew (30 min)")).to_be_visible()
    expect(page.locator("#id_version")).to_have_value("2")
    assert Verdict.objects.get(claim=claim).rationale == "Typed after the lease ran out."
    assert Claim.objects.filter(pk=claim.pk, lease_expires_at__gt=Now()).exists()
    assert session.policy_violations == []


def test_public_pages_run_under_the_policy_with_their_claimreview(
    session_for, local_web, monkeypatch
):
    monkeypatch.setattr("sources.tasks.fetch_source.apply_async", lambda *a, **k: None)
    alice = person("alice", Role.FACT_CHECKER)
    erin = person("erin", Role.EDITOR)
    local_web.expect_request("/register").respond_with_data(
        "<html><title>Register</title><body><p>1,200 projects, 480 unfinished.</p></body></html>",
        content_type="text/html",
    )
    queued_claims(1)
    claim = services.claim_take_next(reviewer=alice)
    services.evidence_add(
        claim=claim, by=alice, url=local_web.url_for("/register"), stance="refutes"
    )
    fetch_source(Source.objects.get().pk)
    verdict = services.verdict_create(
        claim=claim, by=alice, rating="false", headline="No", rationale="**No**."
    )
    verdict = services.verdict_submit(verdict=verdict, by=alice, expected_version=1)
    verdict = services.verdict_approve(verdict=verdict, by=erin, expected_version=verdict.version)
    visitor = session_for()

    visitor.page.goto(reverse("verdict-public", args=[verdict.pk]))

    data = json.loads(visitor.page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "ClaimReview"
    assert data["reviewRating"]["alternateName"] == "False"
    expect(visitor.page.locator(".rationale strong")).to_have_text("No")
    visitor.page.goto(reverse("article-public", args=[claim.article_id]))
    expect(visitor.page.locator(".checked-claims")).to_contain_text("False")
    assert visitor.policy_violations == []
    assert visitor.dialogs == []


# --- the whole journey ----------------------------------------------------------------------

EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "articles"
    / "global-research-2015-10-09-russia-syria-offensive.md"
)
CHECKED_CLAIM = "Greater than 90% of the strikes"


def shoot(page: Page, folder: Path, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.timeout(600)
def test_a_claim_goes_from_ingest_to_public_verdict(
    session_for, local_web, settings, monkeypatch, screenshot_dir
):
    person("alice", Role.FACT_CHECKER)
    person("erin", Role.EDITOR)
    person("fiona", Role.EDITOR)
    local_web.expect_request("/airwars/russia-october-2015").respond_with_data(
        "<html><head><title>Russian strikes in Syria, October 2015</title></head><body>"
        "<article><p>Monitors assessed the locations of Russian air strikes reported in the "
        "first week of October 2015; most struck areas held by groups other than ISIL.</p>"
        "</article></body></html>",
        content_type="text/html; charset=utf-8",
    )
    evidence_url = local_web.url_for("/airwars/russia-october-2015")

    # An editor ingests the example article through the form. The links it cites are left
    # for the workers (none run here), so nothing leaves this machine.
    editor = session_for("erin")
    page = editor.page
    page.goto(reverse("article-new"))
    page.get_by_role("radio", name="Markdown").check()
    page.locator("textarea[name=content]").fill(EXAMPLE.read_text(encoding="utf-8"))
    shoot(page, screenshot_dir, "ingest-form")
    with monkeypatch.context() as offline:
        offline.setattr("sources.tasks.fetch_source.apply_async", lambda *a, **k: None)
        page.get_by_role("button", name="Add the article").click()
        expect(page.locator(".message-success")).to_contain_text("Article stored:")

    # The editor makes sure the claim is queued and on top of the queue.
    row = page.locator("tr", has_text=CHECKED_CLAIM)
    expect(row).to_have_count(1)
    # Each triage form answers in its row, in place.
    if row.get_by_role("button", name="Queue").count():
        row.get_by_role("button", name="Queue").click()
        expect(row.locator("[data-row-message]")).to_have_text("Claim put in the review queue.")
    row.locator("input[name=boost]").fill("100")
    row.get_by_role("button", name="Boost").click()
    expect(row.locator("[data-row-message]")).to_contain_text("Boost set to 100")
    shoot(page, screenshot_dir, "article-page")

    # From here on, evidence is fetched in the request process, after commit.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)

    # The fact-checker takes the next claim with the keyboard and lands in its workspace.
    checker = session_for("alice")
    page = checker.page
    page.goto(reverse("queue"))
    expect(page.locator("#waiting")).to_contain_text(CHECKED_CLAIM)
    shoot(page, screenshot_dir, "queue")
    page.keyboard.press("n")
    expect(page.locator(".article-body .claim-current")).to_contain_text(CHECKED_CLAIM)
    expect(page.locator(".article-body mark.claim:not(.claim-current)").first).to_be_visible()
    page.evaluate("window.sameDocument = true")

    page.get_by_label("URL").fill(evidence_url)
    page.get_by_label("Stance").select_option("refutes")
    page.get_by_role("textbox", name="Note", exact=True).fill("Monitors' count of strike locations")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator(".evidence-item")).to_have_attribute(
        "data-fetch-state", "fetched", timeout=20_000
    )
    expect(page.locator(".snapshot-title")).to_have_text("Russian strikes in Syria, October 2015")
    assert page.evaluate("window.sameDocument") is True

    page.locator("input[name=rating][value=mostly_false]").check()
    page.locator("input[name=headline]").fill("Most early Russian strikes did not hit ISIL")
    page.locator("#id_rationale").fill(
        "Monitors placed **most** strikes of the first week in areas held by groups other "
        "than ISIL.\n\n- Source: the monitors' strike log"
    )
    expect(page.locator("#rationale-preview strong")).to_have_text("most")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".message-success")).to_have_text("Draft saved (version 1).")
    shoot(page, screenshot_dir, "claim-workspace")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator(".message-success")).to_contain_text("Verdict submitted for sign-off")
    claim_url = page.url

    # The editor returns it with a comment.
    page = editor.page
    page.goto(reverse("signoff-inbox"))
    expect(page.locator("table.list")).to_contain_text("Most early Russian strikes")
    shoot(page, screenshot_dir, "signoff-inbox")
    page.get_by_role("link", name="Most early Russian strikes did not hit ISIL").click()
    expect(page.locator(".snapshot-title")).to_have_text("Russian strikes in Syria, October 2015")
    expect(page.locator(".rationale strong")).to_have_text("most")
    shoot(page, screenshot_dir, "signoff-review")
    page.get_by_label("What needs fixing").fill("Name the monitoring group in the rationale.")
    page.get_by_role("button", name="Return to alice").click()
    expect(page.locator(".message-success")).to_have_text(
        "Returned to its fact-checker with your comment."
    )

    # The fact-checker sees the comment, fixes the rationale and resubmits.
    page = checker.page
    page.goto(claim_url)
    expect(page.locator("#returned")).to_contain_text("Name the monitoring group in the rationale.")
    page.locator("#id_rationale").fill(
        "Airwars monitors placed **most** strikes of the first week in areas held by groups "
        "other than ISIL."
    )
    page.get_by_role("button", name="Resubmit for sign-off").click()
    expect(page.locator(".message-success")).to_contain_text("Verdict submitted for sign-off")

    # A second editor approves it.
    approver = session_for("fiona")
    page = approver.page
    page.goto(reverse("signoff-inbox"))
    page.get_by_role("link", name="Most early Russian strikes did not hit ISIL").click()
    expect(page.locator(".history-note")).to_contain_text("Name the monitoring group")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".message-success")).to_contain_text("Approved and published")

    # The public page shows the verdict and its ClaimReview.
    verdict = Verdict.objects.select_related("claim").get(state="published")
    visitor = session_for()
    page = visitor.page
    page.goto(reverse("verdict-public", args=[verdict.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Most early Russian strikes did not hit ISIL"
    )
    expect(page.locator(".rating-line")).to_contain_text("Mostly false")
    claimreview = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert claimreview["@type"] == "ClaimReview"
    assert CHECKED_CLAIM in claimreview["claimReviewed"]
    assert claimreview["reviewRating"]["ratingValue"] == 2
    assert claimreview["reviewRating"]["alternateName"] == "Mostly false"
    assert claimreview["url"].endswith(reverse("verdict-public", args=[verdict.pk]))
    shoot(page, screenshot_dir, "public-verdict")

    # The editor corrects the verdict; the fact-checker who wrote it gets the correction.
    page = editor.page
    page.goto(claim_url)
    page.get_by_label("Why it needs correcting").fill(
        "The monitors revised their count of strike locations."
    )
    page.get_by_role("button", name="Correct this verdict").click()
    expect(page.locator(".message-success")).to_contain_text("Correction opened and held by alice")

    page = checker.page
    page.goto(reverse("queue"))
    page.get_by_role("link", name=CHECKED_CLAIM).click()
    expect(page.locator("#correction")).to_contain_text("The monitors revised their count")
    expect(page.locator("input[name=headline]")).to_have_value(
        "Most early Russian strikes did not hit ISIL"
    )
    page.locator("input[name=rating][value=false]").check()
    page.locator("input[name=headline]").fill("Early Russian strikes mostly missed ISIL")
    shoot(page, screenshot_dir, "claim-workspace-correction")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator(".message-success")).to_contain_text("Verdict submitted for sign-off")

    # Until another editor approves it, the public keeps reading the published verdict.
    visitor.page.goto(reverse("verdict-public", args=[verdict.pk]))
    expect(visitor.page.locator(".rating-line")).to_contain_text("Mostly false")
    expect(visitor.page.locator(".corrections")).to_have_count(0)

    page = approver.page
    page.goto(reverse("signoff-inbox"))
    page.get_by_role("link", name="Early Russian strikes mostly missed ISIL").click()
    expect(page.locator(".correction-note")).to_contain_text("The monitors revised their count")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".message-success")).to_contain_text("Approved and published")

    # The earlier address leads to the correction, which says what changed and why.
    page = visitor.page
    page.goto(reverse("verdict-public", args=[verdict.pk]))
    correction = Verdict.objects.get(claim=verdict.claim, state="published")
    expect(page).to_have_url(re.compile(reverse("verdict-public", args=[correction.pk]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Early Russian strikes mostly missed ISIL"
    )
    expect(page.locator(".rating-line")).to_contain_text("False")
    expect(page.locator(".corrections")).to_contain_text(
        "The monitors revised their count of strike locations."
    )
    expect(page.locator(".corrections")).to_contain_text("Earlier rating: Mostly false")
    claimreview = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert claimreview["datePublished"] == verdict.published_at.date().isoformat()
    assert claimreview["dateModified"] == correction.published_at.date().isoformat()
    shoot(page, screenshot_dir, "public-verdict-corrected")

    for session in (editor, checker, approver, visitor):
        assert session.policy_violations == []
        assert session.dialogs == []
