"""Unpublished and internal work stays with the people doing it.

alice holds claims and drafts verdicts; bob is a fact-checker with nothing to do with them;
erin edits; newsbot is an API client; anonymous visitors read the public pages.
Drafts and submitted verdicts are seen by their author and editors only; articles and their
claims are seen by the public and clients once something on them is published, and then only
what was published; evidence notes are working notes and never leave the newsroom.
"""

from datetime import timedelta

import pytest
from django.db.models.functions import Now
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Claim, ReviewEvent, Verdict
from sources.models import Source
from sources.tasks import fetch_source
from tests.conftest import client_for, signed_in_client
from tests.factories import queued_claims
from webhooks.models import Delivery, Subscriber
from webhooks.payloads import delivery_request
from webhooks.services import deliveries_create_for_verdict

pytestmark = pytest.mark.django_db

DRAFT = {
    "rating": "mostly_false",
    "headline": "Unreleased headline about the roads",
    "rationale": "Unreleased rationale citing the **register**.",
}
TWO_CLAIMS = (
    "Claim number 0 says 0 percent of strikes missed. "
    "Claim number 1 says 7 percent of strikes missed."
)
NOTE = "Internal note: the ministry press officer confirmed this off the record"


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


def fetch_all_sources():
    for source_id in Source.objects.values_list("id", flat=True):
        fetch_source(source_id)


@pytest.fixture
def drafted(alice):
    """alice holds a claim with a draft verdict (version 1)."""
    queued_claims(2)
    claim = services.claim_take_next(reviewer=alice)
    verdict = services.verdict_create(claim=claim, by=alice, **DRAFT)
    return claim, verdict


@pytest.fixture
def submitted(alice, local_web):
    """alice's verdict, with fetched evidence noted by her, waiting for sign-off; the article's
    second claim waits in the queue."""
    queued_claims(2, body=TWO_CLAIMS, url="https://news.example.com/roads")
    claim = services.claim_take_next(reviewer=alice)
    services.evidence_add(
        claim=claim, by=alice, url=serve_report(local_web), stance="refutes", note=NOTE
    )
    fetch_all_sources()
    verdict = services.verdict_create(claim=claim, by=alice, **DRAFT)
    return services.verdict_submit(verdict=verdict, by=alice, expected_version=verdict.version)


@pytest.fixture
def published_verdict(submitted, erin):
    return services.verdict_approve(verdict=submitted, by=erin, expected_version=submitted.version)


def assert_shows_no_draft(response):
    html = response.content.decode()
    assert DRAFT["headline"] not in html
    assert "Unreleased rationale" not in html
    assert "Nothing changed since the last save." not in html


# --- drafts on the claim pages -----------------------------------------------------------------


def test_someone_elses_draft_never_shows_on_a_refused_save(drafted, bob):
    claim, verdict = drafted
    path = reverse("claim-verdict-save", args=[claim.pk])
    form = {"headline": "Bob's guess", "rationale": "Bob's text", "action": "save"}

    response = signed_in_client(bob).post(path, form)
    followed = signed_in_client(bob).post(path, form, follow=True)

    assert response.status_code == 409
    assert_shows_no_draft(response)
    assert_shows_no_draft(followed)
    assert any("held by another fact-checker" in m for m in messages_in(response))
    assert Verdict.objects.get(pk=verdict.pk).headline == DRAFT["headline"]
    assert Verdict.objects.count() == 1


def test_a_submitted_verdict_never_shows_to_another_fact_checker_who_saves(submitted, bob):
    path = reverse("claim-verdict-save", args=[submitted.claim_id])

    response = signed_in_client(bob).post(
        path, {"headline": "x", "rationale": "y", "action": "save"}
    )
    # A complete verdict of bob's own: the refusal hands him back his text, and only his.
    bobs = {**DRAFT, "headline": "Bob's headline", "rationale": "Bob's rationale."}
    submit = signed_in_client(bob).post(path, {**bobs, "action": "submit"}, follow=True)

    assert response.status_code == 409
    assert_shows_no_draft(response)
    assert_shows_no_draft(submit)
    assert "Bob&#x27;s rationale." in submit.content.decode()
    assert Verdict.objects.get(pk=submitted.pk).state == "submitted"


