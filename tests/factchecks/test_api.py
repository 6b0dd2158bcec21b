"""The fact-check API: who may import and read, the import report, filters and pages, and
bad input answered with a 400 saying what to change, nothing written."""

import json

import pytest

from factchecks.models import FactCheck, ImportRun

from .conftest import FACTCHECKS, IMPORTS, claimreview, sample

pytestmark = pytest.mark.django_db


def test_an_editor_imports_a_document_and_gets_the_report(api_as, erin):
    response = api_as(erin).post(
        IMPORTS, {"document": sample("factcheckzw_en.json")}, format="json"
    )

    assert response.status_code == 201
    report = response.json()
    assert report | {"id": 0, "started_at": "", "finished_at": ""} == {
        "id": 0,
        "state": "succeeded",
        "source": "upload",
        "location": "request body",
        "format": "claimreview",
        "items": 1,
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "skipped_items": [],
        "error": "",
        "started_at": "",
        "finished_at": "",
    }
    assert ImportRun.objects.get(pk=report["id"]).requested_by == erin


def test_the_same_document_again_is_answered_200_with_nothing_added(api_as, erin):
    api_as(erin).post(IMPORTS, {"document": sample("lupa_pt.json")}, format="json")

    again = api_as(erin).post(IMPORTS, {"document": sample("lupa_pt.json")}, format="json")

    assert again.status_code == 200
    assert (again.json()["imported"], again.json()["unchanged"]) == (0, 1)
    assert FactCheck.objects.count() == 1


def test_a_file_sent_as_content_is_imported(api_as, erin):
    tsv = (
        "vclaim_id\tvclaim\ttitle\tspeaker\ttruth_label\tdate\turl\n"
        "vclaim-pol-1\tTaxes doubled last year.\tNo, they did not\tA mayor\tfalse\t"
        "stated on May 1, 2020 in a speech:\t/factchecks/2020/may/03/a/b/\n"
    )

    response = api_as(erin).post(
        IMPORTS, {"content": tsv, "filename": "vclaims.tsv"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["format"] == "clef-tsv"
    assert FactCheck.objects.get().review_url == (
        "https://www.politifact.com/factchecks/2020/may/03/a/b/"
    )


@pytest.mark.parametrize("persona", ["alice", "newsbot", "mallory"])
def test_only_editors_may_import(api_as, persona, request):
    user = request.getfixturevalue(persona)

    response = api_as(user).post(IMPORTS, {"document": claimreview()}, format="json")

    assert response.status_code == 403
    message = response.json()["error"]["message"]
    assert message.startswith("Only editors may import fact-checks;")
    assert "GET /api/v1/factchecks/" in message
    assert not FactCheck.objects.exists() and not ImportRun.objects.exists()


def test_importing_needs_credentials(client):
    response = client.post(IMPORTS, {"document": claimreview()}, content_type="application/json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Send one of url (a page or a feed to fetch), document"),
        ({"url": "https://a.example/x", "document": {}}, "got url, document"),
        ({"url": "ftp://a.example/feed"}, "url:"),
        ({"document": claimreview(), "format": "xml"}, '"xml" is not one of auto'),
        ({"document": claimreview(), "extra": 1}, "extra: This field cannot be set here"),
        ({"content": 42}, "content: Must be a string, not int."),
    ],
)
def test_a_request_that_is_not_an_import_is_refused_saying_what_to_send(
    api_as, erin, body, message
):
    response = api_as(erin).post(IMPORTS, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert message in response.json()["error"]["message"]
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            {"content": '{"@type": "ClaimReview", "claimReviewed": '},
            "unreadable_document",
            "is not valid JSON (JSON-LD)",
        ),
        (
            {"document": {"@context": "https://schema.org", "@type": "NewsArticle"}},
            "no_claimreview",
            "holds NewsArticle but no ClaimReview",
        ),
        (
            {"content": "<html><body><p>No markup here</p></body></html>", "filename": "a.html"},
            "no_claimreview",
            "has no JSON-LD",
        ),
        (
            {"document": [claimreview(claimReviewed="  ")]},
            "nothing_imported",
            "has no claimReviewed",
        ),
    ],
)
def test_input_without_a_fact_check_is_refused_with_an_actionable_message(
    api_as, erin, body, code, message
):
    response = api_as(erin).post(IMPORTS, body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert message in error["message"]
    assert not FactCheck.objects.exists()
    assert ImportRun.objects.get().state == "failed"


def test_a_document_with_one_bad_item_imports_the_others(api_as, erin):
    document = {
        "@context": "https://schema.org",
        "@graph": [
            claimreview(url="https://factcheck.example.org/one"),
            claimreview(url="https://factcheck.example.org/two", claimReviewed=""),
            claimreview(url="https://factcheck.example.org/three", claimReviewed="Something else."),
        ],
    }

    response = api_as(erin).post(IMPORTS, {"document": document}, format="json")

    report = response.json()
    assert response.status_code == 201
    assert (report["imported"], report["skipped"]) == (2, 1)
    assert report["skipped_items"] == [
        {
            "position": 2,
            "item": "",
            "reason": "The ClaimReview has no claimReviewed: there is no claim to match against.",
        }
    ]


def test_readers_list_filter_and_page_through_fact_checks(api_as, erin, alice, newsbot):
    reviews = [
        claimreview(url=f"https://factcheck.example.org/{n}", claimReviewed=f"Claim number {n}.")
        for n in range(3)
    ]
    reviews.append(sample("lupa_pt.json"))
    reviews.append(sample("tfc_taiwan_zh.json"))
    api_as(erin).post(IMPORTS, {"document": reviews}, format="json")

    for reader in (alice, erin, newsbot):
        page = api_as(reader).get(FACTCHECKS, {"page_size": 2}).json()
        assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]
    client = api_as(newsbot)
    assert [
        i["language"] for i in client.get(FACTCHECKS, {"language": "PT"}).json()["results"]
    ] == ["pt"]
    by_publisher = client.get(FACTCHECKS, {"publisher": "lupa"}).json()["results"]
    assert [i["publisher"]["name"] for i in by_publisher] == ["Agência Lupa"]
    by_site = client.get(FACTCHECKS, {"publisher": "tfc-taiwan.org.tw"}).json()
    assert by_site["count"] == 1
    assert client.get(FACTCHECKS, {"rating": ["false", "mixed"]}).json()["count"] == 5
    assert client.get(FACTCHECKS, {"rating": "true"}).json()["count"] == 0


