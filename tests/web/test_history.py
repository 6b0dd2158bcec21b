"""A claim's history reads in words on its page: who did what, with names, never the
audit trail's internal codes or ids."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Claim
from tests.factories import claim_queued, claim_taken

pytestmark = pytest.mark.django_db


def history_of(client, claim) -> str:
    response = client.get(reverse("claim-workspace", args=[claim.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="history"') :]


def test_the_history_names_people_and_says_what_happened(alice, bob, erin, signed_in):
    claim = claim_taken(reviewer=alice, claim=claim_queued())
    services.evidence_add(
        claim=claim, by=alice, url="https://www.example.org/report", stance="refutes"
    )
    services.claim_boost(claim=claim, by=erin, boost=20)
    # Alice's lease runs out; the sweep hands the claim back to the queue, and Bob takes it.
    Claim.objects.filter(pk=claim.pk).update(lease_expires_at=timezone.now() - timedelta(1))
    services.claims_expire_leases()
    claim_taken(reviewer=bob, claim=Claim.objects.get(pk=claim.pk))

    history = history_of(signed_in(bob), claim)

    assert "Taken by alice" in history
    assert "Evidence added by alice: refutes, example.org" in history
    assert "Priority boost changed by erin: 0 -&gt; 20" in history
    assert "Lease of alice expired" in history
    assert "Taken by bob" in history
    for code in ("add_evidence", "<strong>expire", "<strong>boost", f"user {alice.pk}"):
        assert code not in history


def test_a_dismissal_says_who_and_why(erin, signed_in):
    claim = claim_queued()
    services.claim_dismiss(claim=claim, by=erin, reason="opinion")

    history = history_of(signed_in(erin), claim)

    assert "Dismissed by erin: Opinion, not a factual claim" in history
