"""A logistic regression over hashed sparse features and a dense vector, in numpy.

Sparse features are strings hashed (crc32, the same in every process) into ``n_buckets``
weights; the dense part is a token's tok2vec vector from the sm pipeline (``doc.tensor``).
Small enough to ship (n_buckets + dense floats), fast enough to score a document's candidates
in well under a millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass
from zlib import crc32

import numpy as np


def hashed(features: list[str], n_buckets: int) -> np.ndarray:
    return np.array([crc32(f.encode()) % n_buckets for f in features], dtype=np.int64)


@dataclass
class Linear:
    sparse: np.ndarray  # (n_buckets,)
    dense: np.ndarray  # (n_dense,)
    bias: float
    # Platt scaling fitted on held-out folds: p = sigmoid(a * score + b)
    a: float = 1.0
    b: float = 0.0

    @property
    def n_buckets(self) -> int:
        return len(self.sparse)

    def score(self, ids: list[np.ndarray], dense: np.ndarray) -> np.ndarray:
        s = np.array([self.sparse[i].sum() for i in ids], dtype=np.float64) if ids else np.zeros(0)
        if len(dense):
            s += dense @ self.dense
        return s + self.bias

    def proba(self, ids: list[np.ndarray], dense: np.ndarray) -> np.ndarray:
        return _sigmoid(self.a * self.score(ids, dense) + self.b)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.sparse": self.sparse.astype(np.float32), f"{prefix}.dense": self.dense.astype(np.float32),
                f"{prefix}.scalars": np.array([self.bias, self.a, self.b], dtype=np.float64)}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> Linear:
        bias, a, b = arrays[f"{prefix}.scalars"]
        return cls(arrays[f"{prefix}.sparse"].astype(np.float64), arrays[f"{prefix}.dense"].astype(np.float64),
                   float(bias), float(a), float(b))


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def fit(ids: list[np.ndarray], dense: np.ndarray, y: np.ndarray, n_buckets: int, l2: float = 1e-4,
        epochs: int = 60, lr: float = 0.05, batch: int = 256, seed: int = 0,
        weight: np.ndarray | None = None) -> Linear:
    """Minibatch Adam on the log loss with an L2 penalty; deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    n = len(y)
    dense = np.asarray(dense, dtype=np.float64).reshape(n, -1)
    weight = np.ones(n) if weight is None else weight
    params = [np.zeros(n_buckets), np.zeros(dense.shape[1]), np.zeros(1)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for k in range(0, n, batch):
            idx = order[k : k + batch]
            bi = [ids[i] for i in idx]
            s = np.array([params[0][i].sum() for i in bi]) + dense[idx] @ params[1] + params[2][0]
            g = (_sigmoid(s) - y[idx]) * weight[idx] / len(idx)
            gs = np.zeros(n_buckets)
            np.add.at(gs, np.concatenate(bi), np.repeat(g, [len(i) for i in bi]))
            grads = [gs + l2 * params[0], dense[idx].T @ g + l2 * params[1], np.array([g.sum()])]
            step += 1
            for p, mm, vv, gr in zip(params, m, v, grads):
                mm *= 0.9
                mm += 0.1 * gr
                vv *= 0.999
                vv += 0.001 * gr * gr
                p -= lr * (mm / (1 - 0.9**step)) / (np.sqrt(vv / (1 - 0.999**step)) + 1e-8)
    return Linear(params[0], params[1], float(params[2][0]))


def platt(scores: np.ndarray, y: np.ndarray, iters: int = 200) -> tuple[float, float]:
    """(a, b) of sigmoid(a * score + b) fitted by Newton's method on held-out scores."""
    a, b = 1.0, 0.0
    for _ in range(iters):
        p = _sigmoid(a * scores + b)
        w = p * (1 - p) + 1e-9
        ga, gb = ((p - y) * scores).sum(), (p - y).sum()
        h = np.array([[(w * scores * scores).sum(), (w * scores).sum()], [(w * scores).sum(), w.sum()]])
        da, db = np.linalg.solve(h + 1e-6 * np.eye(2), [ga, gb])
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-9:
            break
    return float(a), float(b)
