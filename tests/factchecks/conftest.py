"""Fact-checks by others: the real samples and collections copied into tests/fixtures, and
helpers to import them through the service's public surface."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CLAIMREVIEW = FIXTURES / "claimreview"
IMPORTS = "/api/v1/factchecks/imports/"
FACTCHECKS = "/api/v1/factchecks/"


def sample(name: str):
    """A real ClaimReview sample, parsed."""
    return json.loads((CLAIMREVIEW / name).read_text(encoding="utf-8"))


def claimreview(**fields) -> dict:
    """A ClaimReview as fact-checkers publish it, with `fields` replacing its parts."""
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example.org/2024/05/bridge-toll",
        "datePublished": "2024-05-02",
        "claimReviewed": "The new bridge toll will cost drivers 40 dollars a day.",
        "author": {
            "@type": "Organization",
            "name": "Example Checks",
            "url": "https://factcheck.example.org",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "A council candidate"},
            "datePublished": "2024-04-28",
        },
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
        "name": "No, the bridge toll is not 40 dollars a day",
    }
    review.update(fields)
    return review


def run_import(*args: str) -> tuple[str, str]:
    """`manage.py import_factchecks ARGS`; its standard output and error."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_factchecks", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing_import(*args: str) -> str:
    """`manage.py import_factchecks ARGS`, which must fail; what it said on standard error."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="could not be imported"):
        call_command("import_factchecks", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


@pytest.fixture
def factchecks_of(api_as, newsbot):
    """The fact-checks an API client reads, as a list of items (first page)."""

    def read(**params):
        response = api_as(newsbot).get(FACTCHECKS, params)
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return read


@pytest.fixture(autouse=True)
def _fresh_matcher(settings, tmp_path):
    """Each test starts as a new process would: no matcher yet, no saved index, and an index
    that asks the database for news at every match."""
    from factchecks.matching import engine

    settings.MATCH_INDEX_DIR = tmp_path / "match-index"
    settings.MATCH_CATCH_UP_SECONDS = 0
    engine.reset_matcher()
    yield
    engine.reset_matcher()
