"""Invariants the database holds by itself, whatever code writes to it."""

import hashlib

import factory
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from reviews.models import Claim, ReviewEvent, Verdict
from tests.factories import BODY

pytestmark = pytest.mark.django_db

# These tests write rows the services would never write (a claim off its span, a second
# published verdict, a verdict signed off by its author) to show the database refuses them
# whatever code tries. So here, unlike everywhere else, rows are written directly, states
# included, rather than through tests.factories.


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    input_format = Article.InputFormat.TEXT
    body = factory.Sequence(lambda n: f"{BODY} Paragraph {n}.")
    content_hash = factory.LazyAttribute(lambda a: hashlib.sha256(a.body.encode()).hexdigest())
    ingest_state = Article.IngestState.EXTRACTED


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim over the first sentence of its article's body."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda c: c.article.body.index(".") + 1)
    text = factory.LazyAttribute(lambda c: c.article.body[c.start : c.end])
    kind = "statistic"
    claimant = "John Kirby"
    score = 0.9
    state = "queued"


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = "mostly_false"
    headline = "Most strikes did hit ISIL positions, monitors say"
    rationale = "Independent monitors recorded **most** strikes on ISIL-held areas."
    state = "draft"


def published(verdict: Verdict, *, editor) -> Verdict:
    now = timezone.now()
    verdict.state = "published"
    verdict.signed_off_by = editor
    verdict.signed_off_at = now
    verdict.published_at = now
    verdict.save()
    return verdict


def test_a_claim_whose_span_matches_its_article_is_stored():
    article = ArticleFactory()

    claim = ClaimFactory(article=article, start=0, end=10, text=article.body[0:10])

    assert claim.pk is not None


def test_a_claim_span_that_does_not_match_its_article_is_refused():
    article = ArticleFactory()

    with pytest.raises(IntegrityError, match="does not match"), transaction.atomic():
        ClaimFactory(article=article, start=0, end=10, text="Something else")


def test_moving_a_claim_span_off_its_text_is_refused():
    claim = ClaimFactory()
    claim.start += 1

    with pytest.raises(IntegrityError, match="does not match"), transaction.atomic():
        claim.save()


def test_an_empty_or_inverted_span_is_refused():
    article = ArticleFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(article=article, start=5, end=5, text="")


def test_the_same_span_cannot_be_two_claims():
    claim = ClaimFactory()

    with pytest.raises(IntegrityError, match="claim_span_unique"), transaction.atomic():
        ClaimFactory(article=claim.article, start=claim.start, end=claim.end, text=claim.text)


def test_an_article_body_cannot_change_under_its_claims():
    claim = ClaimFactory()
    article = claim.article
    article.body = "Rewritten. " + article.body

    with pytest.raises(IntegrityError, match="cannot change"), transaction.atomic():
        article.save()


def test_the_same_content_cannot_be_stored_twice():
    article = ArticleFactory()

    with pytest.raises(IntegrityError, match="article_content_unique"), transaction.atomic():
        ArticleFactory(body=article.body)


def test_a_score_outside_zero_to_one_is_refused():
    with pytest.raises(IntegrityError, match="claim_score_0_1"), transaction.atomic():
        ClaimFactory(score=1.5)


def test_an_assigned_claim_needs_an_assignee_and_a_lease(alice):
    with pytest.raises(IntegrityError, match="claim_assigned_has_lease"), transaction.atomic():
        ClaimFactory(state="assigned", assignee=alice, lease_expires_at=None)


def test_a_dismissed_claim_needs_a_reason():
    with pytest.raises(IntegrityError, match="claim_dismissed_has_reason"), transaction.atomic():
        ClaimFactory(state="dismissed")


def test_two_verdicts_cannot_both_be_the_published_one_for_a_claim(alice, bob, erin):
    first = published(VerdictFactory(author=alice), editor=erin)
    second = VerdictFactory(claim=first.claim, author=bob)

    with (
        pytest.raises(IntegrityError, match="verdict_one_published_per_claim"),
        transaction.atomic(),
    ):
        published(second, editor=erin)


def test_a_claim_has_at_most_one_open_verdict(alice, bob):
    first = VerdictFactory(author=alice)

    with pytest.raises(IntegrityError, match="verdict_one_open_per_claim"), transaction.atomic():
        VerdictFactory(claim=first.claim, author=bob)


def test_nobody_signs_off_their_own_verdict(erin):
    verdict = VerdictFactory(author=erin)

    with pytest.raises(IntegrityError, match="verdict_four_eyes"), transaction.atomic():
        published(verdict, editor=erin)


def test_a_published_verdict_is_signed_off(alice):
    verdict = VerdictFactory(author=alice)
    verdict.state = "published"

    with (
        pytest.raises(IntegrityError, match="verdict_published_is_signed_off"),
        transaction.atomic(),
    ):
        verdict.save()


def test_a_submitted_verdict_is_complete(alice):
    with (
        pytest.raises(IntegrityError, match="verdict_complete_when_submitted"),
        transaction.atomic(),
    ):
        VerdictFactory(author=alice, state="submitted", rationale="")


def test_review_events_cannot_be_edited_or_deleted(alice):
    claim = ClaimFactory()
    event = ReviewEvent.objects.create(
        claim=claim, actor=alice, action="take", from_state="queued", to_state="assigned"
    )

    with pytest.raises(IntegrityError, match="audit trail"), transaction.atomic():
        ReviewEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(IntegrityError, match="audit trail"), transaction.atomic():
        ReviewEvent.objects.filter(pk=event.pk).delete()

    event.refresh_from_db()
    assert event.comment == ""


# --- corrections: what the database holds of them ---------------------------------------------


def test_a_claim_keeps_its_superseded_verdicts_beside_the_published_one(alice, bob, erin):
    first = published(VerdictFactory(author=alice), editor=erin)
    first.state = "superseded"
    first.save()

    correction = published(VerdictFactory(claim=first.claim, author=bob), editor=erin)

    assert dict(first.claim.verdicts.values_list("pk", "state")) == {
        first.pk: "superseded",
        correction.pk: "published",
    }


def test_a_superseded_verdict_keeps_its_publication(alice, erin):
    verdict = published(VerdictFactory(author=alice), editor=erin)
    verdict.state = "superseded"
    verdict.published_at = None

    with (
        pytest.raises(IntegrityError, match="verdict_published_is_signed_off"),
        transaction.atomic(),
    ):
        verdict.save()
