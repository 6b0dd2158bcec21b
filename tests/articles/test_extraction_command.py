"""`manage.py extract_claims`: prints an article's claims and writes nothing.

These tests have no database access at all (no `db` fixture): any query would fail them.
"""

import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
EXAMPLE = ARTICLES / "global-research-2015-10-09-russia-syria-offensive.md"


class FixedScorer:
    version = "fixed"
    threshold = 0.5

    def score(self, sentences):
        return [0.5] * len(sentences)


@pytest.fixture(autouse=True)
def fixed_scorer(monkeypatch):
    monkeypatch.setattr("articles.extraction.scorer.load_scorer", FixedScorer)


def run(*args, stdin: str | None = None, stderr: io.StringIO | None = None) -> str:
    out = io.StringIO()
    options = {"stdout": out, "stderr": stderr or io.StringIO()}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("extract_claims", *args, **options)
    return out.getvalue()


def test_json_output_is_an_array_of_claims_with_spans_into_the_body():
    claims = json.loads(run(str(EXAMPLE)))
    assert isinstance(claims, list) and claims
    kirby = next(claim for claim in claims if "Greater than 90%" in claim["text"])
    assert kirby["claimant"] == "John Kirby"
    assert kirby["kind"] == "statistic"
    assert kirby["quantities"][0]["unit"] == "percent"
    assert kirby["end"] - kirby["start"] == len(kirby["text"])
    assert set(kirby) >= {"text", "start", "end", "kind", "claimant", "score", "reasons"}
    assert kirby["queued"] is True


def test_table_output_has_one_row_per_claim():
    table = run(str(EXAMPLE), "--format", "table")
    lines = table.splitlines()
    assert lines[0].split() == ["span", "score", "queued", "kind", "claimant", "text"]
    assert any(
        "John Kirby" in line and "Greater than 90%" in line and " yes " in line for line in lines
    )
    assert len(lines) == 1 + len(json.loads(run(str(EXAMPLE))))


def test_reads_standard_input_and_detects_html():
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><article><h1>Budget</h1>"
        "<p>The council approved a budget of £12 million on Tuesday, its leader said.</p>"
        "<p>Spending on roads will rise by 8% compared with last year, the report shows.</p>"
        "</article></body></html>"
    )
    claims = json.loads(run("-", stdin=html))
    assert [claim["text"][:20] for claim in claims] == [
        "The council approved",
        "Spending on roads wi",
    ]


def test_min_score_option_filters():
    assert json.loads(run(str(EXAMPLE), "--min-score", "0.99")) == []


def test_missing_file_is_a_command_error():
    with pytest.raises(CommandError, match=r"does-not-exist\.md: no such file"):
        run(str(ARTICLES / "does-not-exist.md"))


WIRE = ARTICLES / "wire-port-strike.txt"


def test_several_paths_print_one_json_line_per_article_in_order():
    lines = run(str(EXAMPLE), str(WIRE)).splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert (first["path"], second["path"]) == (str(EXAMPLE), str(WIRE))
    assert first["claims"] == json.loads(run(str(EXAMPLE)))
    assert any("dockworkers" in claim["text"] for claim in second["claims"])


@pytest.mark.parametrize("threshold", [0.6, 0.8])
def test_queued_is_the_rule_ingestion_queues_by(settings, threshold):
    from articles.services import claim_enters_queue

    settings.CLAIM_QUEUE_THRESHOLD = threshold
    claims = json.loads(run(str(EXAMPLE)))
    assert {claim["queued"] for claim in claims} == {True, False}
    for claim in claims:
        assert claim["queued"] == (claim["score"] >= threshold)
        assert claim["queued"] == claim_enters_queue(SimpleNamespace(score=claim["score"]))


def test_with_several_paths_an_unreadable_one_is_reported_and_the_rest_extracted(tmp_path):
    not_utf8 = tmp_path / "latin1.txt"
    not_utf8.write_bytes("Caf\xe9 prices rose 5% last year, officials said.".encode("latin-1"))
    empty_page = tmp_path / "menu.html"
    empty_page.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    missing = tmp_path / "missing.md"
    errors = io.StringIO()
    out = io.StringIO()

    with pytest.raises(CommandError, match="3 of 5 paths could not be extracted"):
        call_command(
            "extract_claims",
            str(not_utf8),
            str(EXAMPLE),
            str(missing),
            str(empty_page),
            str(WIRE),
            stdout=out,
            stderr=errors,
        )

    assert [json.loads(line)["path"] for line in out.getvalue().splitlines()] == [
        str(EXAMPLE),
        str(WIRE),
    ]
    reported = errors.getvalue().splitlines()
    assert reported[0].startswith(f"{not_utf8}: not UTF-8 text")
    assert reported[1] == f"{missing}: no such file"
    assert reported[2].startswith(f"{empty_page}: No article text found")


def test_table_for_several_paths_names_each_article():
    table = run(str(EXAMPLE), str(WIRE), "--format", "table")
    assert f"== {EXAMPLE}" in table and f"== {WIRE}" in table
    headers = [line.split() for line in table.splitlines() if line.startswith("span ")]
    assert headers == [["span", "score", "queued", "kind", "claimant", "text"]] * 2


def test_standard_input_is_read_once():
    with pytest.raises(CommandError, match="only once"):
        run("-", "-", stdin="text")


def test_page_without_article_text_is_a_command_error():
    with pytest.raises(CommandError, match="No article text found"):
        run("-", stdin="<html><body><nav><a href='/'>Home</a></nav></body></html>")
