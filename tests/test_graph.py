"""kb.graph over a hand-made multi-document KB (actors recur under other names) and the seed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from backends import BACKENDS, empty_kb
from multidoc_kb import build_multidoc_kb
from sqlalchemy import select

from kb import graph
from kb.db import dispose_engine, session_scope
from kb.graph import cache, rank
from kb.graph.build import _cache
from kb.models import Statement, StatementTarget


@pytest.fixture(scope="module", params=BACKENDS)
def kb_url(request, tmp_path_factory) -> str:
    """The multi-document KB, built once per module on each backend (for tests that only read)."""
    with empty_kb(request.param, request, tmp_path_factory.mktemp("graph")) as url:
        yield build_multidoc_kb(url)


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch) -> Path:
    """Graph disk caches of this test's KBs go to its own directory."""
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture()
def fresh_kb(db_url) -> str:
    """A KB the test may change (each backend)."""
    return build_multidoc_kb(db_url)


@pytest.fixture()
def G(kb_url):
    with session_scope(kb_url) as s:
        return graph.get_graph(s)


def node(G, label):
    (n,) = [n for n, d in G.nodes(data=True) if d["label"] == label]
    return n


def edge(G, a, b, t):
    return G.edges[node(G, a), node(G, b), t]


def triples(G):
    return {(G.nodes[u]["label"], t, G.nodes[v]["label"]) for u, v, t in G.edges(keys=True)}


# ---------------------------------------------------------------- model

@pytest.mark.parametrize("role, claim, expected", [
    ("accused", "accusation", "accuses"),
    ("accused", "warning", "accuses"),  # naming the culprit of a warning accuses it
    ("accused", "denial", "accuses"),
    ("addressed", "call_to_action", "calls_on"),
    ("addressed", "warning", "warns"),
    ("mentioned", "warning", "warns"),
    ("mentioned", "threat", "threatens"),
    ("mentioned", "rejection", "rejects"),
    ("mentioned", "denial", "denies"),
    ("addressed", "praise", "praises"),
    ("mentioned", "assertion", "mentions"),
    ("mentioned", None, "mentions"),
    ("addressed", "report", "calls_on"),
])
def test_edge_type_table(role, claim, expected):
    assert graph.edge_type(role, claim) == expected


@pytest.mark.parametrize("role, claim, event, expected", [
    ("rejected", "rejection", "REJECT", "rejects"),
    ("rejected", "assertion", "REJECT", "rejects"),  # "said it would not meet X's demands"
    ("threatened", "warning", "THREATEN", "threatens"),
    ("praised", "praise", "SUPPORT", "praises"),
    ("supported", "praise", "SUPPORT", "supports"),
    ("addressed", "call_to_action", "DEMAND", "calls_on"),
    ("accused", "assertion", "DISAPPROVE", "accuses"),
    # with an event family, an actor only named is a mention whatever the claim type
    ("mentioned", "rejection", "REJECT", "mentions"),
    ("mentioned", "warning", "THREATEN", "mentions"),
    ("addressed", "warning", "THREATEN", "calls_on"),
])
def test_edge_type_follows_role_and_event(role, claim, event, expected):
    assert graph.edge_type(role, claim, event) == expected


def test_sql_aggregation_matches_the_rows(kb_url, G):
    """Edges built in SQL equal edges computed in Python from the raw rows with the same table."""
    expected = defaultdict(lambda: {"count": 0, "dates": [], "ids": set(), "docs": set()})
    with session_scope(kb_url) as s:
        rows = s.execute(select(Statement.id, Statement.speaker_id, StatementTarget.actor_id, StatementTarget.role,
                                Statement.claim_type, Statement.published, Statement.flagged, Statement.document_id,
                                Statement.event)
                         .join(StatementTarget, StatementTarget.statement_id == Statement.id)).all()
    for sid, u, v, role, claim, published, flagged, did, event in rows:
        if flagged or u is None or u == v:
            continue
        e = expected[(u, v, graph.edge_type(role, claim, event))]
        e["count"] += 1
        e["dates"].append(published.isoformat())
        e["ids"].add(sid)
        e["docs"].add(did)
    got = {(u, v, t): d for u, v, t, d in G.edges(keys=True, data=True) if t not in ("member_of", "part_of")}
    assert set(got) == set(expected)
    for key, e in expected.items():
        d = got[key]
        assert d["type"] == key[2]
        assert d["count"] == e["count"]
        assert (d["first"], d["last"]) == (min(e["dates"]), max(e["dates"]))
        assert set(d["statements"]) == e["ids"] and list(d["statements"]) == sorted(e["ids"], reverse=True)
        assert (d["n_documents"], set(d["documents"])) == (len(e["docs"]), e["docs"])
    # succ and pred hold the same attribute dicts, as networkx's add_edge leaves them
    for u, v, k, d in G.edges(keys=True, data=True):
        assert G.pred[v][u][k] is d


