"""The built full-window graph on disk, so a new process (a CLI call, a restarted dashboard) answers
from the last build while the store is unchanged.

One file per KB: next to a SQLite file (``kb.sqlite.graph-cache.npz``), else under ``KB_CACHE_DIR``
(default ``~/.cache/kb``) named by a hash of the database URL; ``KB_CACHE_DIR`` also takes SQLite
KBs when set. The file is a numpy ``.npz`` read with ``allow_pickle=False``, so it holds numbers
and strings only and loading it can never run code (a planted or tampered file is at worst a
wrong graph for this KB, or is refused and rebuilt). A JSON header (format, URL, store
fingerprint, the attribute layout) is checked before the graph is rebuilt from its arrays: node
ids and attributes, edge ends and keys, and each edge attribute as a column (integers; tuples of
integers as offsets + values; strings through a table), with the ranked arrays of kb.graph.rank.
It is written to a temporary file and renamed, so readers never see half a file; a corrupt,
stale or unreadable file, one of an older FORMAT, or an old pickle cache is ignored and replaced
by the next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

import networkx as nx
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.db import cache_file
from kb.graph import rank
from kb.models import Actor, Affiliation, Document, Statement, StatementTarget

FORMAT = "kb-graph-npz/1"  # bump when the graph's shape or the build's meaning changes


def fingerprint(session: Session, token: str) -> str:
    """The store-state token plus the newest row of each table (one index lookup each): a KB
    replaced by another at the same URL, whose version counter happens to match, still misses."""
    newest = [session.execute(select(*columns).order_by(columns[0].desc()).limit(1)).first()
              for columns in ((Document.id, Document.content_hash),
                              (Statement.id, Statement.document_id, Statement.speaker_id),
                              (StatementTarget.id, StatementTarget.statement_id, StatementTarget.actor_id),
                              (Actor.id, Actor.name),
                              (Affiliation.id, Affiliation.person_id, Affiliation.organization_id))]
    return f"{token}|{hashlib.sha256(repr([tuple(r) if r else None for r in newest]).encode()).hexdigest()[:24]}"


def path_for(url: str) -> Path | None:
    """Where the graph of the KB at ``url`` is cached (None: not on disk, e.g. in-memory SQLite)."""
    return cache_file(url, ".graph-cache.npz", "graph-{}.npz")


def load(url: str, key: str) -> nx.MultiDiGraph | None:
    """The cached graph if the file holds this URL's graph at fingerprint ``key``, else None."""
    path = path_for(url)
    if path is None:
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(z["header"].tobytes().decode("utf-8"))
            if (header.get("format"), header.get("url"), header.get("key")) != (FORMAT, url, key):
                return None
            G, edges, nbrs = _graph(header, {name: z[name] for name in z.files})
    except Exception:  # noqa: BLE001 - missing, truncated, corrupt, from another version: rebuild
        return None
    if edges.nodes != list(G) or len(nbrs.ptr) != len(G) * rank.SLOTS + 1:
        return None
    rank.keep(G, edges, nbrs)
    return G


def save(url: str, key: str, G: nx.MultiDiGraph) -> Path | None:
    """Write the graph atomically; a cache that cannot be written is skipped (None), never an error."""
    path = path_for(url)
    if path is None:
        return None
    tmp = None
    try:
        header, arrays = _arrays(G)
        header.update(format=FORMAT, url=url, key=key)
        arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
        _forget_pickle(path)
        return path
    except (OSError, TypeError, ValueError, zipfile.BadZipFile):
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        return None


def _forget_pickle(path: Path) -> None:
    """Remove the pickle cache older kb versions kept beside this one (never read: pickle runs code)."""
    old = path.with_name(path.name.removesuffix(".graph-cache.npz") + ".graph-cache") \
        if path.name.endswith(".graph-cache.npz") else path.with_suffix(".pickle")
    try:
        old.unlink(missing_ok=True)
    except OSError:
        pass


# --- the graph as plain arrays ------------------------------------------------------------------

def _column(values: list, name: str, arrays: dict) -> dict:
    """Store one attribute's values (None where absent) as arrays; returns how to read them back."""
    present = [v for v in values if v is not None]
    has = np.array([v is not None for v in values], dtype=bool)
    if not all(has):
        arrays[f"{name}.has"] = has
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        arrays[name] = np.array([v if v is not None else 0 for v in values], dtype=np.int64)
        return {"kind": "int", "has": not all(has)}
    if all(isinstance(v, tuple) and all(isinstance(x, int) and not isinstance(x, bool) for x in v)
           for v in present):
        lengths = [len(v) if v is not None else 0 for v in values]
        arrays[f"{name}.ptr"] = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)
        arrays[name] = np.fromiter((x for v in present for x in v), dtype=np.int64)
        return {"kind": "ints", "has": not all(has)}
    if all(isinstance(v, str) for v in present):
        table = list(dict.fromkeys(present))
        index = {t: i for i, t in enumerate(table)}
        arrays[name] = np.array([index[v] if v is not None else -1 for v in values], dtype=np.int64)
        return {"kind": "str", "has": not all(has), "table": table}
    return {"kind": "json", "has": not all(has), "values": values}  # rare, small: kept in the header


