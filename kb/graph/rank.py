"""Rankings over the actor graph as arrays: one row per edge, summed with numpy and scipy.

Computed once per cached graph (and edge-type filter) and kept with it, so the dashboard's
second ranking is free; a pass over networkx's dicts per request cost seconds at 700k edges.
PageRank is networkx's own power iteration (same matrix, same stopping rule), on a matrix built
from the arrays instead of from a DiGraph.

Each node's neighbours are also kept ranked by link weight (:class:`Neighbours`), so the
strongest neighbours of a node (:func:`strongest`, what an ego network keeps) are the top of one
list instead of a sum over a hub's whole adjacency.
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


def keep(G: nx.MultiDiGraph, E: Edges, N: Neighbours | None = None) -> Edges:
    """Remember ``E`` as the edge arrays of ``G`` (its nodes in G's order), and ``N`` as its
    ranked neighbour lists."""
    with _lock:
        answers = _memo.setdefault(G, {})
        answers["edges"] = E
        if N is not None:
            answers["neighbours"] = N
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


# ---------------------------------------------------------------- ranked neighbours

ALL = len(EDGE_TYPES)  # the list slot ranking by the statements of every type together
SLOTS = ALL + 1  # lists per node: one per edge type (its EDGE_TYPES index), then ALL


@dataclass(frozen=True)
class Neighbours:
    """Every node's neighbours (either direction), strongest link first: per node one list per
    edge type and one over every type (slot ALL), a link's weight being its statements (or
    affiliations) both ways, ties in node id order. The list ``slot`` of node ``ids[i]`` is
    ``nbr[ptr[i * SLOTS + slot]:ptr[i * SLOTS + slot + 1]]``, with ``weight`` alongside."""
    ids: np.ndarray  # node ids, sorted
    ptr: np.ndarray
    nbr: np.ndarray  # node ids
    weight: np.ndarray

    def spans(self, nodes, slots) -> list[tuple[int, int]]:
        """The non-empty (start, end) of list ``slot`` of each node, for each node and slot."""
        nodes = np.asarray(list(nodes), dtype=np.int64)
        rows = np.minimum(np.searchsorted(self.ids, nodes), len(self.ids) - 1) if len(self.ids) else nodes * 0
        found = (self.ids[rows] == nodes) if len(self.ids) else np.zeros(len(nodes), dtype=bool)
        at = (rows[found][:, None] * SLOTS + np.asarray(slots, dtype=np.int64)[None, :]).ravel()
        return [(lo, hi) for lo, hi in zip(self.ptr[at].tolist(), self.ptr[at + 1].tolist()) if lo < hi]


def _summed(a, b, t, w):
    """The (a, b, t) rows with their weights summed per distinct row."""
    order = np.lexsort((b, t, a))
    a, b, t, w = a[order], b[order], t[order], w[order]
    new = np.ones(len(a), dtype=bool)
    new[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1]) | (t[1:] != t[:-1])
    starts = np.flatnonzero(new)
    return a[starts], b[starts], t[starts], np.add.reduceat(w, starts) if len(w) else w


def neighbours(G: nx.MultiDiGraph) -> Neighbours:
    """The ranked neighbour lists of ``G`` (from its edge arrays: one sort, no pass over the dicts)."""
    def compute():
        E = edges(G)
        ids = np.asarray(E.nodes, dtype=np.int64)
        a, b = ids[np.concatenate([E.src, E.dst])], ids[np.concatenate([E.dst, E.src])]
        a, b, t, w = _summed(a, b, np.concatenate([E.type, E.type]), np.concatenate([E.count, E.count]))
        ta, tb, _, tw = _summed(a, b, np.full_like(t, ALL), w)
        a, b = np.concatenate([a, ta]), np.concatenate([b, tb])
        slot, w = np.concatenate([t, np.full_like(ta, ALL)]), np.concatenate([w, tw])
        ids = np.sort(ids)
        seg = np.searchsorted(ids, a) * SLOTS + slot
        order = np.lexsort((b, -w, seg))
        ptr = np.zeros(len(ids) * SLOTS + 1, dtype=np.int64)
        np.cumsum(np.bincount(seg, minlength=len(ids) * SLOTS), out=ptr[1:])
        fits = not len(b) or max(int(ptr[-1]), int(b.max()), int(w.max())) < 2**31
        small = np.int32 if fits else np.int64  # half the size in memory and in the cache file
        return Neighbours(ids, ptr.astype(small), b[order].astype(small), w[order].astype(small))

    return _remember(G, "neighbours", compute)


def strongest(G: nx.MultiDiGraph, ring, seen, types=None, k: int | None = None) -> tuple[list, bool]:
    """The nodes outside ``seen`` linked to a node of ``ring`` by edges of ``types`` (either
    direction), ranked by their statements with the whole ring (most first, then node id): the
    first ``k`` (None: all), and whether there were more. ``G`` is not walked.

    One node and one list (an ego network's first ring, unfiltered or one type) reads only the
    list's first ``k + len(seen) + 1`` entries, however many neighbours a hub has. Several lists
    are summed with numpy: their total length at C speed (a threshold algorithm's early stop
    measured 7x slower at 1M statements, its per-candidate lookups being Python)."""
    N = neighbours(G)
    slots = [ALL] if types is None else sorted({EDGE_TYPES.index(t) for t in types})
    lists = N.spans(ring, slots)
    if len(lists) == 1:  # already in rank order
        lo, hi = lists[0]
        if k is not None:
            hi = min(hi, lo + k + len(seen) + 1)  # k + 1 outside seen, if the list has them
        ranked = [m for m in N.nbr[lo:hi].tolist() if m not in seen]
        return (ranked, False) if k is None else (ranked[:k], len(ranked) > k)
    nbr = np.concatenate([N.nbr[lo:hi] for lo, hi in lists]) if lists else N.nbr[:0]
    found, at = np.unique(nbr, return_inverse=True)
    total = np.bincount(at, weights=np.concatenate([N.weight[lo:hi] for lo, hi in lists]) if lists else None,
                        minlength=len(found))
    outside = ~np.isin(found, np.fromiter(seen, dtype=np.int64, count=len(seen)))
    found, total = found[outside], total[outside]
    order = np.lexsort((found, -total))
    if k is not None:
        order = order[:k]
    return found[order].tolist(), k is not None and len(found) > k