def test_nodes_carry_label_and_kind(G):
    assert G.nodes[node(G, "Russia")]["kind"] == "country"
    assert G.nodes[node(G, "Yasser Farhan")]["kind"] == "person"
    assert isinstance(G, nx.MultiDiGraph)


def test_same_actor_across_documents_under_other_names(G):
    # "Farhan" (doc c), "Yasser Farhan" (a, d); "Moscow" (a, b), "Russian forces" (d), "Russia" (c)
    labels = {d["label"] for _, d in G.nodes(data=True)}
    assert not labels & {"Farhan", "Moscow", "Russian forces", "the Coalition"}
    e = edge(G, "Yasser Farhan", "Russia", "accuses")
    assert (e["count"], e["n_documents"], e["first"], e["last"]) == (2, 2, "2017-01-10", "2018-02-01")
    assert len(e["statements"]) == 2 and len(e["documents"]) == 2
    assert ("Yasser Farhan", "accuses", "Turkey") in triples(G)  # spoken as "Farhan"
    assert ("Russia", "denies", "Syrian Coalition") in triples(G)  # spoken as "Moscow"


def test_every_edge_type_from_the_rows(G):
    t = triples(G)
    assert {("Yasser Farhan", "calls_on", "international community"),
            ("Syrian Coalition", "warns", "Russia"),
            ("Turkey", "praises", "Syrian Coalition"),
            ("Kremlin", "rejects", "Syrian Coalition"),
            ("Yasser Farhan", "member_of", "Syrian Coalition"),
            ("Maria Zakharova", "member_of", "Russian Foreign Ministry"),
            ("Russian Foreign Ministry", "part_of", "Russia")} <= t
    assert edge(G, "Yasser Farhan", "Syrian Coalition", "member_of")["role"] == "member of the political committee"


def test_unresolved_speakers_are_left_out(G):
    assert "Someone" not in {d["label"] for _, d in G.nodes(data=True)}
    assert sum(d["count"] for _, _, k, d in G.in_edges(node(G, "Russia"), keys=True, data=True)
               if k == "accuses") == 3


def test_evidence_cap_keeps_newest_statements(kb_url):
    with session_scope(kb_url) as s:
        G = graph.build_graph(s, evidence_cap=1)
        newest = graph.accusations(s, by="Yasser Farhan", against="Russia")[0]["statement_id"]
    e = edge(G, "Yasser Farhan", "Russia", "accuses")
    assert e["count"] == 2 and e["statements"] == (newest,)


def test_weighted_view_sums_counts(G):
    D = graph.weighted(G)
    assert isinstance(D, nx.DiGraph)
    assert D[node(G, "Yasser Farhan")][node(G, "Russia")]["weight"] == 2
    assert sum(w for *_, w in D.edges(data="weight")) == sum(n for *_, n in G.edges(data="count"))
    only = graph.weighted(G, types={"member_of"})
    assert only.number_of_edges() == 2


# ---------------------------------------------------------------- queries