def _values(spec: dict, name: str, arrays: dict, n: int) -> list:
    kind = spec["kind"]
    if kind == "json":
        values = spec["values"]
    elif kind == "int":
        values = arrays[name].tolist()
    elif kind == "ints":
        ptr, flat = arrays[f"{name}.ptr"].tolist(), arrays[name].tolist()
        values = [tuple(flat[ptr[i]:ptr[i + 1]]) for i in range(n)]
    else:
        table = spec["table"]
        values = [table[i] if i >= 0 else None for i in arrays[name].tolist()]
    if len(values) != n:
        raise ValueError(f"{name}: {len(values)} values for {n} items")
    if spec["has"]:
        values = [v if h else _ABSENT for v, h in zip(values, arrays[f"{name}.has"].tolist())]
    return values


_ABSENT = object()


def _attribute_columns(dicts: list[dict], prefix: str, arrays: dict) -> dict:
    names = list(dict.fromkeys(k for d in dicts for k in d))
    specs = {}
    for i, key in enumerate(names):
        values = [d.get(key) for d in dicts]
        spec = _column(values, f"{prefix}{i}", arrays)
        is_set = np.array([key in d for d in dicts], dtype=bool)
        if not is_set.all():  # an attribute only some items carry (an affiliation's role)
            arrays[f"{prefix}{i}.set"] = is_set
            spec["partial"] = True
        specs[key] = spec
    return {"names": names, "specs": [specs[k] for k in names]}


def _attribute_dicts(layout: dict, prefix: str, arrays: dict, n: int) -> list[dict]:
    dicts: list[dict] = [{} for _ in range(n)]
    for i, (key, spec) in enumerate(zip(layout["names"], layout["specs"])):
        values = _values(spec, f"{prefix}{i}", arrays, n)
        is_set = arrays[f"{prefix}{i}.set"].tolist() if spec.get("partial") else [True] * n
        for d, value, present in zip(dicts, values, is_set):
            if present:
                d[key] = None if value is _ABSENT else value
    return dicts


def _arrays(G: nx.MultiDiGraph) -> tuple[dict, dict]:
    nodes = list(G)
    if not all(isinstance(n, int) for n in nodes):
        raise TypeError("node ids must be integers")
    arrays: dict[str, np.ndarray] = {"nodes": np.array(nodes, dtype=np.int64)}
    node_layout = _attribute_columns([G.nodes[n] for n in nodes], "node.", arrays)
    index = {n: i for i, n in enumerate(nodes)}
    edges = list(G.edges(keys=True, data=True))
    keys = list(dict.fromkeys(k for _, _, k, _ in edges))
    key_index = {k: i for i, k in enumerate(keys)}
    arrays["edge.u"] = np.array([index[u] for u, _, _, _ in edges], dtype=np.int64)
    arrays["edge.v"] = np.array([index[v] for _, v, _, _ in edges], dtype=np.int64)
    arrays["edge.key"] = np.array([key_index[k] for _, _, k, _ in edges], dtype=np.int64)
    edge_layout = _attribute_columns([d for *_, d in edges], "edge.", arrays)
    E, N = rank.edges(G), rank.neighbours(G)
    for name in ("src", "dst", "type", "count"):
        arrays[f"rank.edges.{name}"] = getattr(E, name)
    for name in ("ids", "ptr", "nbr", "weight"):
        arrays[f"rank.nbrs.{name}"] = getattr(N, name)
    header = {"graph": dict(G.graph), "keys": keys, "nodes": node_layout, "edges": edge_layout,
              "n_edges": len(edges)}
    return header, arrays


def _graph(header: dict, arrays: dict) -> tuple[nx.MultiDiGraph, rank.Edges, rank.Neighbours]:
    from kb.graph.build import add_edges

    nodes = arrays["nodes"].tolist()
    G = nx.MultiDiGraph(**header["graph"])
    G.add_nodes_from(zip(nodes, _attribute_dicts(header["nodes"], "node.", arrays, len(nodes))))
    n_edges = header["n_edges"]
    keys = header["keys"]
    u, v, k = arrays["edge.u"].tolist(), arrays["edge.v"].tolist(), arrays["edge.key"].tolist()
    if not (len(u) == len(v) == len(k) == n_edges):
        raise ValueError("edge arrays disagree")
    data = _attribute_dicts(header["edges"], "edge.", arrays, n_edges)
    add_edges(G, ((nodes[a], nodes[b], keys[c], d) for a, b, c, d in zip(u, v, k, data)))
    edges = rank.Edges(nodes, *(arrays[f"rank.edges.{n}"] for n in ("src", "dst", "type", "count")))
    nbrs = rank.Neighbours(*(arrays[f"rank.nbrs.{n}"] for n in ("ids", "ptr", "nbr", "weight")))
    return G, edges, nbrs
