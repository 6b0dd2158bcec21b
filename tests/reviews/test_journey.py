"""The whole path of one claim from the example article, through the API: ingested, queued,
taken, evidenced, drafted, submitted, returned, fixed, approved and published as ClaimReview,
with every move in the audit trail."""

from pathlib import Path

import extruct
import pytest
from django.test import Client

from sources.models import Source
from sources.tasks import fetch_source
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "articles"
    / "global-research-2015-10-09-russia-syria-offensive.md"
).read_text()
GOOGLE_REQUIRED = ("claimReviewed", "reviewRating", "url")
GOOGLE_RECOMMENDED = ("author", "datePublished", "itemReviewed")


def test_a_claim_of_the_example_article_from_ingest_to_published_claimreview(
    alice, erin, fiona, newsbot, local_web
):
    local_web.expect_request("/airwars").respond_with_data(
        "<html><head><title>Russian strikes in Syria, October 2015</title></head><body>"
        "<article><p>Monitors located most of the strikes in areas held by groups other "
        "than ISIL during the first week.</p></article></body></html>",
        content_type="text/html",
    )
    checker, editor, second_editor = client_for(alice), client_for(erin), client_for(fiona)

    # An editor ingests the example; its check-worthy claims are queued.
    article = editor.post("/api/v1/articles/", {"markdown": EXAMPLE}, format="json").json()
    kirby = next(c for c in article["claims"] if "Greater than 90% of the strikes" in c["text"])
    assert kirby["state"] == "queued"
    assert "Kirby" in kirby["claimant"]
    assert {"value": 90, "unit": "percent", "comparator": ">"}.items() <= (
        kirby["quantities"][0].items()
    )

    # The editor boosts it to the top; the fact-checker takes it from the queue.
    editor.post(f"/api/v1/claims/{kirby['id']}/boost/", {"boost": 100}, format="json")
    taken = checker.post("/api/v1/queue/next/").json()
    assert taken["id"] == kirby["id"] and taken["assignee"] == "alice"

    # Evidence is added and fetched from a local server by the fetch task.
    evidence = checker.post(
        f"/api/v1/claims/{kirby['id']}/evidence/",
        {"url": local_web.url_for("/airwars"), "stance": "refutes", "note": "Monitor's map"},
        format="json",
    ).json()
    assert evidence["fetch_state"] == "pending"
    fetch_source(Source.objects.get().pk)
    shown = checker.get(f"/api/v1/claims/{kirby['id']}/").json()["evidence"][0]
    assert shown["fetch_state"] == "fetched"

    # A verdict is drafted and submitted, returned with a comment, fixed and resubmitted.
    draft = checker.post(
        f"/api/v1/claims/{kirby['id']}/verdict/",
        {
            "rating": "false",
            "headline": "Most strikes did hit ISIL",
            "rationale": "The monitors' count says otherwise.",
        },
        format="json",
    )
    submitted = checker.post(
        f"/api/v1/claims/{kirby['id']}/verdict/submit/", HTTP_IF_MATCH=draft["ETag"]
    )
    returned = editor.post(
        f"/api/v1/claims/{kirby['id']}/verdict/return/",
        {"comment": "The monitors support 'mostly false', not 'false'. Cite the map."},
        format="json",
        HTTP_IF_MATCH=submitted["ETag"],
    )
    assert returned.json()["signoff_comment"].startswith("The monitors support")
    fixed = checker.patch(
        f"/api/v1/claims/{kirby['id']}/verdict/",
        {
            "rating": "mostly_false",
            "rationale": "The monitors' map places most strikes outside ISIL-held areas.",
        },
        format="json",
        HTTP_IF_MATCH=returned["ETag"],
    )
    resubmitted = checker.post(
        f"/api/v1/claims/{kirby['id']}/verdict/submit/", HTTP_IF_MATCH=fixed["ETag"]
    )

    # The author cannot approve it; another editor does, and it is published.
    own = checker.post(
        f"/api/v1/claims/{kirby['id']}/verdict/approve/", HTTP_IF_MATCH=resubmitted["ETag"]
    )
    approved = second_editor.post(
        f"/api/v1/claims/{kirby['id']}/verdict/approve/", HTTP_IF_MATCH=resubmitted["ETag"]
    )
    assert own.status_code == 403
    assert approved.status_code == 200
    verdict = approved.json()
    assert verdict["state"] == "published" and verdict["signed_off_by"] == "fiona"

    # Every move is in the audit trail, in order.
    events = checker.get(f"/api/v1/claims/{kirby['id']}/events/").json()
    assert [e["action"] for e in events] == [
        "extract",
        "boost",
        "take",
        "add_evidence",
        "draft",
        "submit",
        "return",
        "edit",
        "submit",
        "approve",
    ]
    assert [e["actor"] for e in events][1:] == [
        "erin",
        "alice",
        "alice",
        "alice",
        "alice",
        "erin",
        "alice",
        "alice",
        "fiona",
    ]

    # Clients see it: in the summary, in the ClaimReview feed and on the public page.
    reader = client_for(newsbot)
    summary = reader.get(f"/api/v1/articles/{article['id']}/summary/").json()
    assert summary["claims"]["published"] == 1
    assert summary["claims"]["ratings"]["mostly_false"] == 1
    (item,) = [e["item"] for e in reader.get("/api/v1/claimreview/").json()["dataFeedElement"]]
    for prop in GOOGLE_REQUIRED + GOOGLE_RECOMMENDED:
        assert item[prop], prop
    assert item["claimReviewed"] == kirby["text"]
    assert item["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly false",
    }
    assert "Kirby" in item["itemReviewed"]["author"]["name"]
    assert item["itemReviewed"]["datePublished"] == "2015-10-09"
    assert item["itemReviewed"]["appearance"][0]["headline"].startswith("Russia and Syria")
    page = Client().get(f"/verdicts/{verdict['id']}/")
    (embedded,) = extruct.extract(page.content.decode(), syntaxes=["json-ld"])["json-ld"]
    assert embedded == item