def test_accusations_by_an_actor_with_the_statements(kb_url):
    with session_scope(kb_url) as s:
        rows = graph.accusations(s, by="Farhan")  # an alias works as well as the name
    assert [(r["target"], r["date"]) for r in rows] == [  # most recently stored first
        ("Russia", date(2018, 2, 1)), ("Turkey", date(2017, 9, 27)), ("Assad regime", date(2017, 1, 10)),
        ("Russia", date(2017, 1, 10))]
    assert rows[-1]["sentence"] == "Farhan accused Moscow of shelling hospitals in Idlib."
    assert rows[-1]["target_text"] == "Moscow" and rows[-1]["path"] == "a.txt"
    assert {r["speaker"] for r in rows} == {"Yasser Farhan"}


def test_accusations_against_an_actor_and_in_a_window(kb_url):
    with session_scope(kb_url) as s:
        rows = graph.accusations(s, against="Moscow")
        window = graph.accusations(s, against="Russia", since=date(2017, 6, 1), until=date(2017, 12, 31))
    assert [(r["speaker"], r["date"]) for r in rows] == [
        ("Yasser Farhan", date(2018, 2, 1)), ("Human Rights Watch", date(2017, 9, 27)),
        ("Yasser Farhan", date(2017, 1, 10))]
    assert [r["speaker"] for r in window] == ["Human Rights Watch"]


def test_accusations_page_by_cursor(kb_url):
    with session_scope(kb_url) as s:
        everything = graph.accusations(s, by="Yasser Farhan")
        first = graph.accusations(s, by="Yasser Farhan", limit=3)
        rest = graph.accusations(s, by="Yasser Farhan", limit=3, cursor=first[-1]["statement_id"])
        against = graph.accusations(s, against="Russia", limit=1)
        older = graph.accusations(s, against="Russia", cursor=against[-1]["statement_id"])
    assert first + rest == everything and len(rest) == 1
    ids = [r["statement_id"] for r in everything]
    assert ids == sorted(ids, reverse=True)
    assert [r["speaker"] for r in against + older] == ["Yasser Farhan", "Human Rights Watch", "Yasser Farhan"]


def test_edge_evidence_is_every_statement_behind_the_edge(kb_url, G):
    """Evidence is filtered on role and claim type directly (for the index): every statement edge,
    of every type, gets exactly its statements, newest first."""
    with session_scope(kb_url) as s:
        for u, v, t, d in G.edges(keys=True, data=True):
            if t in ("member_of", "part_of"):
                continue
            rows = graph.edge_evidence(s, u, v, t)
            assert {r["type"] for r in rows} == {t}
            assert [r["statement_id"] for r in rows] == sorted(d["statements"], reverse=True)
            assert len(rows) == d["count"]
        assert [r["type"] for r in graph.statements(s, types=["calls_on", "warns"])] == ["warns", "calls_on"]


def test_unknown_actor_is_a_clear_error(kb_url):
    with session_scope(kb_url) as s, pytest.raises(graph.ActorNotFound, match="did you mean: Russia"):
        graph.accusations(s, against="Russ")
    with session_scope(kb_url) as s, pytest.raises(ValueError):
        graph.accusations(s)


def test_ego_radius_types_and_window(kb_url):
    with session_scope(kb_url) as s:
        one = graph.ego(s, "Russia")
        two = graph.ego(s, "Russia", radius=2, types=["accuses"])
        window = graph.ego(s, "Russia", radius=2, types=["accuses"], since=date(2018, 1, 1))
    assert {d["label"] for _, d in one.nodes(data=True)} == {
        "Russia", "Yasser Farhan", "Human Rights Watch", "Syrian Coalition", "Russian Foreign Ministry"}
    assert one.nodes[node(one, "Russia")]["distance"] == 0
    assert triples(two) == {("Yasser Farhan", "accuses", "Russia"), ("Human Rights Watch", "accuses", "Russia"),
                            ("Yasser Farhan", "accuses", "Assad regime"), ("Yasser Farhan", "accuses", "Turkey"),
                            ("Human Rights Watch", "accuses", "Assad regime")}
    assert triples(window) == {("Yasser Farhan", "accuses", "Russia")}
    assert edge(window, "Yasser Farhan", "Russia", "accuses")["count"] == 1
    with session_scope(kb_url) as s, pytest.raises(ValueError, match="unknown edge type"):
        graph.ego(s, "Russia", types=["likes"])


