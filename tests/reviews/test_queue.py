"""The claim queue: ordering, leases, and one claim per reviewer under concurrency."""

import threading

import pytest
from django.db import connection

from reviews import services
from reviews.models import Claim, ReviewEvent
from reviews.services import claim_take_next, claims_expire_leases
from tests.factories import claim_queued, queued_claims, triaged_claims

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["one statement", "in steps"])
def take_next_path(request, monkeypatch):
    """Every queue test runs twice: with PostgreSQL's single statement, and with the steps
    other databases take (row locks and the database clock work on PostgreSQL too), so the
    two ways of taking a claim cannot drift apart."""
    if request.param == "in steps":
        monkeypatch.setattr(services, "_take_next_in_one_statement", services._take_next_in_steps)
    return request.param


def expire_lease(claim_id: int) -> None:
    """Move the lease into the past on the database clock (no sleeping)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reviews_claim SET lease_expires_at = now() - interval '1 minute' WHERE id = %s",
            [claim_id],
        )


def test_next_hands_out_the_highest_priority_claim_with_a_lease(api_as, alice):
    queued_claims(3, scores=[0.7, 0.9, 0.65])

    response = api_as(alice).post("/api/v1/queue/next/")

    assert response.status_code == 200
    body = response.json()
    assert body["priority"] == 90.0
    assert body["state"] == "assigned"
    assert body["assignee"] == "alice"
    assert body["lease_expires_at"] is not None


def test_equal_priority_goes_oldest_first(api_as, alice):
    first, _second = queued_claims(2)

    taken = api_as(alice).post("/api/v1/queue/next/").json()

    assert taken["id"] == first.id


def test_next_answers_204_when_nothing_is_left(api_as, alice):
    triaged_claims(1)

    response = api_as(alice).post("/api/v1/queue/next/")

    assert response.status_code == 204


def test_triaged_and_dismissed_claims_are_not_handed_out(api_as, alice):
    triaged_claims(2)

    assert api_as(alice).post("/api/v1/queue/next/").status_code == 204


def test_an_expired_lease_makes_the_claim_available_again(api_as, alice, bob):
    (claim,) = queued_claims(1)
    assert api_as(alice).post("/api/v1/queue/next/").json()["id"] == claim.id
    assert api_as(bob).post("/api/v1/queue/next/").status_code == 204

    expire_lease(claim.id)
    taken = api_as(bob).post("/api/v1/queue/next/")

    assert taken.status_code == 200
    assert taken.json()["id"] == claim.id
    assert taken.json()["assignee"] == "bob"
    actions = list(ReviewEvent.objects.filter(claim=claim).values_list("action", flat=True))
    assert actions == ["extract", "take", "expire", "take"]


def test_a_lapsed_holders_draft_passes_to_the_next_taker(api_as, alice, bob):
    (claim,) = queued_claims(1)
    api_as(alice).post("/api/v1/queue/next/")
    draft = api_as(alice).post(f"/api/v1/claims/{claim.id}/verdict/", {"headline": "Alice's"})
    expire_lease(claim.id)

    taken = api_as(bob).post("/api/v1/queue/next/")

    assert taken.json()["id"] == claim.id
    verdict = api_as(bob).get(f"/api/v1/claims/{claim.id}/verdict/")
    assert verdict.json()["author"] == "bob"
    assert verdict.json()["headline"] == "Alice's"
    # The hand-over is a change: Alice's last-seen version no longer writes.
    assert verdict["ETag"] != draft["ETag"]
    stale = api_as(bob).patch(
        f"/api/v1/claims/{claim.id}/verdict/", {"headline": "Bob's"}, HTTP_IF_MATCH=draft["ETag"]
    )
    assert stale.status_code == 412
    fixed = api_as(bob).patch(
        f"/api/v1/claims/{claim.id}/verdict/", {"headline": "Bob's"}, HTTP_IF_MATCH=verdict["ETag"]
    )
    assert fixed.status_code == 200
    events = list(
        ReviewEvent.objects.filter(claim=claim)
        .order_by("id")
        .values_list("action", "actor__username", "comment")
    )
    assert events == [
        ("extract", None, ""),
        ("take", "alice", ""),
        ("draft", "alice", ""),
        ("expire", None, f"Lease of user {alice.pk} expired."),
        ("take", "bob", ""),
        ("hand_over", None, f"Draft of user {alice.pk} passed to user {bob.pk}, the new holder."),
        ("edit", "bob", ""),
    ]


@pytest.mark.parametrize("back_to_the_queue", ["released", "swept after its lease ran out"])
def test_a_draft_left_on_a_queued_claim_passes_to_whoever_takes_it(
    api_as, alice, bob, back_to_the_queue
):
    (claim,) = queued_claims(1)
    api_as(alice).post("/api/v1/queue/next/")
    api_as(alice).post(f"/api/v1/claims/{claim.id}/verdict/", {"headline": "Alice's"})
    if back_to_the_queue == "released":
        api_as(alice).post(f"/api/v1/claims/{claim.id}/release/")
    else:
        expire_lease(claim.id)
        assert claims_expire_leases() == 1

    assert api_as(bob).post("/api/v1/queue/next/").json()["id"] == claim.id
    verdict = api_as(bob).get(f"/api/v1/claims/{claim.id}/verdict/")
    edited = api_as(bob).patch(
        f"/api/v1/claims/{claim.id}/verdict/", {"headline": "Bob's"}, HTTP_IF_MATCH=verdict["ETag"]
    )

    assert verdict.json()["author"] == "bob"
    assert verdict.json()["headline"] == "Alice's"
    assert edited.status_code == 200
    hand_over = ReviewEvent.objects.get(claim=claim, action="hand_over")
    assert hand_over.verdict_id == verdict.json()["id"]
    assert api_as(alice).get(f"/api/v1/claims/{claim.id}/verdict/").status_code == 404


def test_a_taken_claim_comes_with_its_evidence_as_its_page_shows_it(api_as, alice, bob):
    (claim,) = queued_claims(1)
    api_as(alice).post("/api/v1/queue/next/")
    added = api_as(alice).post(
        f"/api/v1/claims/{claim.id}/evidence/",
        {"url": "https://example.org/report", "stance": "refutes", "note": "Monitor's count"},
    )
    assert added.status_code == 201
    api_as(alice).post(f"/api/v1/claims/{claim.id}/release/")

    taken = api_as(bob).post("/api/v1/queue/next/").json()

    assert [link["url"] for link in taken["evidence"]] == ["https://example.org/report"]
    assert taken == api_as(bob).get(f"/api/v1/claims/{claim.id}/").json()


def test_a_claim_without_evidence_is_handed_out_as_its_page_shows_it(api_as, alice):
    (claim,) = queued_claims(1)

    taken = api_as(alice).post("/api/v1/queue/next/").json()

    assert taken["evidence"] == []
    assert taken == api_as(alice).get(f"/api/v1/claims/{claim.id}/").json()


def test_the_former_holder_gets_409_after_the_lease_expired(api_as, alice, bob):
    (claim,) = queued_claims(1)
    api_as(alice).post("/api/v1/queue/next/")
    expire_lease(claim.id)
    api_as(bob).post("/api/v1/queue/next/")

    for path in ("renew", "release"):
        response = api_as(alice).post(f"/api/v1/claims/{claim.id}/{path}/")
        assert response.status_code == 409, path
        assert "another fact-checker" in response.json()["error"]["message"]


def test_an_expired_lease_refuses_the_holder_even_before_anyone_else_takes_it(api_as, alice):
    (claim,) = queued_claims(1)
    api_as(alice).post("/api/v1/queue/next/")
    expire_lease(claim.id)

    response = api_as(alice).post(f"/api/v1/claims/{claim.id}/renew/")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "lease_expired"


def test_renew_extends_the_lease(api_as, alice):
    (claim,) = queued_claims(1)
    api_as(alice).post("/api/v1/queue/next/")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reviews_claim SET lease_expires_at = now() + interval '1 minute' WHERE id = %s",
            [claim.id],
        )
    before = Claim.objects.get(pk=claim.id).lease_expires_at

    response = api_as(alice).post(f"/api/v1/claims/{claim.id}/renew/")

    assert response.status_code == 200
    after = Claim.objects.get(pk=claim.id).lease_expires_at
    assert (after - before).total_seconds() > 25 * 60


def test_release_gives_the_claim_back_to_the_queue(api_as, alice, bob):
    (claim,) = queued_claims(1)
    api_as(alice).post("/api/v1/queue/next/")

    response = api_as(alice).post(f"/api/v1/claims/{claim.id}/release/")

    assert response.status_code == 200
    assert response.json()["state"] == "queued"
    assert response.json()["assignee"] is None
    assert api_as(bob).post("/api/v1/queue/next/").json()["id"] == claim.id


def test_someone_else_cannot_release_or_renew_my_claim(api_as, alice, bob):
    (claim,) = queued_claims(1)
    api_as(alice).post("/api/v1/queue/next/")

    assert api_as(bob).post(f"/api/v1/claims/{claim.id}/release/").status_code == 409
    assert api_as(bob).post(f"/api/v1/claims/{claim.id}/renew/").status_code == 409
    assert Claim.objects.get(pk=claim.id).assignee == alice


def test_editors_queue_dismiss_and_boost(api_as, erin):
    triaged, other = triaged_claims(2)
    editor = api_as(erin)

    queued = editor.post(f"/api/v1/claims/{triaged.id}/queue/")
    dismissed = editor.post(f"/api/v1/claims/{other.id}/dismiss/", {"reason": "opinion"})
    boosted = editor.post(f"/api/v1/claims/{triaged.id}/boost/", {"boost": 25})

    assert queued.json()["state"] == "queued"
    assert dismissed.json()["state"] == "dismissed"
    assert dismissed.json()["dismiss_reason"] == "opinion"
    assert boosted.json()["boost"] == 25
    assert boosted.json()["priority"] == triaged.priority + 25


def test_a_boosted_claim_jumps_the_queue(api_as, erin, alice):
    claims = queued_claims(3, scores=[0.65] * 3)
    api_as(erin).post(f"/api/v1/claims/{claims[2].id}/boost/", {"boost": 10})

    assert api_as(alice).post("/api/v1/queue/next/").json()["id"] == claims[2].id


def test_dismissing_needs_a_known_reason_and_changes_nothing_without(api_as, erin):
    (claim,) = queued_claims(1)

    response = api_as(erin).post(f"/api/v1/claims/{claim.id}/dismiss/", {"reason": "boring"})

    assert response.status_code == 400
    assert "reason" in response.json()["error"]["message"]
    assert Claim.objects.get(pk=claim.id).state == "queued"


def test_an_illegal_move_is_a_409_a_person_understands(api_as, erin):
    (claim,) = triaged_claims(1)
    api_as(erin).post(f"/api/v1/claims/{claim.id}/dismiss/", {"reason": "duplicate"})

    response = api_as(erin).post(f"/api/v1/claims/{claim.id}/dismiss/", {"reason": "duplicate"})

    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Cannot dismiss a claim: the claim is dismissed."


def test_claims_list_filters_by_state_kind_claimant_and_article(api_as, alice):
    article = claim_queued(claimant="John Kirby").article
    triaged_claims(2)

    client = api_as(alice)
    by_state = client.get("/api/v1/claims/", {"state": "triage"}).json()
    by_claimant = client.get("/api/v1/claims/", {"claimant": "kirby"}).json()
    by_article = client.get("/api/v1/claims/", {"article": article.id}).json()

    assert by_state["count"] == 2
    assert [c["claimant"] for c in by_claimant["results"]] == ["John Kirby"]
    assert by_article["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_32_concurrent_reviewers_empty_a_queue_of_500_each_claim_handed_out_once(
    django_user_model,
):
    from accounts.roles import Role
    from accounts.services import user_upsert

    queued_claims(500)
    reviewers = [user_upsert(username=f"reviewer{i}", role=Role.FACT_CHECKER)[0] for i in range(32)]
    handed_out: list[list[int]] = [[] for _ in reviewers]
    errors: list[BaseException] = []
    start = threading.Barrier(len(reviewers))

    def work(index: int) -> None:
        try:
            start.wait()
            while (claim := claim_take_next(reviewer=reviewers[index])) is not None:
                handed_out[index].append(claim.id)
        except BaseException as exc:  # reported below, so a thread's failure fails the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(reviewers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    all_ids = [claim_id for ids in handed_out for claim_id in ids]
    assert len(all_ids) == 500
    assert len(set(all_ids)) == 500
    assert set(all_ids) == set(Claim.objects.values_list("id", flat=True))
    # Work was really shared, not serialised onto one reviewer.
    assert sum(1 for ids in handed_out if ids) > 1
    assert Claim.objects.filter(state="assigned").count() == 500
    assert ReviewEvent.objects.filter(action="take").count() == 500
