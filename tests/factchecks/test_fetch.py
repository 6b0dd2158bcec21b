"""Importing from the web: a fact-check page (its JSON-LD, read with extruct) or a feed, fetched
under the fetcher's rules from a server on 127.0.0.1 that the tests let through."""

import gzip
import json

import pytest
from werkzeug import Response

from factchecks.models import FactCheck, ImportRun

from .conftest import IMPORTS, claimreview, run_import, sample

pytestmark = pytest.mark.django_db


def page(*blocks: str, title: str = "Fact check") -> str:
    scripts = "\n".join(f'<script type="application/ld+json">{block}</script>' for block in blocks)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"{scripts}</head><body><article><h1>{title}</h1><p>What we found.</p></article>"
        "</body></html>"
    )


def serve(server, path: str, body: str | bytes, content_type: str, **headers) -> str:
    server.expect_request(path).respond_with_data(body, content_type=content_type, headers=headers)
    return server.url_for(path)


def test_a_fact_check_page_is_imported_from_its_json_ld(api_as, erin, local_web):
    breadcrumbs = json.dumps({"@context": "https://schema.org", "@type": "BreadcrumbList"})
    url = serve(
        local_web,
        "/reviews/bank-of-china",
        page(breadcrumbs, json.dumps(sample("indiatoday_en.json"))),
        "text/html; charset=utf-8",
    )

    response = api_as(erin).post(IMPORTS, {"url": url}, format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["source"], response.json()["imported"]) == ("page", 1)
    factcheck = FactCheck.objects.get()
    assert factcheck.publisher.name == "India Today"
    assert factcheck.canonical_rating == "mostly_false"
    assert factcheck.source == "page"


def test_a_review_without_its_own_url_is_a_review_of_the_page(api_as, erin, local_web):
    review = claimreview()
    del review["url"]
    url = serve(local_web, "/checks/toll", page(json.dumps(review)), "text/html")

    api_as(erin).post(IMPORTS, {"url": url}, format="json")

    assert FactCheck.objects.get().review_url == url


def test_a_page_with_one_malformed_block_imports_the_good_one_and_says_so(api_as, erin, local_web):
    url = serve(
        local_web,
        "/two-blocks",
        page('{"@type": "NewsArticle",,}', json.dumps(claimreview())),
        "text/html",
    )

    response = api_as(erin).post(IMPORTS, {"url": url}, format="json")

    report = response.json()
    assert response.status_code == 201
    assert report["imported"] == 1
    assert report["skipped_items"][0]["reason"].startswith("JSON-LD block 1 is malformed:")


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (page(), "no_claimreview", "has no JSON-LD"),
        (
            page(json.dumps({"@context": "https://schema.org", "@type": "NewsArticle"})),
            "no_claimreview",
            "has JSON-LD (NewsArticle) but no ClaimReview",
        ),
        (page('{"@type": "ClaimReview", "claimReviewed": '), "unreadable_document", "malformed"),
    ],
)
def test_a_page_without_a_readable_claimreview_is_refused(
    api_as, erin, local_web, body, code, message
):
    url = serve(local_web, "/not-a-review", body, "text/html")

    response = api_as(erin).post(IMPORTS, {"url": url}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert message in response.json()["error"]["message"]
    assert not FactCheck.objects.exists()


def test_a_data_feed_is_imported_with_each_item_at_its_own_url(api_as, erin, local_web):
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            sample("datacommons_feeditem_dpa_de.json"),
            {"@type": "DataFeedItem", "item": [claimreview()]},
        ],
    }
    url = serve(local_web, "/feed.json", json.dumps(feed), "application/ld+json")

    response = api_as(erin).post(IMPORTS, {"url": url}, format="json")

    assert response.status_code == 201
    assert (response.json()["source"], response.json()["imported"]) == ("feed", 2)
    assert sorted(FactCheck.objects.values_list("review_url", flat=True)) == [
        "https://factcheck.example.org/2024/05/bridge-toll",
        "https://www.presseportal.de/pm/133833/4381130",
    ]


def test_a_compressed_feed_is_read(local_web):
    body = gzip.compress(json.dumps([claimreview()]).encode())
    url = serve(
        local_web, "/feed.json.gz", body, "application/json", **{"Content-Encoding": "gzip"}
    )

    out, _err = run_import(url)

    assert "1 imported" in out
    assert ImportRun.objects.get().source == "feed"


def test_a_feed_over_the_size_cap_is_refused(api_as, erin, local_web, settings):
    settings.FETCH_MAX_BODY_BYTES = 2048
    feed = json.dumps([claimreview(url=f"https://factcheck.example.org/{n}") for n in range(20)])
    url = serve(local_web, "/big-feed.json", feed, "application/json")

    response = api_as(erin).post(IMPORTS, {"url": url}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "is larger than the 2 KiB the fetcher reads" in error["message"]
    assert "imported as a file with `manage.py import_factchecks`" in error["message"]
    assert not FactCheck.objects.exists()


def test_a_private_address_is_refused_before_any_connection(api_as, erin, httpserver, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    settings.FETCH_ALLOWED_PORTS = [80, 443, httpserver.port]
    url = httpserver.url_for("/feed.json")

    response = api_as(erin).post(IMPORTS, {"url": url}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "fetch_refused"
    assert "a loopback address (this machine); only public internet addresses" in error["message"]
    assert httpserver.log == []
    assert ImportRun.objects.get().error == error["message"]


def test_a_missing_page_is_reported_as_a_failed_fetch(api_as, erin, local_web):
    local_web.expect_request("/gone").respond_with_handler(lambda request: Response("", 404))

    response = api_as(erin).post(IMPORTS, {"url": local_web.url_for("/gone")}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "fetch_failed"
    assert "answered 404" in response.json()["error"]["message"]


def test_redirects_are_followed_to_the_page(api_as, erin, local_web):
    target = serve(local_web, "/final", page(json.dumps(claimreview())), "text/html")
    local_web.expect_request("/moved").respond_with_handler(
        lambda request: Response("", 301, headers={"Location": "/final"})
    )

    response = api_as(erin).post(IMPORTS, {"url": local_web.url_for("/moved")}, format="json")

    assert response.status_code == 201
    assert target.endswith("/final")


def test_a_type_that_is_neither_page_nor_feed_is_refused(api_as, erin, local_web):
    url = serve(local_web, "/image.png", b"\x89PNG", "image/png")

    response = api_as(erin).post(IMPORTS, {"url": url}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "fetch_failed"
    message = response.json()["error"]["message"]
    assert "sent 'image/png', which the fetcher does not read" in message
    assert "application/ld+json" in message
