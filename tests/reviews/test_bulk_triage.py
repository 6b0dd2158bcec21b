"""Triage in bulk: POST /api/v1/claims/triage/ and `services.claims_triage_bulk`, which queue
or dismiss many claims at once, each under the rulebook as its own move would be, each in a
transaction of its own and audited; a claim refused is answered with why and the rest go
ahead; a request that cannot be made (the wrong role, too many ids, a dismissal without a
reason) moves nothing.

alice checks facts, erin and fiona edit, newsbot is an API client, mallory holds no role.
"""

import pytest
from rest_framework.test import APIClient

from factcheck.errors import InvalidInput, NotPermitted
from reviews import services
from reviews.models import Claim, ReviewEvent
from tests.conftest import client_for
from tests.factories import claim_taken, queued_claims, triaged_claims

pytestmark = pytest.mark.django_db

TRIAGE = "/api/v1/claims/triage/"


def states(claims) -> list[str]:
    by_id = dict(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("pk", "state"))
    return [by_id[claim.pk] for claim in claims]


def audit(action: str) -> list[tuple[int, str, str, str]]:
    return list(
        ReviewEvent.objects.filter(action=action)
        .order_by("id")
        .values_list("claim_id", "actor__username", "from_state", "to_state")
    )


def everything_written() -> dict:
    return {
        "events": ReviewEvent.objects.count(),
        "claims": list(Claim.objects.order_by("id").values_list("id", "state", "dismiss_reason")),
    }


# --- the API ----------------------------------------------------------------------------------


def test_an_editor_queues_many_claims_and_each_is_answered(erin, fiona):
    triaged = triaged_claims(3)
    (queued,) = queued_claims(1)
    dismissed = triaged[2]
    services.claim_dismiss(claim=dismissed, by=fiona, reason="duplicate")
    asked = [triaged[0].pk, queued.pk, 999_999, dismissed.pk, triaged[1].pk, triaged[0].pk]

    response = client_for(erin).post(TRIAGE, {"claims": asked, "move": "queue"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["move"], body["done"], body["refused"]) == ("queue", 3, 2)
    assert [(c["id"], c["outcome"], c["state"], c["code"]) for c in body["claims"]] == [
        (triaged[0].pk, "done", "queued", None),
        (queued.pk, "refused", "queued", "invalid_transition"),
        (999_999, "refused", None, "not_found"),
        (dismissed.pk, "done", "queued", None),
        (triaged[1].pk, "done", "queued", None),
    ]
    assert body["claims"][1]["message"] == (
        "Cannot put a claim in the review queue: the claim is queued."
    )
    assert body["claims"][2]["message"] == "No claim has the id 999999."
    assert states(triaged) == ["queued"] * 3
    # One audit event per claim moved, by whoever moved it, from the state it was in.
    assert audit("queue") == [
        (triaged[0].pk, "erin", "triage", "queued"),
        (dismissed.pk, "erin", "dismissed", "queued"),
        (triaged[1].pk, "erin", "triage", "queued"),
    ]


def test_an_editor_dismisses_many_claims_with_one_reason(alice, erin):
    # Taken as the top of the queue when it is built, so built first.
    held = claim_taken(reviewer=alice)
    triaged = triaged_claims(2)
    (queued,) = queued_claims(1)
    ids = [triaged[0].pk, queued.pk, held.pk, triaged[1].pk]

    response = client_for(erin).post(
        TRIAGE,
        {"claims": ids, "move": "dismiss", "reason": "opinion", "comment": "Campaign slogans."},
        format="json",
    )

    body = response.json()
    assert response.status_code == 200, body
    assert [c["outcome"] for c in body["claims"]] == ["done", "done", "refused", "done"]
    assert body["claims"][0]["message"] == "Dismissed: Opinion, not a factual claim."
    assert body["claims"][2]["message"] == "Cannot dismiss a claim: the claim is being checked."
    assert states([*triaged, queued, held]) == ["dismissed", "dismissed", "dismissed", "assigned"]
    assert set(ReviewEvent.objects.filter(action="dismiss").values_list("comment", flat=True)) == {
        "Campaign slogans."
    }
    assert [event[0] for event in audit("dismiss")] == [triaged[0].pk, queued.pk, triaged[1].pk]


def test_checked_before_is_refused_per_claim_without_a_confirmed_match(erin):
    claims = triaged_claims(2)

    response = client_for(erin).post(
        TRIAGE,
        {"claims": [c.pk for c in claims], "move": "dismiss", "reason": "already_checked"},
        format="json",
    )

    body = response.json()
    assert response.status_code == 200
    assert [c["code"] for c in body["claims"]] == ["invalid_input", "invalid_input"]
    assert body["claims"][0]["message"].startswith("Nobody has confirmed a published fact-check")
    assert states(claims) == ["triage", "triage"]
    assert audit("dismiss") == []


@pytest.mark.parametrize(
    ("caller", "status"),
    [("anonymous", 401), ("mallory", 403), ("newsbot", 403), ("alice", 403), ("erin", 200)],
)
def test_only_editors_triage_in_bulk(caller, status, alice, erin, newsbot, mallory):
    claims = triaged_claims(2)
    people = {"alice": alice, "erin": erin, "newsbot": newsbot, "mallory": mallory}
    client = APIClient() if caller == "anonymous" else client_for(people[caller])
    before = everything_written()

    response = client.post(
        TRIAGE, {"claims": [c.pk for c in claims], "move": "queue"}, format="json"
    )

    assert response.status_code == status, response.content
    if status == 200:
        assert states(claims) == ["queued", "queued"]
    else:
        assert response.json()["error"]["message"]
        assert everything_written() == before
    if caller == "alice":
        assert response.json()["error"]["message"] == (
            "Only editors may put a claim in the review queue."
        )


def test_at_most_500_claims_at_once(erin):
    (claim,) = triaged_claims(1)
    client = client_for(erin)
    before = everything_written()

    too_many = client.post(
        TRIAGE, {"claims": [claim.pk, *range(10_000, 10_500)], "move": "queue"}, format="json"
    )
    limit = client.post(
        TRIAGE, {"claims": [claim.pk, *range(10_000, 10_499)], "move": "queue"}, format="json"
    )

    assert too_many.status_code == 400
    assert too_many.json()["error"]["details"]["claims"] == [
        "Send at most 500 claim ids at a time."
    ]
    assert limit.status_code == 200
    assert (limit.json()["done"], limit.json()["refused"]) == (1, 499)
    assert everything_written()["events"] == before["events"] + 1


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"claims": [], "move": "queue"}, "claims", "Send at least one claim id."),
        ({"claims": ["1"], "move": "queue"}, "claims", "Must be a whole number, not str."),
        ({"claims": [0], "move": "queue"}, "claims", "greater than or equal to 1"),
        ({"claims": 5, "move": "queue"}, "claims", "Expected a list of items"),
        ({"claims": [1], "move": "boost"}, "move", '"boost" is not one of queue, dismiss.'),
        ({"claims": [1], "move": "dismiss"}, "reason", "Give a reason to dismiss the claims."),
        (
            {"claims": [1], "move": "queue", "reason": "opinion"},
            "reason",
            "A reason is given to dismiss claims, not to queue them.",
        ),
        ({"claims": [1], "move": "dismiss", "reason": "dull"}, "reason", '"dull" is not one of'),
        ({"claims": [1], "move": "queue", "state": "queued"}, "state", "cannot be set here"),
    ],
)
def test_a_request_that_cannot_be_made_is_a_400_naming_the_field(erin, body, field, says):
    claims = triaged_claims(1)
    body = {**body, "claims": [claims[0].pk] if body["claims"] == [1] else body["claims"]}
    before = everything_written()

    response = client_for(erin).post(TRIAGE, body, format="json")

    assert response.status_code == 400, response.content
    assert says in str(response.json()["error"]["details"][field])
    assert everything_written() == before


