"""The web pages through Django's test client: who may open them, what they show, that hostile
text stays inert, and that every refused or malformed request shows a message and writes
nothing."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from articles.models import Article
from reviews import services
from reviews.forms import QUEUE_ARTICLE_CHOICES
from reviews.models import Claim, EvidenceLink, ReviewEvent, Verdict
from reviews.presenters import claimreview_for_verdict
from sources.models import Source
from sources.tasks import fetch_source
from tests.conftest import PASSWORD, client_for
from tests.factories import (
    TRIAGE_SCORE,
    Found,
    article_ingested,
    claim_queued,
    queued_claims,
    source_fetch_failed,
    verdict_published,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_BODY = (
    f"The minister said {SCRIPT} that 90% of roads are new. "
    f"Critics replied {IMG} that 40% are unfinished."
)
DRAFT = {
    "rating": "mostly_false",
    "headline": "Most roads are not new",
    "rationale": "The ministry's own **register** lists 40% as unfinished.",
}


def messages_in(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def serve_report(local_web, path="/report"):
    local_web.expect_request(path).respond_with_data(
        "<html><head><title>Road register</title></head><body><article>"
        "<p>The register lists 1,200 road projects, 480 of them unfinished.</p>"
        "</article></body></html>",
        content_type="text/html; charset=utf-8",
    )
    return local_web.url_for(path)


def ingest_hostile_article(*, second_score: float = 0.9):
    """An article whose title, publisher, text and claimant carry markup, with two claims;
    the second one waits in triage when its score is below the queue threshold."""
    article = article_ingested(
        body=HOSTILE_BODY,
        title=f"Roads {SCRIPT}",
        publisher=IMG,
        found=[
            Found(claimant=f"Minister {IMG}"),
            Found(text=f"Critics replied {IMG} that 40% are unfinished.", score=second_score),
        ],
    )
    first, second = article.claims.order_by("start")
    return article, first, second


@pytest.fixture
def hostile_article():
    return ingest_hostile_article()


@pytest.fixture
def held_claim(alice):
    """alice holds a claim taken from the queue."""
    queued_claims(2)
    return services.claim_take_next(reviewer=alice)


@pytest.fixture
def submitted_verdict(alice, local_web):
    """alice's verdict, with fetched evidence, waiting for sign-off."""
    queued_claims(1)
    claim = services.claim_take_next(reviewer=alice)
    services.evidence_add(claim=claim, by=alice, url=serve_report(local_web), stance="refutes")
    for source_id in Source.objects.values_list("id", flat=True):
        fetch_source(source_id)
    verdict = services.verdict_create(claim=claim, by=alice, **DRAFT)
    return services.verdict_submit(verdict=verdict, by=alice, expected_version=verdict.version)


# --- who may open what ---------------------------------------------------------------------

PROTECTED_PAGES = [
    ("queue", False),
    ("claim-workspace", True),
    ("signoff-inbox", False),
    ("article-list", False),
    ("article-new", False),
    ("article-detail", True),
]


