"""The rulebook: which moves each person may make on a claim in each state, as the holder or
not, as the verdict's author or not; and the services, which refuse what it refuses.

alice and bob check facts, erin and fiona edit, newsbot is an API client. Claims are brought
to each state through the services, as the newsroom brings them there.
"""

from datetime import timedelta

import pytest
from django.db.models.functions import Now

from factcheck.errors import Conflict, InvalidTransition, LeaseExpired, NotPermitted
from reviews import services, workflow
from reviews.models import Claim, ClaimState, ReviewEvent, Verdict, VerdictState
from reviews.selectors import LEASE_LEFT
from reviews.workflow import Move
from tests.factories import (
    claim_queued,
    claim_taken,
    triaged_claims,
    verdict_drafted,
    verdict_published,
    verdict_submitted,
)

pytestmark = pytest.mark.django_db

HOLDER_WORK = {
    Move.ADD_EVIDENCE,
    Move.EDIT_EVIDENCE,
    Move.REMOVE_EVIDENCE,
    Move.EDIT_VERDICT,
    Move.SUBMIT,
}


# --- the groups and the table ---------------------------------------------------------------


def test_every_claim_state_is_in_exactly_one_place():
    places = [{ClaimState.TRIAGE}, {ClaimState.QUEUED}, workflow.IN_REVIEW, workflow.SETTLED]

    assert sorted(state for place in places for state in place) == sorted(ClaimState)
    assert {ClaimState.QUEUED} | workflow.IN_REVIEW == workflow.OPEN
    assert workflow.WORKABLE <= workflow.IN_REVIEW


def test_the_verdict_groups():
    assert {
        VerdictState.DRAFT,
        VerdictState.SUBMITTED,
        VerdictState.RETURNED,
    } == workflow.VERDICT_OPEN
    assert {VerdictState.DRAFT, VerdictState.RETURNED} == workflow.VERDICT_EDITABLE


def test_every_move_has_one_rule_from_states_that_exist():
    assert set(workflow.RULES) == set(Move)
    for move, rule in workflow.RULES.items():
        assert rule.move == move
        assert rule.claim_from and rule.claim_from <= set(ClaimState), move
        assert rule.description, move


def test_who_may_approve_is_answered_by_one_rule():
    rule = workflow.RULES[Move.APPROVE]

    assert rule.roles == workflow.EDITORS
    assert rule.claim_from == {ClaimState.SUBMITTED}
    assert rule.claim_to == ClaimState.PUBLISHED
    assert rule.author == workflow.Author.NEVER
    assert workflow.who_may(Move.APPROVE) == "Only editors may approve and publish a verdict."


def test_a_correction_is_opened_by_editors_on_published_claims_and_supersedes_on_approval():
    opened = workflow.RULES[Move.CORRECT]
    superseded = workflow.RULES[Move.SUPERSEDE]

    assert opened.roles == workflow.EDITORS
    assert (opened.claim_from, opened.claim_to) == ({ClaimState.PUBLISHED}, ClaimState.RETURNED)
    assert opened.verdict_from == {VerdictState.PUBLISHED}
    # The earlier verdict leaves publication as the correction, awaiting sign-off, is approved.
    assert superseded.claim_from == workflow.RULES[Move.APPROVE].claim_from
    assert (superseded.verdict_from, superseded.verdict_to) == (
        {VerdictState.PUBLISHED},
        VerdictState.SUPERSEDED,
    )


# --- allowed moves per state, role, holder and author ---------------------------------------


def _triage(people):
    (claim,) = triaged_claims(1)
    return claim, None


def _queued(people):
    return claim_queued(), None


def _held(people):
    verdict = verdict_drafted(author=people["alice"])
    return verdict.claim, verdict


def _lapsed(people):
    claim, verdict = _held(people)
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=Now() - timedelta(seconds=1))
    return claim, verdict


def _submitted(people):
    verdict = verdict_submitted(author=people["alice"])
    return verdict.claim, verdict


def _returned(people):
    submitted = verdict_submitted(author=people["alice"])
    verdict = services.verdict_return(
        verdict=submitted,
        by=people["erin"],
        expected_version=submitted.version,
        comment="Cite the register.",
    )
    return verdict.claim, verdict


def _published(people):
    verdict = verdict_published(author=people["alice"], editor=people["erin"])
    return verdict.claim, verdict


def _dismissed(people):
    claim = services.claim_dismiss(claim=claim_queued(), by=people["erin"], reason="opinion")
    return claim, None


def _erins_own_submitted(people):
    verdict = verdict_submitted(author=people["erin"])
    return verdict.claim, verdict


