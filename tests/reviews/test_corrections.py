"""Corrections of published verdicts: an editor opens one with a reason, the published
verdict's author works on it as on any verdict, and another editor approves it. Until then the
published verdict is what every client reads; from then on the correction is, noted as one,
and subscribers hear of it as `verdict.corrected`.

alice and bob check facts, erin and fiona edit, newsbot is an API client, mallory holds no
role.
"""

import html
import json
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import dateformat, timezone

from reviews import workflow
from reviews.models import Claim, EvidenceLink, ReviewEvent, Verdict
from reviews.selectors import published_content_version
from reviews.workflow import Move
from tests.conftest import client_for
from tests.factories import (
    VERDICT,
    claim_queued,
    evidence_fetched,
    verdict_published,
    verdict_submitted,
)
from tests.webhooks.conftest import Receiver, expected_signature
from webhooks.models import Delivery, Subscriber

pytestmark = pytest.mark.django_db

REASON = "The monitors revised their count: most strikes missed ISIL-held areas."
CORRECTED = {
    "rating": "false",
    "headline": "Most strikes missed ISIL-held areas, the monitors' revised count shows",
    "rationale": "The monitors' **revised** count places most strikes outside ISIL areas.",
}


def correct_url(claim_id: int) -> str:
    return f"/api/v1/claims/{claim_id}/verdict/correct/"


def open_correction(client, claim_id: int, comment: str = REASON):
    return client.post(correct_url(claim_id), {"comment": comment}, format="json")


def published_long_ago(verdict: Verdict, *, days: int = 3) -> Verdict:
    """`verdict`, as if it had been published, with its evidence, `days` ago (time passing,
    which the database's clock does not do within a test)."""
    EvidenceLink.objects.filter(claim_id=verdict.claim_id).update(
        created_at=F("created_at") - timedelta(days=days)
    )
    Verdict.objects.filter(pk=verdict.pk).update(
        published_at=F("published_at") - timedelta(days=days),
        signed_off_at=F("signed_off_at") - timedelta(days=days),
    )
    verdict.refresh_from_db()
    return verdict


def work_on_correction(client, claim_id: int, *, fields=CORRECTED) -> str:
    """The holder edits the correction to `fields` and submits it; returns its ETag."""
    etag = client.get(f"/api/v1/claims/{claim_id}/verdict/")["ETag"]
    edited = client.patch(f"/api/v1/claims/{claim_id}/verdict/", fields, HTTP_IF_MATCH=etag)
    assert edited.status_code == 200, edited.json()
    submitted = client.post(
        f"/api/v1/claims/{claim_id}/verdict/submit/", HTTP_IF_MATCH=edited["ETag"]
    )
    assert submitted.status_code == 200, submitted.json()
    return submitted["ETag"]


def approve(client, claim_id: int, etag: str):
    return client.post(
        f"/api/v1/claims/{claim_id}/verdict/approve/", {"comment": ""}, HTTP_IF_MATCH=etag
    )


def public_reads(reader, claim_id: int) -> dict:
    """What API clients read of published verdicts, as `reader`: the verdicts each read shows
    (the list, the ClaimReview feed, claims:search, the claim's article summary)."""
    caches["answers"].clear()
    listed = reader.get("/api/v1/verdicts/").json()["results"]
    feed = reader.get("/api/v1/claimreview/").json()["dataFeedElement"]
    search = reader.get("/api/v1/claims:search", {"query": "strikes"}).json()["claims"]
    summary = reader.get(
        f"/api/v1/articles/{Claim.objects.get(pk=claim_id).article_id}/summary/"
    ).json()
    return {
        "list": [item["id"] for item in listed],
        "feed": [item["item"]["url"] for item in feed],
        "search": [claim["claimReview"][0]["url"] for claim in search],
        "summary": [item["id"] for item in summary["verdicts"]],
    }


@pytest.fixture
def original(alice, erin):
    """alice's verdict, approved by erin and published three days ago."""
    return published_long_ago(verdict_published(author=alice, editor=erin))


# --- opening a correction -------------------------------------------------------------------