@pytest.mark.parametrize(("name", "needs_id"), PROTECTED_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(name, needs_id, hostile_article):
    article, claim, _ = hostile_article
    path = reverse(name, args=[claim.pk if name == "claim-workspace" else article.pk] * needs_id)

    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_an_anonymous_fragment_request_sends_the_whole_page_to_sign_in(hostile_article):
    _, claim, _ = hostile_article

    response = Client().get(
        reverse("claim-evidence", args=[claim.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver/claims/{claim.pk}/",
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/claims/{claim.pk}/"


@pytest.mark.parametrize(("name", "needs_id"), PROTECTED_PAGES)
def test_an_account_without_a_role_gets_403(name, needs_id, hostile_article, mallory, signed_in):
    article, claim, _ = hostile_article
    path = reverse(name, args=[claim.pk if name == "claim-workspace" else article.pk] * needs_id)

    response = signed_in(mallory).get(path)

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_fact_checkers_cannot_open_the_signoff_pages(submitted_verdict, bob, signed_in):
    client = signed_in(bob)

    inbox = client.get(reverse("signoff-inbox"))
    review = client.get(reverse("signoff-review", args=[submitted_verdict.pk]))
    approve = client.post(
        reverse("signoff-approve", args=[submitted_verdict.pk]),
        {"version": submitted_verdict.version},
    )

    assert (inbox.status_code, review.status_code, approve.status_code) == (403, 403, 403)
    assert Verdict.objects.get(pk=submitted_verdict.pk).state == "submitted"


def test_fact_checkers_cannot_triage(hostile_article, alice, signed_in):
    _, claim, _ = hostile_article

    response = signed_in(alice).post(
        reverse("claim-dismiss", args=[claim.pk]), {"reason": "opinion"}
    )

    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).state == "queued"


def test_navigation_follows_the_role(alice, erin, signed_in):
    checker_page = signed_in(alice).get(reverse("queue")).content.decode()
    editor_page = signed_in(erin).get(reverse("queue")).content.decode()

    assert 'href="/queue/"' in checker_page
    assert 'href="/signoff/"' not in checker_page
    assert 'href="/signoff/"' in editor_page
    assert 'href="/admin/"' not in editor_page


def test_superusers_see_every_page_in_the_navigation(django_user_model, signed_in):
    root = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)

    page = signed_in(root).get(reverse("queue")).content.decode()

    for path in ("/queue/", "/signoff/", "/articles/", "/articles/new/", "/admin/"):
        assert f'href="{path}"' in page


def test_home_sends_each_role_to_its_start_page(alice, erin, mallory, signed_in):
    assert signed_in(alice).get("/")["Location"] == reverse("queue")
    assert signed_in(erin).get("/")["Location"] == reverse("signoff-inbox")
    assert signed_in(mallory).get("/").status_code == 403
    assert Client().get("/")["Location"] == reverse("login")


# --- signing in, throttling --------------------------------------------------------------------


def test_signing_in_and_out_on_the_pages(alice):
    client = Client()

    page = client.get(reverse("login"))
    signed_in = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": "/queue/"}
    )
    queue = client.get(reverse("queue"))
    signed_out = client.post(reverse("logout"))

    assert page.status_code == 200
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/queue/"
    assert queue.status_code == 200
    assert signed_out["Location"] == reverse("login")
    assert client.get(reverse("queue")).status_code == 302


def test_the_test_client_can_still_sign_in_with_a_password(alice):
    client = Client()

    assert client.login(username="alice", password=PASSWORD)
    assert client.get(reverse("queue")).status_code == 200


def test_repeated_wrong_passwords_lock_the_sign_in(alice, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert wrong.status_code == 200
        assert "Please enter a correct username and password" in wrong.content.decode()

    last_wrong = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    right_but_locked = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert last_wrong.status_code == 429
    assert right_but_locked.status_code == 429
    assert "Too many failed sign-ins" in right_but_locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_api_tokens_keep_working_with_sign_in_throttling(alice):
    response = client_for(alice).get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["username"] == "alice"


# --- security headers and CSRF --------------------------------------------------------------


def test_every_page_carries_the_content_security_policy(
    hostile_article, submitted_verdict, alice, erin, signed_in
):
    article, claim, _ = hostile_article
    verdict = services.verdict_approve(
        verdict=submitted_verdict, by=erin, expected_version=submitted_verdict.version
    )
    responses = [
        Client().get(reverse("login")),
        Client().get(reverse("verdict-public", args=[verdict.pk])),
        Client().get(reverse("article-public", args=[article.pk])),
        Client().get("/no-such-page/"),
        signed_in(alice).get(reverse("queue")),
        signed_in(alice).get(reverse("claim-workspace", args=[claim.pk])),
        signed_in(alice).get(reverse("signoff-inbox")),
        signed_in(erin).get(reverse("article-detail", args=[article.pk])),
    ]

    for response in responses:
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "object-src 'none'" in policy


def test_forms_without_the_csrf_token_are_refused(held_claim, alice, signed_in):
    client = signed_in(alice, enforce_csrf_checks=True)
    queue_count = Claim.objects.filter(state="queued").count()

    take = client.post(reverse("queue-take-next"))
    evidence = client.post(
        reverse("claim-evidence-add", args=[held_claim.pk]),
        {"url": "https://example.org/report", "stance": "refutes"},
    )
    verdict = client.post(reverse("claim-verdict-save", args=[held_claim.pk]), DRAFT)

    assert (take.status_code, evidence.status_code, verdict.status_code) == (403, 403, 403)
    assert Claim.objects.filter(state="queued").count() == queue_count
    assert not EvidenceLink.objects.exists()
    assert not Verdict.objects.exists()


def test_forms_with_the_csrf_token_are_accepted(held_claim, alice, signed_in):
    client = signed_in(alice, enforce_csrf_checks=True)
    page = client.get(reverse("claim-workspace", args=[held_claim.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    header_token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)

    saved = client.post(
        reverse("claim-verdict-save", args=[held_claim.pk]),
        {**DRAFT, "csrfmiddlewaretoken": token},
    )
    previewed = client.post(
        reverse("markdown-preview"), {"rationale": "*ok*"}, HTTP_X_CSRFTOKEN=header_token
    )

    assert saved.status_code == 302
    assert previewed.status_code == 200
    assert Verdict.objects.get(claim=held_claim).headline == DRAFT["headline"]


# --- hostile text stays inert ------------------------------------------------------------------


def assert_inert(html: str) -> None:
    assert SCRIPT not in html
    assert IMG not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_article_text_is_escaped_on_every_page(hostile_article, alice, erin, signed_in):
    article, claim, _ = hostile_article
    services.claim_take_next(reviewer=alice)

    workspace = signed_in(alice).get(reverse("claim-workspace", args=[claim.pk]))
    article_page = signed_in(erin).get(reverse("article-detail", args=[article.pk]))
    articles = signed_in(erin).get(reverse("article-list")).content.decode()
    queue = signed_in(alice).get(reverse("queue")).content.decode()

    assert_inert(workspace.content.decode())
    assert_inert(article_page.content.decode())
    # The claim is marked in place, its text escaped inside the mark.
    assert (
        f'<mark class="claim claim-current" id="claim-{claim.pk}" title="This claim">'
        "The minister said &lt;script&gt;alert(1)&lt;/script&gt; that 90% of roads are new."
        "</mark>" in workspace.content.decode()
    )
    assert "Minister &lt;img src=x onerror=alert(1)&gt;" in workspace.content.decode()
    assert "Roads &lt;script&gt;alert(1)&lt;/script&gt;" in articles
    assert_inert(queue)


def test_evidence_and_verdict_text_is_escaped(held_claim, alice, erin, signed_in, local_web):
    url = serve_report(local_web)
    services.evidence_add(claim=held_claim, by=alice, url=url, stance="refutes", note=IMG)
    verdict = services.verdict_create(
        claim=held_claim,
        by=alice,
        rating="false",
        headline=SCRIPT,
        rationale=f"{SCRIPT}\n\n{IMG}\n\n[click](javascript:alert(1)) [source](https://example.org)",
    )
    for source_id in Source.objects.values_list("id", flat=True):
        fetch_source(source_id)
    verdict = services.verdict_submit(verdict=verdict, by=alice, expected_version=verdict.version)

    workspace = signed_in(alice).get(reverse("claim-workspace", args=[held_claim.pk]))
    review = signed_in(erin).get(reverse("signoff-review", args=[verdict.pk]))

    for response in (workspace, review):
        html = response.content.decode()
        assert_inert(html)
        assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
        assert '<a href="https://example.org" rel="nofollow noopener">source</a>' in html


def test_the_markdown_preview_is_sanitised(alice, signed_in):
    response = signed_in(alice).post(
        reverse("markdown-preview"),
        {
            "rationale": "# Finding\n\n**Bold** and *soft*. <b onclick=x>raw</b>\n\n"
            "[ok](https://example.org/a) [bad](javascript:alert(1))\n\n> quoted\n\n"
            "![pic](https://example.org/p.png)"
        },
    )

    html = response.content.decode()
    assert "<h3>Finding</h3>" in html
    assert "<strong>Bold</strong>" in html
    assert "&lt;b onclick=x&gt;raw&lt;/b&gt;" in html
    assert '<a href="https://example.org/a" rel="nofollow noopener">ok</a>' in html
    assert 'href="javascript' not in html
    assert "<img" not in html
    assert "<blockquote>" in html


def test_markdown_tables_render_in_rationales_through_the_sanitiser(alice, signed_in):
    response = signed_in(alice).post(
        reverse("markdown-preview"),
        {
            "rationale": "| Year | Claimed | Official |\n| :--- | ---: | ---: |\n"
            "| 2023 | 90% | 41% |\n| <script>x</script> | [a](javascript:x) | 3 |\n"
        },
    )

    html = response.content.decode()
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert "<th>Claimed</th>" in html
    assert "<td>90%</td>" in html
    assert "style=" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


# --- the queue --------------------------------------------------------------------------------


def test_taking_the_next_claim_opens_it_with_its_lease(alice, signed_in):
    claims = queued_claims(3, scores=[0.7, 0.9, 0.65])
    client = signed_in(alice)

    response = client.post(reverse("queue-take-next"), follow=True)

    top = claims[1]
    assert response.redirect_chain == [(reverse("claim-workspace", args=[top.pk]), 302)]
    assert Claim.objects.get(pk=top.pk).assignee == alice
    html = response.content.decode()
    assert "left</span> on your lease" in html
    assert "The claim is yours for 30 minutes." in messages_in(response)
    queue = client.get(reverse("queue")).content.decode()
    assert top.text in queue
    assert 'data-shortcut="n"' in queue
    assert "<kbd>n</kbd> take next claim" in queue


def test_an_empty_queue_says_so(alice, signed_in):
    response = signed_in(alice).post(reverse("queue-take-next"), follow=True)

    assert "The queue is empty: there is no claim to take." in messages_in(response)


def test_the_queue_filters_and_counts_by_state(alice, signed_in):
    claims = [claim_queued(claimant="John Kirby", kind="quotation"), *queued_claims(2)]
    other = claim_queued(claimant="Someone Else").article
    client = signed_in(alice)

    by_claimant = client.get(reverse("queue"), {"claimant": "kirby"})
    by_kind = client.get(reverse("queue"), {"kind": "statistic"})
    by_article = client.get(reverse("queue"), {"article": other.pk})

    assert [c.pk for c in by_claimant.context["waiting"]] == [claims[0].pk]
    assert claims[0].pk not in [c.pk for c in by_kind.context["waiting"]]
    assert [c.claimant for c in by_article.context["waiting"]] == ["Someone Else"]
    counts = {item["state"]: item["count"] for item in by_claimant.context["state_counts"]}
    assert counts["queued"] == 1


def _article_options(html: str) -> dict[str, bool]:
    """The queue's article filter: each option's value, and whether it is selected."""
    (select,) = re.findall(r'<select name="article"[^>]*>(.*?)</select>', html, re.S)
    options = re.findall(r'<option value="([^"]*)"([^>]*)>', select)
    return {value: "selected" in attributes for value, attributes in options}


def test_the_queue_article_filter_lists_the_newest_articles_and_keeps_an_older_choice(
    alice, signed_in
):
    oldest = claim_queued(claimant="First Speaker").article
    newer = [claim_queued(claimant="Later Speaker").article for _ in range(QUEUE_ARTICLE_CHOICES)]
    client = signed_in(alice)

    unfiltered = _article_options(client.get(reverse("queue")).content.decode())
    chosen_page = client.get(reverse("queue"), {"article": oldest.pk})
    chosen = _article_options(chosen_page.content.decode())
    too_big = client.get(reverse("queue"), {"article": "9" * 30})
    article_page = client.get(reverse("article-detail", args=[oldest.pk])).content.decode()

    assert list(unfiltered) == ["", *(str(article.pk) for article in reversed(newer))]
    assert chosen[str(oldest.pk)] is True
    assert len(chosen) == QUEUE_ARTICLE_CHOICES + 2
    assert [c.claimant for c in chosen_page.context["waiting"]] == ["First Speaker"]
    assert too_big.status_code == 200
    assert "Article: Select a valid choice." in too_big.content.decode()
    assert f'href="{reverse("queue")}?article={oldest.pk}#waiting"' in article_page


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_is_added_and_its_list_polls_while_fetching(held_claim, alice, signed_in):
    response = signed_in(alice).post(
        reverse("claim-evidence-add", args=[held_claim.pk]),
        {"url": "https://example.org/register", "stance": "refutes", "note": "Register"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="evidence-panel"' in html
    assert 'hx-trigger="every 2s"' in html
    assert 'data-fetch-state="pending"' in html
    assert EvidenceLink.objects.get(claim=held_claim).note == "Register"


def test_the_evidence_list_stops_polling_and_shows_the_snapshot_once_fetched(
    held_claim, alice, signed_in, local_web
):
    services.evidence_add(claim=held_claim, by=alice, url=serve_report(local_web), stance="refutes")
    client = signed_in(alice)
    before = client.get(reverse("claim-evidence", args=[held_claim.pk])).content.decode()
    for source_id in Source.objects.values_list("id", flat=True):
        fetch_source(source_id)

    after = client.get(reverse("claim-evidence", args=[held_claim.pk])).content.decode()

    assert "every 2s" in before
    assert "every 2s" not in after
    assert 'data-fetch-state="fetched"' in after
    assert "Road register" in after
    assert "The register lists 1,200 road projects" in after


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "ftp://example.org/x", "stance": "refutes"}, "http"),
        ({"url": "not a web address", "stance": "refutes"}, ""),
        ({"url": "https://example.org/x", "stance": "agrees"}, "Select a valid choice"),
        ({"url": "", "stance": "refutes"}, "This field is required"),
    ],
)
def test_bad_evidence_shows_a_message_and_writes_nothing(
    held_claim, alice, signed_in, data, message
):
    client = signed_in(alice)

    fragment = client.post(
        reverse("claim-evidence-add", args=[held_claim.pk]), data, HTTP_HX_REQUEST="true"
    )
    page = client.post(reverse("claim-evidence-add", args=[held_claim.pk]), data)

    assert fragment.status_code == 400
    assert 'class="error" role="alert"' in fragment.content.decode()
    assert message in fragment.content.decode()
    assert page.status_code == 400
    assert any(m.startswith("Evidence not added: ") for m in messages_in(page))
    assert not EvidenceLink.objects.exists()


def test_evidence_on_a_claim_held_by_someone_else_is_refused(held_claim, bob, signed_in):
    response = signed_in(bob).post(
        reverse("claim-evidence-add", args=[held_claim.pk]),
        {"url": "https://example.org/x", "stance": "refutes"},
    )

    assert response.status_code == 400
    assert "held by another fact-checker" in response.content.decode()
    assert not EvidenceLink.objects.exists()


# --- verdicts ---------------------------------------------------------------------------------


def test_a_draft_is_saved_with_the_version_it_was_loaded_with(held_claim, alice, signed_in):
    client = signed_in(alice)
    path = reverse("claim-verdict-save", args=[held_claim.pk])

    created = client.post(path, {**DRAFT, "action": "save"}, follow=True)
    updated = client.post(
        path, {**DRAFT, "headline": "Fewer roads are new", "version": 1}, follow=True
    )

    verdict = Verdict.objects.get(claim=held_claim)
    assert "Draft saved (version 1)." in messages_in(created)
    assert "Draft saved (version 2)." in messages_in(updated)
    assert (verdict.version, verdict.headline) == (2, "Fewer roads are new")
    assert 'name="version" value="2"' in updated.content.decode()


def test_a_stale_save_shows_both_versions_and_keeps_the_saved_one(held_claim, alice, signed_in):
    verdict = services.verdict_create(claim=held_claim, by=alice, **DRAFT)
    services.verdict_update(
        verdict=verdict, by=alice, expected_version=1, headline="Saved in the other tab"
    )

    response = signed_in(alice).post(
        reverse("claim-verdict-save", args=[held_claim.pk]),
        {**DRAFT, "headline": "Typed in this tab", "version": 1},
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Not saved: this verdict changed after you opened it" in html
    assert "<strong>alice</strong> saved version 2" in html
    assert "Saved in the other tab" in html
    assert "Typed in this tab" in html
    assert 'name="version" value="2"' in html
    assert Verdict.objects.get(pk=verdict.pk).headline == "Saved in the other tab"


def test_submitting_without_evidence_keeps_the_draft(held_claim, alice, signed_in):
    response = signed_in(alice).post(
        reverse("claim-verdict-save", args=[held_claim.pk]),
        {**DRAFT, "action": "submit"},
        follow=True,
    )

    assert any("Add at least one evidence link" in m for m in messages_in(response))
    verdict = Verdict.objects.get(claim=held_claim)
    assert verdict.state == "draft"
    assert Claim.objects.get(pk=held_claim.pk).state == "assigned"


def test_an_unknown_rating_is_refused(held_claim, alice, signed_in):
    response = signed_in(alice).post(
        reverse("claim-verdict-save", args=[held_claim.pk]), {**DRAFT, "rating": "pants_on_fire"}
    )

    assert response.status_code == 400
    assert any("Not saved" in m for m in messages_in(response))
    assert not Verdict.objects.exists()


def test_releasing_returns_the_claim_to_the_queue(held_claim, alice, bob, signed_in):
    refused = signed_in(bob).post(reverse("claim-release", args=[held_claim.pk]), follow=True)
    released = signed_in(alice).post(reverse("claim-release", args=[held_claim.pk]), follow=True)

    assert any("held by another fact-checker" in m for m in messages_in(refused))
    assert "The claim went back to the queue." in messages_in(released)
    assert Claim.objects.get(pk=held_claim.pk).state == "queued"


# --- sign-off ---------------------------------------------------------------------------------


def test_the_signoff_inbox_lists_submitted_verdicts_oldest_first(
    submitted_verdict, alice, erin, signed_in
):
    later = claim_queued()
    taken = services.claim_take_next(reviewer=alice)
    services.evidence_add(claim=taken, by=alice, url="https://example.org/b", stance="context")
    newer = services.verdict_create(claim=later, by=alice, **DRAFT)
    newer = services.verdict_submit(verdict=newer, by=alice, expected_version=1)

    response = signed_in(erin).get(reverse("signoff-inbox"))

    assert [v.pk for v in response.context["waiting"]] == [submitted_verdict.pk, newer.pk]
    assert DRAFT["headline"] in response.content.decode()


def test_a_return_needs_a_comment(submitted_verdict, erin, signed_in):
    response = signed_in(erin).post(
        reverse("signoff-return", args=[submitted_verdict.pk]),
        {"comment": "  ", "version": submitted_verdict.version},
    )

    assert response.status_code == 400
    assert any("a comment is required" in m for m in messages_in(response))
    assert Verdict.objects.get(pk=submitted_verdict.pk).state == "submitted"


def test_a_returned_verdict_shows_the_editors_comment_to_its_author(
    submitted_verdict, alice, erin, signed_in
):
    returned = signed_in(erin).post(
        reverse("signoff-return", args=[submitted_verdict.pk]),
        {"comment": "Cite the register's <b>page</b>.", "version": submitted_verdict.version},
        follow=True,
    )
    workspace = signed_in(alice).get(reverse("claim-workspace", args=[submitted_verdict.claim_id]))

    assert "Returned to its fact-checker with your comment." in messages_in(returned)
    html = workspace.content.decode()
    assert "Returned by erin" in html
    assert "Cite the register&#x27;s &lt;b&gt;page&lt;/b&gt;." in html
    assert "Resubmit for sign-off" in html


def test_approving_publishes_the_verdict(submitted_verdict, erin, signed_in):
    response = signed_in(erin).post(
        reverse("signoff-approve", args=[submitted_verdict.pk]),
        {"version": submitted_verdict.version, "comment": ""},
        follow=True,
    )

    assert f"Approved and published: “{DRAFT['headline']}”." in messages_in(response)
    assert Verdict.objects.get(pk=submitted_verdict.pk).state == "published"


def test_a_stale_approval_is_refused_with_a_message(submitted_verdict, erin, signed_in):
    response = signed_in(erin).post(
        reverse("signoff-approve", args=[submitted_verdict.pk]),
        {"version": submitted_verdict.version - 1},
        follow=True,
    )

    assert any("changed while you were reviewing" in m for m in messages_in(response))
    assert Verdict.objects.get(pk=submitted_verdict.pk).state == "submitted"


def test_approval_without_fetched_evidence_is_refused_with_a_message(alice, erin, signed_in):
    queued_claims(1)
    claim = services.claim_take_next(reviewer=alice)
    services.evidence_add(claim=claim, by=alice, url="https://example.org/never", stance="refutes")
    verdict = services.verdict_create(claim=claim, by=alice, **DRAFT)
    verdict = services.verdict_submit(verdict=verdict, by=alice, expected_version=1)

    response = signed_in(erin).post(
        reverse("signoff-approve", args=[verdict.pk]), {"version": verdict.version}, follow=True
    )

    assert response.status_code == 200
    assert any("evidence link whose source was fetched" in m for m in messages_in(response))
    assert Verdict.objects.get(pk=verdict.pk).state == "submitted"


def test_editors_do_not_sign_off_their_own_verdicts(erin, fiona, signed_in, local_web):
    queued_claims(1)
    claim = services.claim_take_next(reviewer=erin)
    services.evidence_add(claim=claim, by=erin, url=serve_report(local_web), stance="refutes")
    for source_id in Source.objects.values_list("id", flat=True):
        fetch_source(source_id)
    verdict = services.verdict_create(claim=claim, by=erin, **DRAFT)
    verdict = services.verdict_submit(verdict=verdict, by=erin, expected_version=1)

    page = signed_in(erin).get(reverse("signoff-review", args=[verdict.pk]))
    forced = signed_in(erin).post(
        reverse("signoff-approve", args=[verdict.pk]), {"version": verdict.version}, follow=True
    )

    assert "another editor must sign it off" in page.content.decode()
    assert 'id="approve-form"' not in page.content.decode()
    assert any("Nobody approves their own verdict" in m for m in messages_in(forced))
    assert Verdict.objects.get(pk=verdict.pk).state == "submitted"


# --- articles -----------------------------------------------------------------------------------


def test_pasted_text_is_ingested_with_its_claims(erin, signed_in, figure_extractor):
    response = signed_in(erin).post(
        reverse("article-new"),
        {
            "input_format": "text",
            "content": "Officials said 90% of the strikes missed. The weather was fine.",
            "title": "Strikes",
        },
        follow=True,
    )

    article = Article.objects.get()
    assert response.redirect_chain[-1][0] == reverse("article-detail", args=[article.pk])
    assert "Article stored: 1 claim found." in messages_in(response)
    assert "Officials said 90% of the strikes missed." in response.content.decode()


def test_the_same_article_twice_is_one_article(erin, signed_in, figure_extractor):
    data = {"input_format": "text", "content": "Officials said 90% of the strikes missed."}
    client = signed_in(erin)
    client.post(reverse("article-new"), data)

    again = client.post(reverse("article-new"), data, follow=True)

    assert "This article was already here: nothing was added." in messages_in(again)
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"input_format": "text", "content": "   "}, "The article is empty"),
        ({"input_format": "url", "url": "ftp://example.org/a"}, "http"),
        ({"input_format": "url", "url": ""}, ""),
        ({"input_format": "pdf", "content": "x"}, "Select a valid choice"),
    ],
)
def test_bad_ingest_input_shows_a_message_and_writes_nothing(
    erin, signed_in, figure_extractor, data, message
):
    response = signed_in(erin).post(reverse("article-new"), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error' in html
    assert message in html
    assert not Article.objects.exists()


def test_a_missing_claim_model_is_a_message_not_an_error_page(erin, signed_in, monkeypatch):
    from articles.extraction.scorer import ScorerUnavailable

    def unavailable(body, *args, **kwargs):
        raise ScorerUnavailable("model missing")

    monkeypatch.setattr("articles.services.extract_claims", unavailable)

    response = signed_in(erin).post(
        reverse("article-new"), {"input_format": "text", "content": "It rose 5% in May."}
    )

    assert response.status_code == 503
    assert "Claims cannot be extracted right now" in response.content.decode()
    assert not Article.objects.exists()


def test_an_article_page_shows_states_and_verdicts(submitted_verdict, erin, signed_in):
    article = submitted_verdict.claim.article

    response = signed_in(erin).get(reverse("article-detail", args=[article.pk]))

    html = response.content.decode()
    assert "Awaiting sign-off" in html
    assert "Mostly false" in html
    assert reverse("signoff-review", args=[submitted_verdict.pk]) in html


def test_editors_triage_on_the_article_page(erin, signed_in):
    article, first, second = ingest_hostile_article(second_score=TRIAGE_SCORE)
    client = signed_in(erin)
    page = reverse("article-detail", args=[article.pk])

    no_reason = client.post(reverse("claim-dismiss", args=[first.pk]), {"reason": ""}, follow=True)
    dismissed = client.post(
        reverse("claim-dismiss", args=[first.pk]), {"reason": "opinion", "next": page}, follow=True
    )
    queued = client.post(reverse("claim-queue", args=[second.pk]), {"next": page}, follow=True)
    too_big = client.post(reverse("claim-boost", args=[second.pk]), {"boost": 500}, follow=True)
    boosted = client.post(reverse("claim-boost", args=[second.pk]), {"boost": 40}, follow=True)

    assert messages_in(no_reason) == [
        f"Claim {first.pk} not dismissed: Reason for dismissing: Choose a reason for "
        "dismissing the claim."
    ]
    assert "Claim dismissed." in messages_in(dismissed)
    assert dismissed.redirect_chain[-1][0] == f"{page}#claim-row-{first.pk}"
    assert "Claim put in the review queue." in messages_in(queued)
    assert any("less than or equal to 100" in m for m in messages_in(too_big))
    assert any("Boost set to 40" in m for m in messages_in(boosted))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.dismiss_reason) == ("dismissed", "opinion")
    assert (second.state, second.boost) == ("queued", 40)
    moves = list(ReviewEvent.objects.filter(actor=erin).values_list("action", flat=True))
    assert moves == ["dismiss", "queue", "boost"]


