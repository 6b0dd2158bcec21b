"""The check-worthiness scorer as shipped: package files, decisions, quality and its command."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.extraction.scorer import (
    MODEL_DIR,
    CheckworthinessScorer,
    ScorerUnavailable,
    load_scorer,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE = FIXTURES / "claimbuster_dev_sample.csv"
CT24_DEVTEST = FIXTURES / "ct24_english_devtest.csv"

# The shipped model scores F1 0.865 on this sample and 0.871 on the whole test set it was drawn
# from (MODEL_CARD.md); its threshold is tuned on later debates (CT24 dev-test), where
# check-worthy sentences are more frequent, so it trades some ClaimBuster precision for
# recall. Scores are deterministic, so the figure moves only when the model, tokenizer,
# threshold or runtime changes. The floor sits two bootstrap standard deviations (2 x 0.031)
# below the measured F1: a retrained or upgraded model within sampling noise passes, a real
# loss of quality or a broken pipeline (wrong tokenizer, scores out of order) does not.
SAMPLE_F1_FLOOR = 0.80

# On the CheckThat! 2024 English dev-test set (debates after ClaimBuster's) the shipped model
# scores F1 0.841 and AP 0.919. The threshold was chosen on this set, so this is a regression
# floor rather than a held-out estimate (MODEL_CARD.md gives the split-half one, 0.824). The
# model shipped before it, tuned on ClaimBuster alone, scored F1 0.762 here: it missed a third
# of the check-worthy sentences of later debates, and this floor keeps that from coming back.
CT24_F1_FLOOR = 0.80
# Ranking quality, for readers who sort sentences by score: 1.5 bootstrap sd (0.021) below.
CT24_AP_FLOOR = 0.885

CHECKWORTHY = [
    "Unemployment fell to 4.1 percent in 2014, the lowest in a decade.",
    "The federal deficit has tripled since 2001 and now stands at $1.4 trillion.",
    "We have lost 2.5 million manufacturing jobs in the last three years.",
]
NOT_CHECKWORTHY = [
    "Thank you all for coming tonight.",
    "I think that's a great question.",
    "Let me finish, please.",
]


@pytest.fixture(scope="module")
def scorer() -> CheckworthinessScorer:
    return load_scorer()


@pytest.fixture(scope="module")
def shipped_config() -> dict:
    return json.loads((MODEL_DIR / "scorer.json").read_text(encoding="utf-8"))


def f1_of_checkworthy(labels: list[int], predictions: list[bool]) -> float:
    tp = sum(1 for y, p in zip(labels, predictions, strict=True) if y == 1 and p)
    fp = sum(1 for y, p in zip(labels, predictions, strict=True) if y == 0 and p)
    fn = sum(1 for y, p in zip(labels, predictions, strict=True) if y == 1 and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def average_precision(labels: list[int], scores: list[float]) -> float:
    """Mean of the precision at the rank of each check-worthy sentence, best score first."""
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: -pair[0])
    hits, total = 0, 0.0
    for rank, (_, label) in enumerate(ranked, start=1):
        if label:
            hits += 1
            total += hits / rank
    return total / hits


def read_fixture(path: Path) -> tuple[list[str], list[int]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [int(row["label"]) for row in rows]


class TestLoading:
    def test_loads_once_per_process_from_the_package_files(self, scorer, shipped_config):
        assert load_scorer() is scorer
        assert scorer.version == shipped_config["version"]
        assert (MODEL_DIR / shipped_config["model_file"]).is_file()
        assert (MODEL_DIR / shipped_config["tokenizer_file"]).is_file()

    def test_threshold_is_the_tuned_one_shipped_with_the_model(self, scorer, shipped_config):
        assert scorer.threshold == shipped_config["threshold"]
        assert 0.0 < scorer.threshold < 1.0
        assert scorer.threshold != 0.5

    def test_a_folder_without_the_model_is_refused_clearly(self, tmp_path):
        with pytest.raises(ScorerUnavailable, match=r"scorer\.json does not exist"):
            CheckworthinessScorer(tmp_path)

    def test_a_folder_missing_the_lexical_model_it_names_is_refused_clearly(
        self, tmp_path, shipped_config
    ):
        for name in ("scorer.json", shipped_config["model_file"], shipped_config["tokenizer_file"]):
            shutil.copyfile(MODEL_DIR / name, tmp_path / name)

        with pytest.raises(ScorerUnavailable, match=r"lexical\.npz is missing"):
            CheckworthinessScorer(tmp_path)

    def test_a_folder_without_a_lexical_model_scores_with_the_encoder_alone(
        self, tmp_path, scorer, shipped_config
    ):
        for name in (shipped_config["model_file"], shipped_config["tokenizer_file"]):
            shutil.copyfile(MODEL_DIR / name, tmp_path / name)
        config = {k: v for k, v in shipped_config.items() if k not in ("lexical_file", "blend")}
        (tmp_path / "scorer.json").write_text(json.dumps(config), encoding="utf-8")

        encoder_only = CheckworthinessScorer(tmp_path)

        (score,) = encoder_only.score([CHECKWORTHY[0]])
        (log_odds,) = scorer.encoder_log_odds([CHECKWORTHY[0]])
        assert score == pytest.approx(1 / (1 + math.exp(-log_odds)), abs=1e-12)


class TestScores:
    def test_factual_claims_score_above_pleasantries(self, scorer):
        claims = scorer.score(CHECKWORTHY)
        others = scorer.score(NOT_CHECKWORTHY)
        assert min(claims) > max(others)
        assert all(score >= scorer.threshold for score in claims)
        assert all(score < scorer.threshold for score in others)

    def test_scores_are_probabilities_in_input_order(self, scorer):
        sentences = [NOT_CHECKWORTHY[0], CHECKWORTHY[0], "Yes.", CHECKWORTHY[1]]
        scores = scorer.score(sentences)
        assert len(scores) == 4
        assert all(isinstance(s, float) and 0.0 <= s <= 1.0 for s in scores)
        assert scores == [scorer.score([sentence])[0] for sentence in sentences]

    def test_scores_are_deterministic_whatever_else_is_scored(self, scorer):
        sentences = CHECKWORTHY + NOT_CHECKWORTHY
        first = scorer.score(sentences)
        assert scorer.score(sentences) == first
        assert scorer.score(list(reversed(sentences))) == list(reversed(first))
        assert scorer.score([CHECKWORTHY[0]] + sentences * 20)[0] == first[0]

    def test_no_sentences_no_scores(self, scorer):
        assert scorer.score([]) == []

    def test_a_lone_string_is_refused_rather_than_scored_letter_by_letter(self, scorer):
        with pytest.raises(TypeError):
            scorer.score("Unemployment fell.")

    def test_overlong_sentences_are_truncated_not_refused(self, scorer):
        long_sentence = CHECKWORTHY[0] + " And so on." * 200
        (score,) = scorer.score([long_sentence])
        assert 0.0 <= score <= 1.0

    def test_sentences_without_words_get_a_score_rather_than_an_error(self, scorer):
        empty, dots, dollar = scorer.score(["", "...", "$"])
        assert 0.0 <= empty < scorer.threshold
        assert 0.0 <= dots < scorer.threshold
        assert 0.0 <= dollar <= 1.0

    def test_the_score_blends_the_encoder_and_the_lexical_model_as_configured(
        self, scorer, shipped_config
    ):
        blend = shipped_config["blend"]
        sentences = CHECKWORTHY + NOT_CHECKWORTHY
        encoder = scorer.encoder_log_odds(sentences)
        lexical = scorer.lexical_log_odds(sentences)

        scores = scorer.score(sentences)

        for score, e, w in zip(scores, encoder, lexical, strict=True):
            log_odds = blend["encoder"] * e + blend["lexical"] * w + blend["bias"]
            assert score == pytest.approx(1 / (1 + math.exp(-log_odds)), abs=1e-12)
        # Both parts carry weight, and each alone already tells claims from pleasantries.
        assert blend["encoder"] > 0 and blend["lexical"] > 0
        assert min(encoder[:3]) > max(encoder[3:])
        assert min(lexical[:3]) > max(lexical[3:])


def test_held_out_quality_holds_on_the_test_sample(scorer):
    texts, labels = read_fixture(SAMPLE)
    assert len(texts) == 300 and sum(labels) > 50

    scores = scorer.score(texts)
    f1 = f1_of_checkworthy(labels, [score >= scorer.threshold for score in scores])

    assert f1 >= SAMPLE_F1_FLOOR


def test_quality_holds_on_later_debates(scorer):
    texts, labels = read_fixture(CT24_DEVTEST)
    assert len(texts) == 318 and sum(labels) == 108

    scores = scorer.score(texts)
    f1 = f1_of_checkworthy(labels, [score >= scorer.threshold for score in scores])

    assert f1 >= CT24_F1_FLOOR
    assert average_precision(labels, scores) >= CT24_AP_FLOOR


class TestScoreSentencesCommand:
    def run(self, *args, **kwargs) -> list[dict]:
        out = io.StringIO()
        call_command("score_sentences", *args, stdout=out, **kwargs)
        return [json.loads(line) for line in out.getvalue().splitlines()]

    def test_scores_each_line_of_a_file_skipping_blank_lines(self, tmp_path, scorer):
        path = tmp_path / "sentences.txt"
        path.write_text(f"{CHECKWORTHY[0]}\n\n  \n{NOT_CHECKWORTHY[0]}\n", encoding="utf-8")

        records = self.run(str(path))

        assert [r["text"] for r in records] == [CHECKWORTHY[0], NOT_CHECKWORTHY[0]]
        assert [r["checkworthy"] for r in records] == [True, False]
        assert [r["score"] for r in records] == scorer.score([CHECKWORTHY[0], NOT_CHECKWORTHY[0]])

    def test_reads_standard_input_for_a_dash(self):
        records = self.run("-", stdin=io.StringIO("Let me finish, please.\n" + CHECKWORTHY[1]))

        assert [r["text"] for r in records] == ["Let me finish, please.", CHECKWORTHY[1]]
        assert [r["checkworthy"] for r in records] == [False, True]

    def test_a_missing_file_is_a_clear_error(self, tmp_path):
        with pytest.raises(CommandError, match="No such file"):
            self.run(str(tmp_path / "absent.txt"))