def test_an_editor_opens_a_correction_held_by_the_verdicts_author(original, alice, fiona):
    response = open_correction(client_for(fiona), original.claim_id)

    assert response.status_code == 201, response.json()
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["state"] == "draft"
    assert body["author"] == "alice"
    assert body["corrects"] == original.pk
    assert body["correction_note"] == REASON
    assert {key: body[key] for key in VERDICT} == VERDICT
    claim = Claim.objects.get(pk=original.claim_id)
    assert (claim.state, claim.assignee, claim.lease_expires_at) == ("returned", alice, None)
    original.refresh_from_db()
    assert original.state == "published"
    event = ReviewEvent.objects.filter(claim=claim).latest("id")
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "correct",
        fiona,
        "published",
        "returned",
    )
    assert (event.verdict_id, event.comment) == (body["id"], REASON)


@pytest.mark.parametrize("person", ["alice", "newsbot", "mallory"])
def test_only_editors_open_a_correction(original, person, request):
    response = open_correction(client_for(request.getfixturevalue(person)), original.claim_id)

    assert response.status_code == 403
    if person != "mallory":
        assert response.json()["error"]["message"] == (
            "Only editors may open a correction of a published verdict."
        )
    assert Verdict.objects.filter(claim_id=original.claim_id).count() == 1
    assert Claim.objects.get(pk=original.claim_id).state == "published"


def test_an_anonymous_caller_opens_nothing(original):
    response = open_correction(client_for(None), original.claim_id)

    assert response.status_code in (401, 403)
    assert Verdict.objects.filter(claim_id=original.claim_id).count() == 1


@pytest.mark.parametrize("body", [{}, {"comment": ""}, {"comment": "   "}, {"comment": 5}])
def test_a_correction_needs_a_reason(original, erin, body):
    response = client_for(erin).post(correct_url(original.claim_id), body, format="json")

    assert response.status_code == 400
    assert "comment" in response.json()["error"]["message"]
    assert Verdict.objects.filter(claim_id=original.claim_id).count() == 1
    assert not ReviewEvent.objects.filter(action=Move.CORRECT).exists()


def test_a_claim_not_published_cannot_be_corrected(alice, erin):
    submitted = verdict_submitted(author=alice)
    queued = claim_queued()

    for claim_id, label in [(queued.pk, "queued"), (submitted.claim_id, "awaiting sign-off")]:
        response = open_correction(client_for(erin), claim_id)

        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "invalid_transition"
        assert error["message"] == (
            f"Cannot open a correction of a published verdict: the claim is {label}."
        )
    assert not Verdict.objects.filter(corrects__isnull=False).exists()


def test_an_unknown_claim_is_404(erin):
    assert open_correction(client_for(erin), 999_999).status_code == 404


def test_a_second_correction_is_refused_while_one_is_open(original, alice, erin, fiona):
    first = open_correction(client_for(erin), original.claim_id)
    again = open_correction(client_for(fiona), original.claim_id, "Another reason.")
    work_on_correction(client_for(alice), original.claim_id)
    while_awaiting_signoff = open_correction(client_for(fiona), original.claim_id, "Again.")

    for refused in (again, while_awaiting_signoff):
        assert refused.status_code == 409
        error = refused.json()["error"]
        assert error["code"] == "conflict"
        assert error["message"].startswith(
            "A correction of this claim's published verdict is already open"
        )
        assert error["details"]["correction_id"] == first.json()["id"]
    assert Verdict.objects.filter(claim_id=original.claim_id).count() == 2


def test_with_its_author_gone_the_opening_editor_holds_the_correction(original, alice, erin):
    alice.is_active = False
    alice.save()

    response = open_correction(client_for(erin), original.claim_id)

    assert response.status_code == 201
    assert response.json()["author"] == "erin"
    assert Claim.objects.get(pk=original.claim_id).assignee == erin


def test_the_database_holds_a_correction_to_its_reason_and_first_publication(original, alice):
    with (
        pytest.raises(IntegrityError, match="verdict_correction_complete"),
        transaction.atomic(),
    ):
        Verdict.objects.create(
            claim_id=original.claim_id,
            author=alice,
            corrects=original,
            first_published_at=original.published_at,
        )
    with (
        pytest.raises(IntegrityError, match="verdict_correction_complete"),
        transaction.atomic(),
    ):
        Verdict.objects.filter(pk=original.pk).update(correction_note="Not a correction.")


# --- working on it, and four eyes -----------------------------------------------------------


