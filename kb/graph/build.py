"""Build the actor graph from the stored tables, and keep it cached until the store changes.

The graph is a MultiDiGraph keyed on actor ids; the edge key is the edge type, so there is at
most one edge per (speaker, target, type). Edges are aggregated in SQL (GROUP BY speaker, target,
edge type); only the newest ``evidence_cap`` statement ids of each edge are kept on it, the rest
are fetched on demand by the query functions. Document texts are never read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date

import networkx as nx
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from kb.graph.model import edge_type_sql
from kb.models import Actor, Affiliation, Document, Statement, StatementTarget

EVIDENCE_CAP = 20  # statement ids kept on each edge (newest first)
_STREAM = {"yield_per": 10_000}  # server-side cursor on PostgreSQL, fetchmany on SQLite


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _window(query, since: date | None, until: date | None):
    if since is not None:
        query = query.where(Statement.published >= since)
    if until is not None:
        query = query.where(Statement.published <= until)
    return query


def _statement_edges(since, until):
    """Base select of (speaker, target, edge type) rows over unflagged statements."""
    et = edge_type_sql()
    base = (
        select(Statement.speaker_id.label("source"), StatementTarget.actor_id.label("target"), et.label("type"))
        .join(StatementTarget, StatementTarget.statement_id == Statement.id)
        .where(Statement.flagged.is_(False), Statement.speaker_id.is_not(None),
               Statement.speaker_id != StatementTarget.actor_id)
    )
    return _window(base, since, until), et


def store_state(session: Session) -> str:
    """The store-state token the cache is keyed on (kb.query.store_state)."""
    from kb import query

    return query.store_state(session)


def build_graph(session: Session, since: date | None = None, until: date | None = None,
                evidence_cap: int = EVIDENCE_CAP) -> nx.MultiDiGraph:
    """The actor graph of the store, optionally restricted to statements dated in [since, until].

    Affiliations (member_of / part_of) are structural and kept whatever the window.
    """
    G = nx.MultiDiGraph(since=_iso(since), until=_iso(until))
    for actor_id, name, kind in session.execute(
            select(Actor.id, Actor.name, Actor.kind).execution_options(**_STREAM)):
        G.add_node(actor_id, label=name, kind=kind)

    base, et = _statement_edges(since, until)
    sub = base.add_columns(Statement.document_id, Statement.published).subquery()
    agg = (
        select(sub.c.source, sub.c.target, sub.c.type, func.count(), func.count(distinct(sub.c.document_id)),
               func.min(sub.c.published), func.max(sub.c.published))
        .group_by(sub.c.source, sub.c.target, sub.c.type)
    )
    for u, v, t, n, n_docs, first, last in session.execute(agg.execution_options(**_STREAM)):
        G.add_edge(u, v, key=t, type=t, count=n, n_documents=n_docs, first=_iso(first), last=_iso(last),
                   statements=[], documents=[])

    if evidence_cap > 0:
        rank = func.row_number().over(
            partition_by=(Statement.speaker_id, StatementTarget.actor_id, et),
            order_by=(Statement.published.desc().nulls_last(), Statement.id.desc()))
        ranked = base.add_columns(Statement.id.label("sid"), Statement.document_id.label("did"),
                                  rank.label("rank")).subquery()
        newest = (select(ranked.c.source, ranked.c.target, ranked.c.type, ranked.c.sid, ranked.c.did)
                  .where(ranked.c.rank <= evidence_cap).order_by(ranked.c.rank))
        for u, v, t, sid, did in session.execute(newest.execution_options(**_STREAM)):
            data = G.edges[u, v, t]
            data["statements"].append(sid)
            if did not in data["documents"]:
                data["documents"].append(did)

    flagged = select(Statement.id).where(Statement.flagged.is_(True))
    aff = (
        select(Affiliation.person_id, Affiliation.organization_id, Affiliation.relation, Affiliation.role,
               Affiliation.statement_id, Affiliation.document_id, Document.published)
        .outerjoin(Document, Document.id == Affiliation.document_id)
        .where(Affiliation.person_id != Affiliation.organization_id)
        .where((Affiliation.statement_id.is_(None)) | Affiliation.statement_id.not_in(flagged))
    )
    for u, v, relation, role, sid, did, published in session.execute(aff.execution_options(**_STREAM)):
        t = relation if relation in ("member_of", "part_of") else "member_of"
        G.add_edge(u, v, key=t, type=t, count=1, n_documents=1 if did else 0, first=_iso(published),
                   last=_iso(published), statements=[sid] if sid else [], documents=[did] if did else [],
                   role=role)
    return G


def weighted(G: nx.MultiDiGraph, types=None) -> nx.DiGraph:
    """The DiGraph the algorithms run on: one edge per ordered pair, weight = summed counts."""
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes(data=True))
    for u, v, t, n in G.edges(keys=True, data="count"):
        if types is not None and t not in types:
            continue
        if D.has_edge(u, v):
            D[u][v]["weight"] += n
            D[u][v]["types"].append(t)
        else:
            D.add_edge(u, v, weight=n, types=[t])
    return D


class _GraphCache:
    """Built graphs per (database, window), reused while the store-state token is unchanged."""

    def __init__(self, size: int = 8):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.builds = 0  # how many graphs were built (tests check reuse)

    def get(self, session: Session, since=None, until=None) -> nx.MultiDiGraph:
        key = (str(session.get_bind().url), _iso(since), _iso(until))
        token = store_state(session)
        with self.lock:
            hit = self.items.get(key)
            if hit is not None and hit[0] == token:
                self.items.move_to_end(key)
                return hit[1]
        G = build_graph(session, since, until)
        with self.lock:
            self.builds += 1
            self.items[key] = (token, G)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return G

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_cache = _GraphCache()


def get_graph(session: Session, since: date | None = None, until: date | None = None) -> nx.MultiDiGraph:
    """The cached graph of the store (shared, treat it as read-only); rebuilt when the store changed."""
    return _cache.get(session, since, until)


def invalidate() -> None:
    """Forget every cached graph (edits call this after they commit)."""
    _cache.clear()