def test_guessing_a_draft_confirms_nothing(drafted, bob):
    claim, verdict = drafted
    path = reverse("claim-verdict-save", args=[claim.pk])
    right = {**DRAFT, "version": verdict.version, "action": "save"}
    wrong = {**DRAFT, "headline": "A wrong guess", "version": verdict.version, "action": "save"}

    right_answer = signed_in_client(bob).post(path, right)
    wrong_answer = signed_in_client(bob).post(path, wrong)

    assert right_answer.status_code == wrong_answer.status_code == 409
    assert messages_in(right_answer) == messages_in(wrong_answer)
    assert "Nothing changed since the last save." not in messages_in(right_answer)
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version


def test_every_workspace_action_refuses_a_fact_checker_who_does_not_hold_the_claim(drafted, bob):
    claim, _verdict = drafted
    client = signed_in_client(bob)
    events_before = ReviewEvent.objects.count()

    evidence = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://example.org/x", "stance": "refutes", "note": "n"},
    )
    fragment = client.post(
        reverse("claim-evidence-add", args=[claim.pk]),
        {"url": "https://example.org/x", "stance": "refutes"},
        HTTP_HX_REQUEST="true",
    )
    release = client.post(reverse("claim-release", args=[claim.pk]), follow=True)
    renew = client.post(reverse("claim-renew", args=[claim.pk]), follow=True)
    page = client.get(reverse("claim-workspace", args=[claim.pk]))
    evidence_list = client.get(reverse("claim-evidence", args=[claim.pk]))

    for response in (evidence, fragment, release, renew, page, evidence_list):
        assert_shows_no_draft(response)
    assert "held by another fact-checker" in evidence.content.decode()
    assert "held by another fact-checker" in fragment.content.decode()
    assert any("held by another fact-checker" in m for m in messages_in(release))
    assert any("held by another fact-checker" in m for m in messages_in(renew))
    assert 'id="verdict-form"' not in page.content.decode()
    assert 'class="evidence-form' not in page.content.decode()
    assert ReviewEvent.objects.count() == events_before
    held = Claim.objects.get(pk=claim.pk)
    assert (held.state, held.assignee_id) == ("assigned", claim.assignee_id)


def test_the_holder_and_editors_still_see_the_draft(drafted, alice, erin):
    claim, _verdict = drafted

    mine = signed_in_client(alice).get(reverse("claim-workspace", args=[claim.pk]))
    editor = signed_in_client(erin).get(reverse("claim-workspace", args=[claim.pk]))

    assert DRAFT["headline"] in mine.content.decode()
    assert 'id="verdict-form"' in mine.content.decode()
    assert DRAFT["headline"] in editor.content.decode()


def test_an_editor_signs_off_a_submitted_verdict_from_the_signoff_pages(submitted, erin):
    client = signed_in_client(erin)

    review = client.get(reverse("signoff-review", args=[submitted.pk]))
    approved = client.post(
        reverse("signoff-approve", args=[submitted.pk]),
        {"version": submitted.version, "comment": ""},
        follow=True,
    )

    assert DRAFT["headline"] in review.content.decode()
    assert any("Approved and published" in m for m in messages_in(approved))


def test_the_article_page_shows_another_fact_checkers_draft_to_nobody_else(drafted, bob, erin):
    claim, _verdict = drafted
    path = reverse("article-detail", args=[claim.article_id])

    others = signed_in_client(bob).get(path).content.decode()
    editors = signed_in_client(erin).get(path).content.decode()

    assert "rating-mostly_false" not in others
    assert "rating-mostly_false" in editors


@pytest.mark.parametrize(
    ("lease_left", "app_clock_off_by", "offered"),
    [
        (timedelta(seconds=-1), timedelta(minutes=-10), False),
        (timedelta(minutes=1), timedelta(minutes=10), True),
    ],
    ids=["run out, app clock behind", "running, app clock ahead"],
)
def test_the_workspace_judges_the_lease_on_the_database_clock(
    drafted, alice, monkeypatch, lease_left, app_clock_off_by, offered
):
    """The web process's clock may drift from the database's, which every worker shares and
    the services judge leases by: the page offers work exactly when the services take it."""
    claim, verdict = drafted
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=Now() + lease_left)
    app_clock = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: app_clock() + app_clock_off_by)
    client = signed_in_client(alice)

    page = client.get(reverse("claim-workspace", args=[claim.pk])).content.decode()
    queue = client.get(reverse("queue")).content.decode()
    saved = client.post(
        reverse("claim-verdict-save", args=[claim.pk]),
        {**DRAFT, "headline": "Still mine", "version": verdict.version, "action": "save"},
        follow=True,
    )

    assert ('id="verdict-form"' in page) is offered
    assert ('class="evidence-form' in page) is offered
    assert ("Your lease has run out." in page) is not offered
    assert ("expired: take it again" in queue) is not offered
    # Typed work outlives the lease: once it ran out, the save took the claim back first.
    taken_back = any("nobody else had taken the claim" in m for m in messages_in(saved))
    assert taken_back is not offered
    assert "Draft saved (version 2)." in messages_in(saved)
    assert Verdict.objects.get(pk=verdict.pk).headline == "Still mine"