def test_the_list_is_newest_review_first_and_undated_last(api_as, erin, newsbot):
    undated = claimreview(url="https://factcheck.example.org/undated", claimReviewed="Undated.")
    del undated["datePublished"]
    older = claimreview(url="https://factcheck.example.org/old", datePublished="2019-01-01")
    newer = claimreview(
        url="https://factcheck.example.org/new",
        datePublished="2023-01-01",
        claimReviewed="A newer claim.",
    )
    api_as(erin).post(IMPORTS, {"document": [undated, older, newer]}, format="json")

    items = api_as(newsbot).get(FACTCHECKS).json()["results"]

    assert [i["review_date"] for i in items] == ["2023-01-01", "2019-01-01", None]


def test_one_fact_check_shows_its_raw_json_as_published(api_as, erin, newsbot):
    api_as(erin).post(IMPORTS, {"document": sample("boomlive_en.json")}, format="json")
    (item,) = api_as(newsbot).get(FACTCHECKS).json()["results"]

    detail = api_as(newsbot).get(f"{FACTCHECKS}{item['id']}/").json()

    assert detail["raw"] == sample("boomlive_en.json")
    assert detail["claimant"] == "Facebook Page - NoConversion"
    assert "raw" not in item


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rating": "fake"}, '"fake" is not one of'),
        ({"language": ""}, "This parameter is empty"),
        ({"page_size": "1000"}, "Must be a whole number from 1 to 200"),
    ],
)
def test_a_bad_filter_is_refused(api_as, newsbot, params, message):
    response = api_as(newsbot).get(FACTCHECKS, params)

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_outsiders_read_no_fact_checks(api_as, erin, mallory, client):
    api_as(erin).post(IMPORTS, {"document": claimreview()}, format="json")
    factcheck_id = FactCheck.objects.get().pk

    for path in (FACTCHECKS, f"{FACTCHECKS}{factcheck_id}/"):
        refused = api_as(mallory).get(path)
        assert refused.status_code == 403
        assert refused.json()["error"]["message"] == (
            "Only fact-checkers or editors or API clients may read fact-checks."
        )
        assert client.get(path).status_code == 401


def test_an_unknown_fact_check_is_not_found(api_as, newsbot):
    response = api_as(newsbot).get(f"{FACTCHECKS}999999/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_declared_language_is_kept_and_others_are_detected(api_as, erin, newsbot):
    declared = claimreview(
        url="https://factcheck.example.org/pt", inLanguage="pt-BR", claimReviewed="A ponte é cara."
    )
    detected = claimreview(
        url="https://factcheck.example.org/de",
        claimReviewed="Die neue Brücke kostet die Autofahrer vierzig Euro am Tag.",
    )
    api_as(erin).post(IMPORTS, {"document": [declared, detected]}, format="json")

    items = {i["review_url"][-2:]: i for i in api_as(newsbot).get(FACTCHECKS).json()["results"]}

    assert (items["pt"]["language"], items["pt"]["language_detected"]) == ("pt", False)
    assert (items["de"]["language"], items["de"]["language_detected"]) == ("de", True)


def test_characters_the_database_cannot_keep_do_not_cost_the_item(api_as, erin, newsbot):
    # NUL, which JSON allows and PostgreSQL does not, and a lone surrogate, which JSON-LD in a
    # page may hold and UTF-8 cannot encode.
    with_nul = claimreview(url="https://factcheck.example.org/nul", description="a\u0000b")
    page_review = json.dumps(
        claimreview(url="https://factcheck.example.org/surrogate", claimReviewed="CLAIM")
    ).replace('"CLAIM"', '"The toll \\ud800 doubled."')
    page = f'<html><head><script type="application/ld+json">{page_review}</script></head></html>'

    first = api_as(erin).post(IMPORTS, {"document": with_nul}, format="json")
    second = api_as(erin).post(IMPORTS, {"content": page}, format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    items = {i["review_url"]: i for i in api_as(newsbot).get(FACTCHECKS).json()["results"]}
    assert items["https://factcheck.example.org/surrogate"]["claim_text"] == (
        "The toll \ufffd doubled."
    )
    nul_id = items["https://factcheck.example.org/nul"]["id"]
    assert api_as(newsbot).get(f"{FACTCHECKS}{nul_id}/").json()["raw"]["description"] == "ab"
