"""Loading the service's ONNX models (the check-worthiness scorer, the matching encoder): an
onnxruntime session on one thread, and the word-piece tokenizer that feeds it."""

from __future__ import annotations

from pathlib import Path


def single_thread_session(model_path: Path):
    """An onnxruntime session of the graph at `model_path` that runs on one core: web and
    queue workers share the machine, and each process runs its models on its own core."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )


def truncating_tokenizer(tokenizer_path: Path, *, max_length: int):
    """The tokenizer at `tokenizer_path`, cutting each text to `max_length` word pieces and
    padding none (callers pad a batch to its own longest text)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer
