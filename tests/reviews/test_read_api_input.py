"""Whatever a client puts in the query string of the read API, it gets an answer: the data, or
a 4xx in the API's error shape saying what to change. Never a 500."""

import base64
import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.services import token_issue
from tests.conftest import client_for
from tests.reviews.test_client_api import publish

pytestmark = pytest.mark.django_db

VERDICTS, FEED, SEARCH = "/api/v1/verdicts/", "/api/v1/claimreview/", "/api/v1/claims:search"
GOOGLE_SEARCH = "/v1alpha1/claims:search"

CHECKED = hypothesis_settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def two(alice, erin):
    """An old verdict on Zamir Kabulov's claim and a new one on Valery Gerasimov's."""
    old = publish(author=alice, editor=erin, claimant="Zamir Kabulov", days_ago=40)
    new = publish(author=alice, editor=erin, claimant="Valery Gerasimov")
    return old, new


@pytest.fixture
def reader(newsbot):
    return client_for(newsbot)


def refused(response, *words: str) -> dict:
    """The error of a 400 answer, checked for its shape and for `words` in its message."""
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == "invalid_input"
    for word in words:
        assert word.lower() in error["message"].lower(), error["message"]
    return error


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# --- dates --------------------------------------------------------------------------------

# Past the ends of the calendar once in UTC.
OUT_OF_RANGE = [
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T23:59:59-00:01",
    "9999-12-31T23:00:00-01:00",
    "0001-01-01T00:00:00+23:59",
    "0001-01-01T00:00:00+00:01",
]
# Within it, though some carry an offset PostgreSQL refuses (past 15:59).
IN_RANGE = [
    "0001-01-01T00:00:00-23:59",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:01:00+00:01",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59+23:59",
    "2000-01-01T12:00:00+20:00",
    "2000-01-01T12:00:00-16:00",
    "2000-01-01",
]
UNREADABLE = ["10000-01-01T00:00:00Z", "2024-13-01", "2024-02-30T00:00:00Z", "notadate", "0"]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize(
    "path,name",
    [(VERDICTS, "published_after"), (VERDICTS, "published_before"), (FEED, "published_after")],
)
def test_a_date_past_the_calendar_in_utc_is_refused_as_out_of_range(reader, two, path, name, value):
    error = refused(reader.get(path, {name: value}), name, "out of range")

    assert "9999-12-31T23:59:59Z" in error["message"]


@pytest.mark.parametrize("value", IN_RANGE)
def test_a_date_within_the_calendar_filters_whatever_its_offset(reader, two, value):
    old, new = two
    after = ids(reader.get(VERDICTS, {"published_after": value}))
    before = ids(reader.get(VERDICTS, {"published_before": value}))

    assert (after, before) in (([new.id, old.id], []), ([], [new.id, old.id]))
    assert reader.get(FEED, {"published_after": value}).status_code == 200


@pytest.mark.parametrize("value", UNREADABLE)
@pytest.mark.parametrize("name", ["published_after", "published_before"])
def test_an_unreadable_date_says_how_to_write_one(reader, two, name, value):
    refused(reader.get(VERDICTS, {name: value}), name, "ISO 8601")


def test_an_offset_past_fifteen_hours_means_the_same_instant(reader, two):
    old, new = two
    instant = new.published_at.replace(microsecond=0)
    from datetime import timedelta, timezone

    far_east = instant.astimezone(timezone(timedelta(hours=23, minutes=59)))

    assert ids(reader.get(VERDICTS, {"published_before": far_east.isoformat()})) == [old.id]


# --- full-text search ---------------------------------------------------------------------

ODD_TEXT = [
    "-" * 40,
    "-" * 41,
    "x " + "-" * 45 + " y",
    "strikes " + "-" * 200 + "Gerasimov",
    " - " * 60 + "strikes",
    "-x " * 60,
    "!" * 60 + "strikes",
    "a " + "--" * 100 + "b",
    "&|!():*'\\",
    "strikes & | ! ( ) : * ' \\",
    "(((((((((((((((((((((((((((((((((((((((((strikes",
    "strikes <-> ISIL",
    "strikes <2> ISIL",
    "strikes:* ISIL:A",
    '"',
    '""',
    '"strikes',
    "'strikes'",
    "\\'",
    "or",
    "or or or or",
    "strikes or",
    "-or",
    "ISIL" * 125,
    "strikes " * 62,
    "\U0001d4b3" * 500,
    "é" * 500,
]


