"""Claim extraction: spans, kinds, claimants, quantities and scores.

The first tests pin the extractor's own logic with a scorer that answers one fixed probability,
so that they do not move when the model is retrained. The tests on the example article at the
end use the real check-worthiness model.
"""

# News text uses typographic quotes and apostrophes, so this file must too.
# ruff: noqa: RUF001

import json
from pathlib import Path

import pytest

from articles.extraction import claims as claims_module
from articles.extraction.claims import (
    EXTRACTOR_VERSION,
    ClaimKind,
    ExtractedClaim,
    extract_claims,
)
from articles.extraction.documents import document_from_content

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARTICLES = sorted((FIXTURES / "articles").iterdir())
EXAMPLE = FIXTURES / "articles" / "global-research-2015-10-09-russia-syria-offensive.md"


class FixedScorer:
    """Answers the same probability for every sentence and records what it was asked."""

    version = "fixed"

    def __init__(self, probability: float = 0.5, threshold: float = 0.5) -> None:
        self.probability = probability
        self.threshold = threshold
        self.calls: list[list[str]] = []

    def score(self, sentences):
        self.calls.append(list(sentences))
        return [self.probability] * len(sentences)


def body_of(path: Path) -> str:
    return document_from_content(path.read_text(encoding="utf-8"), filename=path.name).body


def every_candidate(body: str) -> list[ExtractedClaim]:
    return extract_claims(body, scorer=FixedScorer(), min_score=0.0)


def find(claims: list[ExtractedClaim], fragment: str) -> ExtractedClaim:
    matches = [claim for claim in claims if fragment in claim.text]
    assert len(matches) == 1, f"{fragment!r} is in {len(matches)} claims"
    return matches[0]


@pytest.fixture(scope="module")
def example_candidates() -> list[ExtractedClaim]:
    return every_candidate(body_of(EXAMPLE))


@pytest.mark.parametrize("path", ARTICLES, ids=lambda path: path.name)
def test_every_span_is_exact_in_the_stored_body(path):
    body = body_of(path)
    claims = every_candidate(body)
    assert claims
    for claim in claims:
        assert body[claim.start : claim.end] == claim.text
        assert claim.text == claim.text.strip()
        for quantity in claim.quantities:
            assert claim.start <= quantity["start"] < quantity["end"] <= claim.end
            assert body[quantity["start"] : quantity["end"]] == quantity["text"]
    starts = [claim.start for claim in claims]
    assert starts == sorted(starts)


def test_claims_serialise_to_json_with_every_field(example_candidates):
    data = json.loads(json.dumps([claim.as_dict() for claim in example_candidates]))
    assert set(data[0]) == {
        "text",
        "start",
        "end",
        "kind",
        "claimant",
        "claimant_title",
        "quantities",
        "score",
        "model_score",
        "reasons",
    }
    assert {item["kind"] for item in data} <= {kind.value for kind in ClaimKind}
    assert EXTRACTOR_VERSION


def test_statistic_attributed_through_a_continued_quotation(example_candidates):
    claim = find(example_candidates, "Greater than 90% of the strikes")
    assert claim.kind == ClaimKind.STATISTIC
    assert claim.claimant == "John Kirby"
    assert claim.quantities[0] | {"start": 0, "end": 0} == {
        "text": "Greater than 90%",
        "value": 90,
        "unit": "percent",
        "comparator": ">",
        "approximate": False,
        "start": 0,
        "end": 0,
    }
    assert claim.reasons == ["model 0.50", "has a statistic", "attributed to John Kirby"]


def test_estimate_with_a_trailing_attribution(example_candidates):
    claim = find(example_candidates, "around 3,500 militants")
    assert claim.kind == ClaimKind.ESTIMATE
    assert claim.claimant == "Zamir Kabulov"
    assert [(q["value"], q["unit"], q["approximate"]) for q in claim.quantities] == [
        (3500, "militants", True)
    ]


def test_estimate_with_several_quantities_and_a_titled_claimant(example_candidates):
    claim = find(example_candidates, "around 50,000 fighters")
    assert claim.kind == ClaimKind.ESTIMATE
    assert claim.claimant == "Valery Gerasimov"
    assert "Chief of General Staff" in claim.claimant_title
    assert [(q["value"], q["unit"], q["comparator"]) for q in claim.quantities] == [
        (50000, "fighters", "="),
        (4000, "militant groups", ">"),
        (40000, "fighters", "="),
    ]


