"""Rankings over the actor graph as arrays: one row per edge, summed with numpy and scipy.

Computed once per cached graph (and edge-type filter) and kept with it, so the dashboard's
second ranking is free; a pass over networkx's dicts per request cost seconds at 700k edges.
PageRank is networkx's own power iteration (same matrix, same stopping rule), on a matrix built
from the arrays instead of from a DiGraph.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from kb.graph.model import EDGE_TYPES

_memo: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # graph -> {question: answer}
_lock = threading.Lock()


@dataclass(frozen=True)
class Edges:
    nodes: list  # node ids; arrays below hold positions in this list
    src: np.ndarray
    dst: np.ndarray
    type: np.ndarray  # index in EDGE_TYPES
    count: np.ndarray

    def mask(self, types) -> np.ndarray | slice:
        return slice(None) if types is None else np.isin(self.type, [EDGE_TYPES.index(t) for t in types])


def _remember(G: nx.MultiDiGraph, question, compute):
    with _lock:
        answers = _memo.setdefault(G, {})
        if question in answers:
            return answers[question]
    value = compute()
    with _lock:
        _memo[G][question] = value
    return value


def attach(G: nx.MultiDiGraph, src, dst, types, counts) -> Edges:
    """Keep the edge arrays the build already has (actor ids, EDGE_TYPES indexes) with ``G``."""
    nodes = list(G)
    ids = np.array(nodes, dtype=np.int64)
    order = np.argsort(ids)

    def positions(x):
        return order[np.searchsorted(ids, np.asarray(x, dtype=np.int64), sorter=order)]

    return keep(G, Edges(nodes, positions(src), positions(dst), np.asarray(types, dtype=np.int64),
                         np.asarray(counts, dtype=np.int64)))


def keep(G: nx.MultiDiGraph, E: Edges) -> Edges:
    """Remember ``E`` as the edge arrays of ``G`` (its nodes in G's order)."""
    with _lock:
        _memo.setdefault(G, {})["edges"] = E
    return E


def edges(G: nx.MultiDiGraph) -> Edges:
    """The graph's edges as arrays (from the build, else one pass over the graph)."""
    def compute():  # e.g. a graph read from an export
        nodes = list(G)
        index = {n: i for i, n in enumerate(nodes)}
        code = {t: i for i, t in enumerate(EDGE_TYPES)}
        rows = np.array([(index[u], index[v], code[k], n) for u, v, k, n in G.edges(keys=True, data="count")],
                        dtype=np.int64).reshape(-1, 4)
        return Edges(nodes, rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3])

    return _remember(G, "edges", compute)


def _key(types):
    return None if types is None else tuple(sorted(types))


def accused(G: nx.MultiDiGraph) -> np.ndarray:
    """Accusations received, per node position."""
    def compute():
        E = edges(G)
        hit = E.type == EDGE_TYPES.index("accuses")
        return np.bincount(E.dst[hit], weights=E.count[hit], minlength=len(E.nodes)).astype(np.int64)

    return _remember(G, "accused", compute)


def linked(G: nx.MultiDiGraph, types=None) -> np.ndarray:
    """Distinct actors linked to each node (either direction) by edges of ``types``."""
    def compute():
        E = edges(G)
        m = E.mask(types)
        a, b = np.minimum(E.src[m], E.dst[m]), np.maximum(E.src[m], E.dst[m])
        pairs = np.sort((a << 32) | b)
        pairs = pairs[np.append(True, pairs[1:] != pairs[:-1])] if len(pairs) else pairs
        ends = np.concatenate([pairs >> 32, pairs & 0xFFFFFFFF])
        return np.bincount(ends, minlength=len(E.nodes))

    return _remember(G, ("linked", _key(types)), compute)


def pagerank(G: nx.MultiDiGraph, types=None, alpha: float = 0.85, tol: float = 1e-6,
             max_iter: int = 100) -> dict:
    """PageRank of the actors with edges of ``types``, weighted by statement counts: the same
    scores as ``nx.pagerank(weighted(G, types))`` once isolated actors are dropped."""
    def compute():
        E = edges(G)
        m = E.mask(types)
        src, dst, w = E.src[m], E.dst[m], E.count[m].astype(float)
        active = np.unique(np.concatenate([src, dst]))
        N = len(active)
        if not N:
            return {}
        pos = np.full(len(E.nodes), -1)
        pos[active] = np.arange(N)
        A = sp.csr_array((w, (pos[src], pos[dst])), shape=(N, N))  # repeated pairs are summed
        S = A.sum(axis=1)
        S[S != 0] = 1.0 / S[S != 0]
        A = sp.dia_array((S, 0), shape=(N, N)).tocsr() @ A
        x = np.full(N, 1.0 / N)
        p = np.full(N, 1.0 / N)
        dangling = np.where(S == 0)[0]
        for _ in range(max_iter):
            last = x
            x = alpha * (x @ A + x[dangling].sum() * p) + (1 - alpha) * p
            if np.abs(x - last).sum() < N * tol:
                return {E.nodes[i]: float(s) for i, s in zip(active.tolist(), x)}
        raise nx.PowerIterationFailedConvergence(max_iter)

    return _remember(G, ("pagerank", _key(types), alpha, tol), compute)


def weighted_view(G: nx.MultiDiGraph, types=None) -> nx.DiGraph:
    """kb.graph.build.weighted(G, types), built once per graph (shared: treat as read-only)."""
    from kb.graph.build import weighted

    return _remember(G, ("weighted", _key(types)), lambda: weighted(G, types))
