"""Verdicts: drafting with optimistic concurrency, submission, and four-eyes sign-off."""

import threading

import pytest
from django.db import connection

from reviews.models import Claim, ReviewEvent, Verdict
from sources.models import Source
from sources.tasks import fetch_source
from tests.conftest import client_for
from tests.factories import queued_claims

pytestmark = pytest.mark.django_db

DRAFT = {
    "rating": "mostly_false",
    "headline": "Most strikes hit ISIL-held areas, monitors found",
    "rationale": "Airwars recorded **most** coalition strikes in ISIL-held territory.",
}


def serve_page(local_web, path="/report"):
    local_web.expect_request(path).respond_with_data(
        "<html><head><title>Strike report</title></head><body><article>"
        "<p>Monitors recorded 2,400 strikes in ISIL-held areas during the period.</p>"
        "</article></body></html>",
        content_type="text/html; charset=utf-8",
    )
    return local_web.url_for(path)


def take_and_draft(client, *, with_evidence_url=None):
    claim = client.post("/api/v1/queue/next/").json()
    if with_evidence_url:
        response = client.post(
            f"/api/v1/claims/{claim['id']}/evidence/",
            {"url": with_evidence_url, "stance": "refutes", "note": "Monitor's count"},
        )
        assert response.status_code == 201, response.json()
    response = client.post(f"/api/v1/claims/{claim['id']}/verdict/", DRAFT)
    assert response.status_code == 201, response.json()
    return claim["id"], response["ETag"]


def fetch_all_sources():
    for source_id in Source.objects.values_list("id", flat=True):
        fetch_source(source_id)


def submit(client, claim_id, etag):
    return client.post(f"/api/v1/claims/{claim_id}/verdict/submit/", HTTP_IF_MATCH=etag)


def test_a_draft_carries_an_etag_and_updates_need_it(alice, local_web):
    queued_claims(1)
    client = client_for(alice)
    claim_id, etag = take_and_draft(client)

    missing = client.patch(f"/api/v1/claims/{claim_id}/verdict/", {"headline": "New"})
    updated = client.patch(
        f"/api/v1/claims/{claim_id}/verdict/", {"headline": "New"}, HTTP_IF_MATCH=etag
    )
    stale = client.patch(
        f"/api/v1/claims/{claim_id}/verdict/", {"headline": "Newer"}, HTTP_IF_MATCH=etag
    )

    assert etag == '"1"'
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["error"]["message"]
    assert updated.status_code == 200
    assert updated["ETag"] == '"2"'
    assert stale.status_code == 412
    assert stale.json()["error"]["details"]["current_version"] == 2
    assert stale["ETag"] == '"2"'
    assert Verdict.objects.get(claim_id=claim_id).headline == "New"


def test_a_malformed_if_match_is_a_clear_400(alice):
    queued_claims(1)
    client = client_for(alice)
    claim_id, _etag = take_and_draft(client)

    response = client.patch(
        f"/api/v1/claims/{claim_id}/verdict/", {"headline": "x"}, HTTP_IF_MATCH="yesterday"
    )

    assert response.status_code == 400
    assert "ETag" in response.json()["error"]["message"]


def test_submitting_needs_evidence(alice):
    queued_claims(1)
    client = client_for(alice)
    claim_id, etag = take_and_draft(client)

    response = submit(client, claim_id, etag)

    assert response.status_code == 400
    assert "evidence" in response.json()["error"]["message"]
    assert Verdict.objects.get(claim_id=claim_id).state == "draft"


def test_submitting_needs_a_complete_verdict(alice, local_web):
    queued_claims(1)
    client = client_for(alice)
    claim = client.post("/api/v1/queue/next/").json()
    client.post(
        f"/api/v1/claims/{claim['id']}/evidence/",
        {"url": serve_page(local_web), "stance": "refutes"},
    )
    draft = client.post(f"/api/v1/claims/{claim['id']}/verdict/", {"rating": "false"})

    response = submit(client, claim["id"], draft["ETag"])

    assert response.status_code == 400
    assert response.json()["error"]["details"]["missing"] == ["headline", "rationale"]


def test_nobody_approves_their_own_verdict_editors_included(erin, fiona, local_web):
    queued_claims(1)
    author = client_for(erin)
    claim_id, etag = take_and_draft(author, with_evidence_url=serve_page(local_web))
    fetch_all_sources()
    submitted = submit(author, claim_id, etag)

    own = author.post(
        f"/api/v1/claims/{claim_id}/verdict/approve/", HTTP_IF_MATCH=submitted["ETag"]
    )
    other = client_for(fiona).post(
        f"/api/v1/claims/{claim_id}/verdict/approve/", HTTP_IF_MATCH=submitted["ETag"]
    )

    assert own.status_code == 403
    assert "own verdict" in own.json()["error"]["message"]
    assert other.status_code == 200
    assert other.json()["state"] == "published"
    assert other.json()["signed_off_by"] == "fiona"


def test_a_fact_checker_cannot_approve(alice, bob, local_web):
    queued_claims(1)
    claim_id, etag = take_and_draft(client_for(alice), with_evidence_url=serve_page(local_web))
    fetch_all_sources()
    submitted = submit(client_for(alice), claim_id, etag)

    response = client_for(bob).post(
        f"/api/v1/claims/{claim_id}/verdict/approve/", HTTP_IF_MATCH=submitted["ETag"]
    )

    assert response.status_code == 403
    assert Verdict.objects.get(claim_id=claim_id).state == "submitted"