@pytest.mark.parametrize("text", ODD_TEXT)
def test_any_search_text_gets_an_answer(reader, two, text):
    assert reader.get(VERDICTS, {"q": text}).status_code == 200
    for path in (SEARCH, GOOGLE_SEARCH):
        response = reader.get(path, {"query": text})
        assert response.status_code == 200, response.content
        assert isinstance(response.json()["claims"], list)


def test_search_text_keeps_its_meaning(reader, two):
    old, new = two

    def search(text):
        return ids(reader.get(VERDICTS, {"q": text}))

    assert search("strikes -Gerasimov") == [old.id]
    # A run of dashes negates by its parity, as PostgreSQL's own reading of it does.
    assert search("strikes " + "-" * 45 + "Gerasimov") == [old.id]
    assert search("strikes " + "-" * 44 + "Gerasimov") == [new.id]
    assert search("strikes - Gerasimov") == [old.id]
    assert search("Kabulov or Gerasimov") == [new.id, old.id]
    assert search('"Valery Gerasimov"') == [new.id]
    assert search('strikes -"Valery Gerasimov"') == [old.id]
    assert search("-" * 41) == []
    claims = reader.get(SEARCH, {"query": "strikes " + "-" * 41 + "Kabulov"}).json()["claims"]
    assert [claim["claimant"] for claim in claims] == ["Valery Gerasimov"]


@pytest.mark.parametrize(
    "path,name", [(VERDICTS, "q"), (SEARCH, "query"), (GOOGLE_SEARCH, "query")]
)
def test_search_text_past_500_characters_is_refused(reader, two, path, name):
    assert reader.get(path, {name: "s" * 500}).status_code == 200
    refused(reader.get(path, {name: "s" * 501}), name, "500")


# --- claims:search: ages, pages, offsets --------------------------------------------------


@pytest.mark.parametrize("days", [1_000_000, 3_000_000, 2**31 - 1, 2**63, 10**30])
def test_a_max_age_beyond_the_calendar_means_any_age(reader, two, days):
    response = reader.get(SEARCH, {"query": "strikes", "maxAgeDays": days})

    assert response.status_code == 200, response.content
    assert len(response.json()["claims"]) == 2


@pytest.mark.parametrize("days", [0, -1, "1.5", "many"])
def test_a_max_age_that_is_not_a_positive_whole_number_is_refused(reader, two, days):
    refused(reader.get(SEARCH, {"query": "strikes", "maxAgeDays": days}), "maxAgeDays")


def token(value) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": value}).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "page_token",
    [
        token(2**64),
        token(2**64 + 1),
        token(2**63),
        token(2**63 - 1),
        token(2**31),
        token(10_001),
        token(-1),
        token(True),
        token("2"),
        token(1.5),
        token(None),
        "9" * 200,
        base64.urlsafe_b64encode(b'{"o": ' + b"9" * 5000 + b"}").decode()[:200],
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "garbage!",
        "=",
    ],
)
def test_a_page_token_this_service_did_not_issue_is_refused(reader, two, page_token):
    refused(reader.get(SEARCH, {"query": "strikes", "pageToken": page_token}), "pageToken")


def test_the_deepest_page_token_still_answers(reader, two):
    response = reader.get(SEARCH, {"query": "strikes", "pageToken": token(10_000)})

    assert response.status_code == 200
    assert response.json() == {"claims": []}


@pytest.mark.parametrize("offset", [2**64, 2**63, 2**31, 10_001, -1, "1.5"])
def test_an_offset_out_of_range_is_refused(reader, two, offset):
    refused(reader.get(SEARCH, {"query": "strikes", "offset": offset}), "offset")


@pytest.mark.parametrize("size", [-1, 101, 2**64, "ten"])
def test_a_page_size_out_of_range_is_refused(reader, two, size):
    refused(reader.get(SEARCH, {"query": "strikes", "pageSize": size}), "pageSize")


@pytest.mark.parametrize("code", ["en-", "-US", "e", "en US", "en--US", "x" * 40, "en-US!"])
def test_a_language_code_that_is_not_bcp_47_is_refused(reader, two, code):
    refused(reader.get(SEARCH, {"query": "strikes", "languageCode": code}), "BCP-47")


# --- cursors ------------------------------------------------------------------------------


def cursor(**tokens) -> str:
    return base64.b64encode(urlencode(tokens).encode()).decode()


