"""Distil a shorter network for embedding fact-checks from the matching encoder: some of
the shipped network's layers, trained to give each fact-check the vector the shipped
network gives it, and measured against it.

    .venv-train/bin/python training/distil_factcheck_encoder.py [--layers 0,2,4,5] \
        [--retrieval-weight 1.0]

Every fact-check is embedded once, but a collection holds hundreds of thousands, and the
embedding is nearly all of an import's time; queries are few and could keep the full
network. The teacher is the shipped int8 graph itself (factchecks/matching/model/
encoder.int8.onnx), read back into torch with its weights dequantised, so the student starts
from exactly the network it must reproduce and the recipe needs no earlier training run. Its
targets are the shipped encoder's own vectors (int8, one text at a time, as the service
embeds) for the fact-check texts of the CLEF 2021 2A and 2B collections, as the service
embeds them (claim, then headline); a random HELD_OUT of them are kept out of training and
measure the result. No query and no relevance label is trained on, unless
--retrieval-weight W adds a second term: the train queries of both collections (their shipped
vectors, fixed) must rank their fact-checks, embedded by the student, above the batch's other
fact-checks and the shipped network's best-scored wrong one (examples whose fact-checks are
held out are left out). The dev splits are never trained on.

Writes the student (int8) into --output-dir as an encoder folder the service's Encoder can
run, with distillation.json; reports the held-out cosine, the speed of both networks and the
dev MAP@5 with fact-checks embedded by the student and queries by the shipped network; and
writes that report in training/runs/. It ships nothing: see the model card for why.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "training"))

import export_embedding_model as export_recipe  # noqa: E402

MODEL_DIR = REPO_ROOT / "factchecks" / "matching" / "model"
DATA_DIR = REPO_ROOT.parent / "shared" / "datasets" / "claim-matching"
RUNS_DIR = REPO_ROOT / "training" / "runs"
COLLECTIONS = ("clef2021-task2a-en", "clef2021-task2b-en")
STUDENT_FILE = "student.int8.onnx"
DEFAULT_OUTPUT_DIR = REPO_ROOT / "var" / "factcheck-encoder"
SEED = 20211130
HELD_OUT = 1000
BATCH_SIZE = 32
# Batches are cut from runs of this many batches sorted by length: a batch pads to its
# longest text, and sorting within a run keeps the padding small while each epoch's batches
# still mix both collections.
BUCKET_BATCHES = 50
WARMUP_FRACTION = 0.05
# --retrieval-weight: each step also ranks RETRIEVAL_BATCH train queries' fact-checks against
# the others of that batch and RETRIEVAL_NEGATIVES hard ones each (cosine times
# RETRIEVAL_SCALE as logits, as the encoder's own fine-tuning did).
RETRIEVAL_BATCH = 8
RETRIEVAL_NEGATIVES = 1
RETRIEVAL_SCALE = 20.0


def factcheck_texts() -> list[str]:
    from factchecks.matching.documents import dense_text

    texts: list[str] = []
    for collection in COLLECTIONS:
        for row in export_recipe.read_tsv(DATA_DIR / collection / "vclaims.tsv"):
            texts.append(dense_text(row.get("vclaim", ""), row.get("title", "")))
    return texts


def shipped_weights(graph_path: Path) -> dict[str, np.ndarray]:
    """The float weights of a `quantize_dynamic` graph: the named ones as they are, the
    quantised embedding tables and matrix weights dequantised. The matrices lose their
    names in the export, so they come back as `matmul.N`, in the graph's order."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(graph_path)).graph
    tensors = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            tensors[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    producer = {output: node for node in graph.node for output in node.output}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    weights = {
        name: value
        for name, value in tensors.items()
        if name.startswith("bert.") and value.dtype == np.float32 and value.ndim == 1
    }
    for name in list(tensors):
        if name.endswith(".weight_quantized"):
            stem = name.removesuffix("_quantized")
            quantised = tensors[name].astype(np.float32)
            zero = tensors[stem + "_zero_point"].astype(np.float32)
            weights[stem] = (quantised - zero) * tensors[stem + "_scale"]
    count = 0
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        activations, quantised, _activation_zero, weight_zero = node.input
        quantise_node = producer[activations]
        (cast,) = consumers[node.output[0]]
        (rescale,) = consumers[cast.output[0]]
        scales = producer[next(name for name in rescale.input if name != cast.output[0])]
        weight_scale = next(name for name in scales.input if name != quantise_node.output[1])
        matrix = tensors[quantised].astype(np.float32) - tensors[weight_zero].astype(np.float32)
        weights[f"matmul.{count}"] = matrix * tensors[weight_scale]
        count += 1
    return weights


def teacher_model(graph_path: Path):
    """all-MiniLM-L6-v2's torch model carrying the shipped graph's weights. Each unnamed
    matrix goes to the base model's linear layer it is nearest to (the fine-tuning moved
    every weight a little; none nearer another layer's), checked by shape and one-to-one."""
    import torch

    model = export_recipe.pooled_encoder(export_recipe.base_model_dir())
    state = model.state_dict()
    weights = shipped_weights(graph_path)
    loaded = {name: torch.tensor(value) for name, value in weights.items() if name in state}
    matrices = {name: value.T for name, value in weights.items() if name.startswith("matmul.")}
    for name, base in state.items():
        if ".layer." not in name or not name.endswith(".weight") or base.ndim != 2:
            continue
        base_values = base.numpy()
        candidates = [m for m, value in matrices.items() if value.shape == base_values.shape]

        def closeness(m: str, base_values=base_values) -> float:
            value = matrices[m]
            return float(
                np.sum(value * base_values) / np.linalg.norm(value) / np.linalg.norm(base_values)
            )

        nearest = max(candidates, key=closeness)
        loaded[name] = torch.tensor(np.ascontiguousarray(matrices.pop(nearest)))
    missing = [name for name in state if name not in loaded and not name.startswith("bert.pooler")]
    if missing or matrices:
        raise SystemExit(f"the shipped graph does not fit the base model: {missing or matrices}")
    model.load_state_dict({**state, **loaded})
    model.eval()
    return model


def targets(texts: list[str], model_dir: Path) -> np.ndarray:
    """The shipped encoder's vectors for `texts`, cached by graph and texts (about three
    minutes of CPU for the two collections)."""
    from factchecks.matching.encoder import Encoder

    config = json.loads((model_dir / "encoder.json").read_text(encoding="utf-8"))
    key = hashlib.sha256((config["sha256"] + "\n" + "\n".join(texts)).encode("utf-8")).hexdigest()[
        :16
    ]
    cache = Path(tempfile.gettempdir()) / f"factcheck-encoder-targets-{key}.npy"
    if cache.exists():
        return np.load(cache)
    vectors = Encoder(model_dir).embed(texts)
    np.save(cache, vectors)
    return vectors


def retrieval_examples(
    texts: list[str], wanted: np.ndarray
) -> list[tuple[np.ndarray, int, list[int]]]:
    """The train queries of both collections, each as (its shipped query vector, the index of
    its fact-check in `texts`, the other fact-checks it makes relevant, the shipped network's
    RETRIEVAL_NEGATIVES best-scored wrong fact-checks of its collection). Query vectors are
    fixed: queries keep the shipped network, only fact-checks are embedded by the student."""
    from factchecks.matching.config import load_config
    from factchecks.matching.documents import query_text
    from factchecks.matching.encoder import Encoder

    config = load_config()
    shipped = Encoder(MODEL_DIR)
    examples = []
    first = 0
    for collection in COLLECTIONS:
        rows = export_recipe.read_tsv(DATA_DIR / collection / "vclaims.tsv")
        position = {row["vclaim_id"]: first + i for i, row in enumerate(rows)}
        span = slice(first, first + len(rows))
        first += len(rows)
        relevant: dict[str, set[int]] = {}
        for row in export_recipe.read_tsv(DATA_DIR / collection / "qrels-train.tsv"):
            if row["vclaim_id"] in position:
                relevant.setdefault(row["query_id"], set()).add(position[row["vclaim_id"]])
        asked = [
            row
            for row in export_recipe.read_tsv(DATA_DIR / collection / "queries-train.tsv")
            if row["query_id"] in relevant
        ]
        vectors = shipped.embed(
            [query_text(row["text"]) for row in asked], max_length=config.query_max_length
        )
        cosines = vectors @ wanted[span].T
        for row, vector, scores in zip(asked, vectors, cosines, strict=True):
            right = relevant[row["query_id"]]
            ranked = (span.start + int(i) for i in np.argsort(-scores)[: 5 + len(right)])
            negatives = [i for i in ranked if i not in right][:RETRIEVAL_NEGATIVES]
            examples += [(vector, gold, sorted(right), negatives) for gold in sorted(right)]
    return examples


def distil(model, layers: list[int], texts: list[str], wanted: np.ndarray, arguments) -> dict:
    import torch
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(export_recipe.base_model_dir()))
    model.bert.encoder.layer = torch.nn.ModuleList(model.bert.encoder.layer[i] for i in layers)
    model.bert.config.num_hidden_layers = len(layers)

    rng = random.Random(SEED)
    order = list(range(len(texts)))
    rng.shuffle(order)
    held_out, train = sorted(order[:HELD_OUT]), order[HELD_OUT:]
    limit = export_recipe.MAX_LENGTH
    lengths = {
        i: len(tokenizer(texts[i], truncation=True, max_length=limit)["input_ids"]) for i in train
    }

    def encode(indices: list[int]):
        batch = tokenizer(
            [texts[i] for i in indices],
            padding=True,
            truncation=True,
            max_length=export_recipe.MAX_LENGTH,
            return_tensors="pt",
        )
        return model(batch["input_ids"], batch["attention_mask"])

    # The retrieval term: train queries (shipped vectors) against their fact-checks embedded
    # by the student, beside the batch's other fact-checks and the shipped network's best
    # wrong ones; examples whose fact-checks are held out are dropped with them.
    kept = set(held_out)
    retrieval = [
        (vector, gold, right, [n for n in negatives if n not in kept])
        for vector, gold, right, negatives in (
            retrieval_examples(texts, wanted) if arguments.retrieval_weight else []
        )
        if not kept.intersection(right)
    ]

    def retrieval_loss(examples) -> torch.Tensor:
        columns = [gold for _v, gold, _r, _n in examples]
        columns += [n for *_x, negatives in examples for n in negatives]
        documents = encode(columns)
        queries = torch.tensor(np.stack([vector for vector, *_x in examples]))
        logits = RETRIEVAL_SCALE * queries @ documents.T
        # A column that is another of the query's right answers is not a negative.
        mask = torch.tensor(
            [[c != gold and c in right for c in columns] for _v, gold, right, _n in examples]
        )
        logits = logits.masked_fill(mask, float("-inf"))
        return torch.nn.functional.cross_entropy(logits, torch.arange(len(examples)))

    def held_out_cosine() -> float:
        with torch.no_grad():
            cosines = [
                (encode(held_out[s : s + 128]).numpy() * wanted[held_out[s : s + 128]]).sum(1)
                for s in range(0, len(held_out), 128)
            ]
        return float(np.concatenate(cosines).mean())

    # Trained with dropout off (eval mode; the model has no batch statistics): the student
    # is to reproduce fixed vectors, and dropout's noise only slowed it (see the model card).
    model.eval()

    before = held_out_cosine()
    steps = arguments.epochs * (len(train) // BATCH_SIZE)
    optimiser = torch.optim.AdamW(model.parameters(), lr=arguments.learning_rate)
    warmup = max(1, int(WARMUP_FRACTION * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / (steps - warmup))),
    )
    losses: list[float] = []
    started = time.monotonic()
    for epoch in range(arguments.epochs):
        shuffled = train[:]
        rng.shuffle(shuffled)
        batches = []
        run = BATCH_SIZE * BUCKET_BATCHES
        for start in range(0, len(shuffled), run):
            by_length = sorted(shuffled[start : start + run], key=lengths.__getitem__)
            batches += [
                by_length[i : i + BATCH_SIZE]
                for i in range(0, len(by_length) - BATCH_SIZE + 1, BATCH_SIZE)
            ]
        rng.shuffle(batches)
        for batch in batches:
            vectors = encode(batch)
            # 1 - cosine, both of unit length; times 100 keeps the loss's scale near 1.
            loss = 100 * (1 - (vectors * torch.tensor(wanted[batch])).sum(dim=1)).mean()
            if retrieval:
                sample = rng.sample(retrieval, RETRIEVAL_BATCH)
                loss = loss + arguments.retrieval_weight * retrieval_loss(sample)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(loss.item())
            if len(losses) % 200 == 0:
                print(
                    f"epoch {epoch + 1}, step {len(losses)}/{steps}: loss "
                    f"{np.mean(losses[-200:]):.3f} ({time.monotonic() - started:.0f} s)",
                    flush=True,
                )
    return {
        "layers_kept": layers,
        "texts": len(train),
        "held_out_texts": len(held_out),
        "epochs": arguments.epochs,
        "steps": steps,
        "learning_rate": arguments.learning_rate,
        "retrieval_weight": arguments.retrieval_weight,
        "retrieval_examples": len(retrieval),
        "first_loss": round(float(np.mean(losses[:50])), 3) if losses else None,
        "last_loss": round(float(np.mean(losses[-50:])), 3) if losses else None,
        "held_out_cosine_before": round(before, 4),
        "minutes": round((time.monotonic() - started) / 60, 1),
        "held_out": held_out,
    }


