"""Clustering wordings into claims, in memory, and `kb claims recluster` over the whole KB.

Two methods, both scored on Emergent by kb/evaluate/claims.py (docs/claims.md):
- ``leader``: the online rule of kb.claims.link, one wording at a time: the same words, else a
  near duplicate, else the nearest claim (cosine to the wording that started it) when it reaches
  the threshold, else a new claim. Cost per wording is flat in the number of claims.
- ``agglomerate``: average-linkage clustering on cosine fused with TF-IDF word overlap (IDF from
  the wordings being clustered). Better on Emergent, but quadratic: the re-cluster uses it up to
  ``MAX_AGGLOMERATE`` wordings and the online rule beyond.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from sqlalchemy import delete, false, select

from kb.claims import text as T
from kb.claims.link import CANDIDATES, LEXICAL, THRESHOLD, _Linker, join_score
from kb.models import Claim, ClaimKey, ClaimStatement, Statement

# Fitted on Emergent dev (kb evaluate --format emergent; docs/claims.md).
AGGLOMERATE_THRESHOLD = 0.25  # fused similarity at which average linkage stops merging
AGGLOMERATE_WEIGHT = 2.0  # weight of TF-IDF overlap against the cosine
MAX_AGGLOMERATE = 8000  # wordings: the distance matrix is n^2/2 floats
BATCH = 2000


def tfidf(texts: Sequence[str]):
    """Unit-length TF-IDF rows (sparse) of content words, IDF from ``texts`` themselves."""
    from scipy.sparse import csr_matrix

    from kb.claims.stance import lexicon

    stop = lexicon().get("stop", set())
    docs = [[w for w in T.words(t) if w not in stop] for t in texts]
    df = Counter(w for d in docs for w in set(d))
    vocab = {w: i for i, w in enumerate(sorted(df))}
    n = len(docs)
    rows, cols, vals = [], [], []
    for r, d in enumerate(docs):
        tf = Counter(d)
        weights = {w: (1 + math.log(k)) * math.log((n + 1) / (df[w] + 1)) for w, k in tf.items()}
        norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
        for w, x in weights.items():
            rows.append(r)
            cols.append(vocab[w])
            vals.append(x / norm)
    return csr_matrix((vals, (rows, cols)), shape=(n, max(1, len(vocab))), dtype=np.float32)


def agglomerate(vectors: np.ndarray, texts: Sequence[str], threshold: float = AGGLOMERATE_THRESHOLD,
                weight: float = AGGLOMERATE_WEIGHT) -> list[int]:
    """Cluster labels (0..k-1) by average linkage on (cosine + weight * TF-IDF cosine) / (1 + weight)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = len(texts)
    if n < 2:
        return [0] * n
    V = np.asarray(vectors, dtype=np.float32)
    L = tfidf(texts)
    sim = (V @ V.T + weight * (L @ L.T).toarray()) / (1 + weight)
    dist = np.clip(1.0 - sim, 0.0, None)
    np.fill_diagonal(dist, 0.0)
    labels = fcluster(linkage(squareform(dist, checks=False), "average"), 1.0 - threshold, "distance")
    first: dict[int, int] = {}
    return [first.setdefault(int(x), len(first)) for x in labels]


def leader(vectors: np.ndarray, texts: Sequence[str], threshold: float = THRESHOLD,
           weight: float = LEXICAL) -> list[int]:
    """Cluster labels by the online rule (kb.claims.link), wordings taken in the given order."""
    keys: dict[str, int] = {}
    reps: list[np.ndarray] = []
    rep_texts: list[str] = []
    labels = []
    for vec, text in zip(vectors, texts):
        xkey, bands = T.exact_key(text), T.band_keys(text)
        label = keys.get(xkey)
        if label is None:
            near = {keys[b] for b in bands if b in keys}
            best = max(((T.jaccard(text, rep_texts[c]), c) for c in near), default=(0.0, None))
            if best[0] >= T.NEAR_DUPLICATE:
                label = best[1]
        if label is None and reps:
            sims = np.stack(reps) @ vec
            top = np.argsort(-sims)[:CANDIDATES]
            fused = {int(j): join_score(float(sims[j]), text, rep_texts[j], weight) for j in top}
            j = max(fused, key=fused.get)
            if fused[j] >= threshold:
                label = j
        if label is None:
            label = len(reps)
            reps.append(np.asarray(vec, dtype=np.float32))
            rep_texts.append(text)
        for k in [xkey, *bands]:
            keys.setdefault(k, label)
        labels.append(label)
    return labels


