"""Extraction quality on a hand-labelled set of articles, with the real check-worthiness model.

Each article in tests/fixtures/articles has a label file in tests/fixtures/labelled listing
every claim a fact-checker would check in it (a distinctive substring, its kind and its
claimant; claimant null where the article leaves it open), sentences that must not become
claims (opinion, rhetoric, questions), and boilerplate that must not even reach the body.

Precision counts every extracted claim that matches no labelled claim as a false positive, so
the labels are exhaustive on purpose. Run with -s to see the per-article table.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from articles.extraction.claims import MIN_CLAIM_SCORE, extract_claims
from articles.extraction.documents import document_from_content
from articles.services import claim_enters_queue

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LABELS = sorted((FIXTURES / "labelled").glob("*.json"))

# Thresholds: the figures measured on this set with model minilm-l1-cb-int8-1 (run with -s to
# see them) less a margin. With minilm-l2-lex-blend-1 and the queue threshold 0.6: all
# extracted claims P 0.72 R 1.00; queued P 0.81 R 0.99 (tuned-on articles P 0.82 R 0.98,
# held out P 0.81 R 1.00). The set holds 166 labelled claims, so one claim moves recall by
# about 0.6 points; the margins allow some ten claims of drift when the model is retrained,
# while a real regression (a lost attribution rule, boilerplate leaking in) still fails.
#                               measured   floor
#   all extracted claims        P 0.76     0.65    R 0.99    0.90  (worst article R 0.94: 0.80)
#   claims entering the queue   P 0.82     0.80    R 0.97    0.90
#     of them, held out         P 0.82     0.78    R 0.98    0.90
#   kind of the claims found      0.90     0.85
#   claimant of the claims found  0.90     0.90
#   labelled non-claims queued    5 of 50  at most 30%
# Most articles were labelled before the extractor ran on them, but its rules were then
# corrected on their errors. The queue rules (forward-looking and unsourced sentences) were
# tuned on the articles not in HELD_OUT; the held-out ones were measured only: two older ones
# (first run: P 0.85 and 0.79, R 1.00 and 1.00) and three real news articles from the PolNeAR
# corpus, labelled before the extractor was run on them. Before the queue rules, the queue
# took P 0.77 at R 0.96 of the tuned articles and P 0.80 at R 0.98 of the held-out ones.
MIN_PRECISION = 0.65
MIN_RECALL = 0.90
MIN_ARTICLE_RECALL = 0.80
MIN_QUEUE_PRECISION = 0.80
MIN_QUEUE_RECALL = 0.90
MIN_HELD_OUT_QUEUE_PRECISION = 0.78
MIN_HELD_OUT_QUEUE_RECALL = 0.90
MIN_KIND_ACCURACY = 0.85
MIN_CLAIMANT_ACCURACY = 0.90
MAX_QUEUED_NOT_CLAIMS_SHARE = 0.30
HELD_OUT = {
    "health-measles-cases",
    "wire-port-strike",
    "breitbart-2016-09-29-politifact-chicago-shootings",
    "wire-upi-2016-09-26-jill-stein-debate",
    "html-huffpost-2016-09-20-warren-wells-fargo",
}
EXAMPLE = "global-research-2015-10-09-russia-syria-offensive"


def normalised(text: str) -> str:
    return " ".join(text.split())


@dataclass
class ArticleResult:
    name: str
    extracted: int = 0
    true_positives: int = 0
    expected: int = 0
    found: int = 0
    kind_correct: int = 0
    claimant_checked: int = 0
    claimant_correct: int = 0
    not_claims_extracted: list[str] = field(default_factory=list)
    boilerplate_left: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positives / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def evaluate(label_path: Path, scorer, queued_only: bool = False) -> ArticleResult:
    """Scores the claims extracted from one labelled article, or only those that enter the
    review queue, by the rule ingestion queues them by."""
    labels = json.loads(label_path.read_text(encoding="utf-8"))
    article = FIXTURES / "articles" / labels["article"]
    document = document_from_content(article.read_text(encoding="utf-8"), filename=article.name)
    claims = extract_claims(document.body, scorer=scorer)
    if queued_only:
        claims = [claim for claim in claims if claim_enters_queue(claim)]
    expected = labels["claims"]
    result = ArticleResult(name=article.name, extracted=len(claims), expected=len(expected))
    found: set[int] = set()
    for claim in claims:
        text = normalised(claim.text)
        hits = [i for i, item in enumerate(expected) if normalised(item["text"]) in text]
        if hits:
            result.true_positives += 1
        else:
            result.false_positives.append(f"{claim.score:.2f} {claim.text[:80]}")
        for index in hits:
            if index in found:
                continue
            found.add(index)
            item = expected[index]
            result.kind_correct += item["kind"] == claim.kind
            if item["claimant"] is not None:
                result.claimant_checked += 1
                wanted = item["claimant"].lower()
                result.claimant_correct += (
                    wanted in claim.claimant.lower() if wanted else claim.claimant == ""
                )
    result.found = len(found)
    result.misses = [item["text"] for i, item in enumerate(expected) if i not in found]
    result.not_claims_extracted = [
        text
        for text in labels["not_claims"]
        if any(normalised(text) in normalised(claim.text) for claim in claims)
    ]
    result.boilerplate_left = [text for text in labels["boilerplate"] if text in document.body]
    return result


def table(results: list[ArticleResult]) -> str:
    lines = [
        f"{'article':44} {'claims':>6} {'prec':>5} {'recall':>6} {'kind':>5} {'claimant':>8}",
    ]
    for r in results:
        kind = r.kind_correct / r.found if r.found else 1.0
        claimant = r.claimant_correct / r.claimant_checked if r.claimant_checked else 1.0
        lines.append(
            f"{r.name[:44]:44} {r.extracted:>6} {r.precision:>5.2f} {r.recall:>6.2f} "
            f"{kind:>5.2f} {claimant:>8.2f}"
        )
    for r in results:
        for miss in r.misses:
            lines.append(f"  missed   {r.name[:20]}: {miss}")
        for false_positive in r.false_positives:
            lines.append(f"  extra    {r.name[:20]}: {false_positive}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def real_scorer():
    from articles.extraction.scorer import load_scorer

    # The model ships in the package; without it the service cannot extract, so this fails.
    return load_scorer()


@pytest.fixture(scope="module")
def results(real_scorer) -> list[ArticleResult]:
    return [evaluate(path, real_scorer) for path in LABELS]


@pytest.fixture(scope="module")
def queued_results(real_scorer) -> list[ArticleResult]:
    return [evaluate(path, real_scorer, queued_only=True) for path in LABELS]


def overall(results: list[ArticleResult]) -> tuple[float, float, str]:
    extracted = sum(r.extracted for r in results)
    true_positives = sum(r.true_positives for r in results)
    expected = sum(r.expected for r in results)
    found = sum(r.found for r in results)
    precision = true_positives / extracted
    recall = found / expected
    summary = (
        f"overall: precision {precision:.2f}, recall {recall:.2f} "
        f"({found}/{expected} labelled claims found, {true_positives}/{extracted} claims right)"
    )
    return precision, recall, summary


def test_labelled_set_covers_the_kinds_of_article_we_ingest():
    genres = [json.loads(path.read_text(encoding="utf-8"))["genre"] for path in LABELS]
    assert len(genres) >= 7
    for kind in ("wire", "press release", "interview", "statistics", "opinion", "HTML"):
        assert any(kind in genre for genre in genres), kind


def test_precision_and_recall_of_all_extracted_claims(results, real_scorer):
    precision, recall, summary = overall(results)
    report = f"{table(results)}\n{summary}, model {real_scorer.version}"
    print(f"\nAll extracted claims (score >= {MIN_CLAIM_SCORE}):\n{report}")
    assert precision >= MIN_PRECISION, report
    assert recall >= MIN_RECALL, report
    for r in results:
        assert r.recall >= MIN_ARTICLE_RECALL, f"{r.name}: recall {r.recall:.2f}\n{report}"


def test_precision_and_recall_of_the_claims_that_enter_the_queue(queued_results, real_scorer):
    precision, recall, summary = overall(queued_results)
    report = f"{table(queued_results)}\n{summary}, model {real_scorer.version}"
    print(f"\nQueued claims (score >= {settings.CLAIM_QUEUE_THRESHOLD}):\n{report}")
    assert precision >= MIN_QUEUE_PRECISION, report
    assert recall >= MIN_QUEUE_RECALL, report


def test_queue_precision_and_recall_hold_on_articles_the_rules_were_not_tuned_on(
    queued_results,
):
    held_out = [r for r in queued_results if Path(r.name).stem in HELD_OUT]
    tuned = [r for r in queued_results if Path(r.name).stem not in HELD_OUT]
    assert len(held_out) == len(HELD_OUT)
    precision, recall, summary = overall(held_out)
    print(f"\nQueued, tuned on: {overall(tuned)[2]}\nQueued, held out: {summary}")
    assert precision >= MIN_HELD_OUT_QUEUE_PRECISION, table(held_out)
    assert recall >= MIN_HELD_OUT_QUEUE_RECALL, table(held_out)


def test_the_example_opinion_piece_queues_its_checkable_claims_only(queued_results):
    (example,) = [r for r in queued_results if Path(r.name).stem == EXAMPLE]
    # Before the queue rules, 34 of its 38 claims entered the queue, 25 of them labelled.
    assert example.recall == 1.0, example.misses
    assert example.extracted <= 30
    assert example.precision >= 0.75, example.false_positives


def test_kind_and_claimant_of_the_claims_found(results):
    found = sum(r.found for r in results)
    kind_accuracy = sum(r.kind_correct for r in results) / found
    claimant_accuracy = sum(r.claimant_correct for r in results) / sum(
        r.claimant_checked for r in results
    )
    print(f"\nkind accuracy {kind_accuracy:.2f}, claimant accuracy {claimant_accuracy:.2f}")
    assert kind_accuracy >= MIN_KIND_ACCURACY
    assert claimant_accuracy >= MIN_CLAIMANT_ACCURACY


def test_opinion_and_rhetoric_rarely_enter_the_queue(queued_results):
    labelled = sum(
        len(json.loads(path.read_text(encoding="utf-8"))["not_claims"]) for path in LABELS
    )
    queued = {r.name: r.not_claims_extracted for r in queued_results if r.not_claims_extracted}
    share = sum(len(texts) for texts in queued.values()) / labelled
    print(f"\nlabelled non-claims in the queue: {share:.2f} of {labelled}")
    assert share <= MAX_QUEUED_NOT_CLAIMS_SHARE, queued


def test_boilerplate_never_reaches_the_body(results):
    assert {r.name: r.boilerplate_left for r in results if r.boilerplate_left} == {}