def test_the_holder_works_on_the_correction_and_nobody_else_does(original, alice, bob, erin):
    open_correction(client_for(erin), original.claim_id)
    claim = Claim.objects.get(pk=original.claim_id)
    correction = Verdict.objects.get(claim=claim, state="draft")

    holder = workflow.allowed_moves(claim, alice, verdict=correction, among=workflow.HOLDER_MOVES)
    other = workflow.allowed_moves(claim, bob, verdict=correction, among=workflow.HOLDER_MOVES)
    bobs_edit = client_for(bob).patch(
        f"/api/v1/claims/{claim.pk}/verdict/", {"headline": "Bob's"}, HTTP_IF_MATCH='"1"'
    )

    assert {Move.ADD_EVIDENCE, Move.EDIT_VERDICT, Move.SUBMIT} <= holder
    # No lease to renew or release, and no second verdict to start.
    assert not holder & {Move.RENEW, Move.RELEASE, Move.START_VERDICT}
    assert other == set()
    assert bobs_edit.status_code in (403, 409)
    # bob, who may not see the draft, reads the published verdict on the claim.
    assert client_for(bob).get(f"/api/v1/claims/{claim.pk}/verdict/").json()["id"] == original.pk
    assert not workflow.can(erin, Move.CORRECT, claim, verdict=correction)


def test_nobody_approves_their_own_correction(original, alice, erin, fiona):
    alice.is_active = False
    alice.save()
    open_correction(client_for(erin), original.claim_id)
    etag = work_on_correction(client_for(erin), original.claim_id)

    own = approve(client_for(erin), original.claim_id, etag)
    by_another = approve(client_for(fiona), original.claim_id, etag)

    assert own.status_code == 403
    assert own.json()["error"]["message"].startswith("Nobody approves their own verdict")
    assert by_another.status_code == 200, by_another.json()
    assert by_another.json()["signed_off_by"] == "fiona"


def test_a_correction_can_be_returned_and_resubmitted(original, alice, erin, fiona):
    open_correction(client_for(erin), original.claim_id)
    etag = work_on_correction(client_for(alice), original.claim_id)

    returned = client_for(fiona).post(
        f"/api/v1/claims/{original.claim_id}/verdict/return/",
        {"comment": "Link the revised dataset."},
        HTTP_IF_MATCH=etag,
    )
    etag = work_on_correction(client_for(alice), original.claim_id, fields={"headline": "Fixed"})
    approved = approve(client_for(fiona), original.claim_id, etag)

    assert returned.status_code == 200
    assert approved.status_code == 200
    assert approved.json()["headline"] == "Fixed"
    assert Verdict.objects.get(pk=original.pk).state == "superseded"


# --- what clients read ------------------------------------------------------------------------


def test_the_published_verdict_stays_public_until_the_correction_is_approved(
    original, alice, erin, fiona, newsbot, client
):
    reader = client_for(newsbot)
    before = public_reads(reader, original.claim_id)
    version = published_content_version()

    open_correction(client_for(erin), original.claim_id)
    evidence_fetched(
        claim=Claim.objects.get(pk=original.claim_id),
        by=alice,
        url="https://monitor.example.org/revised",
    )
    etag = work_on_correction(client_for(alice), original.claim_id)
    correction = Verdict.objects.get(claim_id=original.claim_id, state="submitted")

    during = public_reads(reader, original.claim_id)
    page = client.get(reverse("verdict-public", args=[original.pk]))
    api_item = client_for(erin).get(f"/api/v1/verdicts/{original.pk}/").json()
    assert during == before
    assert during["list"] == [original.pk]
    assert page.status_code == 200
    assert VERDICT["headline"] in html.unescape(page.content.decode())
    assert CORRECTED["headline"] not in html.unescape(page.content.decode())
    # What the holder adds to the claim is published with the correction, not before.
    assert [link["url"] for link in api_item["evidence"]] == ["https://monitor.example.org/report"]
    assert "monitor.example.org/revised" not in page.content.decode()
    assert client.get(reverse("verdict-public", args=[correction.pk])).status_code == 404
    assert client_for(erin).get(f"/api/v1/verdicts/{correction.pk}/").status_code == 404

    assert approve(client_for(fiona), original.claim_id, etag).status_code == 200

    after = public_reads(reader, original.claim_id)
    public_url = f"{settings.PUBLIC_BASE_URL}/verdicts/{correction.pk}/"
    assert after == {
        "list": [correction.pk],
        "feed": [public_url],
        "search": [public_url],
        "summary": [correction.pk],
    }
    assert published_content_version() != version
    item = client_for(erin).get(f"/api/v1/verdicts/{correction.pk}/").json()
    assert item["corrects_verdict_id"] == original.pk
    assert item["correction_note"] == REASON
    assert item["rating"] == "false"
    assert [link["url"] for link in item["evidence"]] == [
        "https://monitor.example.org/report",
        "https://monitor.example.org/revised",
    ]
    assert client_for(erin).get(f"/api/v1/verdicts/{original.pk}/").status_code == 404