def test_a_refused_triage_move_is_a_message(hostile_article, alice, erin, signed_in):
    _, claim, _ = hostile_article
    verdict_published(author=alice, editor=erin, claim=claim)

    response = signed_in(erin).post(
        reverse("claim-dismiss", args=[claim.pk]), {"reason": "opinion"}, follow=True
    )

    assert response.status_code == 200
    assert any("Cannot dismiss a claim" in m for m in messages_in(response))


# --- public pages -------------------------------------------------------------------------------


def test_the_public_verdict_page_carries_its_claimreview(submitted_verdict, erin):
    verdict = services.verdict_approve(
        verdict=submitted_verdict, by=erin, expected_version=submitted_verdict.version
    )

    response = Client().get(reverse("verdict-public", args=[verdict.pk]))

    html = response.content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    verdict = Verdict.objects.select_related("claim__article").get(pk=verdict.pk)
    assert json.loads(block.group(1)) == claimreview_for_verdict(verdict)
    assert "<strong>register</strong>" in html
    assert 'href="/articles/' in html


def test_unpublished_verdicts_have_no_public_page(submitted_verdict):
    assert Client().get(reverse("verdict-public", args=[submitted_verdict.pk])).status_code == 404


def test_the_public_article_summary_escapes_its_title(submitted_verdict, erin):
    verdict = services.verdict_approve(
        verdict=submitted_verdict, by=erin, expected_version=submitted_verdict.version
    )
    article = verdict.claim.article
    Article.objects.filter(pk=article.pk).update(title=f"Roads {SCRIPT}", publisher=IMG)

    html = Client().get(reverse("article-public", args=[article.pk])).content.decode()

    assert SCRIPT not in html
    assert IMG not in html
    assert "Roads &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert reverse("verdict-public", args=[verdict.pk]) in html


