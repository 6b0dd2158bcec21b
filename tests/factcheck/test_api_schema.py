"""The published OpenAPI schema is complete and the API keeps to it: schemathesis generates
requests from the live schema, as an editor and as an API client."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from accounts.services import token_issue
from tests.conftest import client_for
from tests.factories import claim_queued, queued_claims, verdict_published

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


def in_test_transaction(handler):
    """The WSGI app, but keeping the test's database connection open across requests (as
    Django's test client does), so every request sees and rolls back with the test's data."""

    def app(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = handler(environ, start_response)
            body = b"".join(response)
            response.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return app


# Generating the schema reads no data, so it is loaded once, at collection.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", in_test_transaction(get_wsgi_application())
)


@pytest.fixture
def world(alice, erin, fiona, newsbot):
    """Data for every endpoint to find: queued claims and a published verdict."""
    queued_claims(5)
    verdict_published(author=alice, editor=fiona)


EXAMPLES = hypothesis_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_to_its_schema_for_an_editor(case, world):
    token = token_issue(username="erin")
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_to_its_schema_for_an_api_client(case, world):
    token = token_issue(username="newsbot")
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# The review workflow's reads and every write, with about eight times the examples of the
# tests above (as many as about two minutes allow on two cores), so that rarer input (long,
# deep, odd characters) reaches each of them. The published reads (verdicts, ClaimReview,
# claims:search, summaries) keep the tests above.
WORKFLOW = schema.exclude(
    path_regex=r"^/api/v1/(verdicts|claimreview|claims:search)|/summary/$|^/v1alpha1/"
)
MANY_EXAMPLES = hypothesis_settings(EXAMPLES, max_examples=100)


@pytest.mark.slow
@WORKFLOW.parametrize()
@MANY_EXAMPLES
def test_the_workflow_api_keeps_to_its_schema_under_many_examples(case, world):
    token = token_issue(username="erin")
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


def test_every_operation_documents_its_errors(client):
    document = client.get("/api/v1/schema/?format=json").json()

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "403", "404", "429"):
                assert code in operation["responses"], f"{method} {path} lacks {code}"


def test_interactive_docs_are_served_without_a_cdn(client):
    page = client.get("/api/v1/docs/")

    assert page.status_code == 200
    assert b"swagger-ui" in page.content
    assert b"cdn" not in page.content.lower()


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v1/claims/%0A/evidence/", "/api/v1/a%0Ab/"]
)
def test_a_path_under_the_api_that_matches_nothing_answers_in_the_error_shape(client, path):
    response = client.post(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


# --- the schema says what the server does ---------------------------------------------------


@pytest.fixture
def document(client):
    return client.get("/api/v1/schema/?format=json").json()


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_the_audit_trail_is_documented_as_the_plain_list_it_is(document, alice):
    claim = claim_queued()
    client_for(alice).post("/api/v1/queue/next/")

    answer = client_for(alice).get(f"/api/v1/claims/{claim.id}/events/").json()
    operation = document["paths"]["/api/v1/claims/{id}/events/"]["get"]

    assert isinstance(answer, list) and [event["action"] for event in answer] == ["extract", "take"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ReviewEvent"},
    }
    assert [p["name"] for p in operation["parameters"]] == ["id"]


def test_a_verdict_not_signed_off_has_a_null_signer_and_the_schema_allows_it(document, alice):
    claim_queued()
    client = client_for(alice)
    claim = client.post("/api/v1/queue/next/").json()

    verdict = client.post(f"/api/v1/claims/{claim['id']}/verdict/", {"headline": "Draft"}).json()

    assert verdict["signed_off_by"] is None
    assert document["components"]["schemas"]["Verdict"]["properties"]["signed_off_by"] == {
        "type": "string",
        "readOnly": True,
        "nullable": True,
    }


def test_path_ids_are_integers(document):
    ids = [
        (path, parameter["schema"])
        for path, _method, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    ]

    assert ids
    assert all(schema == {"type": "integer"} for _path, schema in ids), ids


def test_each_request_body_is_declared_once_as_json(document):
    bodies = {
        (method, path): list(operation["requestBody"]["content"])
        for path, method, operation in _operations(document)
        if "requestBody" in operation
    }

    assert bodies
    assert all(types == ["application/json"] for types in bodies.values()), bodies


def test_the_etag_header_is_documented_wherever_it_is_sent(document):
    verdict = "/api/v1/claims/{id}/verdict/"
    sent = [
        (verdict, "get", "200"),
        (verdict, "post", "201"),
        (verdict, "patch", "200"),
        (verdict, "patch", "412"),
        (verdict + "submit/", "post", "200"),
        (verdict + "submit/", "post", "412"),
        (verdict + "approve/", "post", "200"),
        (verdict + "return/", "post", "200"),
        ("/api/v1/articles/", "get", "200"),
        ("/api/v1/articles/{id}/", "get", "200"),
        ("/api/v1/verdicts/", "get", "200"),
        ("/api/v1/verdicts/{id}/", "get", "200"),
        ("/api/v1/claimreview/", "get", "200"),
    ]

    for path, method, code in sent:
        response = document["paths"][path][method]["responses"][code]
        assert response.get("headers", {}).get("ETag", {}).get("schema") == {"type": "string"}, (
            path,
            method,
            code,
        )
    queue = document["paths"]["/api/v1/queue/next/"]["post"]["responses"]["200"]
    assert "ETag" not in queue.get("headers", {})


def test_every_etag_documented_on_a_read_is_sent(document, alice, erin):
    verdict_published(author=alice, editor=erin)
    client = client_for(erin)

    reads = [
        path
        for path, method, operation in _operations(document)
        if method == "get"
        and "ETag" in operation["responses"]["200"].get("headers", {})
        and not any(parameter.get("required") for parameter in operation.get("parameters", []))
    ]

    assert reads
    for path in reads:
        assert client.get(path).has_header("ETag"), path
