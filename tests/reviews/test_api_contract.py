"""The write API's contract: what a request body may hold, what an edit that changes nothing
does, If-Match as RFC 9110 defines it, choice errors that list the choices, and bad input
(nested too deep, unreadable, a URL too long once encoded) answered with a 4xx in the one
error shape, nothing written."""

import pytest
from django.test import Client

from articles.models import Article
from reviews.models import Claim, EvidenceLink, ReviewEvent, Verdict
from sources.models import Source
from tests.conftest import client_for
from tests.factories import queued_claims

pytestmark = pytest.mark.django_db

DRAFT = {
    "rating": "mostly_false",
    "headline": "Most strikes hit ISIL-held areas, monitors found",
    "rationale": "Airwars recorded **most** coalition strikes in ISIL-held territory.",
}
# 720 characters as typed; each "é" is %C3%A9 once encoded: 4,220 characters.
LONG_ONCE_ENCODED = "https://example.org/" + "é" * 700


@pytest.fixture
def draft(alice):
    """alice holds a claim and has drafted its verdict: (her client, the claim id, the ETag)."""
    queued_claims(2)
    client = client_for(alice)
    claim = client.post("/api/v1/queue/next/").json()
    response = client.post(f"/api/v1/claims/{claim['id']}/verdict/", DRAFT)
    assert response.status_code == 201, response.json()
    return client, claim["id"], response["ETag"]


def trail(claim_id: int) -> list[str]:
    events = ReviewEvent.objects.filter(claim_id=claim_id).order_by("id")
    return list(events.values_list("action", flat=True))


def everything_written() -> dict:
    """What any write of the API leaves behind, to compare before and after a refusal."""
    return {
        "events": ReviewEvent.objects.count(),
        "verdicts": list(Verdict.objects.values_list("id", "version", "state", "headline")),
        "evidence": EvidenceLink.objects.count(),
        "sources": Source.objects.count(),
        "articles": Article.objects.count(),
        "claims": list(Claim.objects.values_list("id", "state", "boost", "assignee_id")),
    }


def assert_refused(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error


# --- fields a request may hold --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"state": "published"}, ["state"]),
        ({"version": 9, "author": "bob"}, ["version", "author"]),
        ({"headline": "A new headline", "signed_off_by": "erin"}, ["signed_off_by"]),
    ],
)
def test_an_edit_with_unknown_or_read_only_fields_is_refused_naming_them(draft, body, named):
    client, claim_id, etag = draft

    response = client.patch(f"/api/v1/claims/{claim_id}/verdict/", body, HTTP_IF_MATCH=etag)

    error = assert_refused(response, 400, "invalid_input")
    for name in named:
        assert name in error["details"]
        assert f"{name}: This field cannot be set here." in error["message"]
    assert "This request takes rating, headline, rationale." in error["message"]
    verdict = Verdict.objects.get(claim_id=claim_id)
    assert (verdict.version, verdict.headline, verdict.state) == (1, DRAFT["headline"], "draft")
    assert "edit" not in trail(claim_id)