# Refused whatever the order: not base64, not ASCII, a NUL, an offset or direction that is
# not a number.
MALFORMED_CURSORS = [
    "cD0lMDA=",  # p=%00
    cursor(p="2024-01-01 00:00:00+00:00\x00"),
    cursor(o="-1"),
    cursor(o="x"),
    cursor(r="x"),
    "not base64!",
    "é",
    base64.b64encode("p=é".encode()).decode(),
    base64.b64encode(b"\xff").decode(),
]
# Refused as positions among dates (the default order), fine among ratings (text).
NOT_A_DATE_CURSORS = [
    "cD1ub3RhZGF0ZQ==",  # p=notadate
    cursor(p="9999-12-31 23:59:59-23:59"),
    cursor(p="0001-01-01 00:00:00+23:59"),
    cursor(p="2024-02-30 00:00:00+00:00"),
    cursor(p=""),
    cursor(r=str(2**64), p="x"),
]


@pytest.mark.parametrize("value", MALFORMED_CURSORS + NOT_A_DATE_CURSORS)
@pytest.mark.parametrize("ordering", [None, "published_at", "-published_at"])
def test_a_cursor_this_service_did_not_issue_is_refused(reader, two, value, ordering):
    params = {"cursor": value, **({"ordering": ordering} if ordering else {})}

    refused(reader.get(VERDICTS, params), "invalid cursor")


@pytest.mark.parametrize("value", MALFORMED_CURSORS)
def test_a_malformed_cursor_is_refused_in_any_order(reader, two, value):
    refused(reader.get(VERDICTS, {"cursor": value, "ordering": "-rating"}), "invalid cursor")


@pytest.mark.parametrize("value", NOT_A_DATE_CURSORS)
def test_any_text_is_a_position_among_ratings(reader, two, value):
    assert reader.get(VERDICTS, {"cursor": value, "ordering": "-rating"}).status_code == 200


def test_cursors_this_service_issues_still_page(reader, alice, erin):
    verdicts = [publish(author=alice, editor=erin, days_ago=day + 1) for day in range(5)]
    for ordering in (None, "published_at", "-rating,published_at"):
        params = {"page_size": 2, **({"ordering": ordering} if ordering else {})}
        page = reader.get(VERDICTS, params).json()
        seen = [item["id"] for item in page["results"]]
        while page["next"]:
            page = reader.get(page["next"]).json()
            seen += [item["id"] for item in page["results"]]
            if page["previous"]:
                assert reader.get(page["previous"]).status_code == 200
        assert sorted(seen) == sorted(v.id for v in verdicts), ordering


def test_an_ordering_it_cannot_follow_is_refused_with_those_it_can(reader, two):
    error = refused(reader.get(VERDICTS, {"ordering": "headline"}), "ordering")

    assert "published_at" in error["message"] and "-rating" in error["message"]


@pytest.mark.parametrize("article", ["1.5", "1e3", "x"])
def test_an_article_id_must_be_a_whole_number(reader, two, article):
    refused(reader.get(VERDICTS, {"article": article}), "article")


# --- refusals that a client library can read ---------------------------------------------


@pytest.mark.parametrize(
    "method,path,headers",
    [
        ("get", VERDICTS, {}),
        ("get", VERDICTS, {"HTTP_AUTHORIZATION": "Token nope"}),
        ("get", VERDICTS, {"HTTP_AUTHORIZATION": "Token"}),
        ("get", VERDICTS, {"HTTP_AUTHORIZATION": "Token a b"}),
        ("get", f"{SEARCH}?query=x&key=nope", {}),
        ("get", f"{GOOGLE_SEARCH}?query=x&key=nope", {}),
        ("get", f"{GOOGLE_SEARCH}?query=x", {}),
        ("post", "/api/v1/queue/next/", {}),
        ("get", "/api/v1/claims/", {"HTTP_AUTHORIZATION": "Token nope"}),
    ],
)
def test_every_401_names_its_scheme_with_a_realm(db, method, path, headers):
    from httplib2.auth import _parse_www_authenticate

    response = getattr(Client(), method)(path, **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    # How Google's client libraries read it (httplib2): a bare `Token` fails here.
    assert _parse_www_authenticate({"www-authenticate": response["WWW-Authenticate"]}) == {
        "token": {"realm": "api"}
    }
    assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    "key", ["%00", "%00" + "a" * 70, "a" * 20 + "%00", "%FF%FE", "%C3%A9" * 64]
)
@pytest.mark.parametrize("path", [SEARCH, GOOGLE_SEARCH])
def test_a_key_no_token_could_be_is_refused_as_a_wrong_key(db, path, key):
    response = Client().get(f"{path}?query=strikes&key={key}")

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Invalid token."


