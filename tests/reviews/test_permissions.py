"""Every review endpoint, called by every kind of caller.

alice holds one claim (with a draft verdict) and has a second claim submitted for sign-off;
bob is a fact-checker with nothing to do with either; erin edits; newsbot is an API client;
mallory has an account but no role; anonymous has nothing.
"""

import pytest
from rest_framework.test import APIClient

from sources.models import Source
from sources.tasks import fetch_source
from tests.conftest import client_for
from tests.factories import TRIAGE_SCORE, queued_claims

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "mallory", "newsbot", "alice", "bob", "erin"]
DRAFT = {"rating": "false", "headline": "No such count exists", "rationale": "See **sources**."}


@pytest.fixture
def scene(alice, bob, erin, newsbot, mallory, local_web):
    local_web.expect_request("/doc").respond_with_data(
        "<html><title>Doc</title><body><p>The ministry counted strikes.</p></body></html>",
        content_type="text/html",
    )
    held, submitted, triaged = queued_claims(3, scores=[0.65, 0.9, TRIAGE_SCORE])
    author = client_for(alice)
    # The highest-priority claim is taken first and carried to submission.
    assert author.post("/api/v1/queue/next/").json()["id"] == submitted.id
    author.post(
        f"/api/v1/claims/{submitted.id}/evidence/",
        {"url": local_web.url_for("/doc"), "stance": "refutes"},
    )
    etag = author.post(f"/api/v1/claims/{submitted.id}/verdict/", DRAFT)["ETag"]
    submit_etag = author.post(f"/api/v1/claims/{submitted.id}/verdict/submit/", HTTP_IF_MATCH=etag)[
        "ETag"
    ]
    for source_id in Source.objects.values_list("id", flat=True):
        fetch_source(source_id)
    assert author.post("/api/v1/queue/next/").json()["id"] == held.id
    held_etag = author.post(f"/api/v1/claims/{held.id}/verdict/", DRAFT)["ETag"]
    users = {"mallory": mallory, "newsbot": newsbot, "alice": alice, "bob": bob, "erin": erin}
    return {
        "clients": {name: client_for(user) for name, user in users.items()}
        | {"anonymous": APIClient()},
        "held": held.id,
        "held_etag": held_etag,
        "submitted": submitted.id,
        "submitted_etag": submit_etag,
        "triaged": triaged.id,
        "evidence_url": local_web.url_for("/doc"),
    }


def call(scene, caller, method, path, data=None, etag_key=None):
    client = scene["clients"][caller]
    path = path.format(**scene)
    headers = {"HTTP_IF_MATCH": scene[etag_key]} if etag_key else {}
    return getattr(client, method)(path, data or {}, format="json", **headers)


# (method, path, body, If-Match key, expected status per caller in CALLERS order)
MATRIX = [
    ("get", "/api/v1/me/", None, None, [401, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/claims/", None, None, [401, 403, 403, 200, 200, 200]),
    ("get", "/api/v1/claims/{held}/", None, None, [401, 403, 403, 200, 200, 200]),
    ("get", "/api/v1/claims/{held}/events/", None, None, [401, 403, 403, 200, 200, 200]),
    ("post", "/api/v1/queue/next/", None, None, [401, 403, 403, 204, 204, 204]),
    # alice holds it, and her lease runs: nobody takes it, nor is it assigned, until it ends.
    ("post", "/api/v1/claims/{held}/take/", None, None, [401, 403, 403, 409, 409, 409]),
    (
        "post",
        "/api/v1/claims/{held}/assign/",
        {"user": "bob"},
        None,
        [401, 403, 403, 403, 403, 409],
    ),
    ("post", "/api/v1/claims/{held}/renew/", None, None, [401, 403, 403, 200, 409, 409]),
    ("post", "/api/v1/claims/{held}/release/", None, None, [401, 403, 403, 200, 409, 409]),
    ("post", "/api/v1/claims/{triaged}/queue/", None, None, [401, 403, 403, 403, 403, 200]),
    (
        "post",
        "/api/v1/claims/{triaged}/dismiss/",
        {"reason": "opinion"},
        None,
        [401, 403, 403, 403, 403, 200],
    ),
    (
        "post",
        "/api/v1/claims/{held}/boost/",
        {"boost": 5},
        None,
        [401, 403, 403, 403, 403, 200],
    ),
    (
        "post",
        "/api/v1/claims/{held}/evidence/",
        {"url": "https://example.org/report", "stance": "context"},
        None,
        [401, 403, 403, 201, 409, 409],
    ),
    ("get", "/api/v1/claims/{held}/verdict/", None, None, [401, 403, 403, 200, 404, 200]),
    ("post", "/api/v1/claims/{held}/verdict/", DRAFT, None, [401, 403, 403, 409, 409, 409]),
    (
        "patch",
        "/api/v1/claims/{held}/verdict/",
        {"headline": "Changed"},
        "held_etag",
        [401, 403, 403, 200, 404, 409],
    ),
    (
        "post",
        "/api/v1/claims/{submitted}/verdict/approve/",
        None,
        "submitted_etag",
        [401, 403, 403, 403, 403, 200],
    ),
    (
        "post",
        "/api/v1/claims/{submitted}/verdict/return/",
        {"comment": "Needs a primary source."},
        "submitted_etag",
        [401, 403, 403, 403, 403, 200],
    ),
    ("get", "/api/v1/articles/", None, None, [401, 403, 403, 200, 200, 200]),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "etag_key", "caller", "expected"),
    [
        pytest.param(
            method, path, body, etag_key, caller, statuses[i], id=f"{method} {path} {caller}"
        )
        for method, path, body, etag_key, statuses in MATRIX
        for i, caller in enumerate(CALLERS)
    ],
)
def test_endpoint_answers_each_caller_as_their_role_allows(
    scene, method, path, body, etag_key, caller, expected
):
    response = call(scene, caller, method, path, body, etag_key)

    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert response.json()["error"]["message"]


def test_a_fact_checker_listing_claims_never_sees_others_drafts(scene):
    bob = scene["clients"]["bob"]

    verdict = bob.get(f"/api/v1/claims/{scene['held']}/verdict/")
    events = bob.get(f"/api/v1/claims/{scene['held']}/events/").json()

    assert verdict.status_code == 404
    # The trail says a draft exists, but never what it says.
    assert all(DRAFT["headline"] not in (event["comment"] or "") for event in events)


def test_api_clients_and_role_less_accounts_see_no_claims(scene):
    for caller in ("newsbot", "mallory"):
        response = scene["clients"][caller].get("/api/v1/claims/")
        assert response.status_code == 403
        assert "results" not in response.json()