# --- the service ------------------------------------------------------------------------------


def test_a_claim_moved_meanwhile_is_reported_and_the_rest_are_moved(erin, fiona):
    claims = triaged_claims(3)
    # fiona dismissed the middle claim after erin's page was drawn.
    services.claim_dismiss(claim=claims[1], by=fiona, reason="opinion")

    triaged = services.claims_triage_bulk(
        claim_ids=[c.pk for c in claims], by=erin, move="dismiss", reason="not_check_worthy"
    )

    assert [outcome.done for outcome in triaged.outcomes] == [True, False, True]
    refused = triaged.refused[0]
    assert (refused.claim_id, refused.state, refused.code) == (
        claims[1].pk,
        "dismissed",
        "invalid_transition",
    )
    assert refused.message == "Cannot dismiss a claim: the claim is dismissed."
    assert list(
        Claim.objects.filter(pk__in=[c.pk for c in claims])
        .order_by("id")
        .values_list("dismiss_reason", flat=True)
    ) == ["not_check_worthy", "opinion", "not_check_worthy"]


def test_the_service_refuses_whole_requests_it_cannot_make(alice, erin):
    claims = triaged_claims(1)
    ids = [claims[0].pk]
    before = everything_written()

    refusals = []
    for make in (
        lambda: services.claims_triage_bulk(claim_ids=ids, by=alice, move="queue"),
        lambda: services.claims_triage_bulk(claim_ids=ids, by=erin, move="boost"),
        lambda: services.claims_triage_bulk(claim_ids=[], by=erin, move="queue"),
        lambda: services.claims_triage_bulk(claim_ids=range(1, 502), by=erin, move="queue"),
        lambda: services.claims_triage_bulk(claim_ids=ids, by=erin, move="dismiss"),
        lambda: services.claims_triage_bulk(claim_ids=ids, by=erin, move="queue", reason="opinion"),
    ):
        with pytest.raises((InvalidInput, NotPermitted)) as refused:
            make()
        refusals.append(refused.value.message)

    assert refusals == [
        "Only editors may put a claim in the review queue.",
        "Triage in bulk queues or dismisses claims, not 'boost'.",
        "Select at least one claim.",
        "501 claims at once is too many: triage at most 500 at a time.",
        "Give one reason for dismissing the claims: one of not_check_worthy, duplicate, "
        "opinion, already_checked.",
        "A reason is given to dismiss claims, not to queue them.",
    ]
    assert everything_written() == before
