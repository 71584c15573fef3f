"""Write the actor graph as GEXF, GraphML, node-link JSON or a CSV edge list, and read it back.

Gephi opens GEXF and GraphML. Attributes are typed (count: int, first/last: ISO date strings,
statements/documents: space-separated ids) so Gephi can filter on them; GEXF edges also carry
``start``/``end`` (dynamic mode, timeformat date) for Gephi's timeline. GEXF reserves the edge
attribute ``type`` (directed|undirected), so there the edge type is written as ``relation`` and
as the edge label; :func:`load_graph` maps it back.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx

FORMATS = ("gexf", "graphml", "json", "csv")
CSV_COLUMNS = ("source", "target", "source_label", "target_label", "source_kind", "target_kind", "type",
               "count", "n_documents", "first", "last", "statements", "documents")
_LIST_ATTRS = ("statements", "documents")


def _ids(values) -> str:
    return " ".join(str(v) for v in values or [])


def _flat(G: nx.MultiDiGraph, gexf: bool = False) -> nx.MultiDiGraph:
    """A copy with only scalar, non-null attributes (what XML formats accept)."""
    F = nx.MultiDiGraph()
    F.graph.update({k: v for k, v in G.graph.items() if isinstance(v, (str, int, float)) and v is not None})
    for n, d in G.nodes(data=True):
        F.add_node(n, **{k: v for k, v in d.items() if v is not None and isinstance(v, (str, int, float))})
    for u, v, k, d in G.edges(keys=True, data=True):
        e = {}
        for name, value in d.items():
            if name in _LIST_ATTRS:
                e[name] = _ids(value)
            elif value is not None and isinstance(value, (str, int, float)):
                e[name] = value
        if gexf:
            e["relation"] = e.pop("type")
            e["label"] = e["relation"]
            e["weight"] = e.get("count", 1)
            e["id"] = f"{u}-{k}-{v}"
            if d.get("first"):
                e["start"] = d["first"]
            if d.get("last"):
                e["end"] = d["last"]
        F.add_edge(u, v, key=k, **e)
    return F


def export_graph(G: nx.MultiDiGraph, path: str | Path, fmt: str) -> None:
    """Write ``G`` to ``path`` in ``fmt`` (gexf, graphml, json or csv)."""
    path = Path(path)
    if fmt == "gexf":
        nx.write_gexf(_flat(G, gexf=True), path)
    elif fmt == "graphml":
        nx.write_graphml(_flat(G), path, named_key_ids=True)
    elif fmt == "json":
        data = nx.node_link_data(G, edges="edges")
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    elif fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
            w.writeheader()
            for u, v, d in G.edges(data=True):
                w.writerow({"source": u, "target": v, "source_label": G.nodes[u].get("label"),
                            "target_label": G.nodes[v].get("label"), "source_kind": G.nodes[u].get("kind"),
                            "target_kind": G.nodes[v].get("kind"), "type": d["type"], "count": d["count"],
                            "n_documents": d.get("n_documents"), "first": d.get("first"),
                            "last": d.get("last"), "statements": _ids(d.get("statements")),
                            "documents": _ids(d.get("documents"))})
    else:
        raise ValueError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")


def _split_ids(value) -> list[int]:
    return [int(x) for x in str(value).split()] if value not in (None, "") else []


def load_graph(path: str | Path, fmt: str | None = None) -> nx.MultiDiGraph:
    """Read an export back into a MultiDiGraph shaped like the built one (int node ids, ``type``
    edge keys, id lists). CSV edge lists carry no isolated actors."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt == "gexf":
        raw = nx.read_gexf(path, node_type=int)
    elif fmt == "graphml":
        raw = nx.read_graphml(path, node_type=int, force_multigraph=True)
    elif fmt == "json":
        return nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    elif fmt == "csv":
        raw = nx.MultiDiGraph()
        with path.open(newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                u, v = int(r["source"]), int(r["target"])
                raw.add_node(u, label=r["source_label"], kind=r["source_kind"])
                raw.add_node(v, label=r["target_label"], kind=r["target_kind"])
                raw.add_edge(u, v, type=r["type"], count=int(r["count"]),
                             n_documents=int(r["n_documents"] or 0), first=r["first"] or None,
                             last=r["last"] or None, statements=r["statements"], documents=r["documents"])
    else:
        raise ValueError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    G = nx.MultiDiGraph()
    G.graph.update(raw.graph)
    G.add_nodes_from(raw.nodes(data=True))
    for u, v, d in raw.edges(data=True):
        d = dict(d)
        t = d.pop("relation", None) or d.get("type")
        d = {k: val for k, val in d.items() if k not in ("label", "weight", "id", "start", "end", "relation")}
        d["type"] = t
        for name in _LIST_ATTRS:
            d[name] = _split_ids(d.get(name))
        G.add_edge(u, v, key=t, **d)
    return G
