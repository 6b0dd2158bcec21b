"""The pages offer the moves the rulebook allows, and no others: the buttons a person sees
are the moves they may make, and a save that changes nothing goes through the services as an
API edit does.

alice and bob check facts, erin and fiona edit.
"""

from datetime import timedelta

import pytest
from django.db.models.functions import Now
from django.urls import reverse

from reviews import services
from reviews.models import Claim, ReviewEvent, Verdict
from tests.factories import (
    VERDICT,
    claim_queued,
    triaged_claims,
    verdict_drafted,
    verdict_published,
    verdict_submitted,
)

pytestmark = pytest.mark.django_db

RENEW = "Renew ("
RELEASE = "Release to the queue"


def messages_in(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_save_that_changes_nothing_keeps_the_version_and_records_nothing(alice, signed_in):
    verdict = verdict_drafted(author=alice)
    events = ReviewEvent.objects.count()

    response = signed_in(alice).post(
        reverse("claim-verdict-save", args=[verdict.claim_id]),
        {**VERDICT, "version": verdict.version, "action": "save"},
        follow=True,
    )

    assert "Nothing changed since the last save." in messages_in(response)
    assert Verdict.objects.get(pk=verdict.pk).version == verdict.version
    assert ReviewEvent.objects.count() == events


def test_a_save_that_changes_nothing_once_the_lease_ran_out_takes_the_claim_back(alice, signed_in):
    verdict = verdict_drafted(author=alice)
    Claim.objects.filter(pk=verdict.claim_id).update(lease_expires_at=Now() - timedelta(seconds=1))

    response = signed_in(alice).post(
        reverse("claim-verdict-save", args=[verdict.claim_id]),
        {**VERDICT, "version": verdict.version, "action": "save"},
        follow=True,
    )

    assert "Nothing changed since the last save." in messages_in(response)
    assert any("nobody else had taken the claim" in m for m in messages_in(response))
    assert Claim.objects.filter(pk=verdict.claim_id, lease_expires_at__gt=Now()).exists()
    assert list(
        ReviewEvent.objects.filter(claim_id=verdict.claim_id)
        .order_by("-id")
        .values_list("action", "actor__username")[:2]
    ) == [("take", "alice"), ("expire", None)]


def test_the_holder_is_offered_renew_and_release_while_the_lease_runs(alice, bob, signed_in):
    verdict = verdict_drafted(author=alice)
    path = reverse("claim-workspace", args=[verdict.claim_id])

    holder = signed_in(alice).get(path).content.decode()
    other = signed_in(bob).get(path).content.decode()
    Claim.objects.filter(pk=verdict.claim_id).update(lease_expires_at=Now() - timedelta(seconds=1))
    lapsed = signed_in(alice).get(path).content.decode()

    assert RENEW in holder and RELEASE in holder
    assert RENEW not in other and RELEASE not in other
    assert RENEW not in lapsed and RELEASE not in lapsed
    assert "Your lease has run out." in lapsed


def test_the_article_page_offers_each_claim_the_triage_moves_it_allows(alice, erin, signed_in):
    triaged, queued = triaged_claims(1)[0], claim_queued(score=0.6)
    published = verdict_published(author=alice, editor=erin).claim
    services.claim_dismiss(claim=queued, by=erin, reason="opinion")

    def moves_on(user, claim) -> set[str]:
        html = signed_in(user).get(reverse("article-detail", args=[claim.article_id]))
        row = html.content.decode().split(f'id="claim-row-{claim.pk}"')[1].split("</tr>")[0]
        return {
            name
            for name, url in (
                ("queue", "claim-queue"),
                ("dismiss", "claim-dismiss"),
                ("boost", "claim-boost"),
            )
            if reverse(url, args=[claim.pk]) in row
        }

    assert moves_on(erin, triaged) == {"queue", "dismiss", "boost"}
    assert moves_on(erin, queued) == {"queue"}
    assert moves_on(erin, published) == set()
    assert moves_on(alice, triaged) == set()


def test_sign_off_is_offered_to_another_editor_never_to_the_author(erin, fiona, signed_in):
    verdict = verdict_submitted(author=erin)
    path = reverse("signoff-review", args=[verdict.pk])

    own = signed_in(erin).get(path).content.decode()
    other = signed_in(fiona).get(path).content.decode()
    inbox = signed_in(erin).get(reverse("signoff-inbox")).content.decode()

    assert 'id="approve-form"' not in own and 'id="return-form"' not in own
    assert "Nobody approves their own verdict" in own
    assert 'id="approve-form"' in other and 'id="return-form"' in other
    assert "(yours: another editor signs it off)" in inbox
