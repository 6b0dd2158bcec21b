"""Sentence vectors for matching: all-MiniLM-L6-v2, int8 ONNX, run with onnxruntime.

The model, its tokenizer and encoder.json ship in `model/` (see model/MODEL_CARD.md);
training/export_embedding_model.py produces them. Nothing is downloaded, and torch is not
needed at run time.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from inference.onnx_models import single_thread_session, truncating_tokenizer

MODEL_DIR = Path(__file__).resolve().parent / "model"
ENCODER_CONFIG = "encoder.json"


class EncoderUnavailable(RuntimeError):
    """The model files are missing or unreadable: the service was deployed without them."""


class Encoder:
    """Unit-length float32 vectors, one per text; cosine similarity is their dot product.

    Each text runs through the network alone: the int8 layers quantise activations with one
    scale per batch, so texts sharing a batch would move each other's vectors, and a fact-check
    would get a different vector depending on what it was imported with. One instance holds
    one onnxruntime session on one thread; `embed` is safe to call from several threads.
    """

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        config_path = model_dir / ENCODER_CONFIG
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise EncoderUnavailable(
                f"The matching encoder is missing: {config_path} does not exist. Produce it "
                "with training/export_embedding_model.py."
            ) from exc
        model_path = model_dir / config["model_file"]
        tokenizer_path = model_dir / config["tokenizer_file"]
        for path in (model_path, tokenizer_path):
            if not path.is_file():
                raise EncoderUnavailable(f"The matching encoder is incomplete: {path} is missing.")
        self.version: str = config["version"]
        self.dimensions: int = int(config["dimensions"])
        self.max_length: int = int(config["max_length"])

        self._tokenizer = truncating_tokenizer(tokenizer_path, max_length=self.max_length)
        self._session = single_thread_session(model_path)

    def tokenize(self, texts: Sequence[str]) -> list:
        # One at a time on purpose: encode_batch would spread over every core.
        return [self._tokenizer.encode(text) for text in texts]

    def embed(self, texts: Sequence[str], *, max_length: int | None = None) -> np.ndarray:
        """An array of shape (len(texts), dimensions), float32, each row of unit length.
        `max_length` cuts each text to fewer word pieces than the model's own limit."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, encoding in enumerate(self.tokenize(texts)):
            pieces = encoding.ids
            if max_length is not None and len(pieces) > max_length:
                # Keep the closing [SEP], as the tokenizer's own truncation does.
                pieces = [*pieces[: max_length - 1], pieces[-1]]
            ids = np.asarray([pieces], dtype=np.int64)
            (vector,) = self._session.run(
                ["embedding"], {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            )
            out[row] = vector[0]
        return out


_encoder: Encoder | None = None
_encoder_lock = threading.Lock()


def get_encoder() -> Encoder:
    """The process's encoder, loaded on first use."""
    global _encoder
    if _encoder is None:
        with _encoder_lock:
            if _encoder is None:
                _encoder = Encoder()
    return _encoder