def measure(output_dir: Path, texts: list[str], wanted: np.ndarray, held_out: list[int]) -> dict:
    """The student as the service would run it (int8, one text at a time) against its
    targets, on the texts it never trained on; and its speed beside the shipped network's."""
    from factchecks.matching.encoder import Encoder

    student, shipped = Encoder(output_dir), Encoder(MODEL_DIR)
    sample = [texts[i] for i in held_out]
    started = time.process_time()
    vectors = student.embed(sample)
    student_s = time.process_time() - started
    started = time.process_time()
    shipped.embed(sample)
    shipped_s = time.process_time() - started
    cosines = (vectors * wanted[held_out]).sum(axis=1)
    return {
        "held_out_cosine_mean": round(float(cosines.mean()), 4),
        "held_out_cosine_p1": round(float(np.percentile(cosines, 1)), 4),
        "held_out_cosine_min": round(float(cosines.min()), 4),
        "student_ms_per_text": round(1000 * student_s / len(sample), 2),
        "shipped_ms_per_text": round(1000 * shipped_s / len(sample), 2),
    }


def dev_map(output_dir: Path, texts: list[str], wanted: np.ndarray) -> dict:
    """Dev MAP@5 with the fact-checks embedded by the student and the queries by the shipped
    network, beside the shipped network embedding both: the shipped BM25, fusion weight and
    query length, every fact-check scored (exact search)."""
    from factchecks.matching.config import load_config
    from factchecks.matching.documents import lexical_text, query_text
    from factchecks.matching.encoder import Encoder
    from factchecks.matching.lexical import LexicalIndex

    config = load_config()
    student, shipped = Encoder(output_dir), Encoder(MODEL_DIR)
    student_vectors = student.embed(texts)
    report: dict = {}
    first = 0
    for collection in COLLECTIONS:
        rows = export_recipe.read_tsv(DATA_DIR / collection / "vclaims.tsv")
        span = slice(first, first + len(rows))
        first += len(rows)
        position = {row["vclaim_id"]: i for i, row in enumerate(rows)}
        lexical = LexicalIndex(k1=config.bm25_k1, b=config.bm25_b)
        lexical.build(
            [lexical_text(r["vclaim"], r.get("title", ""), r.get("subtitle", "")) for r in rows]
        )
        relevant: dict[str, set[int]] = {}
        for row in export_recipe.read_tsv(DATA_DIR / collection / "qrels-dev.tsv"):
            relevant.setdefault(row["query_id"], set()).add(position[row["vclaim_id"]])
        asked = [
            row
            for row in export_recipe.read_tsv(DATA_DIR / collection / "queries-dev.tsv")
            if row["query_id"] in relevant
        ]
        queries = [query_text(row["text"]) for row in asked]
        wanted_sets = [relevant[row["query_id"]] for row in asked]
        query_vectors = shipped.embed(queries, max_length=config.query_max_length)
        bm25 = np.array([_normalised_bm25(lexical, query) for query in queries])
        for name, documents in (("shipped", wanted[span]), ("student", student_vectors[span])):
            cosines = query_vectors @ documents.T
            report[f"{collection} {name}"] = {
                "dense": round(_map_at_5(cosines, wanted_sets), 4),
                "fused": round(_map_at_5(cosines + config.fusion_bm25 * bm25, wanted_sets), 4),
            }
    return report


