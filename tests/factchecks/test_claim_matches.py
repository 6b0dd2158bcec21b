"""Every extracted claim matched against published fact-checks, and what people make of the
suggestions: through the API, the pages and the queue.

The collection is the CLEF 2021 2B sample (PolitiFact fact-checks of debate sentences, tests/
fixtures/clef_match_sample/); the article quotes two sentences the sample's fact-checks review,
and one no fact-check there reviews.
"""

from __future__ import annotations

import pytest
from django.test import Client

from factchecks.matching.tasks import match_claims_sweep
from factchecks.models import FactCheck
from tests.conftest import client_for

from .conftest import FIXTURES, run_import

SAMPLE = FIXTURES / "clef_match_sample"

ARTICLE = """Trump touts tax law and defense budget at Florida rally

TAMPA, Fla. (Wire) - President Donald Trump told supporters on Tuesday that his economic \
record was unmatched.

"We passed the biggest tax cuts and reform in American history, biggest cuts in history," \
Trump said at the rally.

He said the administration had also "obtained historic increase in defense spending to \
prevent and deter conflict."

The city council voted on Monday to repave 14 miles of roads in the harbor district at a cost \
of $3.2 million, the mayor's office said.
"""

TAX_FACTCHECK = "vclaim-pol-02472"
DEFENSE_FACTCHECK = "vclaim-pol-03061"


@pytest.fixture
def collection(db, tasks_in_process):
    run_import(str(SAMPLE / "2b-vclaims.tsv"), "--format", "clef-tsv")