def test_comparison_with_the_us_led_coalition(example_candidates):
    claim = find(example_candidates, "US-led coalition in over a year")
    assert claim.kind == ClaimKind.COMPARISON
    assert claim.claimant == "Faisal Mekdad"
    assert "comparison" in claim.reasons


def test_quotation_event_and_attribution_kinds(example_candidates):
    quotation = find(example_candidates, "Coordination is carried out")
    assert (quotation.kind, quotation.claimant) == (ClaimKind.QUOTATION, "Riad Haddad")
    reported = find(example_candidates, "Media reports said")
    assert (reported.kind, reported.claimant) == (ClaimKind.ATTRIBUTION, "Media reports")


def test_sentence_broken_by_a_blank_line_is_one_claim(example_candidates):
    claim = find(example_candidates, "strikes carried out by Russia's aerospace")
    assert "\n\nforces against the IS positions" in claim.text
    assert claim.text.endswith("to conduct ground operations.”")


def test_questions_headings_and_fragments_are_never_candidates(example_candidates):
    texts = [claim.text for claim in example_candidates]
    assert not any("Would US warplanes dare" in text for text in texts)
    assert not any(text.startswith("A Final Comment") for text in texts)
    assert not any(text == "Don’t bet on it." for text in texts)


def test_structural_signals_move_the_model_probability(example_candidates):
    statistic = find(example_candidates, "Greater than 90% of the strikes")
    attributed = find(example_candidates, "ISIS elements are increasingly challenging them")
    opinion = find(example_candidates, "The entire free world supports")
    unsourced = find(example_candidates, "Russian air power made the current offensive possible")
    assert statistic.score > attributed.score > 0.5 > unsourced.score > opinion.score
    assert "opinion wording" in opinion.reasons
    assert unsourced.reasons == ["model 0.50", "no source, figure, quotation or dated event"]


def test_only_plans_and_forecasts_score_below_what_happened():
    plan, happened, forecast = every_candidate(
        "Work on the new library is due to start in April and take two years to finish.\n\n"
        "Work on the new library started in April and took two years to finish.\n\n"
        "The new library will cost £4.2 million, the council said."
    )
    assert "only forward-looking" in plan.reasons
    assert plan.score < 0.5 < happened.score
    assert "only forward-looking" not in forecast.reasons


def test_model_threshold_is_the_midpoint_of_the_score():
    body = 'The sign on the door read "the committee meets in the town hall on the library plan".'
    (claim,) = extract_claims(body, scorer=FixedScorer(0.3, threshold=0.3), min_score=0.0)
    assert claim.score == 0.5
    assert claim.model_score == 0.3


def test_min_score_leaves_out_low_scoring_sentences():
    body = (
        "The committee met in the town hall to discuss the plan for the new library.\n\n"
        "The new library will cost £4.2 million, the council said on Monday."
    )
    scorer = FixedScorer(0.2)
    claims = extract_claims(body, scorer=scorer, min_score=0.3)
    assert [claim.text[:20] for claim in claims] == ["The new library will"]
    assert len(scorer.calls) == 1  # one batch for the whole article


def test_speaker_labels_and_datelines_stay_out_of_the_claim_span():
    body = (
        "KYIV, May 4 (Reuters) - Russian forces fired 40 missiles overnight, officials said.\n\n"
        "OKAFOR: We have treated 1,146 patients since August."
    )
    first, second = every_candidate(body)
    assert first.text.startswith("Russian forces fired 40 missiles")
    assert (second.text, second.claimant) == (
        "We have treated 1,146 patients since August.",
        "Okafor",
    )


@pytest.mark.parametrize(
    "dateline",
    [
        "WASHINGTON (Reuters) — ",
        "WASHINGTON (Reuters) - ",
        "MACAU (Reuters) – ",
        "ORLANDO, Fla. (Reuters) - ",
        "Dec 29 (Reuters) - ",
        "HEMPSTEAD, N.Y., Sept. 26 (UPI) — ",
        "WASHINGTON, March 3 (AP) — ",
        "NEW YORK (CNNMoney) -- ",
        "BEIRUT — ",
        "(CNN)",
    ],
)
def test_a_wire_dateline_is_stripped_from_the_claim(dateline):
    sentence = (
        "The Chinese government hacked computers at the deposit insurer 40 times, a report said."
    )
    (claim,) = every_candidate(f"{dateline}{sentence}")
    assert claim.text == sentence