def test_a_lease_run_out_on_the_database_clock_closes_the_forms(drafted, alice, bob):
    claim, verdict = drafted
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=Now() - timedelta(seconds=1))
    client = signed_in_client(alice)

    page = client.get(reverse("claim-workspace", args=[claim.pk]))
    # bob takes the claim, with the draft, and rewrites it; alice's form still says version 1.
    services.claim_take(claim=claim, by=bob)
    handed = Verdict.objects.get(pk=verdict.pk)
    services.verdict_update(
        verdict=handed,
        by=bob,
        expected_version=handed.version,
        headline="Rewritten by the new holder",
    )
    saved = client.post(
        reverse("claim-verdict-save", args=[claim.pk]),
        {**DRAFT, "version": verdict.version, "action": "save"},
    )

    assert 'id="verdict-form"' not in page.content.decode()
    assert "Your lease has run out." in page.content.decode()
    assert saved.status_code == 409
    assert any("held by another fact-checker" in m for m in messages_in(saved))
    # Refused before anything was compared: bob's draft is neither shown nor confirmed.
    assert "Nothing changed since the last save." not in messages_in(saved)
    assert "Rewritten by the new holder" not in saved.content.decode()
    assert Verdict.objects.get(pk=verdict.pk).headline == "Rewritten by the new holder"


# --- public pages --------------------------------------------------------------------------


def test_an_article_with_nothing_published_has_no_public_summary(submitted):
    article = submitted.claim.article
    article.title = "Secret investigation in progress"
    article.save(update_fields=["title"])

    unpublished = Client().get(reverse("article-public", args=[article.pk]))
    missing = Client().get(reverse("article-public", args=[article.pk + 1000]))

    assert unpublished.status_code == missing.status_code == 404
    assert "Secret investigation" not in unpublished.content.decode()


