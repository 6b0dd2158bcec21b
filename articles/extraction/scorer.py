"""Check-worthiness of sentences: a fine-tuned MiniLM classifier run with onnxruntime.

The model, its tokenizer and its tuned decision threshold ship as package files in `model/`
(see `model/MODEL_CARD.md`); nothing is downloaded. `training/train_checkworthiness.py`
produces them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent / "model"
SCORER_CONFIG = "scorer.json"


class ScorerUnavailable(RuntimeError):
    """The model files are missing or unreadable: the service was deployed without them."""


class CheckworthinessScorer:
    """Probability that a sentence is a check-worthy factual claim.

    One instance holds one onnxruntime session on one thread; `score` is safe to call from
    several threads (onnxruntime sessions are), and each call runs on a single core.
    Sentences go through the model `batch_size` at a time (from scorer.json). The shipped
    model runs them one by one: its int8 layers quantise activations with one scale per
    batch, so sentences sharing a batch would move each other's scores, and on one core
    batching bought little speed (MODEL_CARD.md, "Speed").
    """

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

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
        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise ScorerUnavailable(
                    f"The check-worthiness model is incomplete: {path} is missing."
                )

        self.version: str = config["version"]
        self.threshold: float = float(config["threshold"])
        self.max_length: int = int(config["max_length"])
        self.batch_size: int = int(config.get("batch_size", 1))

        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=self.max_length)

        options = ort.SessionOptions()
        # One core per scorer: the service shares the machine with web and queue workers.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}

    def score(self, sentences: Sequence[str]) -> list[float]:
        """Probabilities in [0, 1], one per sentence, in the order given."""
        if isinstance(sentences, str):
            raise TypeError("score() takes a sequence of sentences, not one string")
        if not sentences:
            return []
        # One at a time on purpose: encode_batch would spread over every core.
        encodings = [self._tokenizer.encode(sentence) for sentence in sentences]
        # Sorting by length keeps padding (wasted work) small within each batch; ties are
        # broken by position so the batches, and so the scores, depend only on the input.
        order = sorted(range(len(encodings)), key=lambda i: (len(encodings[i].ids), i))
        scores = np.empty(len(encodings), dtype=np.float64)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            scores[batch] = self._score_batch([encodings[i] for i in batch])
        return [float(s) for s in scores]

    def _score_batch(self, encodings: list) -> np.ndarray:
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
        # Softmax over (not check-worthy, check-worthy), written to stay finite for any logit.
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        return exp[:, 1] / exp.sum(axis=1)


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