def test_a_cached_answer_gives_way_to_the_approved_correction(original, alice, erin, fiona):
    reader = client_for(erin)
    open_correction(reader, original.claim_id)
    etag = work_on_correction(client_for(alice), original.claim_id)
    cached = reader.get("/api/v1/verdicts/")
    assert [item["id"] for item in cached.json()["results"]] == [original.pk]

    approve(client_for(fiona), original.claim_id, etag)
    fresh = reader.get("/api/v1/verdicts/", HTTP_IF_NONE_MATCH=cached["ETag"])

    assert fresh.status_code == 200
    [item] = fresh.json()["results"]
    assert (item["corrects_verdict_id"], item["rating"]) == (original.pk, "false")


def test_after_approval_the_earlier_verdict_is_superseded_and_claimreview_dated(
    original, alice, erin, fiona
):
    open_correction(client_for(erin), original.claim_id)
    etag = work_on_correction(client_for(alice), original.claim_id)
    approved = approve(client_for(fiona), original.claim_id, etag)

    correction = Verdict.objects.get(pk=approved.json()["id"])
    original.refresh_from_db()
    assert (original.state, correction.state) == ("superseded", "published")
    assert Claim.objects.get(pk=original.claim_id).state == "published"
    # The earlier verdict keeps its publication.
    assert original.published_at < correction.published_at
    assert original.signed_off_by == erin
    caches["answers"].clear()
    [element] = client_for(erin).get("/api/v1/claimreview/").json()["dataFeedElement"]
    review = element["item"]
    first_day = original.published_at.astimezone(UTC).date().isoformat()
    correction_day = correction.published_at.astimezone(UTC).date().isoformat()
    assert review["datePublished"] == first_day
    assert review["dateModified"] == correction_day
    assert (element["dateCreated"], element["dateModified"]) == (first_day, correction_day)
    assert review["reviewRating"]["alternateName"] == "False"


def test_a_first_publication_has_no_date_modified(original, erin):
    caches["answers"].clear()
    [element] = client_for(erin).get("/api/v1/claimreview/").json()["dataFeedElement"]

    assert "dateModified" not in element["item"]
    assert "dateModified" not in element


def test_the_audit_trail_records_each_step(original, alice, erin, fiona):
    opened = open_correction(client_for(erin), original.claim_id).json()
    etag = work_on_correction(client_for(alice), original.claim_id)
    approve(client_for(fiona), original.claim_id, etag)

    events = client_for(erin).get(f"/api/v1/claims/{original.claim_id}/events/").json()
    since = next(event["id"] for event in events if event["action"] == "correct")
    steps = [
        (e["action"], e["actor"], e["from_state"], e["to_state"], e["verdict"])
        for e in events
        if e["id"] >= since
    ]
    assert steps == [
        ("correct", "erin", "published", "returned", opened["id"]),
        ("edit", "alice", "returned", "returned", opened["id"]),
        ("submit", "alice", "returned", "submitted", opened["id"]),
        ("supersede", "fiona", "published", "superseded", original.pk),
        ("approve", "fiona", "submitted", "published", opened["id"]),
    ]
    assert events[-5]["comment"] == REASON


# --- the webhook ----------------------------------------------------------------------------


def test_subscribers_are_sent_the_correction_with_the_verdict_it_corrects(
    original,
    alice,
    erin,
    fiona,
    local_web,
    tasks_in_process,
    django_capture_on_commit_callbacks,
):
    hook = Receiver(local_web, "/hook", (200,))
    newsroom = Subscriber.objects.create(
        name="Newsroom", url=hook.url, event_types=["verdict.corrected"]
    )
    # Subscribed before the correction was published (within a test, the database's clock
    # stands still).
    Subscriber.objects.filter(pk=newsroom.pk).update(created_at=F("created_at") - timedelta(days=1))
    open_correction(client_for(erin), original.claim_id)
    etag = work_on_correction(client_for(alice), original.claim_id)

    with django_capture_on_commit_callbacks(execute=True):
        correction_id = approve(client_for(fiona), original.claim_id, etag).json()["id"]

    [(headers, body)] = hook.requests
    assert headers["x-factcheck-event"] == "verdict.corrected"
    assert headers["x-factcheck-signature"] == expected_signature(newsroom.secret, headers, body)
    sent = json.loads(body)
    assert sent["event"] == "verdict.corrected"
    assert sent["verdict"]["id"] == correction_id
    assert sent["verdict"]["corrects_verdict_id"] == original.pk
    assert sent["verdict"]["correction_note"] == REASON
    assert sent["verdict"]["rating"] == "false"
    assert sent["claimreview"]["dateModified"] != sent["claimreview"]["datePublished"]
    assert Delivery.objects.get(verdict_id=correction_id).state == "delivered"


