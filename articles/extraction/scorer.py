"""Check-worthiness of sentences: a fine-tuned MiniLM classifier run with onnxruntime, blended
with a TF-IDF + logistic regression model run with numpy.

The models, the tokenizer, the blend and the tuned decision threshold ship as package files in
`model/` (see `model/MODEL_CARD.md`); nothing is downloaded. `training/train_checkworthiness.py`
produces them.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from inference.onnx_models import single_thread_session, truncating_tokenizer

MODEL_DIR = Path(__file__).resolve().parent / "model"
SCORER_CONFIG = "scorer.json"


class ScorerUnavailable(RuntimeError):
    """The model files are missing or unreadable: the service was deployed without them."""


def ngram_keys(pieces: Sequence[int], *, vocab_size: int, max_n: int) -> np.ndarray:
    """Keys of the 1- to max_n-grams of a sentence's word pieces (no [CLS] or [SEP]).

    An n-gram's key is its word-piece ids read as digits in base vocab_size, offset by the
    number of possible shorter n-grams, so keys of different lengths never collide (three
    digits of a 30,522-piece vocabulary stay far below 2**63).
    """
    ids = np.asarray(pieces, dtype=np.int64)
    keys = [ids]
    offset = vocab_size
    for n in range(2, min(max_n, len(ids)) + 1):
        key = ids[: len(ids) - n + 1].copy()
        for shift in range(1, n):
            key = key * vocab_size + ids[shift : len(ids) - n + 1 + shift]
        keys.append(key + offset)
        offset += vocab_size**n
    return np.concatenate(keys)


class LexicalModel:
    """TF-IDF over word-piece 1-to-3-grams and a logistic regression over it, run with numpy.

    It reads the same word pieces as the encoder (no string handling of its own, so it adds
    little to the encoder's time), counts every n-gram seen in at least two training
    sentences, weighs counts as scikit-learn's TfidfTransformer does (sublinear tf, smooth
    idf, L2 norm) and returns LogisticRegression.decision_function. The training script
    checks that both give the same log-odds.
    """

    def __init__(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as arrays:
            self.keys = arrays["keys"].astype(np.int64)
            self.idf = arrays["idf"].astype(np.float64)
            self.coef = arrays["coef"].astype(np.float64)
            self.intercept = float(arrays["intercept"])
            self.vocab_size = int(arrays["vocab_size"])
            self.max_n = int(arrays["max_n"])

    def decision(self, pieces: Sequence[Sequence[int]]) -> np.ndarray:
        """Log-odds of the check-worthy class, one per sentence's word pieces."""
        out = np.full(len(pieces), self.intercept, dtype=np.float64)
        for row, sentence in enumerate(pieces):
            keys = ngram_keys(sentence, vocab_size=self.vocab_size, max_n=self.max_n)
            positions = np.searchsorted(self.keys, keys)
            positions[positions == len(self.keys)] = 0
            columns = positions[self.keys[positions] == keys]
            if columns.size == 0:
                continue
            columns, tf = np.unique(columns, return_counts=True)
            weights = (1.0 + np.log(tf)) * self.idf[columns]
            out[row] += float(weights @ self.coef[columns]) / math.sqrt(float(weights @ weights))
        return out


