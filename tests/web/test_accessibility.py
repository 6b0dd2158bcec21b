"""Every main page in a real browser (the system's Chromium), on a desktop and on a phone:
axe-core finds no WCAG 2 A/AA violation, nothing scrolls sideways at 390 px, the first Tab
reaches "Skip to content", the claims marked in an article are one stop in the tab order
with the arrow keys between them, and messages are announced as status or alert. Pictures
of each page land in artifacts/screenshots as <page>-desktop.png and <page>-phone.png."""

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.roles import Role
from accounts.services import user_upsert
from discussion.services import note_add
from reviews import services as reviews
from reviews.models import Claim
from tests.conftest import PASSWORD
from tests.factories import evidence_fetched, queued_claims, verdict_published, verdict_submitted

pytestmark = [pytest.mark.django_db(transaction=True)]

User = get_user_model()

AXE = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "node_modules" / "axe-core"
# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks,
# one main heading, regions), which are how a screen reader's user finds their way.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Long enough to push a phone's page sideways unless it wraps.
LONG_URL = "https://news.example.com/2015/10/09/" + "russia-syria-offensive-" * 6 + "report"


@pytest.fixture(scope="module")
def axe_source() -> str:
    script = AXE / "axe.min.js"
    assert script.exists(), (
        f"axe-core is not installed at {AXE}: run scripts/test, or "
        "`npm install --no-save --prefix .cache/axe axe-core@4.10.3`."
    )
    return script.read_text(encoding="utf-8")


def person(username: str, role: Role):
    user, _created = user_upsert(username=username, role=role, password=PASSWORD)
    return user


@dataclass(frozen=True)
class MainPage:
    name: str
    url: str
    user: str | None


@pytest.fixture
def desk() -> list[MainPage]:
    """A newsroom mid-week: a published verdict (on an article with a long address), one
    awaiting sign-off, a claim alice holds with evidence, a draft and a note, claims
    waiting in the queue, and notifications for alice. The main pages, and who opens them."""
    alice = person("alice", Role.FACT_CHECKER)
    bob = person("bob", Role.FACT_CHECKER)
    erin = person("erin", Role.EDITOR)
    person("fiona", Role.EDITOR)

    published = verdict_published(
        author=alice, editor=erin, url=LONG_URL, title="Russian strikes in Syria"
    )
    submitted = verdict_submitted(author=bob, evidence_url="https://monitor.example.org/log")
    claims = queued_claims(4, title="Roads and bridges", url=LONG_URL + "-roads")
    held = reviews.claim_take_next(reviewer=alice)
    evidence_fetched(claim=held, by=alice, url=LONG_URL + "-evidence")
    reviews.verdict_create(
        claim=held, by=alice, rating="mixed", headline="Partly so", rationale="**Some**."
    )
    note_add(claim=held, by=bob, text="@alice the register has the 2015 figures.")

    pages = [
        MainPage("login", reverse("login"), None),
        MainPage("queue", reverse("queue"), "alice"),
        MainPage("claim-workspace", reverse("claim-workspace", args=[held.pk]), "alice"),
        MainPage("notifications", reverse("notifications"), "alice"),
        MainPage("article-list", reverse("article-list"), "erin"),
        MainPage("article-page", reverse("article-detail", args=[claims[0].article_id]), "erin"),
        MainPage("add-article", reverse("article-new"), "erin"),
        MainPage("signoff-inbox", reverse("signoff-inbox"), "erin"),
        MainPage("signoff-review", reverse("signoff-review", args=[submitted.pk]), "erin"),
        MainPage("public-verdict", reverse("verdict-public", args=[published.pk]), None),
        MainPage(
            "public-article",
            reverse("article-public", args=[published.claim.article_id]),
            None,
        ),
    ]
    pages.append(MainPage("queue-searched", reverse("queue") + "?q=strikes", "alice"))
    pages.append(MainPage("triage", reverse("triage"), "erin"))
    # The dashboard, where this deployment has it.
    with contextlib.suppress(NoReverseMatch):
        pages.append(MainPage("dashboard", reverse("dashboard"), "erin"))
    return pages


