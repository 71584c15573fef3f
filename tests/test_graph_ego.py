"""Ego networks from the ranked neighbour lists (kb.graph.rank.strongest) are exactly what summing
every ring node's whole adjacency gives: same actors, same ring order, same ``truncated``, same
edges in the same order, on graphs with hubs and tied weights, under every filter and limit."""

from __future__ import annotations

import heapq
import pickle
import random

import networkx as nx
import numpy as np
import pytest
from backends import empty_kb
from multidoc_kb import build_multidoc_kb

from kb import graph
from kb.db import dispose_engine, session_scope
from kb.graph import cache, rank
from kb.graph.build import _cache
from kb.graph.model import EDGE_TYPES
from kb.graph.queries import EGO_LIMIT, _among, ego_graph


def reference_ego(G, centre, radius=1, types=None, limit=EGO_LIMIT):
    """The ego network the plain way: each ring weighs every neighbour of every ring node."""
    seen = {centre: 0}
    ring, truncated = [centre], False
    for dist in range(1, radius + 1):
        found = {}
        for n in ring:
            for nbrs in (G.succ[n], G.pred[n]):
                for m, keys in nbrs.items():
                    if m not in seen:
                        w = sum(d["count"] for k, d in keys.items() if types is None or k in types)
                        if w:
                            found[m] = found.get(m, 0) + w
        room = None if limit is None else max(0, limit - len(seen))
        if room is not None and len(found) > room:
            ring, truncated = heapq.nsmallest(room, found, key=lambda m: (-found[m], m)), True
        else:
            ring = sorted(found, key=lambda m: (-found[m], m))
        seen.update((m, dist) for m in ring)
        if not ring:
            break
    sub = nx.MultiDiGraph(centre=centre, radius=radius, truncated=truncated, since=G.graph.get("since"),
                          until=G.graph.get("until"))
    sub.add_nodes_from((n, {**G.nodes[n], "distance": d}) for n, d in seen.items())
    for u in seen:
        for v in _among(G.succ[u], seen):
            for k, d in G.succ[u][v].items():
                if types is None or k in types:
                    sub.add_edge(u, v, key=k, **d)
    return sub


def same_ego(a, b) -> bool:
    """Same graph attributes, nodes (in ring order) and edges (in order)."""
    return (a.graph == b.graph and list(a.nodes(data=True)) == list(b.nodes(data=True))
            and list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True)))


def hub_graph(seed: int, nodes: int = 400, edges: int = 4000) -> nx.MultiDiGraph:
    """Zipf-like endpoints (a few hubs linked to most nodes), counts drawn from a few small values
    (many ties), every edge type, some isolated nodes; node ids shuffled so id order is not rank."""
    rng = random.Random(seed)
    ids = rng.sample(range(1, 10 * nodes), nodes)
    G = nx.MultiDiGraph()
    G.add_nodes_from((n, {"label": f"actor {n}", "kind": "PERSON"}) for n in ids)
    weights = [1 / (i + 1) ** 1.1 for i in range(nodes - 10)]  # the last 10 stay isolated
    for _ in range(edges):
        u, v = rng.choices(ids[:-10], weights, k=2)
        if u != v:
            t = rng.choice(EDGE_TYPES)
            d = G.get_edge_data(u, v, t)
            if d:
                d["count"] += rng.choice([1, 1, 2])
            else:
                G.add_edge(u, v, key=t, type=t, count=rng.choice([1, 1, 1, 2, 3]))
    return G


TYPES = [None, ("accuses",), ("mentions", "praises"), ("calls_on", "member_of", "warns"), EDGE_TYPES]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ego_is_the_plain_sum_over_each_ring(seed):
    G = hub_graph(seed)
    rng = random.Random(seed)
    by_degree = sorted(G, key=lambda n: (-G.degree(n), n))
    centres = by_degree[:3] + by_degree[-12:] + rng.sample(by_degree, 10)  # hubs, tail, isolated, any
    checked = truncated = 0
    for centre in centres:
        for types in TYPES:
            for radius in (1, 2, 3):
                for limit in (None, 0, 1, 2, 5, 30, EGO_LIMIT, 10**6):
                    got = ego_graph(G, centre, radius, types, limit)
                    assert same_ego(got, reference_ego(G, centre, radius, types, limit)), \
                        (centre, types, radius, limit)
                    checked += 1
                    truncated += got.graph["truncated"]
    assert truncated and truncated < checked  # both cases met


def test_ego_limit_just_at_the_neighbourhood_size():
    """A limit equal to, one below and one above the rings' sizes: ``truncated`` only when some
    actor was really left out."""
    G = hub_graph(4)
    for centre in sorted(G, key=lambda n: -G.degree(n))[:40:4]:
        for types in TYPES[:3]:
            for radius in (1, 2):
                size = len(reference_ego(G, centre, radius, types, None))
                for limit in (size - 1, size, size + 1):
                    got = ego_graph(G, centre, radius, types, limit)
                    assert same_ego(got, reference_ego(G, centre, radius, types, limit))
                    assert got.graph["truncated"] == (limit < size)


