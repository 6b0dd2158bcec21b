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
from tests.factories import ClaimFactory, VerdictFactory, published, queued_claims

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
    claim = ClaimFactory(state="published")
    published(VerdictFactory(claim=claim, author=alice, state="submitted"), editor=fiona)


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
