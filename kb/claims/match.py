"""Ranking known claims for a sentence: meaning (cosine of sentence vectors) fused with a
lexical signal (BM25 over the claims, or word overlap on a handful of candidates).

``fuse`` is the one scoring rule; its weight was fitted on CheckThat! 2020 train only
(kb/evaluate/claims.py, docs/claims.md). ``Matcher`` ranks a fixed collection (the evaluation's
10,375 verified claims); ``kb.claims.query.match_claims`` ranks the KB's claims through its ANN
index.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

LEXICAL_WEIGHT = 0.25  # fitted on CheckThat! 2020 train (see docs/claims.md)


def fuse(cosine: float, lexical: float, weight: float = LEXICAL_WEIGHT) -> float:
    """One score from the cosine and a lexical similarity in [0, 1]."""
    return cosine + weight * lexical


_URL = re.compile(r"(?:https?://|pic\.twitter\.com/|www\.)\S+")


def clean(text: str) -> str:
    """Links dropped: they carry no words of the claim."""
    return _URL.sub(" ", text or "").strip()


class Matcher:
    """Ranks a fixed collection of claims for query sentences: BM25 (bm25s) and cosine (exact,
    over all vectors; the collection is small) candidates, fused by ``fuse`` with BM25 scaled to
    [0, 1] per query."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray, weight: float = LEXICAL_WEIGHT):
        import bm25s

        self.texts = list(texts)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.weight = weight
        self.bm25 = bm25s.BM25()
        self.bm25.index(bm25s.tokenize(self.texts, stopwords="en", show_progress=False), show_progress=False)

    def lexical(self, queries: Sequence[str]) -> np.ndarray:
        """BM25 of every claim for each query, scaled by the query's best score."""
        import bm25s

        tokens = bm25s.tokenize(list(queries), stopwords="en", show_progress=False, return_ids=False)
        out = np.zeros((len(queries), len(self.texts)), dtype=np.float32)
        for i, q in enumerate(tokens):
            scores = self.bm25.get_scores(q) if q else np.zeros(len(self.texts))
            top = scores.max() if len(scores) else 0
            out[i] = scores / top if top > 0 else 0
        return out

    def rank(self, query_vectors: np.ndarray, queries: Sequence[str], k: int = 20,
             weight: float | None = None) -> list[list[tuple[int, float]]]:
        """For each query, the ``k`` best (claim index, score)."""
        w = self.weight if weight is None else weight
        cos = np.asarray(query_vectors, dtype=np.float32) @ self.vectors.T
        score = cos + w * self.lexical(queries)
        top = np.argsort(-score, axis=1)[:, :k]
        return [[(int(j), float(score[i, j])) for j in row] for i, row in enumerate(top)]
