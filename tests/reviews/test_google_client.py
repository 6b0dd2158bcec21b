"""Google's own client library, pointed at this service's root, as a new user would use it:
`build("factchecktools", "v1alpha1", developerKey=TOKEN, client_options={"api_endpoint": ROOT})`
with the discovery document shipped in the package (no network)."""

import json

import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from accounts.services import token_issue
from tests.reviews.test_client_api import publish

# The live server answers from another thread, so the data is committed.
pytestmark = pytest.mark.django_db(transaction=True)

SITE = "factcheck.example.org"


def factchecktools(live_server, key: str):
    return build(
        "factchecktools",
        "v1alpha1",
        developerKey=key,
        client_options={"api_endpoint": f"{live_server.url}/"},
        static_discovery=True,
    )


@pytest.fixture
def service(live_server, newsbot, settings):
    settings.PUBLISHER_URL = f"https://{SITE}/"
    return factchecktools(live_server, token_issue(username="newsbot"))


@pytest.fixture
def verdicts(alice, erin):
    """Five fact checks in English, newest first (the order of the answers), and one in
    French, older than all of them."""
    english = [
        publish(author=alice, editor=erin, days_ago=day, language=lang)
        for day, lang in ((1, "en"), (2, "en-gb"), (3, "en"), (4, "EN"), (5, "en"))
    ]
    french = publish(author=alice, editor=erin, days_ago=6, language="fr")
    return english, french


def urls(response) -> list[str]:
    return [review["url"] for claim in response["claims"] for review in claim["claimReview"]]


def url_of(verdict) -> str:
    return f"/verdicts/{verdict.id}/"


def ends(found: list[str], verdicts) -> bool:
    return len(found) == len(verdicts) and all(
        url.endswith(url_of(v)) for url, v in zip(found, verdicts, strict=True)
    )


def test_search_answers_in_the_shape_the_client_reads(service, verdicts):
    english, _french = verdicts

    response = service.claims().search(query="strikes ISIL", languageCode="en").execute()

    assert ends(urls(response), english)
    review = response["claims"][0]["claimReview"][0]
    assert review["publisher"]["site"] == SITE
    assert review["textualRating"] == "Mostly false"


def test_pages_follow_the_page_token_and_the_offset(service, verdicts):
    english, french = verdicts
    claims = service.claims()

    request = claims.search(query="strikes", pageSize=2)
    pages = []
    while request is not None:
        response = request.execute()
        pages.append(urls(response))
        request = claims.search_next(request, response)

    assert [len(page) for page in pages] == [2, 2, 2]
    assert ends([url for page in pages for url in page], [*english, french])
    by_offset = claims.search(query="strikes", pageSize=2, offset=2).execute()
    assert urls(by_offset) == pages[1]
    # Google's semantics: the offset counts only when no page token is given.
    token = claims.search(query="strikes", pageSize=2).execute()["nextPageToken"]
    both = claims.search(query="strikes", pageSize=2, offset=4, pageToken=token).execute()
    assert urls(both) == pages[1]


def test_page_size_zero_means_the_default_of_ten(service, alice, erin):
    for day in range(12):
        publish(author=alice, editor=erin, days_ago=day + 1)

    response = service.claims().search(query="strikes", pageSize=0).execute()

    assert len(response["claims"]) == 10
    assert "nextPageToken" in response


def test_language_is_compared_without_its_region(service, verdicts):
    english, french = verdicts
    claims = service.claims()

    for code in ("en-US", "en_GB", "EN", "en"):
        assert ends(urls(claims.search(query="strikes", languageCode=code).execute()), english)
    assert ends(urls(claims.search(query="strikes", languageCode="fr-CA").execute()), [french])
    assert urls(claims.search(query="strikes", languageCode="de").execute()) == []


def test_max_age_days_keeps_the_recent_ones(service, verdicts):
    english, french = verdicts
    claims = service.claims()

    assert ends(urls(claims.search(query="strikes", maxAgeDays=2).execute()), english[:1])
    # Any age, however large, is a bound the calendar cannot pass: everything.
    for days in (1_000_000, 2**31 - 1):
        answer = claims.search(query="strikes", maxAgeDays=days).execute()
        assert ends(urls(answer), [*english, french])


def test_the_publisher_site_filter_alone_and_with_a_query(service, verdicts, alice, erin):
    english, french = verdicts
    gerasimov = publish(author=alice, editor=erin, claimant="Valery Gerasimov")
    claims = service.claims()

    for site in (
        SITE,
        "www.factcheck.example.org",
        f"https://{SITE}/about",
        "FactCheck.Example.org",
    ):
        mine = claims.search(reviewPublisherSiteFilter=site).execute()
        assert ends(urls(mine), [gerasimov, *english, french]), site
    assert urls(claims.search(reviewPublisherSiteFilter="politifact.com").execute()) == []
    narrowed = claims.search(query="Gerasimov", reviewPublisherSiteFilter=SITE).execute()
    assert ends(urls(narrowed), [gerasimov])
    elsewhere = claims.search(query="Gerasimov", reviewPublisherSiteFilter="snopes.com").execute()
    assert urls(elsewhere) == []


def test_a_search_with_neither_query_nor_site_says_what_it_needs(service):
    with pytest.raises(HttpError) as refused:
        service.claims().search(languageCode="en").execute()

    assert refused.value.resp.status == 400
    assert "reviewPublisherSiteFilter" in refused.value.reason


def test_a_refused_key_raises_an_http_error_with_our_message(live_server, newsbot):
    service = factchecktools(live_server, "not-a-token")

    with pytest.raises(HttpError) as refused:
        service.claims().search(query="strikes").execute()

    assert refused.value.resp.status in (401, 403)
    body = json.loads(refused.value.content)
    assert body["error"]["code"] == "authentication_failed"
    assert refused.value.reason == body["error"]["message"] == "Invalid token."


def test_methods_other_than_claims_search_say_they_are_not_served(service):
    calls = (
        service.claims().imageSearch(imageUri="https://example.org/a.png"),
        service.pages().list(),
        service.pages().get(name="pages/1"),
        service.pages().create(body={"pageUrl": "https://example.org/"}),
    )
    for call in calls:
        with pytest.raises(HttpError) as refused:
            call.execute()
        assert refused.value.resp.status == 501
        assert "only GET /v1alpha1/claims:search" in refused.value.reason