def test_the_public_article_summary_links_the_original_and_counts_the_checked_claims(alice, erin):
    original = "https://news.example.com/2015/10/09/roads-and-bridges"
    claims = queued_claims(4, url=original, title="Roads and bridges")
    for claim, rating in zip(claims[:3], ("false", "mostly_true", "false"), strict=True):
        verdict_published(author=alice, editor=erin, claim=claim, rating=rating)
    # The fourth claim is still being checked: the public does not count it.
    services.claim_take_next(reviewer=alice)

    html = Client().get(reverse("article-public", args=[claims[0].article_id])).content.decode()

    assertInHTML(f'<a href="{original}" rel="noopener noreferrer">{original}</a>', html)
    assertInHTML("<strong>3 claims checked</strong>", html)
    assertInHTML('<li>2 rated <span class="rating rating-false">False</span></li>', html)
    assertInHTML(
        '<li>1 rated <span class="rating rating-mostly_true">Mostly true</span></li>', html
    )
    assert "Mostly false" not in html


def test_a_public_summary_of_pasted_text_has_no_original_to_link(alice, erin):
    verdict = verdict_published(author=alice, editor=erin)

    response = Client().get(reverse("article-public", args=[verdict.claim.article_id]))
    html = response.content.decode()

    assert "The original article" not in html
    assertInHTML("<strong>1 claim checked</strong>", html)
    assertInHTML(
        '<li>1 rated <span class="rating rating-mostly_false">Mostly false</span></li>', html
    )


