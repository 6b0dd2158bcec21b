"""Every shape of a published verdict (the API item, ClaimReview, the claims:search claim, the
webhook) is built from one read, with one rule for the article's URL and one way of writing
dates."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework import serializers

from articles.models import Article
from reviews import presenters, selectors, services
from reviews.models import Verdict
from reviews.presenters import PublishedVerdictSerializer
from tests.factories import claim_taken, evidence_fetched, verdict_published

pytestmark = pytest.mark.django_db

NOTE = "Off the record: the ministry's press officer confirmed it"


def rows_of(*verdicts: Verdict) -> list[dict]:
    """The verdicts read as every shape needs them (the API item needs less)."""
    return selectors.with_published_evidence(
        selectors.published_verdict_rows(with_claim_origin=True)
        .filter(pk__in=[verdict.pk for verdict in verdicts])
        .order_by("pk")
    )


def declared(serializer: serializers.Serializer) -> dict:
    """The field names a serializer declares, nested serializers as dicts, a list of them as
    a one-item list."""
    shape = {}
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            shape[name] = [declared(field.child)]
        elif isinstance(field, serializers.Serializer):
            shape[name] = declared(field)
        else:
            shape[name] = None
    return shape


def assert_shaped_as(value: dict, shape: dict, path: str = "item") -> None:
    assert list(value) == list(shape), path
    for name, inner in shape.items():
        if isinstance(inner, list):
            assert value[name], f"{path}.{name} is empty: nothing to compare"
            for element in value[name]:
                assert_shaped_as(element, inner[0], f"{path}.{name}[]")
        elif inner is not None:
            assert_shaped_as(value[name], inner, f"{path}.{name}")


def test_the_api_item_is_what_its_schema_declares_in_the_same_order(alice, erin):
    verdict = verdict_published(author=alice, editor=erin)

    (row,) = rows_of(verdict)
    (item,) = presenters.verdict_items([row])

    assert_shaped_as(item, declared(PublishedVerdictSerializer()))
    assert PublishedVerdictSerializer(row).data == item


def test_one_url_stands_for_the_article_in_every_shape(alice, erin):
    pasted = verdict_published(author=alice, editor=erin)
    submitted = verdict_published(author=alice, editor=erin, url="https://news.example.com/a")
    canonical = verdict_published(author=alice, editor=erin, url="https://news.example.com/b")
    Article.objects.filter(claims__verdicts=canonical).update(
        canonical_url="https://news.example.com/b-canonical"
    )
    expected = {
        pasted.pk: settings.PUBLIC_BASE_URL
        + reverse("article-public", args=[pasted.claim.article_id]),
        submitted.pk: "https://news.example.com/a",
        canonical.pk: "https://news.example.com/b-canonical",
    }

    rows = rows_of(pasted, submitted, canonical)
    items = presenters.verdict_items(rows)
    feed = presenters.claimreview_feed(rows)["dataFeedElement"]

    for row, item, element in zip(rows, items, feed, strict=True):
        url = expected[row["id"]]
        assert item["article"]["url"] == url
        assert element["item"]["itemReviewed"]["appearance"][0]["url"] == url
        webhook = presenters.webhook_payload(row, corrects_id=None)
        assert webhook["verdict"]["article"]["url"] == url
        assert webhook["claimreview"] == element["item"]
        # The public page has its verdict in hand as a model instance: the same ClaimReview.
        in_hand = selectors.published_verdicts().get(pk=row["id"])
        assert presenters.claimreview_for_verdict(in_hand) == element["item"]


def test_each_shape_writes_the_publication_time_as_its_readers_expect(alice, erin):
    verdict = verdict_published(author=alice, editor=erin)
    Verdict.objects.filter(pk=verdict.pk).update(
        published_at=datetime(2024, 3, 5, 9, 30, 15, 123456, tzinfo=UTC)
    )
    (row,) = rows_of(verdict)
    searched = {**row, "review_publisher_site": "factcheck.example.org", "review_language": "en"}

    (item,) = presenters.verdict_items([row])
    (element,) = presenters.claimreview_feed([row])["dataFeedElement"]
    (claim,) = presenters.google_claims([searched])
    webhook = presenters.webhook_payload(row, corrects_id=None)

    assert item["published_at"] == "2024-03-05T09:30:15.123456Z"
    assert claim["claimReview"][0]["reviewDate"] == "2024-03-05T09:30:15.123456Z"
    assert webhook["verdict"]["published_at"] == "2024-03-05T09:30:15.123456+00:00"
    assert element["dateCreated"] == element["item"]["datePublished"] == "2024-03-05"


def test_published_verdicts_are_read_in_two_queries_without_their_notes(
    alice, erin, django_assert_num_queries
):
    claim = claim_taken(reviewer=alice)
    evidence_fetched(claim=claim, by=alice, note=NOTE)
    draft = services.verdict_create(
        claim=claim, by=alice, rating="false", headline="Not so", rationale="The **register**."
    )
    submitted = services.verdict_submit(verdict=draft, by=alice, expected_version=draft.version)
    services.verdict_approve(verdict=submitted, by=erin, expected_version=submitted.version)
    verdict_published(author=alice, editor=erin)
    verdict_published(author=alice, editor=erin)

    with django_assert_num_queries(2):
        rows = selectors.with_published_evidence(selectors.published_verdict_rows())

    assert len(rows) == 3
    assert all(row["evidence"] for row in rows)
    assert NOTE not in str(rows)
    assert NOTE not in str(presenters.verdict_items(rows))
