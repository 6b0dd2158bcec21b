"""Matching ("has this been checked before?") through its public surface: the API, the
match_claims and rebuild_match_index commands, and imports.

The collections are small real samples of the CLEF 2021 claim-matching data (tests/fixtures/
clef_match_sample/, see its README): debate sentences and tweets whose right fact-check must
come first among the sample's.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from factchecks.matching import engine
from factchecks.matching.index import uses_approximate_search
from factchecks.models import FactCheck, FactCheckEmbedding
from tests.conftest import client_for

from .conftest import FIXTURES, claimreview, run_import

SAMPLE = FIXTURES / "clef_match_sample"
MATCHES = "/api/v1/matches/"
PROJECT = Path(__file__).resolve().parents[2]


def sample_queries(name: str) -> list[dict[str, str]]:
    with (SAMPLE / f"{name}-queries.tsv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture
def alice_client(alice):
    return client_for(alice)


@pytest.fixture
def erin_client(erin):
    return client_for(erin)


@pytest.fixture
def newsbot_client(newsbot):
    return client_for(newsbot)


@pytest.fixture
def mallory_client(mallory):
    return client_for(mallory)


@pytest.fixture
def api_client():
    return client_for(None)


@pytest.fixture
def collections(db, tasks_in_process):
    """Both samples imported by the command, as an editor would; the import's task embeds
    what it wrote (in-process here, after commit)."""
    run_import(str(SAMPLE / "2a-vclaims.tsv"), "--format", "clef-tsv")
    run_import(str(SAMPLE / "2b-vclaims.tsv"), "--format", "clef-tsv")


def match_claims(*args: str, stdin: str | None = None) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        old = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            call_command("match_claims", "-", *args, stdout=out, stderr=err)
        finally:
            sys.stdin = old
    else:
        call_command("match_claims", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


# --- the command ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_every_sample_query_finds_its_fact_check_first(collections, tmp_path):
    queries = sample_queries("2a") + sample_queries("2b")
    path = tmp_path / "queries.txt"
    path.write_text("\n".join(q["text"] for q in queries) + "\n", encoding="utf-8")

    lines, err = match_claims(str(path), "--top", "3")

    assert err == ""
    assert len(lines) == len(queries)
    for query, line in zip(queries, lines, strict=True):
        assert line["text"] == query["text"]
        assert len(line["matches"]) == 3
        best = line["matches"][0]
        assert best["external_id"] == query["vclaim_id"], query["query_id"]
        scores = [m["score"] for m in line["matches"]]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert set(best) >= {"id", "external_id", "score", "claim", "rating", "publisher", "url"}


@pytest.mark.django_db(transaction=True)
def test_a_politifact_match_carries_its_rating_speaker_and_review(collections):
    query = sample_queries("2b")[0]

    [line], _err = match_claims("--top", "1", stdin=query["text"] + "\n")

    best = line["matches"][0]
    stored = FactCheck.objects.get(external_id=query["vclaim_id"])
    assert best["id"] == stored.pk
    assert best["rating"] == stored.rating_text != ""
    assert best["publisher"]["name"] == "PolitiFact"
    assert best["url"].startswith("https://www.politifact.com/factchecks/")
    assert best["claimant"] == stored.claimant != ""


@pytest.mark.django_db(transaction=True)
def test_an_empty_line_is_answered_with_no_matches_and_said_why(collections):
    lines, err = match_claims(stdin="\nVideo shows an anaconda\n")

    assert [line["text"] for line in lines] == ["", "Video shows an anaconda"]
    assert lines[0]["matches"] == []
    assert "line 1: Send the text to match" in err


@pytest.mark.django_db(transaction=True)
def test_the_command_embeds_what_no_worker_has_reached_before_matching():
    # A broker but no worker: the import's message waits, nothing is embedded yet.
    run_import(str(SAMPLE / "2b-vclaims.tsv"), "--format", "clef-tsv")
    assert FactCheckEmbedding.objects.count() == 0
    query = sample_queries("2b")[0]

    [line], err = match_claims("--top", "1", stdin=query["text"] + "\n")

    assert line["matches"][0]["external_id"] == query["vclaim_id"]
    assert "Embedded 65 fact-checks the workers had not reached." in err


@pytest.mark.django_db(transaction=True)
def test_a_saved_index_of_another_database_is_not_used(collections, settings):
    call_command("rebuild_match_index", "--quiet", stdout=io.StringIO())
    folder = Path(settings.MATCH_INDEX_DIR)
    manifest_path = folder / (folder / "CURRENT").read_text().strip() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["database"] = "postgresql:elsewhere:5432:factcheck"
    manifest_path.write_text(json.dumps(manifest))
    engine.reset_matcher()

    matcher = engine.get_matcher()

    assert matcher.index.source == "database"


def test_a_top_out_of_range_is_refused(db):
    with pytest.raises(CommandError, match="--top must be between 1 and 50"):
        match_claims("--top", "0", stdin="anything\n")


def test_an_unreadable_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match=r"missing\.txt: cannot be read"):
        match_claims(str(tmp_path / "missing.txt"))


# --- the API --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", ["alice", "erin", "newsbot"])
def test_readers_get_ranked_fact_checks_with_scores(collections, persona, request):
    client = request.getfixturevalue(f"{persona}_client")
    query = sample_queries("2a")[0]

    response = client.get(MATCHES, {"text": query["text"], "limit": 4})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["text"] == query["text"]
    assert len(body["matches"]) == 4
    assert body["matches"][0]["external_id"] == query["vclaim_id"]
    assert body["matches"][0]["suggested"] is True
    assert body["matches"][0]["score"] >= body["thresholds"]["suggested"]
    assert [m["suggested"] for m in body["matches"]] == [
        m["score"] >= body["thresholds"]["suggested"] for m in body["matches"]
    ]


@pytest.mark.django_db(transaction=True)
def test_a_text_no_fact_check_reviews_is_not_suggested(collections, alice_client):
    response = alice_client.get(
        MATCHES, {"text": "My grandmother bakes her lemon cake with three eggs and a cup of sugar."}
    )

    assert response.status_code == 200
    matches = response.json()["matches"]
    assert not any(m["suggested"] for m in matches), [(m["score"], m["claim"]) for m in matches]


@pytest.mark.django_db(transaction=True)
def test_language_keeps_only_fact_checks_in_it(collections, alice_client):
    query = sample_queries("2a")[1]

    english = alice_client.get(MATCHES, {"text": query["text"], "language": "en"}).json()
    french = alice_client.get(MATCHES, {"text": query["text"], "language": "fr"}).json()

    assert english["matches"][0]["external_id"] == query["vclaim_id"]
    assert french["matches"] == []


def test_an_outsider_is_refused(mallory_client):
    response = mallory_client.get(MATCHES, {"text": "anything"})

    assert response.status_code == 403


def test_an_anonymous_caller_must_authenticate(api_client):
    response = api_client.get(MATCHES, {"text": "anything"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({}, "Send the text to match"),
        ({"text": ""}, "Send the text to match"),
        ({"text": "   \n "}, "Send the text to match"),
        ({"text": "x" * 2001}, "at most 2,000 are matched"),
        ({"text": "claim", "limit": "0"}, "limit"),
        ({"text": "claim", "limit": "51"}, "limit"),
        ({"text": "claim", "limit": "many"}, "limit"),
    ],
)
def test_bad_input_is_refused_saying_why(alice_client, params, says):
    response = alice_client.get(MATCHES, params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert says in error["message"]


# --- the index: catching up, saving, loading ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_index_catches_up_on_a_fact_check_imported_after_it_was_built(
    collections, alice_client, erin_client
):
    text = "The new bridge toll will cost drivers 40 dollars a day."
    before = alice_client.get(MATCHES, {"text": text}).json()
    assert engine.get_matcher().index.delta_size == 0
    assert not any(m["suggested"] for m in before["matches"])

    imported = erin_client.post(
        "/api/v1/factchecks/imports/", {"document": claimreview()}, format="json"
    )
    assert imported.status_code == 201, imported.content
    after = alice_client.get(MATCHES, {"text": text}).json()

    best = after["matches"][0]
    assert best["claim"] == text
    assert best["suggested"] is True
    assert engine.get_matcher().index.delta_size == 1


@pytest.mark.django_db(transaction=True)
def test_a_fact_check_whose_claim_changed_is_matched_by_its_new_claim(
    collections, alice_client, erin_client
):
    erin_client.post("/api/v1/factchecks/imports/", {"document": claimreview()}, format="json")
    alice_client.get(MATCHES, {"text": "bridge toll"})
    reworded = "Drivers will pay a toll of 40 dollars every day to cross the new bridge."

    erin_client.post(
        "/api/v1/factchecks/imports/",
        {"document": claimreview(claimReviewed=reworded)},
        format="json",
    )
    found = alice_client.get(MATCHES, {"text": reworded, "limit": 50}).json()["matches"]

    ids = [m["id"] for m in found]
    assert found[0]["claim"] == reworded
    assert len(ids) == len(set(ids))


@pytest.mark.django_db(transaction=True)
def test_a_deleted_fact_check_is_no_longer_matched(collections, alice_client):
    query = sample_queries("2a")[2]
    alice_client.get(MATCHES, {"text": query["text"]})

    FactCheck.objects.filter(external_id=query["vclaim_id"]).delete()
    found = alice_client.get(MATCHES, {"text": query["text"]}).json()["matches"]

    assert query["vclaim_id"] not in [m["external_id"] for m in found]


@pytest.mark.django_db(transaction=True)
def test_rebuild_embeds_what_the_workers_have_not_and_saves_the_index(settings, tmp_path):
    # A broker but no worker: the import's message waits, nothing is embedded yet.
    run_import(str(SAMPLE / "2a-vclaims.tsv"), "--format", "clef-tsv")
    assert FactCheckEmbedding.objects.count() == 0
    out = io.StringIO()

    call_command("rebuild_match_index", "--quiet", stdout=out)

    assert FactCheckEmbedding.objects.count() == FactCheck.objects.count() == 132
    assert "Match index rebuilt: 132 fact-checks, exact dense search" in out.getvalue()
    assert (Path(settings.MATCH_INDEX_DIR) / "CURRENT").is_file()


@pytest.mark.django_db(transaction=True)
def test_a_process_that_starts_loads_the_saved_index_and_catches_up(
    collections, settings, erin_client
):
    call_command("rebuild_match_index", "--quiet", stdout=io.StringIO())
    # Written after the save: the new process must find it in the database.
    erin_client.post("/api/v1/factchecks/imports/", {"document": claimreview()}, format="json")
    query = sample_queries("2b")[1]
    script = (
        "import django, json; django.setup()\n"
        "from factchecks.matching.engine import get_matcher\n"
        "from factchecks.selectors import matches_for_text\n"
        f"first = matches_for_text(text={query['text']!r}, limit=1)[0]\n"
        "toll = matches_for_text(text='bridge toll of 40 dollars a day', limit=1)[0]\n"
        "index = get_matcher().index\n"
        "print(json.dumps([first.factcheck.external_id, toll.factcheck.claim_text,\n"
        "                  index.source, len(index.ids), index.delta_size]))\n"
    )

    done = _run_in_new_process(script, settings)

    assert done.returncode == 0, done.stderr
    first, toll, source, snapshot, delta = json.loads(done.stdout.splitlines()[-1])
    assert first == query["vclaim_id"]
    assert toll == claimreview()["claimReviewed"]
    assert source.startswith(str(settings.MATCH_INDEX_DIR))
    assert (snapshot, delta) == (FactCheck.objects.count() - 1, 1)


@pytest.mark.django_db(transaction=True)
def test_without_a_saved_index_a_process_builds_one_from_the_database(collections):
    matcher = engine.get_matcher()

    assert matcher.index.source == "database"
    assert len(matcher.index.ids) == FactCheck.objects.count()


@pytest.mark.django_db(transaction=True)
def test_approximate_search_takes_over_above_the_exact_limit_and_finds_the_same(
    collections, settings, alice_client
):
    """The one switch between exact and approximate dense search is the collection's size
    against MATCH_EXACT_SEARCH_MAX, whatever the database."""
    queries = sample_queries("2a")
    exact = [alice_client.get(MATCHES, {"text": q["text"]}).json() for q in queries]
    assert engine.get_matcher().index.ann is None

    settings.MATCH_EXACT_SEARCH_MAX = 10
    engine.reset_matcher()
    approximate = [alice_client.get(MATCHES, {"text": q["text"]}).json() for q in queries]

    assert engine.get_matcher().index.ann is not None
    assert uses_approximate_search(11) and not uses_approximate_search(10)
    assert [a["matches"][0]["id"] for a in approximate] == [e["matches"][0]["id"] for e in exact]


@pytest.mark.django_db(transaction=True)
def test_a_process_that_loads_a_saved_graph_before_its_encoder_matches(collections, settings):
    """A worker may open the saved index (its HNSW graph) before it first embeds a text: the
    graph's library loaded before the encoder's runtime must not bring the process down."""
    settings.MATCH_EXACT_SEARCH_MAX = 10
    call_command("rebuild_match_index", "--quiet", stdout=io.StringIO())
    query = sample_queries("2a")[0]
    script = (
        "import django, json; django.setup()\n"
        "from factchecks.matching.config import load_config\n"
        "from factchecks.matching.encoder import MODEL_DIR\n"
        "from factchecks.matching.engine import index_folder\n"
        "from factchecks.matching.index import MatchIndex\n"
        "version = json.loads((MODEL_DIR / 'encoder.json').read_text())['version']\n"
        "graph = MatchIndex.load(index_folder(), config=load_config(),\n"
        "                        encoder_version=version, dimensions=384)\n"
        "from factchecks.selectors import matches_for_text\n"
        f"first = matches_for_text(text={query['text']!r}, limit=1)[0]\n"
        "print(json.dumps([graph.ann is not None, first.factcheck.external_id]))\n"
    )

    done = _run_in_new_process(script, settings, MATCH_EXACT_SEARCH_MAX="10")

    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert json.loads(done.stdout.splitlines()[-1]) == [True, query["vclaim_id"]]


def _run_in_new_process(script: str, settings, **environment) -> subprocess.CompletedProcess:
    """`script` in a Python process of its own, on the test database and index folder."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url(),
        MATCH_INDEX_DIR=str(settings.MATCH_INDEX_DIR),
        DJANGO_SETTINGS_MODULE="factcheck.settings.test",
        **environment,
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _database_url() -> str:
    """The test database, as a child process connects to it."""
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"
