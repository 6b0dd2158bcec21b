"""claims:search over the whole collection: PolitiFact's fact-checks (the CLEF 2021 2B sample,
tests/fixtures/clef_match_sample/) and our own published verdicts, ranked by the matcher,
filtered as Google's search filters, on both paths clients use."""

from __future__ import annotations

import pytest
from django.conf import settings

from factcheck.celery import app
from factchecks.models import FactCheck, FactCheckEmbedding
from factchecks.tasks import embed_factchecks
from tests.conftest import client_for
from tests.factories import verdict_published

from .conftest import FIXTURES, run_import
from .test_own_verdicts import correct

pytestmark = pytest.mark.django_db

SAMPLE = FIXTURES / "clef_match_sample"
PATHS = ("/api/v1/claims:search", "/v1alpha1/claims:search")
SITE = "factcheck.example.org"
POLITIFACT_COUNT = 65
TAX_QUERY = "We passed the largest package of tax cuts and reforms in American history."
TAX_FACTCHECK = '"We enacted the biggest tax cuts and reforms in American history."'


@pytest.fixture(autouse=True)
def _our_desk(settings):
    settings.PUBLISHER_NAME = "Factcheck Desk"
    settings.PUBLISHER_URL = f"https://{SITE}/"


@pytest.fixture
def reader(newsbot):
    return client_for(newsbot)


@pytest.fixture
def politifact(db, tasks_in_process, django_capture_on_commit_callbacks):
    """The 2B sample imported by an editor's command; the import's worker embeds it."""
    with django_capture_on_commit_callbacks(execute=True):
        run_import(str(SAMPLE / "2b-vclaims.tsv"), "--format", "clef-tsv")


@pytest.fixture
def kirby(alice, erin, tasks_in_process, django_capture_on_commit_callbacks):
    """Our verdict on John Kirby's claim about strikes against ISIL, published and embedded."""
    with django_capture_on_commit_callbacks(execute=True):
        return verdict_published(author=alice, editor=erin)


def search(reader, path: str = PATHS[0], **params) -> dict:
    response = reader.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def reviews(answer: dict) -> list[dict]:
    return [claim["claimReview"][0] for claim in answer["claims"]]


def our_url(verdict) -> str:
    return f"{settings.PUBLIC_BASE_URL}/verdicts/{verdict.pk}/"


def test_a_query_finds_imported_fact_checks_and_ours_best_first(politifact, kirby, reader):
    for path in PATHS:
        tax = search(reader, path, query=TAX_QUERY)
        best = tax["claims"][0]
        assert best["text"] == TAX_FACTCHECK
        assert best["claimant"] == "Donald Trump"
        assert best["claimDate"] == "2018-01-30T00:00:00Z"
        (review,) = best["claimReview"]
        assert review["publisher"] == {"name": "PolitiFact", "site": "politifact.com"}
        assert review["url"].startswith("https://www.politifact.com/factchecks/2018/jan/31/")
        assert review["textualRating"] == "false"
        assert review["reviewDate"] == "2018-01-31T00:00:00Z"
        assert review["languageCode"] == "en"
        assert review["title"]
        assert our_url(kirby) not in [r["url"] for r in reviews(tax)]

        strikes = search(reader, path, query="Were most strikes against ISIL?")
        first = strikes["claims"][0]
        assert first["text"] == kirby.claim.text
        assert first["claimant"] == "John Kirby"
        assert first["claimReview"][0]["url"] == our_url(kirby)
        assert first["claimReview"][0]["publisher"] == {"name": "Factcheck Desk", "site": SITE}
        assert first["claimReview"][0]["textualRating"] == "Mostly false"


def test_a_query_sharing_no_word_with_the_collection_finds_nothing(politifact, kirby, reader):
    for query in ("Zyxwvut qwrtplk", "the and of it", "🦄🦄"):
        assert search(reader, query=query)["claims"] == [], query


def test_results_are_about_the_query_not_the_whole_collection(politifact, kirby, reader):
    answer = search(reader, query="defense spending", pageSize=100)

    texts = [claim["text"] for claim in answer["claims"]]
    assert 0 < len(texts) < POLITIFACT_COUNT
    assert "defense spending" in texts[0]
    assert "nextPageToken" not in answer


def test_the_site_filter_alone_lists_an_imported_publisher_newest_first(politifact, kirby, reader):
    for site in ("politifact.com", "https://www.PolitiFact.com/factchecks/", "www.politifact.com"):
        listed, token = [], None
        while True:
            params = {"reviewPublisherSiteFilter": site, "pageSize": 20}
            if token:
                params["pageToken"] = token
            answer = search(reader, PATHS[1], **params)
            listed += reviews(answer)
            token = answer.get("nextPageToken")
            if token is None:
                break
        assert len(listed) == POLITIFACT_COUNT, site
        assert {review["publisher"]["site"] for review in listed} == {"politifact.com"}
        dates = [review.get("reviewDate", "") for review in listed]
        assert dates == sorted(dates, reverse=True)
        assert len({review["url"] for review in listed}) == POLITIFACT_COUNT

    (mine,) = reviews(search(reader, reviewPublisherSiteFilter=SITE))
    assert mine["url"] == our_url(kirby)
    assert search(reader, reviewPublisherSiteFilter="snopes.com")["claims"] == []


