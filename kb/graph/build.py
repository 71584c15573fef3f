"""Build the actor graph from the stored tables, and keep it cached until the store changes.

The graph is a MultiDiGraph keyed on actor ids; the edge key is the edge type, so there is at
most one edge per (speaker, target, type). The edge type and a day number are computed in SQL
(kb.graph.model); the (speaker, target, type, statement, document, day) rows are then streamed as
plain integers into a numpy table and summed per edge with one sort. A GROUP BY in SQL measured
slower on SQLite (it sorts through a temp B-tree) and Python objects per row cost more than the
query. Memory grows with the number of edges, not statements: only the ``evidence_cap`` most
recently stored statement ids stay on an edge, the rest are fetched on demand by the query
functions. Document texts are never read.

Built graphs are kept in memory and, for the full window, on disk (kb.graph.cache), keyed on the
store-state token, so a new process answers from the last build while the store is unchanged.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from contextlib import contextmanager
from datetime import date

import networkx as nx
import numpy as np
from sqlalchemy import Integer, cast, func, literal, select
from sqlalchemy.orm import Session

from kb.graph import cache, rank
from kb.graph.model import EDGE_TYPES, STATEMENT_EDGE_TYPES, edge_code_sql
from kb.models import Actor, Affiliation, Document, Statement, StatementTarget

EVIDENCE_CAP = 20  # statement ids kept on each edge (newest first)
NO_DAY = -(2**31)  # an undated statement's day number
_EPOCH = date(1970, 1, 1)
_ROW = np.dtype([("u", "i4"), ("v", "i4"), ("t", "i1"), ("sid", "i4"), ("did", "i4"), ("day", "i4")])


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _day_number(column, dialect: str):
    """Days since 1970-01-01 as an integer in SQL (NO_DAY when NULL): no date objects per row."""
    if dialect == "sqlite":  # dates are ISO text; julianday('1970-01-01') == 2440587.5
        days = cast(func.julianday(column) - 2440587.5, Integer)
    else:  # PostgreSQL: date - date is a number of days
        days = column - literal(_EPOCH)
    return func.coalesce(days, NO_DAY)


def _chunks(session: Session, sql: str, size: int = 100_000):
    """The rows of a SQL query as plain DBAPI tuples, ``size`` at a time (a server-side cursor on
    PostgreSQL). SQLAlchemy's Row objects would cost more than the query itself here."""
    conn = session.connection()
    raw = conn.connection.dbapi_connection
    cursor = raw.cursor(name="kb_graph_edges") if conn.dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        cursor.close()


