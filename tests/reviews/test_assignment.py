"""Who works on what: a claim taken by name, a claim an editor assigns, the queue's filters
when taking the next claim, and typed work that outlives a lease.

alice and bob check facts, erin and fiona edit, newsbot is an API client, mallory holds no
role.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.functions import Now
from django.urls import reverse

from reviews import services, signals
from reviews.models import Claim, ReviewEvent, Verdict
from tests.conftest import signed_in_client
from tests.factories import (
    VERDICT,
    claim_queued,
    claim_taken,
    queued_claims,
    triaged_claims,
    verdict_drafted,
    verdict_submitted,
)

pytestmark = pytest.mark.django_db

TYPED = {
    "rating": "false",
    "headline": "Typed after the lease ran out",
    "rationale": "Every word of this was typed after the lease ran out.",
}


@pytest.fixture(params=["one statement", "in steps"])
def take_next_path(request, monkeypatch):
    """Taking the next claim, as the queue's tests do it: with PostgreSQL's single statement,
    and with the steps other databases take, so that the filters cannot drift apart."""
    if request.param == "in steps":
        monkeypatch.setattr(services, "_take_next_in_one_statement", services._take_next_in_steps)
    return request.param


def expire_lease(claim_id: int) -> None:
    """Move the lease into the past on the database clock (no sleeping)."""
    Claim.objects.filter(pk=claim_id).update(lease_expires_at=Now() - timedelta(minutes=1))


def trail(claim_id: int) -> list[tuple]:
    events = ReviewEvent.objects.filter(claim_id=claim_id).order_by("id")
    return list(events.values_list("action", "actor__username", "comment"))


def everything_written() -> dict:
    return {
        "events": ReviewEvent.objects.count(),
        "claims": list(
            Claim.objects.order_by("id").values_list(
                "id", "state", "assignee_id", "lease_expires_at"
            )
        ),
        "verdicts": list(Verdict.objects.order_by("id").values_list("id", "author_id", "version")),
    }


def messages_in(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def returned_to(author, editor) -> Verdict:
    submitted = verdict_submitted(author=author)
    return services.verdict_return(
        verdict=submitted, by=editor, expected_version=submitted.version, comment="Cite it."
    )


# --- taking a named claim -------------------------------------------------------------------


def test_a_fact_checker_takes_a_claim_below_the_top_of_the_queue(api_as, alice, bob):
    top, lower = queued_claims(2, scores=[0.9, 0.6])

    response = api_as(bob).post(f"/api/v1/claims/{lower.id}/take/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["state"], body["assignee"]) == (lower.id, "assigned", "bob")
    assert body["lease_expires_at"] is not None
    assert trail(lower.id) == [("extract", None, ""), ("take", "bob", "")]
    # The queue goes on from its top.
    assert api_as(alice).post("/api/v1/queue/next/").json()["id"] == top.id


def test_a_held_claim_is_409_naming_who_holds_it_and_until_when(api_as, alice, bob, erin):
    claim = claim_taken(reviewer=alice)
    lease = Claim.objects.get(pk=claim.pk).lease_expires_at
    before = everything_written()

    by_bob = api_as(bob).post(f"/api/v1/claims/{claim.id}/take/")
    by_erin = api_as(erin).post(f"/api/v1/claims/{claim.id}/assign/", {"user": "bob"})
    by_alice = api_as(alice).post(f"/api/v1/claims/{claim.id}/take/")

    until = lease.strftime("%H:%M UTC")
    for response, move in ((by_bob, "take a claim"), (by_erin, "assign a claim")):
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "conflict"
        assert error["message"].startswith(f"Cannot {move}")
        assert f"alice holds it, and their lease runs until {until}." in error["message"]
        assert error["details"]["held_by"] == "alice"
        assert error["details"]["lease_expires_at"]
    assert by_alice.status_code == 409
    assert "you hold it already" in by_alice.json()["error"]["message"]
    assert "Renew the lease" in by_alice.json()["error"]["message"]
    assert everything_written() == before


def test_a_claim_whose_lease_ran_out_is_taken_by_name_with_its_draft(api_as, alice, bob):
    verdict = verdict_drafted(author=alice)
    expire_lease(verdict.claim_id)

    response = api_as(bob).post(f"/api/v1/claims/{verdict.claim_id}/take/")

    assert response.status_code == 200
    assert response.json()["assignee"] == "bob"
    handed = Verdict.objects.get(pk=verdict.pk)
    assert (handed.author, handed.version) == (bob, verdict.version + 1)
    assert trail(verdict.claim_id)[-3:] == [
        ("expire", None, f"Lease of user {alice.pk} expired."),
        ("take", "bob", ""),
        ("hand_over", None, f"Draft of user {alice.pk} passed to user {bob.pk}, the new holder."),
    ]


def test_the_holder_takes_back_a_claim_whose_lease_ran_out(api_as, alice):
    verdict = verdict_drafted(author=alice)
    expire_lease(verdict.claim_id)

    response = api_as(alice).post(f"/api/v1/claims/{verdict.claim_id}/take/")

    assert response.status_code == 200
    assert Claim.objects.filter(pk=verdict.claim_id, lease_expires_at__gt=Now()).exists()
    # Still her draft, at the version her form holds.
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version
    assert [action for action, _actor, _comment in trail(verdict.claim_id)][-2:] == [
        "expire",
        "take",
    ]


@pytest.mark.parametrize("state", ["triage", "submitted", "dismissed"])
def test_a_claim_the_queue_does_not_hand_out_is_not_taken(api_as, alice, bob, erin, state):
    if state == "triage":
        (claim,) = triaged_claims(1)
    elif state == "submitted":
        claim = verdict_submitted(author=alice).claim
    else:
        claim = services.claim_dismiss(claim=claim_queued(), by=erin, reason="opinion")
    before = everything_written()

    response = api_as(bob).post(f"/api/v1/claims/{claim.id}/take/")

    assert response.status_code == 409
    assert response.json()["error"]["message"].startswith(
        "Cannot take a claim from the queue: the claim is"
    )
    assert everything_written() == before


@pytest.mark.parametrize(
    ("person", "status"), [("anonymous", 401), ("newsbot", 403), ("mallory", 403)]
)
def test_only_fact_checkers_and_editors_take_claims(api_as, newsbot, mallory, person, status):
    claim = claim_queued()
    user = {"anonymous": None, "newsbot": newsbot, "mallory": mallory}[person]

    response = api_as(user).post(f"/api/v1/claims/{claim.id}/take/")

    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert Claim.objects.get(pk=claim.pk).state == "queued"


# --- assigning a claim ----------------------------------------------------------------------


def test_an_editor_assigns_a_queued_claim_to_a_fact_checker(api_as, erin, bob):
    claim = claim_queued()

    response = api_as(erin).post(f"/api/v1/claims/{claim.id}/assign/", {"user": "bob"})

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["assignee"]) == ("assigned", "bob")
    held = Claim.objects.get(pk=claim.pk)
    assert Claim.objects.filter(pk=claim.pk, lease_expires_at__gt=Now()).exists()
    assert held.assignee == bob
    assert trail(claim.id)[-1] == ("assign", "erin", "Assigned to bob by erin.")
    # bob holds it as if he had taken it: he renews it; nobody else takes it.
    assert api_as(bob).post(f"/api/v1/claims/{claim.id}/renew/").status_code == 200
    assert api_as(bob).post("/api/v1/queue/next/").status_code == 204


def test_an_assignment_is_announced_once_it_commits(
    api_as, erin, bob, django_capture_on_commit_callbacks
):
    claim, other = queued_claims(2)
    heard = []

    def listener(sender, **kwargs):
        heard.append({key: kwargs[key] for key in ("claim_id", "assignee_id", "by_id")})

    signals.claim_assigned.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            api_as(erin).post(f"/api/v1/claims/{claim.id}/assign/", {"user": "bob"})
        with django_capture_on_commit_callbacks(execute=True) as refused:
            api_as(erin).post(f"/api/v1/claims/{other.id}/assign/", {"user": "nobody"})
    finally:
        signals.claim_assigned.disconnect(listener)

    assert heard == [{"claim_id": claim.id, "assignee_id": bob.pk, "by_id": erin.pk}]
    assert refused == []


def test_a_lapsed_claim_is_assigned_with_the_draft_left_on_it(api_as, alice, bob, erin):
    verdict = verdict_drafted(author=alice)
    expire_lease(verdict.claim_id)

    response = api_as(erin).post(f"/api/v1/claims/{verdict.claim_id}/assign/", {"user": "bob"})

    assert response.status_code == 200
    assert Verdict.objects.get(pk=verdict.pk).author == bob
    assert [action for action, _actor, _comment in trail(verdict.claim_id)][-3:] == [
        "expire",
        "assign",
        "hand_over",
    ]


@pytest.mark.parametrize(
    ("body", "field", "complaint"),
    [
        ({"user": "nobody"}, "user", 'Nobody active is called "nobody".'),
        ({}, "user", "This field is required."),
        ({"user": 7}, "user", "Must be a string, not int."),
        ({"user": "newsbot"}, "user", "newsbot holds no fact-checker or editor role"),
        ({"user": "mallory"}, "user", "mallory holds no fact-checker or editor role"),
    ],
    ids=["unknown", "missing", "not a string", "API client", "no role"],
)
def test_whom_to_assign_is_a_400_naming_the_field_and_nothing_is_written(
    api_as, erin, newsbot, mallory, body, field, complaint
):
    claim = claim_queued()
    before = everything_written()

    response = api_as(erin).post(f"/api/v1/claims/{claim.id}/assign/", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert list(error["details"]) == [field]
    assert complaint in error["message"]
    assert everything_written() == before


@pytest.mark.parametrize(
    ("person", "status"),
    [("anonymous", 401), ("mallory", 403), ("newsbot", 403), ("alice", 403)],
)
def test_only_editors_assign_claims(api_as, alice, bob, newsbot, mallory, person, status):
    claim = claim_queued()
    user = {"anonymous": None, "mallory": mallory, "newsbot": newsbot, "alice": alice}[person]

    response = api_as(user).post(f"/api/v1/claims/{claim.id}/assign/", {"user": "bob"})

    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert Claim.objects.get(pk=claim.pk).assignee is None


def test_a_claim_in_another_state_is_not_assigned(api_as, alice, erin):
    (triaged,) = triaged_claims(1)
    submitted = verdict_submitted(author=alice).claim
    before = everything_written()

    responses = [
        api_as(erin).post(f"/api/v1/claims/{claim.id}/assign/", {"user": "alice"})
        for claim in (triaged, submitted)
    ]

    assert [response.status_code for response in responses] == [409, 409]
    assert [response.json()["error"]["message"] for response in responses] == [
        "Cannot assign a claim to a fact-checker: the claim is awaiting triage.",
        "Cannot assign a claim to a fact-checker: the claim is awaiting sign-off.",
    ]
    assert everything_written() == before


def test_assigning_a_returned_claim_gives_its_verdict_to_the_assignee(api_as, alice, bob, erin):
    returned = returned_to(alice, erin)
    claim_id = returned.claim_id

    response = api_as(erin).post(f"/api/v1/claims/{claim_id}/assign/", {"user": "bob"})

    assert response.status_code == 200
    # Still returned, with no lease: it never goes back to the queue.
    assert (response.json()["state"], response.json()["assignee"]) == ("returned", "bob")
    assert response.json()["lease_expires_at"] is None
    verdict = Verdict.objects.get(pk=returned.pk)
    assert (verdict.author, verdict.state, verdict.version) == (
        bob,
        "returned",
        returned.version + 1,
    )
    assert trail(claim_id)[-1] == (
        "reassign",
        "erin",
        "Assigned to bob by erin, with the verdict of alice.",
    )
    assert ReviewEvent.objects.filter(claim_id=claim_id).last().verdict_id == verdict.pk
    # bob fixes and resubmits it; alice no longer works on it.
    read = api_as(bob).get(f"/api/v1/claims/{claim_id}/verdict/")
    fixed = api_as(bob).patch(
        f"/api/v1/claims/{claim_id}/verdict/",
        {"rationale": "Cited, this time."},
        HTTP_IF_MATCH=read["ETag"],
    )
    resubmitted = api_as(bob).post(
        f"/api/v1/claims/{claim_id}/verdict/submit/", HTTP_IF_MATCH=fixed["ETag"]
    )
    assert (fixed.status_code, resubmitted.status_code) == (200, 200)
    assert resubmitted.json()["state"] == "submitted"
    assert api_as(alice).get(f"/api/v1/claims/{claim_id}/verdict/").status_code == 404


def test_a_returned_claim_is_not_assigned_to_whoever_holds_it(api_as, alice, erin):
    returned = returned_to(alice, erin)
    before = everything_written()

    response = api_as(erin).post(f"/api/v1/claims/{returned.claim_id}/assign/", {"user": "alice"})

    assert response.status_code == 409
    assert response.json()["error"]["message"] == "alice holds this claim already."
    assert everything_written() == before


# --- the queue's filters when taking the next claim -----------------------------------------


@pytest.mark.usefixtures("take_next_path")
def test_next_takes_the_top_claim_of_the_kind_and_claimant_asked_for(api_as, alice):
    statistic = claim_queued(score=0.9, claimant="Zamir Kabulov")
    quotation = claim_queued(score=0.7, kind="quotation", claimant="Zamir Kabulov")
    kirby = claim_queued(score=0.65, claimant="Admiral John Kirby")
    client = api_as(alice)

    by_kind = client.post("/api/v1/queue/next/", {"kind": "quotation"}, format="json")
    by_claimant = client.post("/api/v1/queue/next/", {"claimant": "KIRBY"}, format="json")
    unfiltered = client.post("/api/v1/queue/next/")

    assert by_kind.json()["id"] == quotation.id
    assert by_claimant.json()["id"] == kirby.id
    assert unfiltered.json()["id"] == statistic.id


@pytest.mark.usefixtures("take_next_path")
def test_next_takes_the_top_claim_of_the_article_asked_for(api_as, alice):
    top = claim_queued(score=0.9)
    lower, lowest = queued_claims(2, scores=[0.7, 0.6])

    taken = api_as(alice).post("/api/v1/queue/next/", {"article": lowest.article_id}, format="json")

    assert taken.json()["id"] == lower.id
    assert Claim.objects.get(pk=top.pk).state == "queued"


@pytest.mark.usefixtures("take_next_path")
def test_next_takes_the_top_claim_in_the_language_asked_for_or_under_it(api_as, alice, bob):
    french = claim_queued(score=0.9, language="fr")
    # As its page wrote it: kept as "en-US", which "en" takes.
    american = claim_queued(score=0.8, language="EN_us")
    british = claim_queued(score=0.7, language="en-GB")
    english = claim_queued(score=0.6)
    assert (american.article.language, english.article.language) == ("en-US", "en")
    client = api_as(bob)

    exact = client.post("/api/v1/queue/next/", {"language": "EN-gb"}, format="json")
    broad = [client.post("/api/v1/queue/next/", {"language": "en"}, format="json") for _ in "ab"]
    none = client.post("/api/v1/queue/next/", {"language": "de"}, format="json")

    assert exact.json()["id"] == british.id
    assert [response.json()["id"] for response in broad] == [american.id, english.id]
    assert none.status_code == 204
    assert Claim.objects.get(pk=french.pk).state == "queued"


@pytest.mark.usefixtures("take_next_path")
def test_a_claim_whose_lease_ran_out_is_handed_out_when_it_passes_the_filters(api_as, alice, bob):
    lapsed = claim_queued(score=0.8, kind="quotation")
    claim_taken(reviewer=alice, claim=lapsed)
    expire_lease(lapsed.id)
    waiting = claim_queued(score=0.6, kind="quotation")
    claim_queued(score=0.9)
    client = api_as(bob)

    taken = [
        client.post("/api/v1/queue/next/", {"kind": "quotation"}, format="json") for _ in range(3)
    ]

    assert [response.status_code for response in taken] == [200, 200, 204]
    assert [response.json()["id"] for response in taken[:2]] == [lapsed.id, waiting.id]
    assert [action for action, _actor, _comment in trail(lapsed.id)][-2:] == ["expire", "take"]


@pytest.mark.usefixtures("take_next_path")
def test_when_no_claim_passes_the_filters_nothing_is_taken(api_as, alice):
    claim_queued(kind="quotation", claimant="Zamir Kabulov")
    before = everything_written()

    response = api_as(alice).post(
        "/api/v1/queue/next/", {"kind": "quotation", "claimant": "kirby"}, format="json"
    )

    assert response.status_code == 204
    assert everything_written() == before


@pytest.mark.parametrize(
    ("body", "field", "complaint"),
    [
        ({"state": "queued"}, "state", "This field cannot be set here."),
        ({"kind": "rumour"}, "kind", '"rumour" is not one of statistic, estimate'),
        ({"article": "1"}, "article", "Must be a whole number, not str."),
        ({"article": 999_999}, "article", "No article has the id 999999."),
        ({"claimant": 5}, "claimant", "Must be a string, not int."),
        ({"language": "english!"}, "language", '"english!" is not a language tag'),
        ({"language": ""}, "language", "This field may not be blank."),
    ],
    ids=[
        "unknown key",
        "kind",
        "article as text",
        "no such article",
        "claimant",
        "language",
        "blank",
    ],
)
def test_bad_filters_are_a_400_naming_them_and_nothing_is_taken(
    api_as, alice, body, field, complaint
):
    claim_queued()
    before = everything_written()

    response = api_as(alice).post("/api/v1/queue/next/", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["details"]) == [field]
    assert complaint in error["message"]
    assert everything_written() == before


def test_the_one_statement_passes_the_filters_to_postgresql_as_parameters(api_as, alice):
    """A claimant holding SQL's own characters is text to look for, not SQL, and the
    filters given together each narrow the statement."""
    claim = claim_queued(claimant="O'Brien 100%_")

    claim_queued(claimant="O'Brien 100%_", language="fr", score=0.95)
    taken = api_as(alice).post(
        "/api/v1/queue/next/",
        {"claimant": "'brien 100%_", "language": "en", "kind": "statistic"},
        format="json",
    )

    assert connection.vendor == "postgresql"
    assert taken.json()["id"] == claim.id


# --- pages: taking and assigning ------------------------------------------------------------


def test_the_queue_offers_each_waiting_claim_to_take(alice, bob):
    top, lower = queued_claims(2, scores=[0.9, 0.6])
    client = signed_in_client(bob)

    queue = client.get(reverse("queue")).content.decode()
    taken = client.post(reverse("claim-take", args=[lower.pk]), follow=True)

    for claim in (top, lower):
        assert f'action="{reverse("claim-take", args=[claim.pk])}"' in queue
    assert "Take this claim" in queue
    assert taken.redirect_chain == [(reverse("claim-workspace", args=[lower.pk]), 302)]
    assert "The claim is yours for 30 minutes." in messages_in(taken)
    assert Claim.objects.get(pk=lower.pk).assignee == bob


def test_the_workspace_offers_taking_a_claim_only_when_it_can_be_taken(alice, bob):
    queued = claim_queued()
    held = claim_taken(reviewer=alice, claim=claim_queued(score=0.95))
    take = "Take this claim"

    on_queued = signed_in_client(bob).get(reverse("claim-workspace", args=[queued.pk])).content
    on_held = signed_in_client(bob).get(reverse("claim-workspace", args=[held.pk])).content
    refused = signed_in_client(bob).post(reverse("claim-take", args=[held.pk]), follow=True)
    expire_lease(held.pk)
    on_lapsed = signed_in_client(bob).get(reverse("claim-workspace", args=[held.pk])).content

    assert take in on_queued.decode()
    assert take not in on_held.decode()
    assert take in on_lapsed.decode() and "alice's lease on it ran out" in on_lapsed.decode()
    assert any(
        message.startswith("Not taken: Cannot take a claim from the queue: alice holds it")
        for message in messages_in(refused)
    )
    assert Claim.objects.get(pk=held.pk).assignee == alice


def test_take_next_on_the_page_sends_the_filters_shown(alice):
    claim_queued(score=0.9)
    quotation = claim_queued(score=0.6, kind="quotation")
    client = signed_in_client(alice)

    page = client.get(reverse("queue"), {"kind": "quotation"}).content.decode()
    taken = client.post(reverse("queue-take-next"), {"kind": "quotation"}, follow=True)
    none_left = client.post(reverse("queue-take-next"), {"kind": "quotation"}, follow=True)
    bad = client.post(reverse("queue-take-next"), {"kind": "rumour"}, follow=True)

    assert '<input type="hidden" name="kind" value="quotation">' in page
    assert "Take next claim (filtered)" in page
    assert taken.redirect_chain[-1][0] == reverse("claim-workspace", args=[quotation.pk])
    assert "No claim that matches these filters is waiting." in messages_in(none_left)
    assert none_left.redirect_chain[-1][0] == reverse("queue") + "?kind=quotation"
    assert any(m.startswith("No claim taken: Select a valid choice") for m in messages_in(bad))
    assert Claim.objects.filter(state="queued").count() == 1


def test_the_queue_page_filters_by_the_articles_language(alice):
    french = claim_queued(language="fr")
    english = claim_queued()
    client = signed_in_client(alice)

    page = client.get(reverse("queue"), {"language": "fr"}).content.decode()
    bad = client.get(reverse("queue"), {"language": "french!"}).content.decode()

    waiting = page.split('id="waiting"')[1]
    assert reverse("claim-workspace", args=[french.pk]) in waiting
    assert reverse("claim-workspace", args=[english.pk]) not in waiting
    assert "Give a language tag, such as en, fr or en-GB." in bad


def test_editors_assign_from_the_workspace_and_the_assignee_sees_it_in_their_claims(
    alice, bob, erin
):
    claim = claim_queued()
    workspace = reverse("claim-workspace", args=[claim.pk])

    for_erin = signed_in_client(erin).get(workspace).content.decode()
    for_alice = signed_in_client(alice).get(workspace).content.decode()
    assigned = signed_in_client(erin).post(
        reverse("claim-assign", args=[claim.pk]), {"user": "bob", "next": workspace}, follow=True
    )
    bobs_queue = signed_in_client(bob).get(reverse("queue")).content.decode()

    assert 'id="assign-form"' in for_erin and '<option value="bob">bob</option>' in for_erin
    assert 'id="assign-form"' not in for_alice
    assert assigned.redirect_chain == [(workspace, 302)]
    assert "Assigned to bob: theirs for 30 minutes." in messages_in(assigned)
    my_claims = bobs_queue.split('id="my-claims"')[1].split("</section>")[0]
    assert claim.text in my_claims


def test_a_returned_claim_is_given_with_its_verdict_from_the_workspace(alice, bob, erin):
    returned = returned_to(alice, erin)
    workspace = reverse("claim-workspace", args=[returned.claim_id])

    page = signed_in_client(erin).get(workspace).content.decode()
    assigned = signed_in_client(erin).post(
        reverse("claim-assign", args=[returned.claim_id]), {"user": "bob"}, follow=True
    )
    for_bob = signed_in_client(bob).get(workspace).content.decode()

    assert "Give it, with its verdict, to" in page
    assert "Assigned to bob, with its verdict to fix and resubmit." in messages_in(assigned)
    assert 'id="verdict-form"' in for_bob and "Resubmit for sign-off" in for_bob
    assert Verdict.objects.get(pk=returned.pk).author == bob


def test_the_article_page_offers_editors_the_assignment_in_the_triage_cell(alice, erin):
    queued, held = queued_claims(2, scores=[0.6, 0.9])
    claim_taken(reviewer=alice, claim=held)
    path = reverse("article-detail", args=[queued.article_id])

    def row(html: str, claim) -> str:
        return html.split(f'id="claim-row-{claim.pk}"')[1].split("</tr>")[0]

    for_erin = signed_in_client(erin).get(path).content.decode()
    for_alice = signed_in_client(alice).get(path).content.decode()
    assigned = signed_in_client(erin).post(
        reverse("claim-assign", args=[queued.pk]), {"user": "alice", "next": path}
    )

    assign = reverse("claim-assign", args=[queued.pk])
    assert assign in row(for_erin, queued)
    assert reverse("claim-assign", args=[held.pk]) not in row(for_erin, held)
    assert assign not in for_alice
    assert assigned["Location"] == path
    assert Claim.objects.get(pk=queued.pk).assignee == alice


def test_an_assignment_the_page_cannot_make_says_why_and_writes_nothing(alice, erin):
    claim = claim_taken(reviewer=alice)
    before = everything_written()
    client = signed_in_client(erin)

    unknown = client.post(reverse("claim-assign", args=[claim.pk]), {"user": "nobody"}, follow=True)
    held = client.post(reverse("claim-assign", args=[claim.pk]), {"user": "erin"}, follow=True)
    by_alice = signed_in_client(alice).post(
        reverse("claim-assign", args=[claim.pk]), {"user": "alice"}
    )

    assert "Not assigned: Choose a fact-checker or an editor from the list." in messages_in(unknown)
    assert any(m.startswith("Not assigned: Cannot assign a claim") for m in messages_in(held))
    assert by_alice.status_code == 403
    assert everything_written() == before


# --- typed work outlives the lease ----------------------------------------------------------


def _save(client, claim_id: int, version, **typed):
    return client.post(
        reverse("claim-verdict-save", args=[claim_id]),
        {**VERDICT, **typed, "version": version or "", "action": "save"},
        follow=True,
    )


@pytest.mark.parametrize("back_in_the_queue", [False, True], ids=["lapsed", "swept back"])
def test_a_save_after_the_lease_ran_out_takes_the_claim_back_when_nobody_took_it(
    alice, back_in_the_queue
):
    verdict = verdict_drafted(author=alice)
    expire_lease(verdict.claim_id)
    if back_in_the_queue:
        assert services.claims_expire_leases() == 1

    response = _save(signed_in_client(alice), verdict.claim_id, verdict.version, **TYPED)

    assert any("nobody else had taken the claim" in m for m in messages_in(response))
    assert f"Draft saved (version {verdict.version + 1})." in messages_in(response)
    saved = Verdict.objects.get(pk=verdict.pk)
    assert (saved.headline, saved.rationale) == (TYPED["headline"], TYPED["rationale"])
    claim = Claim.objects.get(pk=verdict.claim_id)
    assert (claim.state, claim.assignee) == ("assigned", alice)
    assert Claim.objects.filter(pk=claim.pk, lease_expires_at__gt=Now()).exists()
    assert [action for action, actor, _c in trail(claim.pk)][-3:] == ["expire", "take", "edit"]
    assert "left</span> on your lease" in response.content.decode()


def test_a_save_after_someone_else_took_the_claim_shows_a_copy_of_what_was_typed(alice, bob):
    verdict = verdict_drafted(author=alice)
    expire_lease(verdict.claim_id)
    services.claim_take(claim=verdict.claim, by=bob)
    before = everything_written()

    response = _save(signed_in_client(alice), verdict.claim_id, verdict.version, **TYPED)

    html = response.content.decode()
    assert response.status_code == 409
    assert any(m.startswith("Not saved: This claim is held by") for m in messages_in(response))
    assert "Not saved: what you typed" in html
    assert TYPED["headline"] in html and TYPED["rationale"] in html
    assert everything_written() == before


def test_the_draft_saves_itself_as_it_is_typed(alice):
    claim = claim_taken(reviewer=alice)
    client = signed_in_client(alice)
    path = reverse("claim-verdict-autosave", args=[claim.pk])

    page = client.get(reverse("claim-workspace", args=[claim.pk])).content.decode()
    started = client.post(path, {**TYPED, "version": ""}, HTTP_HX_REQUEST="true")
    edited = client.post(
        path, {**TYPED, "headline": "Sharper", "version": 1}, HTTP_HX_REQUEST="true"
    )
    same = client.post(path, {**TYPED, "headline": "Sharper", "version": 2}, HTTP_HX_REQUEST="true")

    assert f'hx-post="{path}" hx-trigger="input delay:2s"' in page
    assert 'id="autosave-status"' in page
    assert started.status_code == edited.status_code == same.status_code == 200
    assert "Saved at " in started.content.decode()
    assert 'name="version" value="1" id="id_version" hx-swap-oob="true"' in started.content.decode()
    assert 'name="version" value="2" id="id_version" hx-swap-oob="true"' in edited.content.decode()
    assert "All changes saved" in same.content.decode()
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.version, verdict.headline, verdict.state) == (2, "Sharper", "draft")
    assert [action for action, _a, _c in trail(claim.pk)][-2:] == ["draft", "edit"]


def test_an_autosave_after_the_lease_ran_out_takes_the_claim_back_and_brings_the_lease(alice):
    verdict = verdict_drafted(author=alice)
    expire_lease(verdict.claim_id)

    response = signed_in_client(alice).post(
        reverse("claim-verdict-autosave", args=[verdict.claim_id]),
        {**TYPED, "version": verdict.version},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "nobody else had taken the claim: it is yours again for 30 minutes" in html
    assert 'id="lease-row" data-lease-row hx-swap-oob="true"' in html
    assert "data-expires-at=" in html and "Renew (30 min)" in html
    assert Verdict.objects.get(pk=verdict.pk).headline == TYPED["headline"]


def test_an_autosave_that_cannot_be_made_says_why_and_keeps_a_copy(alice, bob):
    verdict = verdict_drafted(author=alice)
    path = reverse("claim-verdict-autosave", args=[verdict.claim_id])
    client = signed_in_client(alice)
    loaded = verdict.version
    services.verdict_update(
        verdict=verdict, by=alice, expected_version=loaded, headline="Other tab"
    )

    stale = client.post(path, {**TYPED, "version": loaded}, HTTP_HX_REQUEST="true")
    expire_lease(verdict.claim_id)
    services.claim_take(claim=verdict.claim, by=bob)
    before = everything_written()
    taken = client.post(path, {**TYPED, "version": loaded + 1}, HTTP_HX_REQUEST="true")

    assert stale.status_code == 409
    assert "Not saved: the verdict changed since you opened it" in stale.content.decode()
    assert taken.status_code == 409
    html = taken.content.decode()
    assert "Not saved: This claim is held by another fact-checker" in html
    assert TYPED["rationale"] in html
    assert "Other tab" not in html
    assert everything_written() == before


def test_the_lease_warns_before_it_runs_out_and_renew_is_offered_only_while_it_runs(alice):
    claim = claim_taken(reviewer=alice)
    path = reverse("claim-workspace", args=[claim.pk])

    running = signed_in_client(alice).get(path).content.decode()
    expire_lease(claim.pk)
    lapsed = signed_in_client(alice).get(path).content.decode()

    assert "data-lease-soon hidden" in running and "data-lease-ended hidden" in running
    assert "Renew (30 min)" in running
    assert "<span data-lease-over hidden>" in running
    assert "Renew (30 min)" not in lapsed
    assert "<span data-lease-over>" in lapsed and "Take it back" in lapsed