def test_ties_are_broken_by_node_id():
    """A centre with many equally strong links keeps the lowest ids, and counts both directions."""
    G = nx.MultiDiGraph()
    G.add_nodes_from((n, {"label": str(n), "kind": "ORG"}) for n in range(100))
    for n in range(1, 100):
        G.add_edge(0, n, key="mentions", type="mentions", count=1)
    G.add_edge(77, 0, key="accuses", type="accuses", count=1)  # 77: 1 + 1 both ways
    G.add_edge(50, 60, key="mentions", type="mentions", count=5)
    got = ego_graph(G, 0, radius=1, limit=5)
    assert list(got) == [0, 77, 1, 2, 3] and got.graph["truncated"]
    assert list(ego_graph(G, 0, radius=1, types=["mentions"], limit=4)) == [0, 1, 2, 3]
    assert same_ego(ego_graph(G, 50, radius=2, limit=10), reference_ego(G, 50, radius=2, limit=10))


def test_neighbour_lists_rank_every_link(kb_graph_and_url):
    """Each node's lists hold each neighbour once, with its statements both ways, strongest first."""
    G, _ = kb_graph_and_url
    N = rank.neighbours(G)
    for n in G:
        for slot, types in [(rank.ALL, None)] + [(i, (t,)) for i, t in enumerate(EDGE_TYPES)]:
            spans = N.spans([n], [slot])
            lo, hi = spans[0] if spans else (0, 0)
            got = list(zip(N.nbr[lo:hi].tolist(), N.weight[lo:hi].tolist()))
            want = {}
            for adj in (G.succ[n], G.pred[n]):
                for m, keys in adj.items():
                    w = sum(d["count"] for k, d in keys.items() if types is None or k in types)
                    if w:
                        want[m] = want.get(m, 0) + w
            assert got == sorted(want.items(), key=lambda mw: (-mw[1], mw[0]))


# ---------------------------------------------------------------- a stored KB

@pytest.fixture(scope="module")
def kb_graph_and_url(tmp_path_factory):
    """A small kb bench-generate KB (Zipf speakers and targets: hubs, heavy edges) and its graph."""
    from kb.benchgen import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('ego') / 'kb.sqlite'}"
    generate(url, documents=400, statements=6000, actors=150, seed=5)
    with session_scope(url) as s:
        G = graph.build_graph(s)
    yield G, url
    dispose_engine(url)


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_ego_on_a_built_kb_and_in_a_window(kb_graph_and_url):
    from datetime import date

    G, url = kb_graph_and_url
    hubs = sorted(G, key=lambda n: -G.degree(n))
    with session_scope(url) as s:
        for centre in hubs[:3] + hubs[-3:]:
            for types, radius, limit in [(None, 1, EGO_LIMIT), (None, 2, 40), (("accuses",), 2, 25),
                                         (("mentions", "calls_on"), 1, 10)]:
                got = graph.ego(s, centre, radius=radius, types=types, limit=limit)
                assert same_ego(got, reference_ego(G, centre, radius, types, limit))
        W = graph.get_graph(s, since=date(2018, 1, 1))  # a window: built per call, ranked on first use
        assert same_ego(graph.ego(s, hubs[0], radius=2, since=date(2018, 1, 1), limit=30),
                        reference_ego(W, hubs[0], 2, None, 30))


# ---------------------------------------------------------------- disk cache

def test_cache_file_carries_the_neighbour_lists(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    build_multidoc_kb(url)
    with session_scope(url) as s:
        built = graph.get_graph(s)
        expected = rank.neighbours(built)
    graph.invalidate()
    loads = _cache.loads
    with session_scope(url) as s:
        again = graph.get_graph(s)
    assert _cache.loads == loads + 1 and again is not built
    kept = rank._memo[again]["neighbours"]  # read from the file, not recomputed
    assert kept is not expected
    for field in ("ids", "ptr", "nbr", "weight"):
        assert np.array_equal(getattr(kept, field), getattr(expected, field))
    dispose_engine(url)


def test_cache_file_of_an_older_format_is_rebuilt(request, tmp_path_factory):
    with empty_kb("sqlite", request, tmp_path_factory.mktemp("old-cache")) as url:
        build_multidoc_kb(url)
        with session_scope(url) as s:
            built = graph.get_graph(s)
            token = cache.fingerprint(s, graph.store_state(s))
        path = cache.path_for(url)
        for header, body in [(("kb-graph/2", url, token), (built, rank.edges(built))),  # the last format
                             ((cache.FORMAT, url, token), (built, rank.edges(built)))]:  # this one, old shape
            with path.open("wb") as fh:
                pickle.dump(header, fh, protocol=5)
                pickle.dump(body, fh, protocol=5)
            assert cache.load(url, token) is None
            graph.invalidate()
            builds = _cache.builds
            with session_scope(url) as s:
                G = graph.get_graph(s)
                assert _cache.builds == builds + 1
                centre = max(G, key=G.degree)
                assert same_ego(graph.ego(s, centre, radius=2, limit=4), reference_ego(G, centre, 2, None, 4))
        assert cache.load(url, token) is not None  # rewritten in this format
