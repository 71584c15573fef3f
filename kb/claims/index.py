"""The approximate nearest-neighbour index over claim vectors (usearch HNSW, cosine, f16).

The KB is the truth: every claim's vector is stored in ``claim.vector``, so the index can always
be rebuilt from it (PostgreSQL and SQLite alike). Each process keeps one index per KB and, before
each search, adds the claims committed since it last looked (``id > watermark``: an indexed
range read, usually empty). Claims deleted by a merge stay in the index until the next rebuild,
so callers check candidates against the KB. A full re-cluster bumps the ``claims_generation``
counter, which throws every process's index away. The index is saved beside the KB (like the
graph cache) so a new process loads it instead of rebuilding it.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Connection

from kb.claims.embed import DIM
from kb.db import cache_file
from kb.models import Claim, KbCounter

CLAIM, COUNTER = Claim.__table__, KbCounter.__table__
GENERATION = "claims_generation"
SAVE_EVERY = 20_000  # new claims between saves; and once at exit


def cache_path(url: str) -> Path | None:
    """Where the index of the KB at ``url`` is saved (None: nowhere, e.g. in-memory SQLite)."""
    return cache_file(url, ".claims.usearch", "claims-{}.usearch")


def generation(conn: Connection) -> int:
    return conn.execute(select(COUNTER.c.n).where(COUNTER.c.name == GENERATION, COUNTER.c.value == "")).scalar() or 0


def _new_index():
    # onnxruntime must be loaded before usearch: the other order crashes the process (usearch's
    # numkong and onnxruntime 1.32 clash at load time; seen on this project's CPU).
    import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index(ndim=DIM, metric="cos", dtype="f16", connectivity=16, expansion_add=64, expansion_search=64)


class ClaimIndex:
    def __init__(self, url: str):
        self.url = url
        self.path = cache_path(url)
        self.index = _new_index()
        self.watermark = 0
        self.generation: int | None = None
        self.unsaved = 0
        self.lock = threading.Lock()

    def _meta(self) -> Path | None:
        return self.path.with_name(self.path.name + ".json") if self.path else None

    def _load(self, gen: int) -> None:
        self.index, self.watermark, self.unsaved = _new_index(), 0, 0
        meta = self._meta()
        if meta and meta.exists() and self.path.exists():
            try:
                info = json.loads(meta.read_text())
                if info.get("url") == self.url and info.get("generation") == gen:
                    self.index.load(str(self.path))
                    self.watermark = int(info["watermark"])
            except (OSError, ValueError, KeyError, RuntimeError):
                self.index, self.watermark = _new_index(), 0  # a bad cache is rebuilt, never trusted
        self.generation = gen

    def sync(self, conn: Connection) -> None:
        """Bring the index up to the claims committed in the KB."""
        with self.lock:
            gen = generation(conn)
            if gen != self.generation:
                self._load(gen)
            query = (select(CLAIM.c.id, CLAIM.c.vector).where(CLAIM.c.id > self.watermark, CLAIM.c.vector.is_not(None))
                     .order_by(CLAIM.c.id))
            ids, vecs = [], []
            for cid, blob in conn.execute(query):
                ids.append(cid)
                vecs.append(np.frombuffer(blob, dtype=np.float16))
                if len(ids) >= 10_000:
                    self._add(ids, vecs)
                    ids, vecs = [], []
            if ids:
                self._add(ids, vecs)
            if self.unsaved >= SAVE_EVERY:
                self.save()

    def _add(self, ids: list[int], vecs: list[np.ndarray]) -> None:
        keys = np.asarray(ids, dtype=np.uint64)
        fresh = ~np.asarray([self.index.contains(int(k)) for k in keys], dtype=bool) if len(self.index) else None
        vectors = np.stack(vecs).astype(np.float32)
        if fresh is not None:
            keys, vectors = keys[fresh], vectors[fresh]
        if len(keys):
            self.index.add(keys, vectors, threads=1)
        self.watermark = max(self.watermark, max(ids))
        self.unsaved += len(keys)

    def search(self, vector: np.ndarray, k: int = 10) -> list[tuple[int, float]]:
        """(claim id, cosine) of the ``k`` nearest claims, best first."""
        with self.lock:
            if not len(self.index):
                return []
            m = self.index.search(np.asarray(vector, dtype=np.float32), min(k, len(self.index)))
            return [(int(key), 1.0 - float(d)) for key, d in zip(m.keys, m.distances)]

    def save(self) -> None:
        if not self.path or self.generation is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            self.index.save(str(tmp))
            os.replace(tmp, self.path)
            self._meta().write_text(json.dumps({"url": self.url, "generation": self.generation,
                                                "watermark": self.watermark}))
            self.unsaved = 0
        except OSError:
            pass  # a cache that cannot be written is rebuilt next time


_indexes: dict[str, ClaimIndex] = {}
_lock = threading.Lock()


def get_index(conn: Connection) -> ClaimIndex:
    """This process's index for the KB ``conn`` belongs to, synced with the committed claims."""
    url = conn.engine.url.render_as_string(hide_password=False)
    with _lock:
        index = _indexes.get(url)
        if index is None:
            index = _indexes[url] = ClaimIndex(url)
    index.sync(conn)
    return index


def forget(url: str | None = None) -> None:
    """Drop the in-process indexes (after a re-cluster in this process, or in tests)."""
    with _lock:
        for key in [url] if url else list(_indexes):
            _indexes.pop(key, None)


@atexit.register
def _save_all() -> None:
    for index in list(_indexes.values()):
        if index.unsaved:
            index.save()