def _writes_with_a_field_too_many(claim_id):
    """(who, path, body, the field too many) for every write, with an otherwise good body."""
    return [
        ("alice", "/api/v1/queue/next/", {"kind": "statistic", "priority": 90}, "priority"),
        ("alice", f"/api/v1/claims/{claim_id}/take/", {"lease_minutes": 60}, "lease_minutes"),
        ("erin", f"/api/v1/claims/{claim_id}/assign/", {"user": "alice", "lease": 60}, "lease"),
        ("alice", f"/api/v1/claims/{claim_id}/renew/", {"minutes": 60}, "minutes"),
        ("alice", f"/api/v1/claims/{claim_id}/release/", {"reason": "done"}, "reason"),
        (
            "alice",
            f"/api/v1/claims/{claim_id}/evidence/",
            {"url": "https://example.org/a", "stance": "refutes", "added_by": "erin"},
            "added_by",
        ),
        ("alice", f"/api/v1/claims/{claim_id}/verdict/", {**DRAFT, "state": "published"}, "state"),
        ("alice", f"/api/v1/claims/{claim_id}/verdict/submit/", {"force": True}, "force"),
        (
            "alice",
            "/api/v1/articles/",
            {"text": "The minister said 90% of roads are new.", "claims": []},
            "claims",
        ),
        ("erin", f"/api/v1/claims/{claim_id}/dismiss/", {"reason": "opinion", "why": "x"}, "why"),
        ("erin", f"/api/v1/claims/{claim_id}/boost/", {"boost": 5, "priority": 100}, "priority"),
        ("erin", f"/api/v1/claims/{claim_id}/queue/", {"state": "queued"}, "state"),
        (
            "erin",
            f"/api/v1/claims/{claim_id}/verdict/approve/",
            {"comment": "", "published_at": "2020-01-01T00:00:00Z"},
            "published_at",
        ),
        (
            "erin",
            f"/api/v1/claims/{claim_id}/verdict/return/",
            {"comment": "Fix it", "assignee": "bob"},
            "assignee",
        ),
    ]


def test_every_write_refuses_a_field_it_does_not_take_and_writes_nothing(alice, erin):
    (claim,) = queued_claims(1)
    client_for(alice).post("/api/v1/queue/next/")
    clients = {"alice": client_for(alice), "erin": client_for(erin)}
    before = everything_written()

    for who, path, body, too_many in _writes_with_a_field_too_many(claim.id):
        response = clients[who].post(path, body, HTTP_IF_MATCH='"1"')

        error = assert_refused(response, 400, "invalid_input")
        assert list(error["details"]) == [too_many], (path, error)
    assert everything_written() == before


# --- an edit that changes nothing -----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{}, {"headline": DRAFT["headline"]}, DRAFT, {"headline": f"  {DRAFT['headline']} "}],
    ids=["nothing", "the same headline", "the same verdict", "the same headline spaced"],
)
def test_an_edit_that_changes_nothing_keeps_the_version_and_records_nothing(draft, body):
    client, claim_id, etag = draft

    response = client.patch(f"/api/v1/claims/{claim_id}/verdict/", body, HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.json()
    assert response["ETag"] == etag
    assert response.json()["version"] == 1
    assert response.json()["headline"] == DRAFT["headline"]
    assert trail(claim_id) == ["extract", "take", "draft"]
    assert Verdict.objects.get(claim_id=claim_id).version == 1


def test_an_edit_that_changes_one_field_of_several_sent_moves_the_version_once(draft):
    client, claim_id, etag = draft

    response = client.patch(
        f"/api/v1/claims/{claim_id}/verdict/",
        {**DRAFT, "rating": "false"},
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200
    assert (response["ETag"], response.json()["rating"]) == ('"2"', "false")
    assert trail(claim_id) == ["extract", "take", "draft", "edit"]


def test_an_edit_that_changes_nothing_with_a_stale_etag_is_still_a_412(draft):
    client, claim_id, etag = draft
    client.patch(f"/api/v1/claims/{claim_id}/verdict/", {"rating": "false"}, HTTP_IF_MATCH=etag)

    response = client.patch(f"/api/v1/claims/{claim_id}/verdict/", {}, HTTP_IF_MATCH=etag)

    assert_refused(response, 412, "stale_version")
    assert response["ETag"] == '"2"'


# --- If-Match -------------------------------------------------------------------------------


def test_a_weak_etag_never_matches(draft):
    client, claim_id, etag = draft

    response = client.patch(
        f"/api/v1/claims/{claim_id}/verdict/", {"headline": "Changed"}, HTTP_IF_MATCH=f"W/{etag}"
    )

    error = assert_refused(response, 412, "stale_version")
    assert "compares strongly" in error["message"]
    assert error["details"] == {"current_version": 1}
    assert response["ETag"] == etag
    assert Verdict.objects.get(claim_id=claim_id).headline == DRAFT["headline"]
    assert trail(claim_id) == ["extract", "take", "draft"]


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ('"7", "1"', 200),
        ('"1","7"', 200),
        ('"7" , , "1"', 200),
        ("*", 200),
        ('"7", W/"1"', 412),
        ('"7", "8"', 412),
        ('"one"', 412),
    ],
)
def test_if_match_takes_a_list_or_any_version_and_compares_strongly(draft, if_match, status):
    client, claim_id, _etag = draft

    response = client.patch(
        f"/api/v1/claims/{claim_id}/verdict/", {"headline": "Changed"}, HTTP_IF_MATCH=if_match
    )

    assert response.status_code == status, response.json()
    headline = Verdict.objects.get(claim_id=claim_id).headline
    assert headline == ("Changed" if status == 200 else DRAFT["headline"])