def test_path_with_evidence_on_each_hop(kb_url):
    with session_scope(kb_url) as s:
        found = graph.paths(s, "Maria Zakharova", "Yasser Farhan")
    assert len(found) == 1
    hops = found[0]
    assert [(h["from"], h["to"]) for h in hops] == [("Maria Zakharova", "Syrian Coalition"),
                                                   ("Syrian Coalition", "Yasser Farhan")]
    (first,) = hops[0]["edges"]
    assert (first["type"], first["evidence"][0]["sentence"]) == ("accuses", "Zakharova accused the Coalition of lying.")
    (second,) = hops[1]["edges"]
    assert (second["source"], second["type"], second["target"]) == ("Yasser Farhan", "member_of", "Syrian Coalition")
    assert second["evidence"][0]["role"] == "member of the political committee"


def test_path_directed_types_and_several_shortest(kb_url):
    with session_scope(kb_url) as s:
        assert graph.paths(s, "Russia", "Yasser Farhan", directed=True) == []
        assert graph.paths(s, "Maria Zakharova", "Yasser Farhan", types=["accuses"]) == []
        several = graph.paths(s, "Human Rights Watch", "Yasser Farhan", max_paths=5)
        self_path = graph.paths(s, "Russia", "Moscow")
    assert {tuple(h["to"] for h in p) for p in several} == {("Russia", "Yasser Farhan"),
                                                            ("Assad regime", "Yasser Farhan")}
    assert self_path == [[]]


@pytest.fixture(scope="module")
def bench_kb(tmp_path_factory) -> str:
    """A small kb bench-generate KB (Zipf speakers and targets: hubs, heavy edges, many shortest paths)."""
    from kb.benchgen import generate

    url = f"sqlite:///{tmp_path_factory.mktemp('bench-graph') / 'kb.sqlite'}"
    generate(url, documents=400, statements=6000, actors=150, seed=3)
    yield url
    dispose_engine(url)


@pytest.fixture(scope="module")
def bench_graph(bench_kb):
    with session_scope(bench_kb) as s:
        return graph.build_graph(s)


@pytest.mark.parametrize("types, directed", [(None, False), (None, True), (("accuses",), False),
                                             (("accuses", "member_of"), True)])
def test_shortest_paths_are_networkx_all_shortest_paths(bench_graph, types, directed):
    """The bidirectional search finds exactly the shortest paths networkx finds, each once."""
    import random

    from kb.graph.queries import _shortest_paths

    G = bench_graph
    H = G.edge_subgraph([e for e in G.edges(keys=True) if types is None or e[2] in types])
    H = nx.DiGraph(H) if directed else nx.Graph(H)
    rng = random.Random(0)
    nodes = sorted(G)
    for a, b in [rng.sample(nodes, 2) for _ in range(150)]:
        found = _shortest_paths(G, a, b, types, directed, 10**6)
        try:
            expected = sorted(nx.all_shortest_paths(H, a, b))
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            expected = []
        assert sorted(found) == expected, (a, b)
    assert _shortest_paths(G, nodes[0], nodes[0], types, directed, 3) == [[nodes[0]]]


@pytest.mark.parametrize("types, directed", [(None, False), (None, True), (("accuses", "member_of"), False)])
def test_path_strength_is_the_weakest_hop_then_the_statements(bench_graph, types, directed):
    """Paths rank by their weakest hop's strongest link type, then by all their statements: the
    same key as read off each hop's edge rows (strongest first)."""
    import random

    from kb.graph.queries import LINK_STRENGTH, _edges_between, _path_strength, _shortest_paths

    G = bench_graph
    rng = random.Random(1)
    nodes = sorted(G)
    checked = set()
    for a, b in [rng.sample(nodes, 2) for _ in range(60)]:
        for path in _shortest_paths(G, a, b, types, directed, 50):
            hops = [_edges_between(G, u, v, types, directed) for u, v in zip(path, path[1:])]
            expected = (-min(LINK_STRENGTH.get(h[0]["type"], 2) for h in hops),
                        -sum(e["count"] for h in hops for e in h))
            assert _path_strength(G, path, types, directed) == expected
            checked.add(expected)
    assert len(checked) > 10  # paths of many strengths met