class CheckworthinessScorer:
    """Probability that a sentence is a check-worthy factual claim.

    One instance holds one onnxruntime session on one thread; `score` is safe to call from
    several threads (onnxruntime sessions are), and each call runs on a single core.
    Sentences go through the encoder `batch_size` at a time (from scorer.json). The shipped
    model runs them one by one: its int8 layers quantise activations with one scale per
    batch, so sentences sharing a batch would move each other's scores, and on one core
    batching bought little speed (MODEL_CARD.md, "Speed").

    When scorer.json names a lexical model, the score is the logistic of a weighted sum of
    the encoder's and the lexical model's log-odds ("blend" in scorer.json).
    """

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        config_path = model_dir / SCORER_CONFIG
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ScorerUnavailable(
                f"The check-worthiness model is missing: {config_path} does not exist. "
                "Produce it with training/train_checkworthiness.py (see its docstring)."
            ) from exc
        model_path = model_dir / config["model_file"]
        tokenizer_path = model_dir / config["tokenizer_file"]
        lexical_path = model_dir / config["lexical_file"] if config.get("lexical_file") else None
        for path in (model_path, tokenizer_path, lexical_path):
            if path is not None and not path.is_file():
                raise ScorerUnavailable(
                    f"The check-worthiness model is incomplete: {path} is missing."
                )

        self.config: dict = config
        self.version: str = config["version"]
        self.threshold: float = float(config["threshold"])
        self.max_length: int = int(config["max_length"])
        self.batch_size: int = int(config.get("batch_size", 1))
        blend = config.get("blend", {})
        self._encoder_weight = float(blend.get("encoder", 1.0))
        self._lexical_weight = float(blend.get("lexical", 0.0))
        self._bias = float(blend.get("bias", 0.0))
        self._lexical = LexicalModel(lexical_path) if lexical_path is not None else None

        self._tokenizer = truncating_tokenizer(tokenizer_path, max_length=self.max_length)
        self._session = single_thread_session(model_path)
        self._input_names = {i.name for i in self._session.get_inputs()}

    def score(self, sentences: Sequence[str]) -> list[float]:
        """Probabilities in [0, 1], one per sentence, in the order given."""
        if isinstance(sentences, str):
            raise TypeError("score() takes a sequence of sentences, not one string")
        if not sentences:
            return []
        encodings = self._encode(sentences)
        log_odds = self._encoder_weight * self._encoder_log_odds(encodings) + self._bias
        if self._lexical is not None and self._lexical_weight:
            log_odds += self._lexical_weight * self._lexical.decision(
                [e.ids[1:-1] for e in encodings]
            )
        # The logistic, written to stay finite for any log-odds.
        scores = np.exp(-np.logaddexp(0.0, -log_odds))
        return [float(s) for s in scores]

    def encoder_log_odds(self, sentences: Sequence[str]) -> np.ndarray:
        """The encoder's own log-odds of the check-worthy class, one per sentence."""
        return self._encoder_log_odds(self._encode(sentences))

    def lexical_log_odds(self, sentences: Sequence[str]) -> np.ndarray:
        """The lexical model's own log-odds, one per sentence (scorer.json names one)."""
        if self._lexical is None:
            raise ScorerUnavailable("this model folder holds no lexical model")
        return self._lexical.decision([e.ids[1:-1] for e in self._encode(sentences)])

    def _encode(self, sentences: Sequence[str]) -> list:
        # One at a time on purpose: encode_batch would spread over every core.
        return [self._tokenizer.encode(sentence) for sentence in sentences]

    def _encoder_log_odds(self, encodings: list) -> np.ndarray:
        # Sorting by length keeps padding (wasted work) small within each batch; ties are
        # broken by position so the batches, and so the scores, depend only on the input.
        order = sorted(range(len(encodings)), key=lambda i: (len(encodings[i].ids), i))
        log_odds = np.empty(len(encodings), dtype=np.float64)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            log_odds[batch] = self._log_odds_batch([encodings[i] for i in batch])
        return log_odds

    def _log_odds_batch(self, encodings: list) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        input_ids = np.zeros((len(encodings), width), dtype=np.int64)
        attention_mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            input_ids[row, : len(encoding.ids)] = encoding.ids
            attention_mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        (logits,) = self._session.run(["logits"], feeds)
        logits = logits.astype(np.float64)
        # Softmax over two classes is the logistic of the difference of their logits.
        return logits[:, 1] - logits[:, 0]


_scorer: CheckworthinessScorer | None = None
_scorer_lock = threading.Lock()


def load_scorer() -> CheckworthinessScorer:
    """The process-wide scorer, loaded from the package files on first use."""
    global _scorer
    if _scorer is None:
        with _scorer_lock:
            if _scorer is None:
                _scorer = CheckworthinessScorer()
    return _scorer