@pytest.mark.parametrize("if_match", ["1", '"1" "2"', "W/1", '"1'])
def test_an_if_match_that_is_not_a_list_of_etags_is_a_400_saying_so(draft, if_match):
    client, claim_id, _etag = draft

    response = client.patch(
        f"/api/v1/claims/{claim_id}/verdict/", {"headline": "Changed"}, HTTP_IF_MATCH=if_match
    )

    error = assert_refused(response, 400, "invalid_input")
    assert "quotes included" in error["message"]
    assert Verdict.objects.get(claim_id=claim_id).headline == DRAFT["headline"]


def test_a_weak_etag_cannot_submit_or_sign_off(draft, erin):
    client, claim_id, etag = draft
    client.post(
        f"/api/v1/claims/{claim_id}/evidence/",
        {"url": "https://example.org/report", "stance": "refutes"},
    )

    weak_submit = client.post(
        f"/api/v1/claims/{claim_id}/verdict/submit/", HTTP_IF_MATCH="W/" + etag
    )
    submitted = client.post(f"/api/v1/claims/{claim_id}/verdict/submit/", HTTP_IF_MATCH=etag)
    weak_return = client_for(erin).post(
        f"/api/v1/claims/{claim_id}/verdict/return/",
        {"comment": "Cite the report."},
        HTTP_IF_MATCH="W/" + submitted["ETag"],
    )

    assert_refused(weak_submit, 412, "stale_version")
    assert submitted.status_code == 200
    assert_refused(weak_return, 412, "stale_version")
    assert Verdict.objects.get(claim_id=claim_id).state == "submitted"


def test_a_refusal_that_needs_no_etag_comes_before_a_stale_one(draft, erin):
    """RFC 9110 (13.2.1): a request refused whatever its precondition gets that refusal, not
    412. Here the evidence was never fetched, so approval is refused either way."""
    client, claim_id, etag = draft
    client.post(
        f"/api/v1/claims/{claim_id}/evidence/",
        {"url": "https://example.org/report", "stance": "refutes"},
    )
    submitted = client.post(f"/api/v1/claims/{claim_id}/verdict/submit/", HTTP_IF_MATCH=etag)

    response = client_for(erin).post(
        f"/api/v1/claims/{claim_id}/verdict/approve/", HTTP_IF_MATCH="W/" + submitted["ETag"]
    )

    assert_refused(response, 409, "invalid_transition")
    assert Verdict.objects.get(claim_id=claim_id).state == "submitted"


# --- choices --------------------------------------------------------------------------------


def test_a_bad_choice_is_refused_with_the_valid_ones(draft, erin):
    client, claim_id, etag = draft
    other = Claim.objects.get(state="queued")

    stance = client.post(
        f"/api/v1/claims/{claim_id}/evidence/", {"url": "https://example.org/a", "stance": "refute"}
    )
    stance_type = client.post(
        f"/api/v1/claims/{claim_id}/evidence/", {"url": "https://example.org/a", "stance": 5}
    )
    rating = client.patch(
        f"/api/v1/claims/{claim_id}/verdict/", {"rating": "pants_on_fire"}, HTTP_IF_MATCH=etag
    )
    reason = client_for(erin).post(f"/api/v1/claims/{other.id}/dismiss/", {"reason": "spam"})

    assert assert_refused(stance, 400)["message"] == (
        'stance: "refute" is not one of supports, refutes, context.'
    )
    assert assert_refused(stance_type, 400)["message"] == (
        "stance: Must be one of supports, refutes, context, not int."
    )
    assert assert_refused(rating, 400)["message"] == (
        'rating: "pants_on_fire" is not one of false, mostly_false, mixed, mostly_true, true.'
    )
    assert assert_refused(reason, 400)["message"] == (
        'reason: "spam" is not one of not_check_worthy, duplicate, opinion, already_checked.'
    )
    assert not EvidenceLink.objects.exists()
    assert Claim.objects.get(pk=other.id).state == "queued"