def _normalised_bm25(lexical, query: str) -> np.ndarray:
    terms = lexical.query_terms(query)
    scores = lexical.snapshot_scores(terms)
    idf = lexical.idf_sum(terms)
    return scores / idf if idf > 0 else np.zeros_like(scores)


def _map_at_5(scores: np.ndarray, relevant: list[set[int]]) -> float:
    precisions = []
    for row, right in zip(scores, relevant, strict=True):
        found, total = 0, 0.0
        for rank, index in enumerate(np.argsort(-row, kind="stable")[:5], start=1):
            if index in right:
                found += 1
                total += found / rank
        precisions.append(total / min(len(right), 5))
    return float(np.mean(precisions))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument("--layers", default="0,2,4,5", help="the shipped network's layers kept")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument(
        "--retrieval-weight",
        type=float,
        default=0.0,
        help="weight of the train queries' ranking loss beside the vectors' (0: vectors only)",
    )
    parser.add_argument(
        "--evaluate-only", action="store_true", help="measure the student already in --output-dir"
    )
    arguments = parser.parse_args()

    import torch

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)

    output_dir: Path = arguments.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    summary_path = output_dir / "distillation.json"
    config = json.loads((MODEL_DIR / "encoder.json").read_text(encoding="utf-8"))
    texts = factcheck_texts()
    wanted = targets(texts, MODEL_DIR)
    if arguments.evaluate_only:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        held_out = summary.pop("held_out")
    else:
        model = teacher_model(MODEL_DIR / config["model_file"])
        layers = [int(layer) for layer in arguments.layers.split(",")]
        summary = distil(model, layers, texts, wanted, arguments)
        held_out = summary.pop("held_out")
        with tempfile.TemporaryDirectory() as scratch:
            fp32 = Path(scratch) / "student.fp32.onnx"
            export_recipe.export(model, fp32)
            export_recipe.quantise(fp32, output_dir / STUDENT_FILE)
        # A complete encoder folder: the service's Encoder runs the student from it.
        shutil.copy(MODEL_DIR / config["tokenizer_file"], output_dir / config["tokenizer_file"])
        student_config = dict(
            config,
            version=f"{config['version']}-factcheck-l{len(layers)}",
            model_file=STUDENT_FILE,
            layers=len(layers),
            sha256=hashlib.sha256((output_dir / STUDENT_FILE).read_bytes()).hexdigest(),
        )
        student_config.pop("fine_tuned", None)
        (output_dir / "encoder.json").write_text(
            json.dumps(student_config, indent=2) + "\n", encoding="utf-8"
        )
    summary.update(measure(output_dir, texts, wanted, held_out))
    summary["dev_map_at_5"] = dev_map(output_dir, texts, wanted)
    summary_path.write_text(json.dumps({**summary, "held_out": held_out}), encoding="utf-8")
    printed = json.dumps(summary, indent=2)
    print(printed)
    RUNS_DIR.mkdir(exist_ok=True)
    suffix = "-retrieval" if summary.get("retrieval_weight") else ""
    (RUNS_DIR / f"distil-factcheck-l{len(summary['layers_kept'])}{suffix}.json").write_text(
        printed + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