@contextmanager
def _no_gc():
    """Building a graph allocates millions of objects, none in cycles; the cyclic collector would
    otherwise rescan the growing heap again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _window(query, since: date | None, until: date | None):
    if since is not None:
        query = query.where(Statement.published >= since)
    if until is not None:
        query = query.where(Statement.published <= until)
    return query


def _statement_rows(session: Session, since, until) -> np.ndarray:
    """(speaker, target, edge type code, statement, document, day) of every target of every
    unflagged statement in the window, as one numpy table. (``speaker != target`` also drops
    unresolved speakers: NULL compares to nothing.)"""
    dialect = session.get_bind().dialect.name
    query = _window(
        select(Statement.speaker_id, StatementTarget.actor_id, edge_code_sql(), Statement.id,
               Statement.document_id, _day_number(Statement.published, dialect))
        .join(StatementTarget, StatementTarget.statement_id == Statement.id)
        .where(Statement.flagged.is_(False), Statement.speaker_id != StatementTarget.actor_id),
        since, until)
    sql = str(query.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    if dialect == "sqlite":
        # Scan the statements in id order and look their targets up by statement id: the planner
        # would scan the targets by actor and jump around the statements, 2.5x slower at 1M.
        sql = sql.replace("FROM statement JOIN statementtarget", "FROM statement CROSS JOIN statementtarget", 1)
    parts = [np.fromiter(rows, dtype=_ROW, count=len(rows)) for rows in _chunks(session, sql)]
    return np.concatenate(parts) if parts else np.empty(0, _ROW)


def _add_statement_edges(G: nx.MultiDiGraph, rows: np.ndarray, cap: int) -> tuple:
    """Sum the rows per (speaker, target, type) and add one edge for each, its statement ids
    newest first. Returns the edges' (speakers, targets, type codes, counts) arrays."""
    n = len(rows)
    if not n:
        return (), (), (), ()
    rows = rows[np.lexsort((-rows["sid"], rows["t"], rows["v"], rows["u"]))]
    u, v, t, day = rows["u"], rows["v"], rows["t"], rows["day"]
    new = np.ones(n, dtype=bool)
    new[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1]) | (t[1:] != t[:-1])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, n))
    # distinct documents per edge: sorted (edge, document) pairs that differ from their predecessor
    pairs = np.sort((np.repeat(np.arange(len(starts), dtype=np.int64), counts) << 32)
                    | rows["did"].astype(np.int64))  # (np.unique is 10x slower than sort here)
    distinct = np.ones(n, dtype=bool)
    distinct[1:] = pairs[1:] != pairs[:-1]
    n_docs = np.bincount(pairs[distinct] >> 32, minlength=len(starts))
    # first and last day as indexes into one list of ISO strings, the last one None (undated)
    dated = np.sort(day[day != NO_DAY])
    uniq = dated[np.append(True, dated[1:] != dated[:-1])] if len(dated) else dated
    labels = [date.fromordinal(_EPOCH.toordinal() + d).isoformat() for d in uniq.tolist()] + [None]
    top = np.iinfo(np.int32).max
    first = np.minimum.reduceat(np.where(day == NO_DAY, top, day), starts)
    last = np.maximum.reduceat(day, starts)  # NO_DAY is below every day
    first = np.where(first == top, len(uniq), np.searchsorted(uniq, first))
    last = np.where(last == NO_DAY, len(uniq), np.searchsorted(uniq, last))

    succ, pred = G._succ, G._pred
    sids, dids = rows["sid"].tolist(), rows["did"].tolist()
    ends = (starts + np.minimum(counts, cap)).tolist()
    for s, e, a, b, k, c, nd, f, la in zip(starts.tolist(), ends, u[starts].tolist(), v[starts].tolist(),
                                          t[starts].tolist(), counts.tolist(), n_docs.tolist(),
                                          first.tolist(), last.tolist()):
        et = STATEMENT_EDGE_TYPES[k]
        keys = succ[a].get(b)
        if keys is None:  # see add_edges
            keys = succ[a][b] = pred[b][a] = {}
        keys[et] = {"type": et, "count": c, "n_documents": nd, "first": labels[f], "last": labels[la],
                    "statements": tuple(sids[s:e]), "documents": tuple(dict.fromkeys(dids[s:e]))}
    return u[starts], v[starts], t[starts], counts


def add_edges(G: nx.MultiDiGraph, edges) -> None:
    """Add (u, v, key, attributes) edges between existing nodes straight into the adjacency
    (what ``add_edge`` does, less its per-call checks: 10x faster on 700k edges). The key dict
    is shared by ``succ`` and ``pred``, as networkx does."""
    succ, pred = G._succ, G._pred
    for u, v, key, attributes in edges:
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[key] = attributes


def store_state(session: Session) -> str:
    """The store-state token the cache is keyed on (kb.query.store_state)."""
    from kb import query

    return query.store_state(session)


def build_graph(session: Session, since: date | None = None, until: date | None = None,
                evidence_cap: int = EVIDENCE_CAP) -> nx.MultiDiGraph:
    """The actor graph of the store, optionally restricted to statements dated in [since, until].

    Affiliations (member_of / part_of) are structural and kept whatever the window.
    """
    with _no_gc():
        return _build(session, since, until, evidence_cap)