def test_a_lead_in_joins_the_quotation_it_introduces(example_candidates):
    body = body_of(EXAMPLE)
    claim = find(example_candidates, "Ayoud issued a statement")
    assert claim.text.startswith("On Thursday, Syrian Army and Air Force Chief of General Staff")
    assert claim.text.endswith("the woes and crimes of terrorism.”") or claim.text.endswith(
        'the woes and crimes of terrorism."'
    )
    assert body[claim.start : claim.end] == claim.text
    assert (claim.kind, claim.claimant) == (ClaimKind.QUOTATION, "Ali Abdullah Ayoud")
    assert not any(c.text.rstrip().endswith(":") for c in example_candidates)


def test_a_lead_in_alone_at_the_end_is_no_claim():
    body = (
        "The committee met in the town hall on Tuesday to discuss the plan for the library.\n\n"
        "The council's spokesman issued a statement on Wednesday, saying:"
    )
    claims = every_candidate(body)
    assert [claim.text[:13] for claim in claims] == ["The committee"]


def test_noise_inside_a_paragraph_is_never_a_candidate():
    body = (
        "Samantha Lachman contributed reporting from Charleston, where the campaign spent "
        "$2 million. Sign up to get an email from reporter Ryan Grim when he publishes a new "
        "story. Follow Neil MacFarquhar @NeilMacFarquhar on Twitter."
    )
    assert [claim.text[:20] for claim in every_candidate(body)] == ["Samantha Lachman con"]


def test_a_heading_never_runs_into_the_paragraph_below_it():
    body = (
        "Russian warplanes struck 40 targets in Syria over the past day, the ministry said.\n\n"
        "Western doubts over the strikes grow as officials question the figures\n\n"
        "officials in three capitals disputed the account, saying most strikes hit other groups."
    )
    texts = [claim.text for claim in every_candidate(body)]
    assert not any("question the figures" in text and "disputed" in text for text in texts)


def test_empty_body_has_no_claims():
    scorer = FixedScorer()
    assert extract_claims("", scorer=scorer) == []
    assert scorer.calls == []


def test_default_scorer_is_the_process_wide_model(monkeypatch):
    scorer = FixedScorer(0.9)
    monkeypatch.setattr("articles.extraction.scorer.load_scorer", lambda: scorer)
    claims = extract_claims("The new library will cost £4.2 million, the council said.")
    assert claims[0].model_score == 0.9
    assert claims_module.MIN_CLAIM_SCORE < 0.5


# --- With the real check-worthiness model ------------------------------------------------------


@pytest.fixture(scope="module")
def real_scorer():
    from articles.extraction.scorer import load_scorer

    # The model ships in the package; without it the service cannot extract, so this fails.
    return load_scorer()


@pytest.fixture(scope="module")
def example_claims(real_scorer) -> list[ExtractedClaim]:
    return extract_claims(body_of(EXAMPLE), scorer=real_scorer)


def test_example_kirby_statistic(example_claims):
    claim = find(example_claims, "Greater than 90% of the strikes")
    assert claim.claimant == "John Kirby"
    assert claim.kind == ClaimKind.STATISTIC
    assert claim.score >= 0.5


def test_example_kabulov_estimate(example_claims):
    claim = find(example_claims, "around 3,500 militants")
    assert (claim.claimant, claim.kind) == ("Zamir Kabulov", ClaimKind.ESTIMATE)


def test_example_gerasimov_estimates(example_claims):
    claim = find(example_claims, "around 50,000 fighters")
    assert claim.claimant == "Valery Gerasimov"
    assert [q["value"] for q in claim.quantities] == [50000, 4000, 40000]


def test_example_mekdad_comparison(example_claims):
    claim = find(example_claims, "US-led coalition in over a year")
    assert (claim.claimant, claim.kind) == ("Faisal Mekdad", ClaimKind.COMPARISON)


def test_example_no_claim_from_bio_or_footer(example_claims):
    body = body_of(EXAMPLE)
    last_paragraph_start = body.rindex("\n\n") + 2
    assert all(claim.end <= len(body) for claim in example_claims)
    for claim in example_claims:
        assert "Lendman" not in claim.text
        assert "Global Research" not in claim.text
    assert body[last_paragraph_start:].startswith("Defeating ISIS")