def test_approval_needs_evidence_whose_source_was_fetched(alice, erin, local_web):
    queued_claims(1)
    claim_id, etag = take_and_draft(client_for(alice), with_evidence_url=serve_page(local_web))
    submitted = submit(client_for(alice), claim_id, etag)
    editor = client_for(erin)

    before_fetch = editor.post(
        f"/api/v1/claims/{claim_id}/verdict/approve/", HTTP_IF_MATCH=submitted["ETag"]
    )
    fetch_all_sources()
    after_fetch = editor.post(
        f"/api/v1/claims/{claim_id}/verdict/approve/", HTTP_IF_MATCH=submitted["ETag"]
    )

    assert before_fetch.status_code == 409
    assert "fetched successfully" in before_fetch.json()["error"]["message"]
    assert after_fetch.status_code == 200
    verdict = Verdict.objects.get(claim_id=claim_id)
    assert verdict.published_at is not None and verdict.signed_off_by == erin
    assert Claim.objects.get(pk=claim_id).state == "published"


def test_return_needs_a_comment_which_the_author_sees(alice, erin, local_web):
    queued_claims(1)
    author = client_for(alice)
    claim_id, etag = take_and_draft(author, with_evidence_url=serve_page(local_web))
    submitted = submit(author, claim_id, etag)
    editor = client_for(erin)

    no_comment = editor.post(
        f"/api/v1/claims/{claim_id}/verdict/return/", {}, HTTP_IF_MATCH=submitted["ETag"]
    )
    returned = editor.post(
        f"/api/v1/claims/{claim_id}/verdict/return/",
        {"comment": "Cite the monitor's own report, not a summary."},
        HTTP_IF_MATCH=submitted["ETag"],
    )

    assert no_comment.status_code == 400
    assert returned.status_code == 200
    seen = author.get(f"/api/v1/claims/{claim_id}/verdict/").json()
    assert seen["state"] == "returned"
    assert seen["signoff_comment"] == "Cite the monitor's own report, not a summary."
    claim = author.get(f"/api/v1/claims/{claim_id}/").json()
    assert claim["state"] == "returned" and claim["assignee"] == "alice"


def test_another_fact_checker_cannot_touch_a_claim_they_do_not_hold(alice, bob, local_web):
    queued_claims(1)
    claim_id, etag = take_and_draft(client_for(alice))
    intruder = client_for(bob)

    responses = [
        intruder.post(f"/api/v1/claims/{claim_id}/verdict/", DRAFT),
        intruder.patch(
            f"/api/v1/claims/{claim_id}/verdict/", {"headline": "Mine"}, HTTP_IF_MATCH=etag
        ),
        intruder.post(
            f"/api/v1/claims/{claim_id}/evidence/",
            {"url": "https://example.org/x", "stance": "context"},
        ),
        submit(intruder, claim_id, etag),
    ]

    # Writes on the claim are refused; the draft itself is not even visible to them.
    assert [r.status_code for r in responses] == [409, 404, 409, 404]
    assert Verdict.objects.get(claim_id=claim_id).headline == DRAFT["headline"]


def test_bad_evidence_input_is_refused_and_nothing_is_written(alice):
    queued_claims(1)
    client = client_for(alice)
    claim = client.post("/api/v1/queue/next/").json()
    url = f"/api/v1/claims/{claim['id']}/evidence/"

    responses = [
        client.post(url, {"url": "javascript:alert(1)", "stance": "supports"}),
        client.post(url, {"url": "not a url", "stance": "supports"}),
        client.post(url, {"url": "https://example.org/a", "stance": "agrees"}),
        client.post(url, {"url": "https://example.org/" + "a" * 3000, "stance": "supports"}),
        client.post(url, {"stance": "supports"}),
    ]

    assert [r.status_code for r in responses] == [400] * 5
    assert all(r.json()["error"]["message"] for r in responses)
    assert Source.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_writers_exactly_one_wins(local_web):
    from accounts.roles import Role
    from accounts.services import user_upsert

    author = user_upsert(username="writer", role=Role.FACT_CHECKER)[0]
    queued_claims(1)
    claim_id, etag = take_and_draft(client_for(author))
    clients = [client_for(author), client_for(author)]
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def write(client, headline):
        barrier.wait()
        response = client.patch(
            f"/api/v1/claims/{claim_id}/verdict/", {"headline": headline}, HTTP_IF_MATCH=etag
        )
        statuses.append(response.status_code)
        connection.close()

    threads = [
        threading.Thread(target=write, args=(client, f"Headline {i}"))
        for i, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [200, 412]
    assert Verdict.objects.get(claim_id=claim_id).version == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_publish_once(local_web):
    from accounts.roles import Role
    from accounts.services import user_upsert

    author = user_upsert(username="writer", role=Role.FACT_CHECKER)[0]
    editors = [user_upsert(username=f"editor{i}", role=Role.EDITOR)[0] for i in range(2)]
    queued_claims(1)
    claim_id, etag = take_and_draft(client_for(author), with_evidence_url=serve_page(local_web))
    fetch_all_sources()
    etag = submit(client_for(author), claim_id, etag)["ETag"]
    clients = [client_for(editor) for editor in editors]
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def approve(client):
        barrier.wait()
        response = client.post(f"/api/v1/claims/{claim_id}/verdict/approve/", HTTP_IF_MATCH=etag)
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=approve, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses)[0] == 200
    assert sorted(statuses)[1] in (409, 412)
    assert Verdict.objects.filter(claim_id=claim_id, state="published").count() == 1
    assert ReviewEvent.objects.filter(claim_id=claim_id, action="approve").count() == 1