@CHECKED
@given(key=st.text(min_size=1, max_size=100))
def test_any_wrong_key_is_refused_with_a_401(db, key):
    response = Client().get(GOOGLE_SEARCH, {"query": "strikes", "key": key})

    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_a_token_still_authenticates(two, newsbot):
    response = Client().get(VERDICTS, HTTP_AUTHORIZATION=f"Token {token_issue(username='newsbot')}")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/v1alpha1/claims:imageSearch?imageUri=https://example.org/a.png"),
        ("get", "/v1alpha1/pages"),
        ("get", "/v1alpha1/pages/123"),
        ("post", "/v1alpha1/pages"),
        ("patch", "/v1alpha1/pages/123"),
        ("delete", "/v1alpha1/pages/123"),
        ("get", "/v1alpha1/"),
        ("get", "/v1alpha1"),
        ("get", "/v1alpha1/claims:search/"),
        ("get", "/v1alpha1/%0Aclaims"),
    ],
)
def test_the_rest_of_googles_api_answers_that_only_claims_search_is_served(db, method, path):
    response = getattr(Client(), method)(path)

    assert response.status_code == 501
    error = response.json()["error"]
    assert error["code"] == "not_implemented"
    assert "only GET /v1alpha1/claims:search" in error["message"]


# --- whatever the query string holds ------------------------------------------------------

# Runs of operators around a word: PostgreSQL's parser stacks one NOT per dash.
OPERATOR_RUNS = st.builds(
    lambda before, run, n, after: f"{before}{run * n}{after}",
    st.sampled_from(["", "x ", "strikes", '"']),
    st.sampled_from(
        ["-", " -", "- ", "!", "-!", "(", "<->", '"-'],
    ),
    st.integers(min_value=0, max_value=120),
    st.sampled_from(["", " y", "Gerasimov", " or z"]),
)
ANY_TEXT = st.one_of(
    OPERATOR_RUNS,
    st.text(max_size=60),
    st.text(alphabet="-!&|():*'\\\"<> 0123456789aZ", max_size=80),
    st.sampled_from(
        [
            *OUT_OF_RANGE,
            *IN_RANGE,
            *UNREADABLE,
            *ODD_TEXT[:10],
            str(2**64),
            str(-(2**64)),
            "1e400",
            "NaN",
            "-0",
            "",
        ]
    ),
)


def answered(response):
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert set(response.json()["error"]) == {"code", "message", "details"}


@CHECKED
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "published_after",
                "published_before",
                "q",
                "cursor",
                "page_size",
                "ordering",
                "article",
                "article_url",
                "claimant",
                "rating",
                "kind",
            ]
        ),
        ANY_TEXT,
        max_size=4,
    )
)
def test_the_verdict_list_answers_any_query_string(reader, two, params):
    answered(reader.get(VERDICTS, params))


@CHECKED
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "query",
                "reviewPublisherSiteFilter",
                "languageCode",
                "maxAgeDays",
                "offset",
                "pageSize",
                "pageToken",
            ]
        ),
        ANY_TEXT,
        max_size=5,
    )
)
def test_claims_search_answers_any_query_string(reader, two, params):
    answered(reader.get(SEARCH, params))


@CHECKED
@given(text=st.one_of(OPERATOR_RUNS, ANY_TEXT))
def test_both_searches_answer_any_text(reader, two, text):
    answered(reader.get(VERDICTS, {"q": text}))
    answered(reader.get(SEARCH, {"query": text}))


@CHECKED
@given(params=st.dictionaries(st.sampled_from(["published_after", "limit"]), ANY_TEXT))
def test_the_claimreview_feed_answers_any_query_string(reader, two, params):
    answered(reader.get(FEED, params))


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (
            "/api/v1/verdicts/?published_after=2020-01-01&published_after=2021-01-01",
            "published_after",
        ),
        ("/api/v1/claims:search?query=strikes&query=troops", "query"),
        ("/api/v1/claims:search?query=strikes&pageSize=1&pageSize=50", "pageSize"),
        ("/api/v1/claimreview/?limit=5&limit=10", "limit"),
        ("/api/v1/verdicts/?page_size=5&page_size=10", "page_size"),
        ("/api/v1/matches/?text=strikes&limit=5&limit=50", "limit"),
        ("/api/v1/articles/summary/?url=https://a.example/1&url=https://b.example/2", "url"),
    ],
)
def test_a_parameter_taking_one_value_given_twice_is_refused(reader, two, path, name):
    body = refused(reader.get(path))
    assert "once" in str(body["details"][name]), body


def test_a_filter_taking_several_values_may_be_given_several_times(reader, two):
    response = reader.get("/api/v1/verdicts/?rating=false&rating=mostly_false&rating=true")
    assert response.status_code == 200, response.content