def test_a_quoted_bad_choice_is_cut_short(draft):
    client, claim_id, _etag = draft

    response = client.post(
        f"/api/v1/claims/{claim_id}/evidence/",
        {"url": "https://example.org/a", "stance": "x" * 100_000},
    )

    message = assert_refused(response, 400)["message"]
    assert len(message) < 200 and "is not one of supports, refutes, context." in message


@pytest.mark.parametrize(
    ("path", "parameter", "listed"),
    [
        ("/api/v1/claims/", "state", "triage, queued, assigned"),
        ("/api/v1/claims/", "kind", "statistic, estimate"),
        ("/api/v1/articles/", "ingest_state", "pending, fetching, extracted, failed"),
        ("/api/v1/verdicts/", "rating", "false, mostly_false, mixed"),
    ],
)
@pytest.mark.parametrize("refused", ["bogus", "100%", "%s%(x)s"])
def test_a_query_filter_given_a_bad_choice_lists_the_valid_ones(
    erin, newsbot, path, parameter, listed, refused
):
    reader = newsbot if path == "/api/v1/verdicts/" else erin

    answer = client_for(reader).get(path, {parameter: refused})

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert parameter in error["message"] or parameter in str(error["details"])
    assert f'"{refused}" is not one of {listed}' in str(error["details"]) + error["message"]


def test_the_page_forms_list_the_valid_choices_too(alice):
    queued_claims(1)
    client_for(alice).post("/api/v1/queue/next/")
    claim = Claim.objects.get(state="assigned")
    page = Client()
    page.force_login(alice)

    response = page.post(
        f"/claims/{claim.id}/evidence/add/",
        {"url": "https://example.org/a", "stance": "refute"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "is not one of supports, refutes, context." in response.content.decode()
    assert not EvidenceLink.objects.exists()


# --- bodies that cannot be read -------------------------------------------------------------


def _json_writes(claim_id):
    return [
        ("alice", "post", "/api/v1/articles/"),
        ("alice", "post", "/api/v1/queue/next/"),
        ("alice", "post", f"/api/v1/claims/{claim_id}/evidence/"),
        ("alice", "post", f"/api/v1/claims/{claim_id}/verdict/"),
        ("alice", "patch", f"/api/v1/claims/{claim_id}/verdict/"),
        ("alice", "post", f"/api/v1/claims/{claim_id}/verdict/submit/"),
        ("alice", "post", f"/api/v1/claims/{claim_id}/renew/"),
        ("erin", "post", f"/api/v1/claims/{claim_id}/dismiss/"),
        ("erin", "post", f"/api/v1/claims/{claim_id}/boost/"),
        ("erin", "post", f"/api/v1/claims/{claim_id}/verdict/approve/"),
        ("erin", "post", f"/api/v1/claims/{claim_id}/verdict/return/"),
    ]


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ("[" * 50_000 + "]" * 50_000, "nested more than 32 levels"),
        ('{"note": ' + "[" * 1_000 + "]" * 1_000 + "}", "nested more than 32 levels"),
        ('{"note": "\\ud800"}', "not valid JSON"),
        ('{"boost": NaN}', "not valid JSON"),
        ('{"url": "https://example.org/a",', "not valid JSON"),
        ("\ufeff{}", "not valid JSON"),
    ],
    ids=["50,000 deep", "1,000 deep", "lone surrogate", "NaN", "cut short", "byte order mark"],
)
def test_a_body_that_cannot_be_read_is_a_400_on_every_write(draft, erin, body, complaint):
    _client, claim_id, _etag = draft
    clients = {"alice": draft[0], "erin": client_for(erin)}
    before = everything_written()

    for who, method, path in _json_writes(claim_id):
        response = getattr(clients[who], method)(
            path, body.encode(), content_type="application/json", HTTP_IF_MATCH='"1"'
        )

        error = assert_refused(response, 400, "parse_error")
        assert complaint in error["message"], (path, error)
    assert everything_written() == before