NOTHING: set = set()
# Any fact-checker or editor judges a claim's suggested fact-checks while it is worked on.
JUDGING = {Move.CONFIRM_MATCH, Move.REJECT_MATCH}
# Any fact-checker or editor has a link's page fetched again on a claim with evidence.
RETRYING = {Move.RETRY_FETCH}
TABLE = [
    # (scene, person, moves the person may make)
    (_triage, "erin", {Move.QUEUE, Move.DISMISS, Move.BOOST} | JUDGING),
    (_triage, "alice", JUDGING),
    (_triage, "newsbot", NOTHING),
    (_queued, "erin", {Move.DISMISS, Move.BOOST, Move.TAKE, Move.ASSIGN} | JUDGING | RETRYING),
    (_queued, "alice", {Move.TAKE} | JUDGING | RETRYING),
    (_queued, "newsbot", NOTHING),
    (_queued, "mallory", NOTHING),
    (_held, "alice", {Move.RENEW, Move.RELEASE} | HOLDER_WORK | JUDGING | RETRYING),
    (_held, "bob", JUDGING | RETRYING),
    (_held, "erin", {Move.BOOST} | JUDGING | RETRYING),
    (_lapsed, "alice", {Move.TAKE} | JUDGING | RETRYING),
    (_lapsed, "bob", {Move.TAKE} | JUDGING | RETRYING),
    (_lapsed, "erin", {Move.BOOST, Move.TAKE, Move.ASSIGN} | JUDGING | RETRYING),
    (_submitted, "alice", JUDGING | RETRYING),
    (_submitted, "bob", JUDGING | RETRYING),
    (_submitted, "erin", {Move.BOOST, Move.APPROVE, Move.RETURN} | JUDGING | RETRYING),
    (_returned, "alice", HOLDER_WORK | JUDGING | RETRYING),
    (_returned, "bob", JUDGING | RETRYING),
    (_returned, "erin", {Move.BOOST, Move.REASSIGN} | JUDGING | RETRYING),
    (_published, "alice", RETRYING),
    (_published, "erin", {Move.CORRECT} | RETRYING),
    (_dismissed, "erin", {Move.QUEUE}),
    (_dismissed, "alice", NOTHING),
    (_erins_own_submitted, "erin", {Move.BOOST} | JUDGING | RETRYING),
    (_erins_own_submitted, "fiona", {Move.BOOST, Move.APPROVE, Move.RETURN} | JUDGING | RETRYING),
]


@pytest.fixture
def people(alice, bob, erin, fiona, newsbot, mallory):
    return {
        "alice": alice,
        "bob": bob,
        "erin": erin,
        "fiona": fiona,
        "newsbot": newsbot,
        "mallory": mallory,
    }


@pytest.mark.parametrize(
    ("scene", "person", "expected"),
    [
        pytest.param(scene, person, expected, id=f"{scene.__name__[1:]}-{person}")
        for scene, person, expected in TABLE
    ],
)
def test_allowed_moves(people, scene, person, expected):
    claim, verdict = scene(people)
    claim = Claim.objects.get(pk=claim.pk)

    moves = workflow.allowed_moves(claim, people[person], verdict=verdict)

    assert moves == expected
    assert all(workflow.can(people[person], move, claim, verdict=verdict) for move in moves)


def test_a_superuser_holds_every_role(people, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    claim = claim_queued()

    assert workflow.allowed_moves(claim, root) == (
        {Move.DISMISS, Move.BOOST, Move.TAKE, Move.ASSIGN} | JUDGING | RETRYING
    )
    # Nobody but the service returns a lapsed claim to the queue.
    assert not workflow.role_may(root, Move.EXPIRE)


def test_starting_a_verdict_is_open_to_the_holder_until_one_is_in_progress(people):
    claim = claim_taken(reviewer=people["alice"])

    before = workflow.allowed_moves(claim, people["alice"])
    verdict = services.verdict_create(claim=claim, by=people["alice"], headline="Draft")
    after = workflow.allowed_moves(claim, people["alice"], verdict=verdict)

    assert Move.START_VERDICT in before and Move.EDIT_VERDICT not in before
    assert Move.START_VERDICT not in after and Move.EDIT_VERDICT in after


# --- the refusals ---------------------------------------------------------------------------


def test_refusals_say_which_move_and_why(people):
    claim, _verdict = _held(people)
    claim = Claim.objects.get(pk=claim.pk)
    alice, bob, erin = people["alice"], people["bob"], people["erin"]

    role = workflow.refusal(alice, Move.DISMISS, claim)
    state = workflow.refusal(erin, Move.QUEUE, claim)
    holder = workflow.refusal(bob, Move.ADD_EVIDENCE, claim)

    assert isinstance(role, NotPermitted)
    assert role.message == "Only editors may dismiss a claim."
    assert isinstance(state, InvalidTransition)
    assert state.message == "Cannot put a claim in the review queue: the claim is being checked."
    assert state.details == {"claim_state": "assigned", "move": "queue"}
    assert isinstance(holder, Conflict)
    assert "held by another fact-checker" in holder.message


def test_four_eyes_refusals_name_the_move(people):
    claim, verdict = _erins_own_submitted(people)

    approve = workflow.refusal(people["erin"], Move.APPROVE, claim, verdict=verdict)
    send_back = workflow.refusal(people["erin"], Move.RETURN, claim, verdict=verdict)

    assert isinstance(approve, NotPermitted) and isinstance(send_back, NotPermitted)
    assert approve.message.startswith("Nobody approves their own verdict")
    assert send_back.message.startswith("Nobody signs off their own verdict")


def test_the_lease_is_judged_on_the_database_clock(people, monkeypatch):
    from django.utils import timezone

    claim, _verdict = _held(people)
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=Now() + timedelta(minutes=1))
    app_clock = timezone.now
    # The web process's clock runs ten minutes ahead of the database's: the lease still runs.
    monkeypatch.setattr(timezone, "now", lambda: app_clock() + timedelta(minutes=10))
    claim = Claim.objects.get(pk=claim.pk)
    annotated = Claim.objects.annotate(lease_left=LEASE_LEFT).get(pk=claim.pk)

    assert workflow.lease_is_live(claim) and workflow.lease_is_live(annotated)
    assert workflow.can(people["alice"], Move.RENEW, claim)

    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=Now() - timedelta(seconds=1))
    claim = Claim.objects.get(pk=claim.pk)
    refused = workflow.refusal(people["alice"], Move.RENEW, claim)

    assert isinstance(refused, LeaseExpired)