def test_path_evidence_beyond_the_ids_kept_on_each_edge(bench_kb, bench_graph):
    """Path evidence comes from the statement ids each edge keeps (20) when they suffice, else from
    SQL; either way it is the edge's newest statements, as edge_evidence gives them."""
    from kb.graph.build import EVIDENCE_CAP

    G = bench_graph
    *heavy, d = max(G.edges(data="count"), key=lambda e: e[2])
    assert d > EVIDENCE_CAP
    with session_scope(bench_kb) as s:
        for n in (1, 3, EVIDENCE_CAP, EVIDENCE_CAP + 5):
            (hops,) = graph.paths(s, *heavy, max_paths=1, evidence=n)
            for e in hops[0]["edges"]:
                expected = graph.edge_evidence(s, e["source_id"], e["target_id"], e["type"], limit=n)
                assert e["evidence"] == expected and len(expected) == min(n, e["count"])


def test_centrality_rankings(kb_url):
    with session_scope(kb_url) as s:
        accused = graph.centrality(s, by="accused", limit=3)
        degree = graph.centrality(s, by="degree", limit=None)
        pagerank = graph.centrality(s, by="pagerank", limit=None)
        between = graph.centrality(s, by="betweenness", limit=2)
        month = graph.centrality(s, by="accused", since=date(2017, 9, 1), until=date(2017, 9, 30))
        with pytest.raises(ValueError, match="unknown measure"):
            graph.centrality(s, by="fame")
    assert [(r["actor"], r["score"]) for r in accused] == [("Russia", 3), ("Assad regime", 2), ("Syrian Coalition", 1)]
    assert [r["rank"] for r in degree] == list(range(1, len(degree) + 1))
    assert {r["actor"]: r["score"] for r in degree}["Syrian Coalition"] == 5
    assert sum(r["score"] for r in pagerank) == pytest.approx(1.0, abs=1e-4)
    assert pagerank[0]["actor"] in ("Russia", "Syrian Coalition")
    assert {r["actor"] for r in between} == {"Syrian Coalition", "Yasser Farhan"}
    assert [(r["actor"], r["score"]) for r in month] == [("Assad regime", 1), ("Russia", 1), ("Turkey", 1)]


def test_communities_partition_the_linked_actors(kb_url, G):
    with session_scope(kb_url) as s:
        found = graph.communities(s)
        again = graph.communities(s)
    assert found == again  # seeded
    members = [n for c in found for n in c["ids"]]
    linked = {n for n in G if G.degree(n)}
    assert sorted(members) == sorted(linked)
    assert [c["size"] for c in found] == sorted((c["size"] for c in found), reverse=True)
    together = next(c for c in found if "Maria Zakharova" in c["members"])
    assert "Russian Foreign Ministry" in together["members"]


def test_co_accusers_share_targets(kb_url):
    with session_scope(kb_url) as s:
        rows = graph.co_accusers(s, "Russia")
    assert [(r["accuser"], r["accusations"]) for r in rows] == [("Yasser Farhan", 2), ("Human Rights Watch", 1)]
    assert rows[0]["shared_targets"] == ["Assad regime"]
    assert rows[0]["other_targets"] == ["Assad regime", "Turkey"]


def test_timeline_of_a_pair_both_directions(kb_url):
    with session_scope(kb_url) as s:
        pair = graph.timeline(s, "Russia", "Yasser Farhan")
        coalition = graph.timeline(s, "Syrian Coalition", "Russia")
        members = graph.timeline(s, "Syrian Coalition", "Farhan")
        only = graph.timeline(s, "Syrian Coalition", "Russia", types=["warns"])
    assert [(r["speaker"], r["type"], r["date"]) for r in pair] == [
        ("Yasser Farhan", "accuses", date(2017, 1, 10)), ("Yasser Farhan", "accuses", date(2018, 2, 1))]
    assert [(r["speaker"], r["type"]) for r in coalition] == [("Russia", "denies"), ("Syrian Coalition", "warns")]
    assert [(r["type"], r["role"]) for r in members] == [("member_of", "member of the political committee")]
    assert [r["type"] for r in only] == ["warns"]


