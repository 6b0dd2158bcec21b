"""What clients read about published verdicts is cached under the published-content version
(reviews migration 0004). These tests tie the version to what clients are shown: every
stored field of every row a published verdict's answers are built from is changed in turn,
and wherever the answers change, the version must have moved, or a client would be served
the old answer from the cache."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from articles.models import Article
from reviews import services
from reviews.models import Claim, EvidenceLink, Verdict
from reviews.selectors import published_content_version
from sources.models import Source, SourceSnapshot
from tests.conftest import client_for
from tests.factories import verdict_published

pytestmark = pytest.mark.django_db

CACHED_READS = ("/api/v1/verdicts/", "/api/v1/verdicts/{verdict}/", "/api/v1/claimreview/")


def fresh_answers(client, verdict_id: int) -> list[tuple[int, bytes]]:
    """The cached reads, each built anew from the database."""
    answers = []
    for address in CACHED_READS:
        caches["answers"].clear()
        response = client.get(address.format(verdict=verdict_id))
        answers.append((response.status_code, response.content))
    return answers


def another_value(field: models.Field, value):
    """A different value `field` can hold, or None when no simple one exists."""
    if field.choices:
        others = [choice for choice, _label in field.flatchoices if choice != value]
        return others[0] if others else None
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.DateTimeField):
        return (value or timezone.now()) - timedelta(days=3)
    if isinstance(field, models.DateField):
        return (value or timezone.now().date()) - timedelta(days=3)
    if isinstance(field, models.FloatField):
        return value / 2 if value else 0.5
    if isinstance(field, (models.IntegerField, models.DecimalField)):
        return (value or 0) + 1
    if isinstance(field, models.URLField):
        return "https://changed.example.net/elsewhere"
    if isinstance(field, (models.CharField, models.TextField)):
        text = value or "changed"
        limit = field.max_length or len(text) + 1
        return text[: limit - 1] + ("Z" if not text.endswith("Z") else "Y")
    if isinstance(field, models.JSONField):
        if isinstance(value, list) and value:
            return value[:-1]
        if isinstance(value, dict):
            return {**value, "changed": True}
    return None


def rows_behind(verdict: Verdict) -> list[models.Model]:
    claim = Claim.objects.get(pk=verdict.claim_id)
    links = list(EvidenceLink.objects.filter(claim=claim))
    sources = list(Source.objects.filter(evidence_links__in=links))
    people = get_user_model().objects.filter(
        pk__in=[verdict.author_id, verdict.signed_off_by_id, *[link.added_by_id for link in links]]
    )
    return [
        Verdict.objects.get(pk=verdict.pk),
        claim,
        Article.objects.get(pk=claim.article_id),
        *links,
        *sources,
        *SourceSnapshot.objects.filter(source__in=sources),
        *people,
    ]


def walk(client, verdict: Verdict) -> tuple[list[str], list[str], list[str]]:
    """Change every stored field behind `verdict` in turn, then change it back: the fields
    whose change clients saw, those whose change they did not, and those whose change they
    saw without the version moving."""
    seen, unseen, unmoved = [], [], []
    for row in rows_behind(verdict):
        model = type(row)
        for field in model._meta.concrete_fields:
            if field.primary_key or field.is_relation:
                continue
            old = getattr(row, field.attname)
            new = another_value(field, old)
            if new is None or new == old:
                continue
            before = fresh_answers(client, verdict.pk)
            assert all(status == 200 for status, _content in before)
            version = published_content_version()
            try:
                with transaction.atomic():
                    model.objects.filter(pk=row.pk).update(**{field.attname: new})
            except DatabaseError:
                continue  # the database refuses the value: no client can ever see it
            label = f"{model.__name__}.{field.name}"
            if fresh_answers(client, verdict.pk) == before:
                unseen.append(label)
            else:
                seen.append(label)
                if published_content_version() == version:
                    unmoved.append(label)
            model.objects.filter(pk=row.pk).update(**{field.attname: old})
    return seen, unseen, unmoved


def _first_publication(alice, erin, fiona) -> tuple[Verdict, set[str]]:
    return verdict_published(author=alice, editor=erin), set()


def _correction_open(alice, erin, fiona) -> tuple[Verdict, set[str]]:
    """The published verdict, while a correction of it is worked on: its claim is in review."""
    verdict = verdict_published(author=alice, editor=erin)
    services.verdict_correct(claim=verdict.claim, by=fiona, comment="A newer count came out.")
    return verdict, set()


def _correction_published(alice, erin, fiona) -> tuple[Verdict, set[str]]:
    earlier = verdict_published(author=alice, editor=erin)
    draft = services.verdict_correct(claim=earlier.claim, by=fiona, comment="A newer count.")
    draft = services.verdict_update(
        verdict=draft, by=alice, expected_version=draft.version, rating="false"
    )
    submitted = services.verdict_submit(verdict=draft, by=alice, expected_version=draft.version)
    correction = services.verdict_approve(
        verdict=submitted, by=fiona, expected_version=submitted.version
    )
    return correction, {"Verdict.correction_note", "Verdict.first_published_at"}


@pytest.mark.parametrize("scene", [_first_publication, _correction_open, _correction_published])
def test_every_change_a_client_can_see_moves_the_published_content_version(
    alice, erin, fiona, newsbot, scene
):
    verdict, also_seen = scene(alice, erin, fiona)

    seen, unseen, unmoved = walk(client_for(newsbot), verdict)

    assert unmoved == [], f"clients would be served stale answers after changes of {unmoved}"
    # The walk reached what clients are shown, and left out what they are not.
    assert {
        "Verdict.rating",
        "Verdict.rationale",
        "Claim.claimant",
        "Article.title",
        "EvidenceLink.url",
        "Source.state",
        "User.username",
        *also_seen,
    } <= set(seen)
    assert {"Claim.priority", "EvidenceLink.note", "Source.last_error"} <= set(unseen)
