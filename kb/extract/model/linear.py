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


def design(ids: list[np.ndarray], n_buckets: int):
    """The hashed features as one sparse one-hot matrix (rows x buckets)."""
    from scipy import sparse

    lengths = np.array([len(i) for i in ids], dtype=np.int64)
    cols = np.concatenate(ids) if ids else np.zeros(0, np.int64)
    return sparse.csr_matrix((np.ones(len(cols)), cols, np.concatenate([[0], np.cumsum(lengths)])),
                             shape=(len(ids), n_buckets))


def fit(ids: list[np.ndarray], dense: np.ndarray, y: np.ndarray, n_buckets: int, l2: float = 1.0,
        max_iter: int = 200, weight: np.ndarray | None = None) -> Linear:
    """L2-regularised logistic regression by L-BFGS on the whole set (deterministic: no sampling).
    ``l2`` is the penalty on the summed log loss (the bias is not penalised)."""
    from scipy.optimize import minimize

    xs = design(ids, n_buckets)
    xst = xs.T.tocsr()
    xd = np.asarray(dense, dtype=np.float64).reshape(len(ids), -1)
    nd = xd.shape[1]
    y = np.asarray(y, dtype=np.float64)
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)

    def loss(theta):
        ws, wd, b = theta[:n_buckets], theta[n_buckets : n_buckets + nd], theta[-1]
        z = xs @ ws + xd @ wd + b
        value = (w * (np.logaddexp(0, z) - y * z)).sum() + 0.5 * l2 * (ws @ ws + wd @ wd)
        g = w * (_sigmoid(z) - y)
        return value, np.concatenate([xst @ g + l2 * ws, xd.T @ g + l2 * wd, [g.sum()]])

    theta = minimize(loss, np.zeros(n_buckets + nd + 1), jac=True, method="L-BFGS-B",
                     options={"maxiter": max_iter}).x
    return Linear(theta[:n_buckets], theta[n_buckets : n_buckets + nd], float(theta[-1]))


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