# ---------------------------------------------------------------- cache and changes

def test_graph_is_cached_until_the_store_changes(fresh_kb):
    from kb import edit

    with session_scope(fresh_kb) as s:
        first = graph.get_graph(s)
        builds = _cache.builds
        assert graph.get_graph(s) is first and _cache.builds == builds
        sid = graph.accusations(s, by="Yasser Farhan", against="Turkey")[0]["statement_id"]
    with session_scope(fresh_kb) as s:
        edit.flag_statement(s, sid)
    with session_scope(fresh_kb) as s:
        after = graph.get_graph(s)
        assert after is not first
        assert ("Yasser Farhan", "accuses", "Turkey") not in triples(after)
        assert graph.accusations(s, against="Turkey") == []
        assert graph.timeline(s, "Farhan", "Turkey") == []


def test_graph_follows_new_documents(fresh_kb):
    from multidoc_kb import St, resolved_document

    from kb.store import store_document

    with session_scope(fresh_kb) as s:
        before = graph.get_graph(s)
    raw, res = resolved_document({"path": "e.txt", "published": "2018-03-01", "affiliations": [], "mentions": [],
                                  "statements": [St("HRW accused Ankara of torture.", "HRW", "HRW", "accused",
                                                    "of torture", "accusation", [("Ankara", "accused", "Ankara")])]})
    with session_scope(fresh_kb) as s:
        store_document(s, raw, res)
    with session_scope(fresh_kb) as s:
        after = graph.get_graph(s)
    assert ("Human Rights Watch", "accuses", "Turkey") not in triples(before)
    assert ("Human Rights Watch", "accuses", "Turkey") in triples(after)


# ---------------------------------------------------------------- exports

@pytest.mark.parametrize("fmt", graph.FORMATS)
def test_export_round_trip(G, tmp_path, fmt):
    path = tmp_path / f"graph.{fmt}"
    graph.export_graph(G, path, fmt)
    back = graph.load_graph(path)
    assert isinstance(back, nx.MultiDiGraph)
    linked = {n for n in G if G.degree(n)}
    assert set(back) == (linked if fmt == "csv" else set(G))  # an edge list has no isolated actors
    for n in back:
        assert (back.nodes[n]["label"], back.nodes[n]["kind"]) == (G.nodes[n]["label"], G.nodes[n]["kind"])
    assert set(back.edges(keys=True)) == set(G.edges(keys=True))
    for u, v, k, d in G.edges(keys=True, data=True):
        b = back.edges[u, v, k]
        assert b["type"] == d["type"] == k
        assert int(b["count"]) == d["count"]
        assert (b["first"], b["last"]) == (d["first"], d["last"])
        assert list(b["statements"]) == list(d["statements"])
        assert list(b["documents"]) == list(d["documents"])


def test_gexf_is_dynamic_and_typed_for_gephi(G, tmp_path):
    path = tmp_path / "graph.gexf"
    graph.export_graph(G, path, "gexf")
    root = ET.parse(path).getroot()
    ns = {"g": root.tag.split("}")[0].strip("{")}
    g = root.find("g:graph", ns)
    assert (g.get("mode"), g.get("timeformat"), g.get("defaultedgetype")) == ("dynamic", "date", "directed")
    types = {a.get("title"): a.get("type") for a in g.findall("g:attributes[@class='edge']/g:attribute", ns)}
    assert types["relation"] == "string" and types["count"] == "long"
    farhan = f"{node(G, 'Yasser Farhan')}-member_of-{node(G, 'Syrian Coalition')}"
    e = next(e for e in g.iter(f"{{{ns['g']}}}edge") if e.get("id") == farhan)
    assert e.get("label") == "member_of"
    assert e.get("start") == "2017-01-10" and e.get("weight") == "1"
    raw = nx.read_gexf(path)  # what Gephi-minded tools see: plain networkx reading
    assert raw.number_of_edges() == G.number_of_edges()