def _build(session, since, until, evidence_cap) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(since=_iso(since), until=_iso(until))
    G.add_nodes_from((actor_id, {"label": name, "kind": kind})
                     for actor_id, name, kind in session.execute(select(Actor.id, Actor.name, Actor.kind)))
    said = _add_statement_edges(G, _statement_rows(session, since, until), evidence_cap)

    flagged = select(Statement.id).where(Statement.flagged.is_(True))
    aff = (
        select(Affiliation.person_id, Affiliation.organization_id, Affiliation.relation, Affiliation.role,
               Affiliation.statement_id, Affiliation.document_id, Document.published)
        .outerjoin(Document, Document.id == Affiliation.document_id)
        .where(Affiliation.person_id != Affiliation.organization_id)
        .where((Affiliation.statement_id.is_(None)) | Affiliation.statement_id.not_in(flagged))
    )
    joined = {}
    for u, v, relation, role, sid, did, published in session.execute(aff):
        t = relation if relation in ("member_of", "part_of") else "member_of"
        day = _iso(published)
        joined[(u, v, t)] = {"type": t, "count": 1, "n_documents": 1 if did else 0, "first": day, "last": day,
                             "statements": (sid,) if sid else (), "documents": (did,) if did else (),
                             "role": role}
    from kb.claims.graph import graph_edges  # echoes and denials of a claim's maker

    joined.update(graph_edges(session, since, until, evidence_cap))
    add_edges(G, ((u, v, t, d) for (u, v, t), d in joined.items()))
    rank.attach(G, np.concatenate([said[0], [u for u, _, _ in joined]]),
                np.concatenate([said[1], [v for _, v, _ in joined]]),
                np.concatenate([said[2], [EDGE_TYPES.index(t) for *_, t in joined]]),
                np.concatenate([said[3], [1] * len(joined)]))
    return G


def weighted(G: nx.MultiDiGraph, types=None) -> nx.DiGraph:
    """The DiGraph the algorithms run on: one edge per ordered pair, weight = summed counts."""
    pairs: dict[tuple, int] = {}
    for u, v, t, n in G.edges(keys=True, data="count"):
        if types is None or t in types:
            pairs[(u, v)] = pairs.get((u, v), 0) + n
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes(data=True))
    D.add_weighted_edges_from((u, v, w) for (u, v), w in pairs.items())
    return D


class _GraphCache:
    """Built graphs per (database, window), reused while the store-state token is unchanged; the
    full-window graph is also kept on disk for the next process."""

    def __init__(self, size: int = 8):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.builds = 0  # how many graphs were built (tests check reuse)
        self.loads = 0  # how many were read from the disk cache

    def get(self, session: Session, since=None, until=None) -> nx.MultiDiGraph:
        url = str(session.get_bind().url)  # the password hidden: it goes into the cache file
        key = (url, _iso(since), _iso(until))
        token = cache.fingerprint(session, store_state(session))
        with self.lock:
            hit = self.items.get(key)
            if hit is not None and hit[0] == token:
                self.items.move_to_end(key)
                return hit[1]
        full = since is None and until is None  # only the full window goes to disk: one file per KB
        with _no_gc():
            G = cache.load(url, token) if full else None
        if G is not None:
            self.loads += 1
        else:
            G = build_graph(session, since, until)
            self.builds += 1
            if full:
                cache.save(url, token, G)
        with self.lock:
            if key in self.items or len(self.items) >= self.size:
                gc.unfreeze()  # the graph going out (a cycle through its views) must be collectable
            self.items[key] = (token, G)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
            # The graph lives long and its millions of objects never form garbage cycles: keep the
            # collector from scanning them (its first full pass after a 1M build took ~1 s).
            gc.freeze()
        return G

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            gc.unfreeze()


_cache = _GraphCache()


def get_graph(session: Session, since: date | None = None, until: date | None = None) -> nx.MultiDiGraph:
    """The cached graph of the store (shared, treat it as read-only); rebuilt when the store changed."""
    return _cache.get(session, since, until)


def invalidate() -> None:
    """Forget every cached graph in this process (edits call this after they commit; the disk
    cache is keyed on the store state, so it is stale by then and rebuilt on the next use)."""
    _cache.clear()
