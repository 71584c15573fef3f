"""Questions analysts ask of the actor graph, answered with the statements as evidence.

Structure (who is linked to whom) comes from the cached graph; evidence (which statements, which
sentence) is fetched from the tables on demand, so the graph stays small.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import islice, pairwise

import networkx as nx
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session, aliased

from kb.graph import rank
from kb.graph.build import add_edges, get_graph
from kb.graph.model import (
    AFFILIATION_EDGE_TYPES,
    CLAIM_EDGE_TYPES,
    DIRECTED_EDGE_TYPES,
    ROLE_EDGE_TYPES,
    UNDIRECTED_ROLES,
    check_types,
    edge_type_sql,
)
from kb.models import Actor, Affiliation, Document, Statement, StatementTarget

CENTRALITY_MEASURES = ("degree", "accused", "pagerank", "betweenness")
BETWEENNESS_SAMPLE = 500  # pivots for approximate betweenness on large graphs
EGO_LIMIT = 200  # actors in an ego network unless the caller asks for more
PATH_CANDIDATES = 200  # shortest paths ranked by strength before the best are returned


class ActorNotFound(LookupError):
    pass


# ---------------------------------------------------------------- actors

def find_actor(session: Session, name: str) -> Actor:
    """The actor a user-typed name means (kb.query.find_actor: exact canonical name, else alias
    form), else a case-insensitive name. Raises ActorNotFound naming close candidates."""
    from kb import query

    actor = query.find_actor(session, name)
    if actor is None:
        actor = session.execute(select(Actor).where(func.lower(Actor.name) == name.strip().lower())
                                .limit(1)).scalar_one_or_none()
    if actor is None:
        like = session.execute(select(Actor.name).where(Actor.name.icontains(name.strip(), autoescape=True))
                               .order_by(func.length(Actor.name)).limit(5)).scalars().all()
        hint = f" (did you mean: {', '.join(like)}?)" if like else ""
        raise ActorNotFound(f"no actor named {name!r}{hint}")
    return actor


def _actor_id(session: Session, actor) -> int:
    if isinstance(actor, int):
        return actor
    if isinstance(actor, Actor):
        return actor.id
    return find_actor(session, actor).id


# ---------------------------------------------------------------- evidence

def statements(session: Session, sources=None, targets=None, types=None, since: date | None = None,
               until: date | None = None, pairs=None, limit: int | None = None,
               per_edge: int | None = None, cursor: int | None = None, ids=None) -> list[dict]:
    """Evidence rows: one per (statement, target) whose edge type is in ``types``, spoken by one of
    ``sources`` about one of ``targets`` (actor ids), or along any (source, target) in ``pairs``;
    most recently stored first (statement id order, as kb.query pages statements), at most
    ``limit`` in all and ``per_edge`` per (speaker, target, type). ``cursor``: only statements
    stored before that statement id (pass the last row's ``statement_id`` for the next page);
    ``ids``: only these statements."""
    et = edge_type_sql()
    speaker, target = aliased(Actor), aliased(Actor)
    sentence = func.substr(Document.text, Statement.sentence_start + 1,
                           Statement.sentence_end - Statement.sentence_start)
    # Newest first by the id the driving index carries: a target's (actor_id, role, statement_id)
    # index or a speaker's (speaker_id) index hands out the page in order and the LIMIT stops it.
    key = StatementTarget.statement_id if targets is not None else Statement.id
    columns = {"statement_id": Statement.id, "date": Statement.published, "type": et, "speaker": speaker.name,
               "target": target.name, "cue": Statement.cue_text, "kind": Statement.kind,
               "claim_type": Statement.claim_type, "content": Statement.content_text, "sentence": sentence,
               "document_id": Statement.document_id, "title": Document.title, "path": Document.path,
               "target_text": StatementTarget.text, "speaker_id": Statement.speaker_id,
               "target_id": StatementTarget.actor_id}
    if per_edge is not None:
        columns["nth"] = func.row_number().over(
            partition_by=(Statement.speaker_id, StatementTarget.actor_id, et),
            order_by=(Statement.id.desc(), StatementTarget.id))
    q = (
        select(*(c.label(name) for name, c in columns.items()))
        .join(StatementTarget, StatementTarget.statement_id == Statement.id)
        .join(speaker, speaker.id == Statement.speaker_id)
        .join(target, target.id == StatementTarget.actor_id)
        .join(Document, Document.id == Statement.document_id)
        .where(Statement.flagged.is_(False), Statement.speaker_id != StatementTarget.actor_id)
    )
    if sources is not None:
        q = q.where(Statement.speaker_id.in_(list(sources)))
    if targets is not None:
        q = q.where(StatementTarget.actor_id.in_(list(targets)))
    if pairs is not None:
        q = q.where(or_(*[(Statement.speaker_id == u) & (StatementTarget.actor_id == v) for u, v in pairs]))
    if ids is not None:
        q = q.where(Statement.id.in_(list(ids)))
    if types is not None:
        q = q.where(_edge_type_filter(types))
    if since is not None:
        q = q.where(Statement.published >= since)
    if until is not None:
        q = q.where(Statement.published <= until)
    if cursor is not None:
        q = q.where(key < int(cursor))
    if per_edge is not None:
        sub = q.subquery()
        q = select(*(sub.c[name] for name in columns if name != "nth")).where(sub.c.nth <= per_edge)
        q = q.order_by(sub.c.statement_id.desc(), sub.c.target_id)
    else:
        q = q.order_by(key.desc(), StatementTarget.actor_id)
    if limit is not None:
        q = q.limit(limit)
    return [_stripped(dict(row._mapping)) for row in session.connection().execute(q)]


def _edge_type_filter(types):
    """Rows whose edge type is in ``types``, as plain equality tests of the target's role, the
    event and the claim type (the table of kb.graph.model). Unlike a test of the CASE,
    ``role = 'accused'`` lets the (actor_id, role, statement_id) index hand out an actor's
    accusations newest first without reading its other rows."""
    claim, role = Statement.claim_type, StatementTarget.role
    tests = [role == r for r, et in DIRECTED_EDGE_TYPES.items() if et in types]
    by_claim = [ct for ct, et in CLAIM_EDGE_TYPES.items() if et in types]
    if by_claim:
        tests.append(role.in_(UNDIRECTED_ROLES) & Statement.event.is_(None)
                     & claim.in_(by_claim + [c.upper() for c in by_claim]))
    plain = [r for r in UNDIRECTED_ROLES if ROLE_EDGE_TYPES[r] in types]  # calls_on, mentions
    if plain:
        every_claim = list(CLAIM_EDGE_TYPES) + [c.upper() for c in CLAIM_EDGE_TYPES]
        tests.append(role.in_(plain) & or_(Statement.event.is_not(None), claim.is_(None),
                                           claim.notin_(every_claim)))
    return or_(*tests) if tests else false()


def _stripped(row: dict) -> dict:
    if row.get("sentence"):
        row["sentence"] = row["sentence"].strip()
    return row


def affiliations(session: Session, pairs) -> list[dict]:
    """Evidence rows for member_of / part_of edges between the (member, organisation) pairs."""
    member, org = aliased(Actor), aliased(Actor)
    sentence = func.substr(Document.text, Statement.sentence_start + 1,
                           Statement.sentence_end - Statement.sentence_start)
    q = (
        select(Affiliation.statement_id, Document.published, Affiliation.relation, member.name, org.name,
               Affiliation.role, sentence, Affiliation.document_id, Document.title, Document.path,
               Affiliation.person_id, Affiliation.organization_id)
        .join(member, member.id == Affiliation.person_id)
        .join(org, org.id == Affiliation.organization_id)
        .outerjoin(Statement, Statement.id == Affiliation.statement_id)
        .outerjoin(Document, Document.id == Affiliation.document_id)
        .where(or_(*[(Affiliation.person_id == u) & (Affiliation.organization_id == v) for u, v in pairs]))
        .where(or_(Statement.id.is_(None), Statement.flagged.is_(False)))
    )
    cols = ("statement_id", "date", "type", "speaker", "target", "role", "sentence", "document_id", "title",
            "path", "speaker_id", "target_id")
    return [_stripped(dict(zip(cols, row))) for row in session.execute(q)]


def accusations(session: Session, by=None, against=None, since: date | None = None,
                until: date | None = None, limit: int | None = None, cursor: int | None = None) -> list[dict]:
    """The accusing statements made by one actor and/or against another, most recently stored
    first (``cursor``: the last row's ``statement_id`` for the next page)."""
    if by is None and against is None:
        raise ValueError("give an accuser (by), an accused actor (against), or both")
    return statements(session,
                      sources=None if by is None else [_actor_id(session, by)],
                      targets=None if against is None else [_actor_id(session, against)],
                      types=["accuses"], since=since, until=until, limit=limit, cursor=cursor)


# ---------------------------------------------------------------- structure

def _window_graph(session, since, until) -> nx.MultiDiGraph:
    return get_graph(session, since, until)


# How much a link says about two actors being connected: affiliations most, mentions least.
LINK_STRENGTH = {"member_of": 3, "part_of": 3, "mentions": 1}


def _edges_between(G, u, v, types, directed=False):
    """Edge rows between two nodes (u -> v, and v -> u unless directed), strongest first."""
    pairs = [(u, v)] if directed else [(u, v), (v, u)]
    rows = []
    for a, b in pairs:
        if G.has_edge(a, b):
            for t, d in G[a][b].items():
                if types is None or t in types:
                    rows.append(_edge_row(G, a, b, d))
    return sorted(rows, key=lambda r: (-LINK_STRENGTH.get(r["type"], 2), -r["count"]))


def _path_strength(G, nodes, types, directed) -> tuple:
    """Paths whose weakest hop is strongest come first, then those with more statements."""
    weakest, total = 3, 0
    succ = G._succ
    for u, v in pairwise(nodes):
        strongest = 0
        for a, b in ((u, v),) if directed else ((u, v), (v, u)):
            for t, d in succ[a].get(b, {}).items():
                if types is None or t in types:
                    strongest = max(strongest, LINK_STRENGTH.get(t, 2))
                    total += d["count"]
        weakest = min(weakest, strongest)
    return (-weakest, -total)


def _edge_row(G, u, v, d) -> dict:
    row = {"source": G.nodes[u]["label"], "type": d["type"], "target": G.nodes[v]["label"],
           "count": d["count"], "documents": d["n_documents"], "first": d["first"], "last": d["last"],
           "source_id": u, "target_id": v}
    if d.get("role"):
        row["role"] = d["role"]
    return row


def ego(session: Session, actor, radius: int = 1, types=None, since: date | None = None,
        until: date | None = None, limit: int | None = EGO_LIMIT) -> nx.MultiDiGraph:
    """The actors within ``radius`` hops of ``actor`` (either direction) and the edges among them,
    keeping only edges of ``types`` and statements dated in [since, until].

    At most ``limit`` actors: each ring keeps its most strongly linked actors first (statements
    with the ring, both directions; ties in id order), and the graph's ``truncated`` attribute
    says whether some were left out (a hub's whole neighbourhood can be most of the KB). The
    rings come from the graph's ranked neighbour lists (kb.graph.rank.strongest): the first ring
    of a hub costs what its first ``limit`` neighbours cost, not its whole adjacency; further
    rings (and several types) sum the ring's lists with numpy."""
    types = check_types(types)
    G = _window_graph(session, since, until)
    return ego_graph(G, _actor_id(session, actor), radius, types, limit)


def ego_graph(G: nx.MultiDiGraph, centre: int, radius: int = 1, types=None,
              limit: int | None = EGO_LIMIT) -> nx.MultiDiGraph:
    """The ego network of node ``centre`` of ``G`` (see :func:`ego`; ``types`` checked)."""
    seen = {centre: 0}
    ring, truncated = [centre], False
    for dist in range(1, radius + 1):
        room = None if limit is None else max(0, limit - len(seen))
        if room == 0 and truncated:
            break  # nothing more fits, and the graph already says some were left out
        ring, more = rank.strongest(G, ring, seen, types, room)
        truncated = truncated or more
        seen.update((m, dist) for m in ring)
        if not ring:
            break
    sub = nx.MultiDiGraph(centre=centre, radius=radius, truncated=truncated, since=G.graph.get("since"),
                          until=G.graph.get("until"))
    sub.add_nodes_from((n, {**G.nodes[n], "distance": dist}) for n, dist in seen.items())
    succ = G._succ
    add_edges(sub, ((u, v, k, dict(d)) for u in seen for v in _among(succ[u], seen)
                    for k, d in succ[u][v].items() if types is None or k in types))
    return sub


def _among(nbrs, nodes):
    """The nodes in ``nbrs``, walking the smaller of the two (a hub has most actors as neighbours)."""
    return [v for v in nodes if v in nbrs] if len(nodes) < len(nbrs) else [v for v in nbrs if v in nodes]


def edge_rows(G: nx.MultiDiGraph) -> list[dict]:
    """One row per edge, heaviest first (for tables)."""
    rows = [_edge_row(G, u, v, d) for u, v, d in G.edges(data=True)]
    return sorted(rows, key=lambda r: (-r["count"], r["source"], r["type"], r["target"]))


def _shortest_paths(G, a, b, types, directed, max_paths):
    """Up to ``max_paths`` shortest node paths a -> b.

    Bidirectional breadth-first search over networkx's own adjacency dicts (the view objects
    cost more than the search): each step expands the smaller frontier (of two single actors, the
    less linked one) by one level, recording every parent, until the two searches meet. The two
    balls then hold about the square root of the nodes a one-sided search would visit on a
    small-world graph. Every shortest path crosses
    the first level where they meet: its paths join one path from a to each meeting node and one
    from the node to b."""
    if a == b:
        return [[a]]
    if a not in G or b not in G:
        return []
    succ, pred = G._succ, G._pred  # dict-of-dicts: {u: {v: {edge type: data}}}
    forward = (succ,) if directed else (succ, pred)
    backward = (pred,) if directed else (succ, pred)
    near_a, near_b = {a: []}, {b: []}  # node -> its neighbours one level closer to a (to b)
    front_a, front_b = [a], [b]
    while front_a and front_b:
        if len(front_a) == len(front_b) == 1:  # e.g. the start: grow from the less linked actor
            grow_a = _degree(front_a[0], forward) <= _degree(front_b[0], backward)
        else:
            grow_a = len(front_a) <= len(front_b)
        if grow_a:
            front_a, meet = _step(front_a, near_a, forward, front_b, near_b, types)
        else:
            front_b, meet = _step(front_b, near_b, backward, front_a, near_a, types)
        if meet:
            break
    else:
        return []

    def walk(n, near, end):  # paths from n to end, following the recorded parents
        if n == end:
            yield [n]
            return
        for p in near[n]:
            for rest in walk(p, near, end):
                yield [n, *rest]

    found = ((left[::-1] + right[1:]) for m in meet for left in walk(m, near_a, a) for right in walk(m, near_b, b))
    return list(islice(found, max_paths))


def _degree(n, adjacencies) -> int:
    return sum(len(adj[n]) for adj in adjacencies)


def _step(front, near, adjacencies, other_front, other_near, types):
    """One side's next level and the nodes where it meets the other side. A single node with more
    neighbours than the other side's frontier (a hub) is not expanded at once: the sides can only
    meet in that frontier (a node the other side found earlier would have ended the search
    sooner), so its nodes are looked up among the hub's neighbours first."""
    if len(front) == 1 and len(other_front) < _degree(front[0], adjacencies):
        out, back = adjacencies[0][front[0]], adjacencies[-1][front[0]]  # the same dict when directed
        if types is None:
            meet = [m for m in other_front if m in out or m in back]
        else:
            def linked(keys):
                return keys is not None and any(t in keys for t in types)
            meet = [m for m in other_front if linked(out.get(m)) or linked(back.get(m))]
        if meet:
            near.update((m, [front[0]]) for m in meet)
            return meet, meet
    front = _expand(front, near, adjacencies, types)
    return front, [m for m in front if m in other_near]


def _expand(frontier, parents, adjacencies, types):
    """One breadth-first level: the nodes one hop beyond ``frontier`` not seen before, each with
    all its parents in ``frontier`` (recorded in ``parents``, which also holds the seen nodes)."""
    if len(frontier) == 1 and types is None:  # e.g. a hub at the start: one parent list serves all
        parent = frontier
        level = {m: parent for adj in adjacencies for m in adj[frontier[0]] if m not in parents}
        parents.update(level)
        return list(level)
    level: dict = {}
    for n in frontier:
        for adj in adjacencies:
            for m, keys in adj[n].items():
                if m in parents or (types is not None and not any(t in keys for t in types)):
                    continue
                ps = level.get(m)
                if ps is None:
                    level[m] = [n]
                elif ps[-1] != n:  # n both follows and precedes m: one parent, not two
                    ps.append(n)
    parents.update(level)
    return list(level)


def paths(session: Session, a, b, types=None, directed: bool = False, max_paths: int = 3,
          evidence: int = 3, since: date | None = None, until: date | None = None) -> list[list[dict]]:
    """Shortest paths between two actors, strongest first (a path through affiliations and
    accusations before one through mere mentions); each hop lists its edges with up to
    ``evidence`` statements per edge. Undirected by default (a link is a link whoever spoke)."""
    types = check_types(types)
    G = _window_graph(session, since, until)
    src, dst = _actor_id(session, a), _actor_id(session, b)
    result = []
    candidates = _shortest_paths(G, src, dst, types, directed, PATH_CANDIDATES)
    candidates.sort(key=lambda nodes: _path_strength(G, nodes, types, directed))
    for nodes in candidates[:max_paths]:
        result.append([{"from": G.nodes[u]["label"], "to": G.nodes[v]["label"],
                        "edges": _edges_between(G, u, v, types, directed)} for u, v in pairwise(nodes)])
    edges = [e for hops in result for h in hops for e in h["edges"]]
    found = _evidence(session, G, {(e["source_id"], e["target_id"], e["type"]) for e in edges}, evidence,
                      since, until)
    for e in edges:
        e["evidence"] = found.get((e["source_id"], e["target_id"], e["type"]), [])
    return result


def _evidence(session: Session, G, keys, limit: int, since, until) -> dict[tuple, list[dict]]:
    """The newest ``limit`` statements (or affiliation facts) behind each (source, target, type)
    edge of ``G`` in ``keys``. Each edge keeps its newest statement ids (kb.graph.build's
    EVIDENCE_CAP): when they suffice, one query fetches all edges' statements by primary key,
    however many statements a hub's edges have; the other edges take one windowed query."""
    found: dict[tuple, list[dict]] = {}
    if not limit:
        return found
    said = {k for k in keys if k[2] not in AFFILIATION_EDGE_TYPES}
    kept = {k: G.succ[k[0]][k[1]][k[2]] for k in said}
    known = {k for k, d in kept.items() if len(d["statements"]) >= min(limit, d["count"])}
    rest = said - known
    found_by = []  # (rows, the edges they are evidence for)
    if known:
        ids = sorted({i for k in known for i in kept[k]["statements"][:limit]})
        found_by.append((statements(session, pairs=_pairs(known), ids=ids), known))
    if rest:
        found_by.append((statements(session, pairs=_pairs(rest), since=since, until=until, per_edge=limit),
                         rest))
    joined = {k for k in keys if k[2] in AFFILIATION_EDGE_TYPES}
    if joined:
        found_by.append((affiliations(session, _pairs(joined)), joined))
    for rows, wanted in found_by:
        for r in rows:
            key = (r["speaker_id"], r["target_id"], r["type"])
            if key in wanted and len(found.setdefault(key, [])) < limit:
                found[key].append(r)
    return found


def _pairs(keys) -> list[tuple]:
    return sorted({(u, v) for u, v, _ in keys})


def edge_evidence(session: Session, u: int, v: int, type: str, since=None, until=None,
                  limit: int | None = None) -> list[dict]:
    """The statements (or affiliation facts) behind one edge."""
    if type in AFFILIATION_EDGE_TYPES:
        return [r for r in affiliations(session, [(u, v)]) if r["type"] == type][:limit]
    return statements(session, sources=[u], targets=[v], types=[type], since=since, until=until,
                      limit=limit)


def centrality(session: Session, by: str = "pagerank", limit: int | None = 10, types=None,
               since: date | None = None, until: date | None = None) -> list[dict]:
    """Actors ranked by ``by``: degree (distinct actors linked), accused (accusations received),
    pagerank (weighted by statement counts) or betweenness (approximate above 500 actors)."""
    if by not in CENTRALITY_MEASURES:
        raise ValueError(f"unknown measure {by!r} (one of: {', '.join(CENTRALITY_MEASURES)})")
    types = check_types(types)
    G = _window_graph(session, since, until)
    nodes = rank.edges(G).nodes
    accused, linked = rank.accused(G), rank.linked(G, types)
    if by == "degree":
        scores = {nodes[i]: k for i, k in enumerate(linked.tolist()) if k}
    elif by == "accused":
        scores = {nodes[i]: k for i, k in enumerate(accused.tolist()) if k}
    elif by == "pagerank":
        scores = rank.pagerank(G, types)
    else:
        D = rank.weighted_view(G, types)
        U = D.subgraph([n for n in D if D.degree(n)]).to_undirected(as_view=True)
        k = BETWEENNESS_SAMPLE if len(U) > BETWEENNESS_SAMPLE else None
        scores = nx.betweenness_centrality(U, k=k, seed=0) if len(U) else {}
    top = sorted(scores.values(), reverse=True)[limit - 1] if limit and len(scores) > limit else None
    candidates = scores.items() if top is None else ((n, x) for n, x in scores.items() if x >= top)
    ranked = sorted(candidates, key=lambda kv: (-kv[1], G.nodes[kv[0]]["label"]))
    position = {n: i for i, n in enumerate(nodes)} if ranked else {}
    rows = []
    for rank_, (n, score) in enumerate(ranked[:limit] if limit else ranked, 1):
        i = position[n]
        rows.append({"rank": rank_, "actor": G.nodes[n]["label"], "kind": G.nodes[n]["kind"],
                     "score": round(score, 6) if isinstance(score, float) else score,
                     "accused": int(accused[i]), "linked": int(linked[i]), "actor_id": n})
    return rows


def communities(session: Session, types=None, since: date | None = None, until: date | None = None,
                resolution: float = 1.0, seed: int = 0) -> list[dict]:
    """Louvain communities of the weighted, undirected actor graph (largest first)."""
    types = check_types(types)
    G = _window_graph(session, since, until)
    D = rank.weighted_view(G, types)
    U = nx.Graph()
    for u, v, w in D.edges(data="weight"):
        prev = U.get_edge_data(u, v, {"weight": 0})["weight"]
        U.add_edge(u, v, weight=prev + w)
    if not len(U):
        return []
    found = nx.community.louvain_communities(U, weight="weight", resolution=resolution, seed=seed)
    strength = dict(U.degree(weight="weight"))
    rows = []
    for i, members in enumerate(sorted(found, key=lambda c: (-len(c), min(c))), 1):
        ordered = sorted(members, key=lambda n: (-strength[n], G.nodes[n]["label"]))
        rows.append({"community": i, "size": len(members),
                     "members": [G.nodes[n]["label"] for n in ordered], "ids": ordered})
    return rows


def co_accusers(session: Session, target, since: date | None = None, until: date | None = None,
                limit: int | None = None) -> list[dict]:
    """Actors who accuse ``target``, most accusations first, each with the other actors they
    accuse that another accuser of ``target`` accuses too (shared targets)."""
    G = _window_graph(session, since, until)
    t = _actor_id(session, target)
    accusers = {u: d for u, _, k, d in G.in_edges(t, keys=True, data=True) if k == "accuses"}
    also = {u: {v for _, v, k in G.out_edges(u, keys=True) if k == "accuses" and v != t} for u in accusers}
    shared_by = Counter(v for vs in also.values() for v in vs)
    rows = []
    for u, d in sorted(accusers.items(), key=lambda kv: (-kv[1]["count"], G.nodes[kv[0]]["label"])):
        shared = sorted((v for v in also[u] if shared_by[v] > 1), key=lambda v: (-shared_by[v], G.nodes[v]["label"]))
        rows.append({"accuser": G.nodes[u]["label"], "accusations": d["count"], "documents": d["n_documents"],
                     "first": d["first"], "last": d["last"],
                     "shared_targets": [G.nodes[v]["label"] for v in shared],
                     "other_targets": sorted(G.nodes[v]["label"] for v in also[u])})
    return rows[:limit] if limit else rows


def timeline(session: Session, a, b, types=None, since: date | None = None,
             until: date | None = None) -> list[dict]:
    """Everything between two actors, both directions, in date order: statements and affiliations."""
    types = check_types(types)
    u, v = _actor_id(session, a), _actor_id(session, b)
    stmt_types = None if types is None else [t for t in types if t not in AFFILIATION_EDGE_TYPES]
    rows = [] if stmt_types == [] else statements(session, pairs=[(u, v), (v, u)], types=stmt_types,
                                                  since=since, until=until)
    if types is None or set(types) & set(AFFILIATION_EDGE_TYPES):
        rows += [r for r in affiliations(session, [(u, v), (v, u)]) if types is None or r["type"] in types]
    return sorted(rows, key=lambda r: (r["date"] is None, r["date"] or date.min, r["statement_id"] or 0))