def test_the_queue_hands_out_exactly_the_claims_the_rulebook_names(people):
    # Built in this order because each is taken as the top of the queue when it is built.
    held, _verdict = _held(people)
    lapsed, _verdict = _lapsed(people)
    queued = claim_queued(score=0.6)
    (triaged,) = triaged_claims(1)

    named = set(Claim.objects.filter(workflow.handed_out()).values_list("pk", flat=True))
    handed = [services.claim_take_next(reviewer=people["bob"]) for _ in range(3)]

    assert named == {queued.pk, lapsed.pk}
    assert {claim.pk for claim in handed if claim is not None} == named
    assert handed[-1] is None
    assert Claim.objects.get(pk=held.pk).assignee == people["alice"]
    assert Claim.objects.get(pk=triaged.pk).state == ClaimState.TRIAGE


def test_who_may_work_on_a_claim_is_public(people):
    claim, _verdict = _held(people)

    workflow.claim_may_work(claim=claim, user=people["alice"])
    with pytest.raises(Conflict, match="held by another fact-checker"):
        workflow.claim_may_work(claim=claim, user=people["bob"])
    with pytest.raises(InvalidTransition, match="Take it from the queue first"):
        workflow.claim_may_work(claim=claim_queued(score=0.6), user=people["alice"])


# --- the services enforce it ----------------------------------------------------------------


def test_every_service_refuses_what_the_rulebook_refuses(people):
    claim, verdict = _held(people)
    bob, erin = people["bob"], people["erin"]
    events = ReviewEvent.objects.count()

    refusals = []
    for make in (
        lambda: services.claim_renew(claim=claim, by=bob),
        lambda: services.claim_release(claim=claim, by=bob),
        lambda: services.claim_queue(claim=claim, by=erin),
        lambda: services.claim_dismiss(claim=claim, by=erin, reason="opinion"),
        lambda: services.evidence_add(
            claim=claim, by=bob, url="https://example.org/x", stance="refutes"
        ),
        lambda: services.verdict_update(
            verdict=verdict, by=bob, expected_version=verdict.version, headline="Bob's"
        ),
        lambda: services.verdict_submit(verdict=verdict, by=bob, expected_version=verdict.version),
        lambda: services.verdict_approve(verdict=verdict, by=erin, expected_version=1),
    ):
        with pytest.raises((Conflict, InvalidTransition, NotPermitted)) as refused:
            make()
        refusals.append(type(refused.value))

    assert refusals == [Conflict, Conflict] + [InvalidTransition] * 2 + [Conflict] * 3 + [
        InvalidTransition
    ]
    assert ReviewEvent.objects.count() == events


def test_an_edit_that_changes_nothing_writes_nothing_and_is_checked_as_any_edit(people):
    claim, verdict = _held(people)
    same = {"rating": verdict.rating, "headline": verdict.headline}
    events = ReviewEvent.objects.count()

    unchanged = services.verdict_update(
        verdict=verdict, by=people["alice"], expected_version=verdict.version, **same
    )

    assert unchanged.version == verdict.version
    assert ReviewEvent.objects.count() == events
    with pytest.raises(Conflict, match="held by another fact-checker"):
        services.verdict_update(
            verdict=verdict, by=people["bob"], expected_version=verdict.version, **same
        )
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=Now() - timedelta(seconds=1))
    with pytest.raises(LeaseExpired):
        services.verdict_update(
            verdict=verdict, by=people["alice"], expected_version=verdict.version, **same
        )
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version


def test_the_admin_shows_the_moves_the_rulebook_opens_and_makes_none(admin_client):
    claim = claim_queued()

    page = admin_client.get(f"/admin/reviews/claim/{claim.pk}/change/").content.decode()

    assert "Moves open to you" in page
    assert "dismiss a claim; boost a claim&#x27;s priority; take a claim from the queue" in page
    assert Claim.objects.get(pk=claim.pk).state == ClaimState.QUEUED