def submit(user, text: str = ARTICLE) -> dict:
    response = client_for(user).post("/api/v1/articles/", {"text": text}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def claims_of(user, article_id: int) -> list[dict]:
    response = client_for(user).get(f"/api/v1/articles/{article_id}/")
    assert response.status_code == 200, response.content
    return response.json()["claims"]


def claim_saying(claims: list[dict], words: str) -> dict:
    found = [claim for claim in claims if words in claim["text"]]
    assert len(found) == 1, [claim["text"] for claim in claims]
    return found[0]


def matches_of(user, claim_id: int) -> dict:
    response = client_for(user).get(f"/api/v1/claims/{claim_id}/matches/")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def ingested(collection, erin):
    article = submit(erin)
    claims = claims_of(erin, article["id"])
    return {
        "article": article,
        "claims": claims,
        "tax": claim_saying(claims, "biggest tax cuts"),
        "defense": claim_saying(claims, "defense spending"),
    }


@pytest.mark.django_db(transaction=True)
def test_each_extracted_claim_is_matched_on_ingest(ingested, alice):
    tax = matches_of(alice, ingested["tax"]["id"])
    assert tax["matches"], "the tax claim was not matched"
    best = tax["matches"][0]
    assert best["factcheck"]["external_id"] == TAX_FACTCHECK
    assert best["status"] == "suggested"
    assert best["score"] >= tax["thresholds"]["suggested"]
    assert best["factcheck"]["publisher"]["name"]
    assert best["factcheck"]["rating"]["canonical"]
    assert tax["checked_before"] is False

    defense = matches_of(alice, ingested["defense"]["id"])
    assert defense["matches"][0]["factcheck"]["external_id"] == DEFENSE_FACTCHECK

    roads = claim_saying(ingested["claims"], "repave")
    assert matches_of(alice, roads["id"])["matches"] == []


@pytest.mark.django_db(transaction=True)
def test_confirming_a_match_is_audited_and_lowers_the_claim_in_the_queue(ingested, alice, erin):
    tax = ingested["tax"]
    for claim in (tax, ingested["defense"]):
        if claim["state"] == "triage":
            queued = client_for(erin).post(f"/api/v1/claims/{claim['id']}/queue/")
            assert queued.status_code == 200, queued.content
    before = client_for(alice).get(f"/api/v1/claims/{tax['id']}/").json()
    match = matches_of(alice, tax["id"])["matches"][0]

    response = client_for(alice).post(f"/api/v1/claims/{tax['id']}/matches/{match['id']}/confirm/")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert response.json()["decided_by"] == "alice"
    after = client_for(alice).get(f"/api/v1/claims/{tax['id']}/").json()
    assert after["checked_before"] is True
    assert after["priority"] < before["priority"] - 100
    events = client_for(alice).get(f"/api/v1/claims/{tax['id']}/events/").json()
    confirmed = [event for event in events if event["action"] == "confirm_match"]
    assert len(confirmed) == 1
    publisher = match["factcheck"]["publisher"]["name"]
    assert confirmed[0]["comment"].startswith(f"Confirmed as checked before: {publisher} rated it")
    # What the queue hands out first is now the claim nobody checked before.
    taken = client_for(alice).post("/api/v1/queue/next/").json()
    assert taken["id"] != tax["id"]


@pytest.mark.django_db(transaction=True)
def test_rejecting_the_only_confirmed_match_restores_the_claim(ingested, alice, bob):
    tax = ingested["tax"]
    before = client_for(alice).get(f"/api/v1/claims/{tax['id']}/").json()
    match = matches_of(alice, tax["id"])["matches"][0]
    base = f"/api/v1/claims/{tax['id']}/matches/{match['id']}"
    assert client_for(alice).post(f"{base}/confirm/").status_code == 200

    response = client_for(bob).post(f"{base}/reject/")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected"
    assert response.json()["decided_by"] == "bob"
    after = client_for(alice).get(f"/api/v1/claims/{tax['id']}/").json()
    assert after["checked_before"] is False
    assert after["priority"] == pytest.approx(before["priority"])
    again = client_for(bob).post(f"{base}/reject/")
    assert again.status_code == 409
    assert "already rejected" in again.json()["error"]["message"]


@pytest.mark.django_db(transaction=True)
def test_an_editor_dismisses_a_claim_as_checked_before(ingested, erin, alice):
    tax = ingested["tax"]
    match = matches_of(alice, tax["id"])["matches"][0]
    url = f"/api/v1/claims/{tax['id']}/matches/{match['id']}/dismiss/"

    refused = client_for(alice).post(url)
    assert refused.status_code == 403

    response = client_for(erin).post(url, {"comment": "PolitiFact covered it."}, format="json")

    assert response.status_code == 200, response.content
    claim = response.json()
    assert claim["state"] == "dismissed"
    assert claim["dismiss_reason"] == "already_checked"
    assert claim["checked_before"] is True
    judged = matches_of(alice, tax["id"])["matches"][0]
    assert judged["status"] == "confirmed"
    assert judged["decided_by"] == "erin"
    # A dismissed claim is settled: its matches are no longer judged.
    settled = client_for(alice).post(f"/api/v1/claims/{tax['id']}/matches/{match['id']}/reject/")
    assert settled.status_code == 409
    assert matches_of(alice, tax["id"])["matches"][0]["status"] == "confirmed"


@pytest.mark.django_db(transaction=True)
def test_checked_before_needs_a_confirmed_match(ingested, erin):
    claim_id = ingested["defense"]["id"]
    response = client_for(erin).post(
        f"/api/v1/claims/{claim_id}/dismiss/", {"reason": "already_checked"}, format="json"
    )
    assert response.status_code == 400
    assert "confirm one of its matches first" in response.json()["error"]["message"]
    state = client_for(erin).get(f"/api/v1/claims/{claim_id}/").json()["state"]
    assert state != "dismissed"


@pytest.mark.django_db(transaction=True)
def test_matches_answer_only_people_who_work_claims(ingested, newsbot, mallory, alice):
    tax = ingested["tax"]
    match = matches_of(alice, tax["id"])["matches"][0]
    for user in (newsbot, mallory):
        assert client_for(user).get(f"/api/v1/claims/{tax['id']}/matches/").status_code == 403
        confirm = f"/api/v1/claims/{tax['id']}/matches/{match['id']}/confirm/"
        assert client_for(user).post(confirm).status_code == 403
    assert client_for(None).get(f"/api/v1/claims/{tax['id']}/matches/").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_a_match_of_another_claim_or_a_body_is_refused(ingested, alice):
    tax, defense = ingested["tax"], ingested["defense"]
    match = matches_of(alice, tax["id"])["matches"][0]
    wrong_claim = client_for(alice).post(
        f"/api/v1/claims/{defense['id']}/matches/{match['id']}/confirm/"
    )
    assert wrong_claim.status_code == 404
    missing = client_for(alice).get("/api/v1/claims/999999/matches/")
    assert missing.status_code == 404
    with_body = client_for(alice).post(
        f"/api/v1/claims/{tax['id']}/matches/{match['id']}/confirm/",
        {"status": "confirmed"},
        format="json",
    )
    assert with_body.status_code == 400
    assert matches_of(alice, tax["id"])["matches"][0]["status"] == "suggested"


@pytest.mark.django_db(transaction=True)
def test_claims_extracted_before_the_collection_are_matched_by_the_sweep(
    db, tasks_in_process, erin, alice
):
    article = submit(erin)
    tax = claim_saying(claims_of(erin, article["id"]), "biggest tax cuts")
    assert matches_of(alice, tax["id"])["matches"] == []

    run_import(str(SAMPLE / "2b-vclaims.tsv"), "--format", "clef-tsv")
    assert match_claims_sweep() >= 1

    found = matches_of(alice, tax["id"])["matches"]
    assert found and found[0]["factcheck"]["external_id"] == TAX_FACTCHECK
    # Matched against today's collection: the next sweep has nothing to do.
    assert match_claims_sweep() == 0


@pytest.mark.django_db(transaction=True)
def test_a_judged_match_keeps_its_judgement_when_the_claim_is_matched_again(ingested, alice):
    tax = ingested["tax"]
    match = matches_of(alice, tax["id"])["matches"][0]
    client_for(alice).post(f"/api/v1/claims/{tax['id']}/matches/{match['id']}/reject/")
    # The collection grows: the sweep matches the claim again.
    FactCheck.objects.filter(external_id=DEFENSE_FACTCHECK).update(claim_text="Changed claim.")
    run_import(str(SAMPLE / "2a-vclaims.tsv"), "--format", "clef-tsv")
    assert match_claims_sweep() >= 1

    again = {m["id"]: m for m in matches_of(alice, tax["id"])["matches"]}
    assert again[match["id"]]["status"] == "rejected"


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_pages_show_suggestions_and_confirm_them(ingested, alice, erin):
    tax = ingested["tax"]
    article_page = page_client(erin).get(f"/articles/{ingested['article']['id']}/")
    assert article_page.status_code == 200
    html = article_page.content.decode()
    assert "Checked before?" in html
    assert "Dismiss as checked" in html

    workspace = page_client(alice).get(f"/claims/{tax['id']}/")
    html = workspace.content.decode()
    assert f'id="claim-{tax["id"]}-matches"' in html
    match = matches_of(alice, tax["id"])["matches"][0]
    assert match["factcheck"]["publisher"]["name"] in html
    # A fact-checker may confirm, not dismiss.
    assert "Confirm" in html and "Dismiss as checked" not in html

    posted = page_client(alice).post(
        f"/claims/{tax['id']}/matches/{match['id']}/confirm/",
        {"next": f"/claims/{tax['id']}/"},
    )
    assert posted.status_code == 302
    assert posted["Location"].startswith(f"/claims/{tax['id']}/")
    assert matches_of(alice, tax["id"])["matches"][0]["status"] == "confirmed"
    confirmed_page = page_client(alice).get(f"/claims/{tax['id']}/").content.decode()
    assert "confirmed" in confirmed_page


@pytest.mark.django_db(transaction=True)
def test_the_queue_page_shows_suggestions_beside_waiting_claims(ingested, alice, erin):
    tax = ingested["tax"]
    if tax["state"] == "triage":
        client_for(erin).post(f"/api/v1/claims/{tax['id']}/queue/")
    html = page_client(alice).get("/queue/").content.decode()
    assert f'id="claim-{tax["id"]}-matches"' in html