def test_graphml_attributes_are_typed(G, tmp_path):
    path = tmp_path / "graph.graphml"
    graph.export_graph(G, path, "graphml")
    raw = nx.read_graphml(path)
    _, _, d = next(iter(raw.edges(data=True)))
    assert isinstance(d["count"], int) and isinstance(d["type"], str)


def test_export_rejects_unknown_format(G, tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        graph.export_graph(G, tmp_path / "g.dot", "dot")


# ---------------------------------------------------------------- the seed

def test_seed_acceptance(seed_kb):
    with session_scope(seed_kb) as s:
        G = graph.get_graph(s)
        by_farhan = graph.accusations(s, by="Yasser Farhan")
        found = graph.paths(s, "Yasser Farhan", "Russia")
    t = triples(G)
    assert ("Yasser Farhan", "accuses", "Russia") in t
    assert ("Yasser Farhan", "accuses", "Assad regime") in t
    assert ("Yasser Farhan", "member_of", "Syrian Coalition") in t
    assert ("Syrian Coalition Media Department", "part_of", "Syrian Coalition") in t
    against = defaultdict(list)
    for r in by_farhan:
        against[r["target"]].append(r["sentence"])
    assert any("Russia bears full responsibility" in x for x in against["Russia"])
    assert any("accused Moscow" in x for x in against["Russia"])
    assert any("slamming the Assad regime" in x for x in against["Assad regime"])
    hop = found[0][0]
    assert (hop["from"], hop["to"]) == ("Yasser Farhan", "Russia")
    assert any(e["type"] == "accuses" and e["evidence"] for e in hop["edges"])


def test_ego_limit_keeps_the_strongest_links(kb_url):
    with session_scope(kb_url) as s:
        E = graph.ego(s, "Russia", limit=3)
        full = graph.ego(s, "Russia", limit=None)
    assert E.graph["truncated"] and not full.graph["truncated"]
    # two statements link Russia with Yasser Farhan and with the Coalition, one with the others
    assert {d["label"] for _, d in E.nodes(data=True)} == {"Russia", "Yasser Farhan", "Syrian Coalition"}


# ---------------------------------------------------------------- rankings from edge arrays

def test_pagerank_is_networkx_pagerank_of_the_weighted_graph(kb_url, G):
    for types in (None, ("accuses", "member_of")):
        with session_scope(kb_url) as s:
            rows = graph.centrality(s, by="pagerank", limit=None, types=types)
        D = graph.weighted(G, types)
        D.remove_nodes_from([n for n in list(D) if D.degree(n) == 0])
        expected = nx.pagerank(D, weight="weight")
        assert {r["actor_id"]: r["score"] for r in rows} == pytest.approx(
            {n: round(x, 6) for n, x in expected.items()}, abs=2e-6)


def test_linked_and_accused_counts_match_the_graph(kb_url, G):
    for types in (None, ("accuses",), ("member_of", "part_of", "praises")):
        linked = rank.linked(G, types)
        for i, n in enumerate(rank.edges(G).nodes):
            nbrs = {m for a, b, k in list(G.out_edges(n, keys=True)) + list(G.in_edges(n, keys=True))
                    if types is None or k in types for m in (a, b) if m != n}
            assert linked[i] == len(nbrs)
    with session_scope(kb_url) as s:
        rows = graph.centrality(s, by="degree", limit=None)
    for r in rows:
        assert r["accused"] == sum(d["count"] for _, _, k, d in G.in_edges(r["actor_id"], keys=True, data=True)
                                   if k == "accuses")


def test_centrality_limit_keeps_ties_in_name_order(kb_url):
    with session_scope(kb_url) as s:
        everyone = graph.centrality(s, by="degree", limit=None)
        top = graph.centrality(s, by="degree", limit=4)
    assert top == everyone[:4]


def test_path_evidence_per_edge_is_the_newest_statements(kb_url):
    with session_scope(kb_url) as s:
        found = graph.paths(s, "Human Rights Watch", "Yasser Farhan", max_paths=5, evidence=1)
        for hops in found:
            for h in hops:
                for e in h["edges"]:
                    expected = graph.edge_evidence(s, e["source_id"], e["target_id"], e["type"], limit=1)
                    assert e["evidence"] == expected and len(expected) == 1
        assert all(not e["evidence"] for hops in graph.paths(s, "Russia", "Yasser Farhan", evidence=0)
                   for h in hops for e in h["edges"])


# ---------------------------------------------------------------- disk cache

def same_graph(a, b) -> bool:
    return (dict(a.nodes(data=True)) == dict(b.nodes(data=True))
            and sorted(a.edges(keys=True, data=True), key=str) == sorted(b.edges(keys=True, data=True), key=str))


def test_a_new_process_reads_the_graph_from_disk(fresh_kb, cache_dir):
    with session_scope(fresh_kb) as s:
        built = graph.get_graph(s)
        graph.get_graph(s, since=date(2017, 6, 1))  # windows stay in memory only
    assert [p.name for p in cache_dir.iterdir()] == [cache.path_for(fresh_kb).name]
    graph.invalidate()  # what a new process starts with
    builds, loads = _cache.builds, _cache.loads
    with session_scope(fresh_kb) as s:
        again = graph.get_graph(s)
        assert graph.get_graph(s) is again
    assert (_cache.builds, _cache.loads) == (builds, loads + 1)
    assert again is not built and same_graph(again, built)


def test_disk_cache_is_rebuilt_when_the_store_changed(fresh_kb):
    from kb import edit

    with session_scope(fresh_kb) as s:
        graph.get_graph(s)
        sid = graph.accusations(s, by="Zakharova")[0]["statement_id"]
    with session_scope(fresh_kb, write=True) as s:
        edit.flag_statement(s, sid)
    graph.invalidate()
    builds = _cache.builds
    with session_scope(fresh_kb) as s:
        after = graph.get_graph(s)
    assert _cache.builds == builds + 1
    assert ("Maria Zakharova", "accuses", "Syrian Coalition") not in triples(after)
    graph.invalidate()
    with session_scope(fresh_kb) as s:  # the file now holds the new graph
        assert same_graph(graph.get_graph(s), after) and _cache.builds == builds + 1


def test_corrupt_or_foreign_cache_file_is_rebuilt(fresh_kb):
    with session_scope(fresh_kb) as s:
        built = graph.get_graph(s)
    path = cache.path_for(fresh_kb)
    for junk in (b"not a pickle", path.read_bytes()[: path.stat().st_size // 2]):
        path.write_bytes(junk)
        graph.invalidate()
        builds = _cache.builds
        with session_scope(fresh_kb) as s:
            assert same_graph(graph.get_graph(s), built)
        assert _cache.builds == builds + 1
    assert cache.load(fresh_kb, "another state") is None


def test_another_kb_at_the_same_place_misses_the_cache(tmp_path):
    """Two KBs with as many writes (the same version counter) at one path: the ids tell them apart."""
    from multidoc_kb import DOCS

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    build_multidoc_kb(url)
    with session_scope(url) as s:
        first = graph.get_graph(s)
        token = graph.store_state(s)
    dispose_engine(url)
    for f in tmp_path.glob("kb.sqlite*"):
        f.unlink()
    from multidoc_kb import resolved_document

    from kb.store import store_document

    for spec in DOCS[::-1]:  # same documents, other order: other ids, same counts (no short-name merge)
        raw, res = resolved_document(spec)
        with session_scope(url) as s:
            store_document(s, raw, res)
    graph.invalidate()
    with session_scope(url) as s:
        assert graph.store_state(s) == token
        second = graph.get_graph(s)
        assert same_graph(second, graph.build_graph(s)) and not same_graph(second, first)


def test_edge_arrays_from_the_build_match_the_graph(kb_url, G):
    E = rank.edges(G)
    assert E.nodes == list(G)
    got = sorted(zip((E.nodes[i] for i in E.src), (E.nodes[i] for i in E.dst),
                     (graph.EDGE_TYPES[k] for k in E.type), E.count.tolist()))
    assert got == sorted((u, v, k, d["count"]) for u, v, k, d in G.edges(keys=True, data=True))
