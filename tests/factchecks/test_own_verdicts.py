"""Our published verdicts join the fact-check collection: published, corrected, brought in by
the sweep and by rebuild_match_index, matchable, and out of reach of imports.

Publication announces itself after commit; these tests run its on-commit callbacks
(django_capture_on_commit_callbacks) where the product would, and leave them unrun where a
lost announcement is the point.
"""

from __future__ import annotations

import io
from datetime import UTC

import pytest
from django.conf import settings
from django.core.management import call_command

from factchecks.tasks import sync_own_factchecks
from reviews import services as reviews
from reviews.models import Claim
from tests.conftest import client_for
from tests.factories import verdict_published

from .conftest import FACTCHECKS, IMPORTS, claimreview

pytestmark = pytest.mark.django_db

SITE = "factcheck.example.org"
MATCHES = "/api/v1/matches/"


@pytest.fixture(autouse=True)
def _our_desk(settings):
    """Our desk publishes at www.factcheck.example.org."""
    settings.PUBLISHER_NAME = "Factcheck Desk"
    settings.PUBLISHER_URL = f"https://www.{SITE}/"


@pytest.fixture
def reader(newsbot):
    return client_for(newsbot)


def ours(reader) -> list[dict]:
    response = reader.get(FACTCHECKS, {"source": "own"})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def detail(reader, factcheck_id: int) -> dict:
    response = reader.get(f"{FACTCHECKS}{factcheck_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def published_claimreviews(reader) -> dict[str, dict]:
    """Our ClaimReviews as the feed publishes them, by URL."""
    feed = reader.get("/api/v1/claimreview/").json()
    return {element["item"]["url"]: element["item"] for element in feed["dataFeedElement"]}


def public_url(verdict) -> str:
    return f"{settings.PUBLIC_BASE_URL}/verdicts/{verdict.pk}/"


def correct(verdict, *, by, rating: str):
    """A correction of `verdict` through the services: `by` (an editor) opens it, the
    verdict's author rates it `rating` and submits it, and `by` approves it."""
    claim = Claim.objects.get(pk=verdict.claim_id)
    draft = reviews.verdict_correct(
        claim=claim, by=by, comment="The monitors corrected their count."
    )
    draft = reviews.verdict_update(
        verdict=draft,
        by=draft.author,
        expected_version=draft.version,
        rating=rating,
        headline="Monitors' corrected count shows most strikes missed ISIL",
    )
    submitted = reviews.verdict_submit(
        verdict=draft, by=draft.author, expected_version=draft.version
    )
    return reviews.verdict_approve(verdict=submitted, by=by, expected_version=submitted.version)


def test_a_published_verdict_becomes_our_fact_check_of_its_claim(
    alice, erin, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict = verdict_published(author=alice, editor=erin)

    (item,) = ours(reader)
    assert item["publisher"]["name"] == "Factcheck Desk"
    assert item["publisher"]["site"] == SITE
    assert item["source"] == "own"
    assert item["external_id"] == f"claim-{verdict.claim_id}"
    assert item["review_url"] == public_url(verdict)
    assert item["claim_text"] == verdict.claim.text
    assert item["claimant"] == "John Kirby"
    assert item["review_date"] == verdict.published_at.astimezone(UTC).date().isoformat()
    assert item["claim_date"]
    assert item["headline"] == verdict.headline
    assert item["language"] == "en"
    assert item["rating"]["text"] == "Mostly false"
    assert item["rating"]["canonical"] == "mostly_false"
    assert (item["rating"]["value"], item["rating"]["best"], item["rating"]["worst"]) == (
        "2",
        "5",
        "1",
    )
    # `raw` is our ClaimReview exactly as we publish it.
    assert detail(reader, item["id"])["raw"] == published_claimreviews(reader)[public_url(verdict)]


def test_the_article_language_is_kept_as_its_language_part(
    alice, erin, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict_published(author=alice, editor=erin, language="en-GB")
        verdict_published(author=alice, editor=erin, language="fr")

    assert sorted(item["language"] for item in ours(reader)) == ["en", "fr"]


def test_a_correction_rewrites_the_same_fact_check(
    alice, erin, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict = verdict_published(author=alice, editor=erin)
    (before,) = ours(reader)

    with django_capture_on_commit_callbacks(execute=True):
        correction = correct(verdict, by=erin, rating="false")

    (after,) = ours(reader)
    assert after["id"] == before["id"]
    assert after["external_id"] == before["external_id"]
    assert after["review_url"] == public_url(correction)
    assert after["rating"]["canonical"] == "false"
    assert after["rating"]["text"] == "False"
    assert after["headline"] == "Monitors' corrected count shows most strikes missed ISIL"
    assert after["updated_at"] > before["updated_at"]
    raw = detail(reader, after["id"])["raw"]
    assert raw == published_claimreviews(reader)[public_url(correction)]
    assert raw["reviewRating"]["alternateName"] == "False"


def test_a_published_verdict_is_embedded_by_a_worker_and_matched(
    alice, erin, reader, tasks_in_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict = verdict_published(author=alice, editor=erin)

    response = reader.get(MATCHES, {"text": "Most of the air strikes were not against ISIL"})

    assert response.status_code == 200, response.content
    best = response.json()["matches"][0]
    assert best["url"] == public_url(verdict)
    assert best["external_id"] == f"claim-{verdict.claim_id}"
    assert best["publisher"]["name"] == "Factcheck Desk"
    assert best["canonical_rating"] == "mostly_false"


def test_a_correction_is_matched_as_corrected(
    alice, erin, reader, tasks_in_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict = verdict_published(author=alice, editor=erin)
    with django_capture_on_commit_callbacks(execute=True):
        correction = correct(verdict, by=erin, rating="false")

    (best, *_others) = reader.get(MATCHES, {"text": "Most strikes were not against ISIL"}).json()[
        "matches"
    ]
    assert best["url"] == public_url(correction)
    assert best["canonical_rating"] == "false"
    assert best["headline"] == "Monitors' corrected count shows most strikes missed ISIL"


def test_the_sweep_brings_in_what_a_lost_announcement_left_out(alice, erin, reader):
    # No on-commit callback runs here: the announcements of these publications are lost.
    first = verdict_published(author=alice, editor=erin)
    second = verdict_published(author=alice, editor=erin, claimant="Valery Gerasimov")
    assert ours(reader) == []

    assert sync_own_factchecks() == 2
    assert {item["review_url"] for item in ours(reader)} == {public_url(first), public_url(second)}
    assert sync_own_factchecks() == 0


def test_the_sweep_brings_in_a_correction_whose_announcement_was_lost(
    alice, erin, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = verdict_published(author=alice, editor=erin)
        second = verdict_published(author=alice, editor=erin, claimant="Valery Gerasimov")

    # Corrected with its announcement lost: no on-commit callback runs.
    correction = correct(first, by=erin, rating="false")
    assert sync_own_factchecks() == 1

    by_claim = {item["external_id"]: item for item in ours(reader)}
    assert by_claim[f"claim-{first.claim_id}"]["review_url"] == public_url(correction)
    assert by_claim[f"claim-{first.claim_id}"]["rating"]["canonical"] == "false"
    assert by_claim[f"claim-{second.claim_id}"]["review_url"] == public_url(second)
    assert len(by_claim) == 2


def test_rebuild_match_index_brings_in_every_published_verdict(alice, erin, reader):
    verdict = verdict_published(author=alice, editor=erin)

    call_command("rebuild_match_index", "--quiet", stdout=io.StringIO())

    (item,) = ours(reader)
    assert item["review_url"] == public_url(verdict)
    matches = reader.get(MATCHES, {"text": "90% of the strikes were not against ISIL"}).json()
    assert matches["matches"][0]["url"] == public_url(verdict)


def test_a_renamed_desk_renames_our_publisher(
    alice, erin, reader, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict_published(author=alice, editor=erin)
    settings.PUBLISHER_NAME = "The Desk"
    with django_capture_on_commit_callbacks(execute=True):
        verdict_published(author=alice, editor=erin, claimant="Valery Gerasimov")

    publishers = {(item["publisher"]["id"], item["publisher"]["name"]) for item in ours(reader)}
    assert len(publishers) == 1
    assert publishers.pop()[1] == "The Desk"


def test_an_import_of_our_own_claimreview_never_touches_our_fact_check(
    alice, erin, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict = verdict_published(author=alice, editor=erin)
    (before,) = ours(reader)
    copy = claimreview(
        url=public_url(verdict),
        claimReviewed=verdict.claim.text,
        author={"@type": "Organization", "name": "Factcheck Desk", "url": f"https://www.{SITE}/"},
        reviewRating={"@type": "Rating", "alternateName": "True"},
    )
    copy["@id"] = f"claim-{verdict.claim_id}"

    with django_capture_on_commit_callbacks(execute=True):
        imported = client_for(erin).post(IMPORTS, {"document": copy}, format="json")

    assert imported.status_code == 201, imported.content
    assert imported.json()["imported"] == 1
    (after,) = ours(reader)
    assert after == before
    (other,) = [
        item for item in reader.get(FACTCHECKS).json()["results"] if item["source"] != "own"
    ]
    assert other["publisher"]["id"] != before["publisher"]["id"]
    assert other["rating"]["text"] == "True"
