"""Fixtures for the web pages: signed-in test clients, a deterministic claim extractor, and the
system's Chromium for browser tests."""

import os
import re
from pathlib import Path

import pytest

from articles.extraction.claims import ClaimKind, ExtractedClaim

# Playwright's sync API runs an event loop in the test thread; the ORM calls made there (to
# arrange data and check results) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session", autouse=False)
def chromium_installed():
    """Browser tests need Debian's Chromium; scripts/test installs it when it is missing."""
    assert CHROMIUM.exists(), (
        "Chromium is not installed at /usr/bin/chromium: run `apt-get install -y chromium` "
        "(scripts/test does this when it runs as root)."
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_installed):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


def sentences_with_figures(body: str, *_args, **_kwargs) -> list[ExtractedClaim]:
    """Every sentence that holds a digit, as a statistic claim: a stand-in for the trained
    extractor where a test needs known claims."""
    claims = []
    for match in _SENTENCE.finditer(body):
        text = match.group().strip()
        if not any(ch.isdigit() for ch in text):
            continue
        start = body.index(text, match.start())
        claims.append(
            ExtractedClaim(
                text=text,
                start=start,
                end=start + len(text),
                kind=ClaimKind.STATISTIC,
                claimant="",
                claimant_title="",
                quantities=[],
                score=0.9,
                model_score=0.9,
                reasons=["statistic"],
            )
        )
    return claims


@pytest.fixture
def figure_extractor(monkeypatch):
    monkeypatch.setattr("articles.services.extract_claims", sentences_with_figures)
    return sentences_with_figures


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
