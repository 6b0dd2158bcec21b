"""`manage.py extract_claims`: prints an article's claims and writes nothing.

These tests have no database access at all (no `db` fixture): any query would fail them.
"""

import io
import json
from pathlib import Path

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


def run(*args, stdin: str | None = None) -> str:
    out = io.StringIO()
    options = {"stdout": out}
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


def test_table_output_has_one_row_per_claim():
    table = run(str(EXAMPLE), "--format", "table")
    lines = table.splitlines()
    assert lines[0].split() == ["span", "score", "kind", "claimant", "text"]
    assert any("John Kirby" in line and "Greater than 90%" in line for line in lines)
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
    with pytest.raises(CommandError, match="No such file"):
        run(str(ARTICLES / "does-not-exist.md"))


def test_page_without_article_text_is_a_command_error():
    with pytest.raises(CommandError, match="No article text found"):
        run("-", stdin="<html><body><nav><a href='/'>Home</a></nav></body></html>")