class Visitor:
    """One browser context per viewport, signed in as whoever a page needs (the session
    cookie Django's test client gets), reused across pages."""

    def __init__(self, browser: Browser, base_url: str, viewport: dict, axe_source: str):
        phone = viewport["width"] < 600
        self.context: BrowserContext = browser.new_context(
            base_url=base_url,
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
        )
        self.page: Page = self.context.new_page()
        self.base_url = base_url
        self.axe_source = axe_source
        self.policy_violations: list[str] = []
        self.page.on("console", self._console)
        self._signed_in_as: str | None = None

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.policy_violations.append(message.text)

    def open(self, main_page: MainPage) -> Page:
        if main_page.user != self._signed_in_as:
            self.context.clear_cookies()
            if main_page.user is not None:
                client = Client()
                client.force_login(User.objects.get(username=main_page.user))
                cookie = client.cookies["sessionid"]
                self.context.add_cookies(
                    [{"name": "sessionid", "value": cookie.value, "url": self.base_url}]
                )
            self._signed_in_as = main_page.user
        self.page.goto(main_page.url)
        return self.page

    def axe_violations(self) -> list[dict]:
        """axe-core's violations on the page as it stands. The page's policy allows only
        the scripts it serves, so axe is evaluated through the browser's debugging protocol,
        which the policy does not govern, rather than added as a <script>."""
        page = self.page
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.axe_source)
        return page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {
                    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
                });
                return results.violations.map((v) => ({
                    rule: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " | " +
                        n.failureSummary.replace(/\\s+/g, " ")),
                }));
            }""",
            AXE_TAGS,
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor_at(browser, live_server, axe_source):
    visitors: list[Visitor] = []

    def open_visitor(viewport: dict) -> Visitor:
        visitor = Visitor(browser, live_server.url, viewport, axe_source)
        visitors.append(visitor)
        return visitor

    yield open_visitor
    for visitor in visitors:
        visitor.close()


def first_focusable(page: Page) -> str:
    """The first element of the page's Tab order (none of its pages sets a positive
    tabindex, so that is the first focusable element in the document)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                "a[href], button, input, select, textarea, summary, [tabindex]")]
            .find((element) => element.tabIndex >= 0 && !element.disabled &&
                element.getClientRects().length > 0)
            .textContent.trim()"""
    )


@pytest.mark.parametrize(
    ("viewport", "suffix"), [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["desktop", "phone"]
)
def test_every_main_page_passes_axe(desk, visitor_at, screenshot_dir, viewport, suffix):
    visitor = visitor_at(viewport)
    found: dict[str, list[dict]] = {}
    too_wide: dict[str, int] = {}
    first_stops: dict[str, str] = {}

    for main_page in desk:
        page = visitor.open(main_page)
        expect(page.locator("main")).to_be_visible()
        violations = visitor.axe_violations()
        if violations:
            found[main_page.name] = violations
        if suffix == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > page.evaluate("window.innerWidth"):
                too_wide[main_page.name] = width
        page.screenshot(path=str(screenshot_dir / f"{main_page.name}-{suffix}.png"), full_page=True)
        first_stops[main_page.name] = first_focusable(page)

    assert found == {}, json.dumps(found, indent=1)
    assert too_wide == {}
    assert set(first_stops.values()) == {"Skip to content"}, first_stops
    assert visitor.policy_violations == []


def test_the_skip_link_takes_the_focus_to_the_content(desk, visitor_at):
    visitor = visitor_at(DESKTOP)
    page = visitor.open(next(p for p in desk if p.name == "queue"))

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_on_a_phone_the_header_folds_into_a_menu_the_keyboard_opens(
    desk, visitor_at, screenshot_dir
):
    visitor = visitor_at(PHONE)
    page = visitor.open(next(p for p in desk if p.name == "queue"))
    menu = page.get_by_role("button", name="Menu")
    navigation = page.get_by_role("navigation", name="Main")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(navigation.get_by_role("link", name="Articles")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert visitor.axe_violations() == []
    page.screenshot(path=str(screenshot_dir / "menu-phone.png"))

    page.keyboard.press("Tab")
    expect(navigation.get_by_role("link", name="Queue")).to_be_focused()
    page.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")

    # On a desktop there is no menu to open: the navigation is in the header.
    page.set_viewport_size(DESKTOP)
    expect(menu).to_be_hidden()
    expect(navigation.get_by_role("link", name="Articles")).to_be_visible()


def test_the_workspace_keeps_the_claims_in_its_text_out_of_the_tab_order(desk, visitor_at):
    visitor = visitor_at(DESKTOP)
    workspace = next(p for p in desk if p.name == "claim-workspace")
    page = visitor.open(workspace)
    text = page.get_by_role("region", name="Article text")
    expect(text.locator("a.claim-link")).to_have_count(3)

    stops = []
    page.keyboard.press("Tab")
    while len(stops) < 200:
        stop = page.evaluate(
            """() => {
                const element = document.activeElement;
                return element === document.body ? null : {
                    claim: element.matches(".claim-link"),
                    text: element.getAttribute("aria-label") || element.textContent.trim(),
                };
            }"""
        )
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
        page.keyboard.press("Tab")

    assert [stop for stop in stops if stop["claim"]] == []
    assert [stop["text"] for stop in stops].count("Article text") == 1
    # One stop for the text, and the keyboard steps from claim to claim beside it.
    steps = page.get_by_role("navigation", name="Claims in this article")
    expect(steps).to_contain_text("Claim 1 of 4 in this article")
    steps.get_by_role("link", name="Next claim").click()
    expect(page.get_by_role("navigation", name="Claims in this article")).to_contain_text(
        "Claim 2 of 4 in this article"
    )
    expect(page.locator(".article-body .claim-current")).to_contain_text("Claim number 1 says")
    page.get_by_role("link", name="Previous claim").click()
    expect(page).to_have_url(re.compile(re.escape(workspace.url) + "$"))


def test_messages_are_announced_as_status_or_alert(desk, visitor_at):
    """A success is a status, read when the reader pauses; a refusal an alert, read at once."""
    visitor = visitor_at(DESKTOP)
    page = visitor.open(next(p for p in desk if p.name == "queue"))
    first, second = Claim.objects.filter(state="queued").order_by("-priority", "created_at")[:2]
    # bob takes the second waiting claim while alice has the queue open.
    reviews.claim_take(claim=second, by=User.objects.get(username="bob"))
    page.locator("#waiting tr", has_text=second.text).get_by_role(
        "button", name="Take this claim"
    ).click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Not taken:")
    expect(refusal).to_have_class(re.compile("message-error"))
    expect(page.get_by_role("status")).to_have_count(0)

    page.goto(reverse("queue"))
    page.locator("#waiting tr", has_text=first.text).get_by_role(
        "button", name="Take this claim"
    ).click()
    done = page.get_by_role("status").filter(has_text="The claim is yours")
    expect(done).to_have_class(re.compile("message-success"))
    expect(page.get_by_role("alert")).to_have_count(0)