def test_an_article_with_nothing_published_has_no_public_summary(hostile_article):
    article, _, _ = hostile_article

    response = Client().get(reverse("article-public", args=[article.pk]))

    assert response.status_code == 404
    assert "Roads" not in response.content.decode()


def test_the_article_page_links_its_public_summary_once_something_is_published(
    submitted_verdict, erin, signed_in
):
    article_id = submitted_verdict.claim.article_id
    page = reverse("article-detail", args=[article_id])
    public = reverse("article-public", args=[article_id])
    client = signed_in(erin)

    before = client.get(page).content.decode()
    services.verdict_approve(
        verdict=submitted_verdict, by=erin, expected_version=submitted_verdict.version
    )
    after = client.get(page).content.decode()

    assert public not in before
    assert public in after


def test_a_submitted_url_is_read_in_the_background_while_the_page_waits(
    erin, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(erin)

    response = client.post(
        reverse("article-new"),
        {"input_format": "url", "url": "https://news.example.org/2015/10/strikes"},
        follow=True,
    )

    article = Article.objects.get()
    status_path = reverse("article-ingest-status", args=[article.pk])
    assert "Fetching the page; its claims appear here once it is read." in messages_in(response)
    assert f'hx-get="{status_path}"' in response.content.decode()
    waiting = client.get(status_path, HTTP_HX_REQUEST="true")
    assert waiting.status_code == 200
    assert 'hx-trigger="every 3s"' in waiting.content.decode()

    # The fetch fails for good; its article fails with it once that is committed.
    with django_capture_on_commit_callbacks(execute=True):
        source_fetch_failed(article.source, status_code=404, message="HTTP 404")
    done = client.get(status_path, HTTP_HX_REQUEST="true")
    page = client.get(reverse("article-detail", args=[article.pk])).content.decode()

    assert done.status_code == 204
    assert done["HX-Refresh"] == "true"
    assert "This article could not be read: HTTP 404" in page


def test_the_article_list_counts_claims(hostile_article, alice, signed_in):
    article, _, _ = hostile_article

    response = signed_in(alice).get(reverse("article-list"))

    listed = response.context["articles"][0]
    assert (listed.pk, listed.claim_count, listed.open_count) == (article.pk, 2, 2)


def test_renewing_the_lease_is_a_message(held_claim, alice, bob, signed_in):
    renewed = signed_in(alice).post(reverse("claim-renew", args=[held_claim.pk]), follow=True)
    refused = signed_in(bob).post(reverse("claim-renew", args=[held_claim.pk]), follow=True)

    assert "Your lease now runs 30 minutes from now." in messages_in(renewed)
    assert any("held by another fact-checker" in m for m in messages_in(refused))


def test_pages_refuse_the_wrong_method(held_claim, alice, signed_in):
    client = signed_in(alice)

    assert client.get(reverse("queue-take-next")).status_code == 405
    assert client.post(reverse("claim-workspace", args=[held_claim.pk])).status_code == 405
    assert Claim.objects.filter(assignee=alice).count() == 1


def test_the_article_form_names_each_field_it_refuses(alice):
    page = Client()
    page.force_login(alice)

    answer = page.post(
        "/articles/new/",
        {
            "input_format": "text",
            "content": "The ministry said 1,240 people were displaced by the floods.",
            "title": "T" * 2001,
            "publisher": "P" * 301,
        },
    )

    text = answer.content.decode()
    assert answer.status_code == 400
    assert "Title: Ensure this value has at most 2000 characters" in text
    assert "Publisher: Ensure this value has at most 300 characters" in text
    assert not Article.objects.exists()