def test_the_site_filter_narrows_a_query(politifact, kirby, reader):
    query = "Most strikes against ISIL and the largest tax cuts in history"
    both = {review["publisher"]["site"] for review in reviews(search(reader, query=query))}
    assert both == {"politifact.com", SITE}

    theirs = reviews(search(reader, query=query, reviewPublisherSiteFilter="politifact.com"))
    assert theirs and {review["publisher"]["site"] for review in theirs} == {"politifact.com"}
    mine = reviews(search(reader, query=query, reviewPublisherSiteFilter=f"www.{SITE}"))
    assert [review["url"] for review in mine] == [our_url(kirby)]


def test_language_and_age_filter_the_collection(politifact, kirby, reader):
    query = "Most strikes against ISIL and the largest tax cuts in history"

    english = reviews(search(reader, query=query, languageCode="en-US"))
    assert {review["publisher"]["site"] for review in english} == {"politifact.com", SITE}
    assert search(reader, query=query, languageCode="fr")["claims"] == []
    # The sample's reviews date from 2017 to 2019; ours is today's.
    recent = reviews(search(reader, query=query, maxAgeDays=30))
    assert [review["url"] for review in recent] == [our_url(kirby)]
    listed = search(reader, reviewPublisherSiteFilter="politifact.com", maxAgeDays=30)
    assert listed["claims"] == []


def test_pages_of_a_ranked_search_neither_overlap_nor_skip(politifact, kirby, reader):
    query = "tax cuts health care and strikes"
    whole = [
        review["url"] or review["title"]
        for review in reviews(search(reader, query=query, pageSize=100))
    ]
    assert len(whole) > 6

    paged, token = [], None
    while True:
        params = {"query": query, "pageSize": 4}
        if token:
            params["pageToken"] = token
        answer = search(reader, PATHS[1], **params)
        paged += [review["url"] or review["title"] for review in reviews(answer)]
        token = answer.get("nextPageToken")
        if token is None:
            break
    assert paged == whole
    by_offset = search(reader, query=query, pageSize=4, offset=4)
    assert [review["url"] or review["title"] for review in reviews(by_offset)] == whole[4:8]


def test_a_verdict_is_found_right_after_publication_before_it_is_embedded(
    politifact, alice, erin, reader, django_capture_on_commit_callbacks
):
    # Published with a broker and no worker running: the fact-check is written, its vector
    # is not yet.
    app.conf.task_always_eager = False
    with django_capture_on_commit_callbacks(execute=True):
        verdict = verdict_published(author=alice, editor=erin)
    own = FactCheck.objects.get(own_claim_id=verdict.claim_id)
    assert not FactCheckEmbedding.objects.filter(factcheck=own).exists()

    before = reviews(search(reader, query="strikes ISIL"))
    assert [review["url"] for review in before].count(our_url(verdict)) == 1

    embed_factchecks([own.pk])
    after = reviews(search(reader, query="strikes ISIL"))
    assert after[0]["url"] == our_url(verdict)
    assert [review["url"] for review in after].count(our_url(verdict)) == 1


def test_a_corrected_verdict_is_found_once_as_corrected(
    politifact, kirby, erin, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correction = correct(kirby, by=erin, rating="false")

    found = [
        review
        for review in reviews(search(reader, query="Were most strikes against ISIL?"))
        if review["publisher"]["site"] == SITE
    ]
    assert [(review["url"], review["textualRating"]) for review in found] == [
        (our_url(correction), "False")
    ]


@pytest.mark.parametrize(
    "query",
    [
        "https://t.co/A0ypmtOFQh",
        "-",
        '"',
        "ISIL\u2028strikes",
        "or or or",
        "a" * 500,
        "Défense спендинг 国防",
        "----------------------------------------tax",
    ],
)
def test_any_query_text_is_answered_over_the_collection(politifact, kirby, reader, query):
    for path in PATHS:
        answer = search(reader, path, query=query)
        assert isinstance(answer["claims"], list)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({}, "reviewPublisherSiteFilter"),
        ({"languageCode": "en"}, "reviewPublisherSiteFilter"),
        ({"query": "tax", "pageSize": 101}, "pageSize"),
        ({"query": "tax", "maxAgeDays": 0}, "maxAgeDays"),
        ({"query": "tax", "languageCode": "e"}, "BCP-47"),
        ({"query": "tax", "pageToken": "garbage!"}, "pageToken"),
        ({"query": "t" * 501}, "query"),
        ({"query": "tax", "offset": -1}, "offset"),
    ],
)
def test_bad_input_is_refused_with_a_message(politifact, reader, path, params, words):
    response = reader.get(path, params)

    assert response.status_code == 400, response.content
    assert words in str(response.json()["error"])


@pytest.mark.parametrize("path", PATHS)
def test_searching_the_collection_needs_a_credential(politifact, path, mallory):
    assert client_for(None).get(path, {"query": "tax"}).status_code == 401
    assert client_for(None).get(path, {"query": "tax", "key": "not-a-token"}).status_code == 401
    assert client_for(mallory).get(path, {"query": "tax"}).status_code == 403