def test_nesting_up_to_the_limit_is_read(draft):
    client, claim_id, _etag = draft
    nested = "[" * 31 + "]" * 31

    response = client.post(
        f"/api/v1/claims/{claim_id}/evidence/",
        f'{{"url": "https://example.org/a", "stance": "refutes", "note": {nested}}}'.encode(),
        content_type="application/json",
    )

    assert assert_refused(response, 400, "invalid_input")["message"] == (
        "note: Must be a string, not list."
    )


def test_a_body_that_is_not_json_is_a_415(draft):
    client, claim_id, _etag = draft

    response = client.post(
        f"/api/v1/claims/{claim_id}/evidence/",
        {"url": "https://example.org/a", "stance": "refutes"},
        format="multipart",
    )

    assert_refused(response, 415, "unsupported_media_type")
    assert not EvidenceLink.objects.exists()


# --- URLs too long once encoded -------------------------------------------------------------


def test_evidence_whose_url_is_too_long_once_encoded_is_refused(draft):
    client, claim_id, _etag = draft
    before = everything_written()

    response = client.post(
        f"/api/v1/claims/{claim_id}/evidence/", {"url": LONG_ONCE_ENCODED, "stance": "refutes"}
    )

    error = assert_refused(response, 400, "invalid_input")
    assert error["message"].startswith(
        "url: The URL is too long: 4,220 characters once percent-encoded, "
        "and no URL may be longer than 2048."
    )
    assert everything_written() == before


def test_a_url_of_exactly_the_limit_once_encoded_is_stored_whole(draft):
    client, claim_id, _etag = draft
    url = "https://example.org/" + "é" * 338  # 20 + 338 * 6 = 2,048 once encoded

    response = client.post(
        f"/api/v1/claims/{claim_id}/evidence/", {"url": url, "stance": "refutes"}
    )

    assert response.status_code == 201, response.json()
    assert len(Source.objects.get().url) == 2048
    assert EvidenceLink.objects.get().url == url


@pytest.mark.parametrize(
    "body",
    [
        {"url": LONG_ONCE_ENCODED},
        {"text": "The minister said 90% of roads are new.", "url": LONG_ONCE_ENCODED},
        {"url": "https://example.org/" + "a" * 3000},
    ],
    ids=["to fetch", "where pasted text was published", "too long as typed"],
)
def test_an_article_whose_url_is_too_long_is_refused(alice, body):
    response = client_for(alice).post("/api/v1/articles/", body)

    error = assert_refused(response, 400, "invalid_input")
    assert error["message"].startswith("url: The URL is too long: ")
    assert list(error["details"]) == ["url"]
    assert not Article.objects.exists() and not Source.objects.exists()


def test_the_pages_refuse_a_url_too_long_once_encoded_with_the_same_message(alice):
    queued_claims(1)
    client_for(alice).post("/api/v1/queue/next/")
    claim = Claim.objects.get(state="assigned")
    page = Client()
    page.force_login(alice)
    before = everything_written()

    article = page.post("/articles/new/", {"input_format": "url", "url": LONG_ONCE_ENCODED})
    evidence = page.post(
        f"/claims/{claim.id}/evidence/add/",
        {"url": LONG_ONCE_ENCODED, "stance": "refutes"},
        HTTP_HX_REQUEST="true",
    )

    for response in (article, evidence):
        assert response.status_code == 400
        assert "The URL is too long: 4,220 characters once percent-encoded" in (
            response.content.decode()
        )
    assert everything_written() == before