def recluster(url: str | None = None, threshold: float = THRESHOLD,
              progress: Callable[[int], None] | None = None) -> dict:
    """Drop every claim and build them again from the unflagged statements. Returns counts."""
    from kb.claims.index import GENERATION, _new_index, forget
    from kb.db import get_engine, write_with_retry
    from kb.store import bump_counters

    def wipe(session):
        session.execute(delete(ClaimStatement))
        session.execute(delete(ClaimKey))
        session.execute(delete(Claim))
        bump_counters(session, {GENERATION: 1})

    write_with_retry(wipe, url)
    forget()
    cols = (Statement.id, Statement.content_text, Statement.claim_type, Statement.cue_lemma, Statement.kind,
            Statement.published)
    with get_engine(url).connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            select(*cols).where(Statement.flagged == false())
            .order_by(Statement.published.is_(None), Statement.published, Statement.id))]
    rows = [r for r in rows if T.claim_text(r["content_text"])]
    if len(rows) <= MAX_AGGLOMERATE:
        linked = _recluster_agglomerative(url, rows)
        method = "average linkage"
    else:
        linked, method = _recluster_online(url, rows, threshold, _new_index(), progress), "online rule"
    with get_engine(url).connect() as conn:
        claims = len(conn.execute(select(Claim.id).where(Claim.n_statements > 0)).all())
    return {"statements": len(rows), "linked": linked, "claims": claims, "method": method}


def _recluster_online(url, rows, threshold, index, progress) -> int:
    from kb.db import write_with_retry
    from kb.store import bump_counters

    linked = 0
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]

        def batch(session, chunk=chunk):
            linker = _Linker(session.connection(), threshold, origin="recluster", index=index)
            linker.link(chunk)
            n = len(linker.links)
            linker.flush()
            bump_counters(session)
            return n

        linked += write_with_retry(batch, url)
        if progress:
            progress(start + len(chunk))
    return linked


def _recluster_agglomerative(url, rows) -> int:
    from kb.claims.embed import embed
    from kb.db import write_with_retry
    from kb.store import bump_counters

    texts = [T.claim_text(r["content_text"]) for r in rows]
    vectors = embed(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    labels = agglomerate(vectors, texts)

    def store(session):
        linker = _Linker(session.connection(), origin="recluster", index=_NoIndex())
        claim_of: dict[int, int] = {}
        first_vec: dict[int, np.ndarray] = {}
        for row, text, vec, label in zip(rows, texts, vectors, labels):  # oldest first: it words the claim
            if label not in claim_of:
                claim_of[label] = linker._create(text, vec, row["id"], row.get("published"))
                first_vec[label] = vec
                linker._join(row, text, claim_of[label], 1.0, "new", T.exact_key(text), T.band_keys(text))
            else:
                sim = float(vec @ first_vec[label])
                linker._join(row, text, claim_of[label], sim, "cluster", T.exact_key(text), T.band_keys(text))
        n = len(linker.links)
        linker.flush()
        bump_counters(session)
        return n

    return write_with_retry(store, url)


class _NoIndex:
    """The agglomerative re-cluster decides every claim itself: nothing to search or add."""

    def add(self, *_a) -> None:
        pass

    def __len__(self) -> int:
        return 0