# --- the pages ------------------------------------------------------------------------------


def test_editors_are_offered_the_correction_form_where_the_verdict_shows(
    original, alice, erin, client
):
    workspace = reverse("claim-workspace", args=[original.claim_id])
    client.force_login(alice)
    as_checker = client.get(workspace).content.decode()
    client.force_login(erin)
    as_editor = client.get(workspace).content.decode()

    assert "Correct this verdict" not in as_checker
    assert "Correct this verdict" in as_editor
    assert reverse("claim-verdict-correct", args=[original.claim_id]) in as_editor


def test_the_correction_form_needs_a_reason_and_opens_the_correction(original, alice, erin, client):
    client.force_login(erin)
    address = reverse("claim-verdict-correct", args=[original.claim_id])

    blank = client.post(address, {"comment": "  "})
    opened = client.post(address, {"comment": REASON}, follow=True)

    assert blank.status_code == 400
    assert "a comment is required" in blank.content.decode()
    page = opened.content.decode()
    assert "Correction opened and held by alice" in page
    assert "Correction opened by erin" in page
    assert Verdict.objects.get(claim_id=original.claim_id, state="draft").author == alice
    client.force_login(alice)
    holders_page = client.get(reverse("claim-workspace", args=[original.claim_id]))
    assert holders_page.context["verdict_form"] is not None
    assert holders_page.context["verdict_form"].initial["headline"] == VERDICT["headline"]
    assert REASON in holders_page.content.decode()
    queue = client.get(reverse("queue"))
    assert [claim.pk for claim in queue.context["my_claims"]] == [original.claim_id]


def test_a_fact_checker_cannot_post_the_correction_form(original, alice, client):
    client.force_login(alice)

    response = client.post(
        reverse("claim-verdict-correct", args=[original.claim_id]), {"comment": REASON}
    )

    assert response.status_code == 403
    assert not Verdict.objects.filter(corrects__isnull=False).exists()


def test_the_public_page_notes_the_correction_and_the_earlier_rating(
    original, alice, erin, fiona, client
):
    open_correction(client_for(erin), original.claim_id)
    etag = work_on_correction(client_for(alice), original.claim_id)
    correction_id = approve(client_for(fiona), original.claim_id, etag).json()["id"]
    correction = Verdict.objects.get(pk=correction_id)

    page = client.get(reverse("verdict-public", args=[correction_id]))
    earlier = client.get(reverse("verdict-public", args=[original.pk]))

    text = html.unescape(page.content.decode())
    day = dateformat.format(timezone.localtime(correction.published_at), "j F Y")
    first_day = dateformat.format(timezone.localtime(original.published_at), "j F Y")
    assert f"Corrected on {day}:</strong> {REASON}" in text
    assert "Earlier rating:" in text and "Mostly false" in text
    assert f"Published {first_day}, corrected {day}" in text
    assert CORRECTED["headline"] in text
    claimreview = page.context["claimreview_json"]
    assert json.loads(claimreview)["dateModified"] != json.loads(claimreview)["datePublished"]
    # The earlier verdict's address leads readers to the correction.
    assert earlier.status_code == 301
    assert earlier["Location"] == reverse("verdict-public", args=[correction_id])


def test_the_signoff_page_says_what_a_correction_corrects(original, alice, erin, fiona, client):
    open_correction(client_for(erin), original.claim_id)
    work_on_correction(client_for(alice), original.claim_id)
    correction = Verdict.objects.get(claim_id=original.claim_id, state="submitted")
    client.force_login(fiona)

    page = client.get(reverse("signoff-review", args=[correction.pk])).content.decode()

    assert "A correction" in page
    assert REASON in page
    assert reverse("verdict-public", args=[original.pk]) in page