def test_the_public_summary_shows_only_published_verdicts(published_verdict, alice):
    article = published_verdict.claim.article
    taken = services.claim_take_next(reviewer=alice)
    assert taken.article_id == article.pk
    services.verdict_create(
        claim=taken, by=alice, rating="true", headline="Another draft", rationale="r"
    )

    page = Client().get(reverse("article-public", args=[article.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("verdict-public", args=[published_verdict.pk]) in html
    assert "rating-true" not in html
    assert "Another draft" not in html


def test_a_verdict_not_yet_published_has_no_public_page(submitted):
    page = Client().get(reverse("verdict-public", args=[submitted.pk]))

    assert page.status_code == 404
    assert DRAFT["headline"] not in page.content.decode()


# --- the API article summary ---------------------------------------------------------------

INTERNAL_ARTICLE_FIELDS = {"ingest_state", "ingest_error", "content_hash", "extractor_version"}
INTERNAL_COUNTS = {"found", "triage", "queued", "in_review", "dismissed"}


def test_clients_get_no_summary_of_an_article_with_nothing_published(submitted, newsbot):
    article = submitted.claim.article
    client = client_for(newsbot)

    by_id = client.get(f"/api/v1/articles/{article.pk}/summary/")
    never = client.get(f"/api/v1/articles/{article.pk + 1000}/summary/")
    by_url = client.get("/api/v1/articles/summary/", {"url": article.source_url})
    unknown = client.get("/api/v1/articles/summary/", {"url": "https://news.example.com/none"})

    assert by_id.status_code == never.status_code == 404
    assert by_id.json() == never.json()
    assert by_url.status_code == unknown.status_code == 404
    assert by_url.json()["error"]["message"].replace(article.source_url, "URL") == (
        unknown.json()["error"]["message"].replace("https://news.example.com/none", "URL")
    )
    assert article.title not in by_id.content.decode() + by_url.content.decode()


def test_clients_see_only_the_published_part_of_an_article(published_verdict, alice, newsbot):
    article = published_verdict.claim.article
    client = client_for(newsbot)

    by_id = client.get(f"/api/v1/articles/{article.pk}/summary/")
    by_url = client.get("/api/v1/articles/summary/", {"url": article.source_url})

    assert by_id.status_code == 200
    body = by_id.json()
    assert body == by_url.json()
    assert body["article"]["title"] == article.title
    assert not INTERNAL_ARTICLE_FIELDS & set(body["article"])
    assert not INTERNAL_COUNTS & set(body["claims"])
    assert body["claims"]["published"] == 1
    assert body["claims"]["ratings"]["mostly_false"] == 1
    assert [v["id"] for v in body["verdicts"]] == [published_verdict.pk]


def test_fact_checkers_and_editors_keep_the_full_article_summary(submitted, alice, erin):
    article = submitted.claim.article

    for person in (alice, erin):
        body = client_for(person).get(f"/api/v1/articles/{article.pk}/summary/").json()
        assert set(body["article"]) >= INTERNAL_ARTICLE_FIELDS
        assert body["article"]["ingest_state"] == "extracted"
        assert set(body["claims"]) >= INTERNAL_COUNTS
        assert body["claims"]["in_review"] == 1
        assert body["verdicts"] == []


@pytest.mark.parametrize(
    "url",
    [
        "\x00",
        "https://news.example.com/roads\x00",
        "https://news.example.com/\x00roads",
        "http://[::1",
        "https://exa mple.com/a",
        "no address at all",
        "https://" + "a" * 3000 + ".example.com/",
    ],
)
def test_an_unusable_url_for_the_summary_is_a_clear_400(published_verdict, newsbot, alice, url):
    for person in (newsbot, alice):
        response = client_for(person).get("/api/v1/articles/summary/", {"url": url})

        assert response.status_code == 400, response.content[:300]
        error = response.json()["error"]
        assert error["code"] == "invalid_input"
        assert error["message"].startswith("url: ")
        assert "url" in error["details"]


def test_a_nul_in_a_repeated_url_parameter_is_a_400(published_verdict, newsbot):
    response = client_for(newsbot).get(
        "/api/v1/articles/summary/?url=https://news.example.com/roads&url=%00"
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("url: ")


def test_a_missing_url_for_the_summary_says_what_to_send(newsbot):
    for query in ("", "?url=", "?url=%20"):
        response = client_for(newsbot).get(f"/api/v1/articles/summary/{query}")

        assert response.status_code == 400
        assert "?url=https://" in response.json()["error"]["message"]


# --- evidence notes --------------------------------------------------------------------------


def test_evidence_notes_appear_in_nothing_clients_or_the_public_see(
    submitted, alice, newsbot, erin
):
    subscriber = Subscriber.objects.create(
        name="Wire", url="https://93.184.215.14/hook", secret="s" * 40
    )
    verdict = services.verdict_approve(
        verdict=submitted, by=erin, expected_version=submitted.version
    )
    article = verdict.claim.article
    # What the publication hook does once the approval is committed.
    (delivery,) = deliveries_create_for_verdict(verdict_id=verdict.pk)
    body, _headers = delivery_request(delivery=Delivery.objects.select_related("subscriber").get())
    api = client_for(newsbot)
    outputs = {
        "verdict list": api.get("/api/v1/verdicts/"),
        "verdict detail": api.get(f"/api/v1/verdicts/{verdict.pk}/"),
        "claimreview feed": api.get("/api/v1/claimreview/"),
        "claims search": api.get("/api/v1/claims:search", {"query": "percent strikes"}),
        "article summary": api.get(f"/api/v1/articles/{article.pk}/summary/"),
        "article summary by url": api.get("/api/v1/articles/summary/", {"url": article.source_url}),
        "full article summary": client_for(erin).get(f"/api/v1/articles/{article.pk}/summary/"),
        "public verdict page": Client().get(reverse("verdict-public", args=[verdict.pk])),
        "public article page": Client().get(reverse("article-public", args=[article.pk])),
    }
    workspace = signed_in_client(alice).get(reverse("claim-workspace", args=[verdict.claim_id]))

    assert delivery.subscriber_id == subscriber.pk
    for name, response in outputs.items():
        assert response.status_code == 200, name
        assert NOTE not in response.content.decode(), name
    assert NOTE not in body.decode()
    assert NOTE not in str(delivery.payload)
    # The evidence itself is published; only the note is kept in.
    assert outputs["verdict detail"].json()["evidence"][0]["stance"] == "refutes"
    assert "/report" in outputs["public verdict page"].content.decode()
    assert "percent" in outputs["claims search"].content.decode()
    # The note is kept, for the newsroom.
    assert NOTE in workspace.content.decode()
