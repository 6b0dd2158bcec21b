"""A client generated from the published schema by a real generator (openapi-python-client)
imports whole and walks a claim from the queue to publication against a running server:
what the schema promises is what a client built on it gets."""

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from accounts.services import token_issue
from tests.factories import queued_claims

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PACKAGE = "factcheck_generated_client"


@pytest.fixture
def generated_client(live_server, tmp_path, monkeypatch):
    """The client package generated from the running server's schema, importable."""
    schema = requests.get(f"{live_server.url}/api/v1/schema/?format=json", timeout=30).json()
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    # No formatting afterwards: what is tested is the generated code as it comes.
    (tmp_path / "config.json").write_text(json.dumps({"post_hooks": []}))
    generated = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
            "--config",
            str(tmp_path / "config.json"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout, generated.stdout
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(PACKAGE)
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def _every_module(package) -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
        if not info.ispkg
    ]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_generated_client_takes_a_claim_to_publication(
    generated_client, live_server, local_web, tasks_in_process, alice, erin
):
    local_web.expect_request("/report").respond_with_data(
        "<html><head><title>Strike report</title></head><body><article>"
        "<p>Monitors recorded 2,400 strikes in ISIL-held areas during the period.</p>"
        "</article></body></html>",
        content_type="text/html; charset=utf-8",
    )
    queued_claims(1)
    modules = _every_module(generated_client)
    for name in modules:
        importlib.import_module(name)

    def api(operation):
        return importlib.import_module(f"{PACKAGE}.api.api.{operation}")

    models = importlib.import_module(f"{PACKAGE}.models")

    def client_for(user):
        return generated_client.AuthenticatedClient(
            base_url=live_server.url,
            token=token_issue(username=user.username),
            prefix="Token",
            raise_on_unexpected_status=True,
        )

    checker, editor = client_for(alice), client_for(erin)

    taken = api("api_v1_queue_next_create").sync_detailed(client=checker)
    claim_id = taken.parsed.id
    evidence = api("api_v1_claims_evidence_create").sync(
        claim_id,
        client=checker,
        body=models.EvidenceInputRequest(
            url=local_web.url_for("/report"), stance=models.StanceEnum.REFUTES, note="The count"
        ),
    )
    drafted = api("api_v1_claims_verdict_create").sync_detailed(
        claim_id,
        client=checker,
        body=models.VerdictInputRequest(
            rating=models.RatingEnum.MOSTLY_FALSE,
            headline="Most strikes hit ISIL-held areas, monitors found",
            rationale="The monitors' count places most strikes in ISIL-held areas.",
        ),
    )
    unchanged = api("api_v1_claims_verdict_partial_update").sync_detailed(
        claim_id,
        client=checker,
        body=models.PatchedVerdictInputRequest(),
        if_match=drafted.headers["ETag"],
    )
    submitted = api("api_v1_claims_verdict_submit_create").sync_detailed(
        claim_id, client=checker, if_match=unchanged.headers["ETag"]
    )
    approved = api("api_v1_claims_verdict_approve_create").sync_detailed(
        claim_id,
        client=editor,
        body=models.SignOffInputRequest(comment="Checked against the monitor's report."),
        if_match=submitted.headers["ETag"],
    )
    trail = api("api_v1_claims_events_list").sync(claim_id, client=editor)

    assert any(name.endswith(".api_v1_claims_evidence_create") for name in modules)
    assert taken.status_code == 200 and taken.parsed.assignee == "alice"
    assert evidence.stance == models.StanceEnum.REFUTES
    assert drafted.status_code == 201 and drafted.parsed.signed_off_by is None
    assert (unchanged.status_code, unchanged.headers["ETag"]) == (200, drafted.headers["ETag"])
    assert submitted.parsed.state == models.VerdictStateEnum.SUBMITTED
    assert approved.status_code == 200, approved.content
    assert approved.parsed.state == models.VerdictStateEnum.PUBLISHED
    assert approved.parsed.signed_off_by == "erin"
    assert [event.action for event in trail] == [
        "extract",
        "take",
        "add_evidence",
        "draft",
        "submit",
        "approve",
    ]
