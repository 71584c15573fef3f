"""What the dashboard's clicks mean, as plain functions without Streamlit: highlighting source
text safely, the context window around a sentence, deep-link parameters, graph views for the
network component, and table exports. Pages stay thin and these are tested directly."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

# Outer marks first when two start together; the CSS in kb_dashboard/components.py colours them.
MARK_ORDER = ("sentence", "content", "mention", "speaker", "cue", "target")


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    cls: str  # one of MARK_ORDER
    title: str | None = None  # tooltip, e.g. "Russia (country)"


def _open(mark: Mark) -> str:
    title = f' title="{html.escape(mark.title, quote=True)}"' if mark.title else ""
    return f'<mark class="kb-{html.escape(mark.cls, quote=True)}"{title}>'


def highlight(text: str, marks: Iterable[Mark], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` as escaped HTML with each mark wrapped in ``<mark class="kb-...">``.

    The text is untrusted: every character of it goes through ``html.escape``; only our own tags
    are added. Marks may nest or cross (a mention inside the content, a cue inside the sentence):
    crossing marks are closed and reopened so the HTML stays well formed.
    """
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    rank = {c: i for i, c in enumerate(MARK_ORDER)}
    clipped = [Mark(max(m.start, start), min(m.end, end), m.cls, m.title) for m in marks]
    clipped = [m for m in clipped if m.start < m.end]
    opening: dict[int, list[Mark]] = {}
    for m in clipped:
        opening.setdefault(m.start, []).append(m)
    bounds = sorted({start, end} | {m.start for m in clipped} | {m.end for m in clipped})

    out: list[str] = []
    stack: list[Mark] = []
    pos = start
    for p in bounds:
        out.append(html.escape(text[pos:p]))
        pos = p
        if any(m.end == p for m in stack):
            reopen = []
            while any(m.end == p for m in stack):
                m = stack.pop()
                out.append("</mark>")
                if m.end != p:
                    reopen.append(m)
            for m in reversed(reopen):
                out.append(_open(m))
                stack.append(m)
        for m in sorted(opening.get(p, []), key=lambda m: (-m.end, rank.get(m.cls, 99))):
            out.append(_open(m))
            stack.append(m)
    out.extend("</mark>" for _ in stack)
    return "".join(out)


def statement_marks(st: Mapping[str, Any]) -> list[Mark]:
    """The sentence, speaker, cue and content spans of a statement row (``kb.query``), as marks."""
    marks = []
    if st.get("sentence_end"):
        marks.append(Mark(st["sentence_start"], st["sentence_end"], "sentence"))
    titles = {
        "speaker": st.get("speaker") or st.get("speaker_text"),
        "cue": " · ".join(x for x in (st.get("claim_type"), st.get("kind")) if x),
        "content": None,
    }
    for part, title in titles.items():
        s, e = st.get(f"{part}_start"), st.get(f"{part}_end")
        if s is not None and e is not None and e > s:
            marks.append(Mark(s, e, part, title or None))
    return marks


def mention_marks(mentions: Iterable[Mapping[str, Any]]) -> list[Mark]:
    return [Mark(m["start"], m["end"], "mention", m.get("actor")) for m in mentions]


def document_marks(doc: Mapping[str, Any], show: set[str], selected: int | None = None) -> list[Mark]:
    """Marks for a document reader (``kb.query.get_document``): the parts in ``show`` (speakers,
    cues, contents, mentions) of every statement, and the sentence of the ``selected`` one."""
    parts = {"speakers": "speaker", "cues": "cue", "contents": "content"}
    wanted = {parts[p] for p in show if p in parts}
    marks = []
    for st in doc.get("statements", []):
        for m in statement_marks(st):
            if m.cls in wanted or (m.cls == "sentence" and st["id"] == selected):
                marks.append(m)
    if "mentions" in show:
        marks += mention_marks(doc.get("mentions", []))
    return marks


# -- deep links: the query parameters a page reads, so every view has a shareable URL ------------

def int_param(params: Mapping[str, Any], name: str) -> int | None:
    """An integer query parameter, or None when absent or malformed (URLs are user input)."""
    value = params.get(name)
    if isinstance(value, list):
        value = value[-1] if value else None
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def date_param(params: Mapping[str, Any], name: str) -> date | None:
    value = params.get(name)
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def period_label(first: date | None, last: date | None) -> str:
    """The KB's publication span, short: "May 2024", "Jan – May 2024", "Sep 2017 – May 2024".
    Only the space after the dash may break, so a narrow column shows it on two whole lines."""
    if not first or not last:
        return "undated"
    nb = "\u00a0"
    if (first.year, first.month) == (last.year, last.month):
        return f"{last:%b}{nb}{last:%Y}"
    if first.year == last.year:
        return f"{first:%b}{nb}–{nb}{last:%b}{nb}{last:%Y}"
    return f"{first:%b}{nb}{first:%Y}{nb}– {last:%b}{nb}{last:%Y}"


FILTER_PARAMS = ("q", "speaker", "target", "role", "claim_type", "kind", "source", "from", "to",
                 "document")


def filter_from_params(params: Mapping[str, Any]):
    """The ``kb.query.StatementFilter`` a Statements URL describes (unknown values are ignored)."""
    from kb.query import StatementFilter

    def text(name: str) -> str | None:
        value = params.get(name)
        if isinstance(value, list):
            value = value[-1] if value else None
        return str(value).strip() or None if value is not None else None

    return StatementFilter(
        text=text("q"), speaker=text("speaker"), target=text("target"), role=text("role"),
        claim_type=text("claim_type"), kind=text("kind"), source=text("source"),
        date_from=date_param(params, "from"), date_to=date_param(params, "to"),
        document_id=int_param(params, "document"),
    )


def filter_to_params(f) -> dict[str, str]:
    """The inverse of ``filter_from_params``: only the fields that are set."""
    values = {
        "q": f.text, "speaker": f.speaker, "target": f.target, "role": f.role,
        "claim_type": f.claim_type, "kind": f.kind, "source": f.source,
        "from": f.date_from.isoformat() if f.date_from else None,
        "to": f.date_to.isoformat() if f.date_to else None,
        "document": f.document_id,
    }
    return {k: str(v) for k, v in values.items() if v not in (None, "")}


def statement_table(rows: list[Mapping[str, Any]]) -> list[dict]:
    """Statement rows as the analyst reads them in a table or an export (targets flattened)."""
    return [{
        "id": r["id"],
        "date": r.get("published"),
        "speaker": r.get("speaker") or (f"({r['speaker_text']})" if r.get("speaker_text") else None),
        "cue": r.get("cue"),
        "claim type": r.get("claim_type"),
        "kind": r.get("kind"),
        "content": r.get("content"),
        "targets": "; ".join(f"{t['actor']} ({t['role']})" for t in r.get("targets", [])),
        "document": r.get("document_title") or f"document {r['document_id']}",
        "source": r.get("source"),
        "document_id": r["document_id"],
        "speaker_id": r.get("speaker_id"),
        "flagged": r.get("flagged", False),
    } for r in rows]


def collect_statements(session, f, cap: int = 10_000) -> list[dict]:
    """Every statement matching ``f`` (up to ``cap``), for a download of the current result."""
    from kb.query import search_statements

    rows: list[dict] = []
    cursor = None
    while len(rows) < cap:
        page = search_statements(session, f, limit=min(1000, cap - len(rows)), cursor=cursor)
        rows += page.rows
        cursor = page.next_cursor
        if cursor is None:
            break
    return rows


# -- exports ----------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def rows_to_csv(rows: list[Mapping[str, Any]]) -> str:
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _plain(v) for k, v in row.items()})
    return buf.getvalue()


def rows_to_json(rows: list[Mapping[str, Any]]) -> str:
    return json.dumps([{k: _plain(v) for k, v in r.items()} for r in rows], ensure_ascii=False,
                      indent=1)


# -- ingest from the dashboard ----------------------------------------------------------------------

def ingest_uploads(files: list, nlp, db_url: str, tmp_dir: str, progress=None) -> list[dict]:
    """Ingest uploaded files (already written under ``tmp_dir``) through kb's own pipeline.

    One result row per file; errors name the uploaded file (not the temp path) and the cause.
    Each document is stored in its own transaction, so a bad file never loses the others.
    """
    from kb.ingest import read_paths
    from kb.pipeline import ingest

    prefix = str(tmp_dir).rstrip("/") + "/"

    def renamed(items):
        for item in items:
            if item.path.startswith(prefix):
                item.path = "upload:" + item.path[len(prefix):]
            yield item

    results = []
    for i, path in enumerate(files, 1):
        warnings: list[str] = []
        summary = ingest(renamed(read_paths([path])), nlp, db_url, on_warning=warnings.append)
        row = {"file": path.name, "new": summary.new, "unchanged": summary.unchanged,
               "statements": summary.statements, "errors": summary.errors, "warnings": warnings}
        results.append(row)
        if progress:
            progress(i, len(files), path.name)
    return results


# -- the actor graph view ---------------------------------------------------------------------------

def graph_view(G, types=None, min_weight: int = 1, top_k: int | None = 60, keep=()):
    """The readable part of the actor graph: edges of ``types`` seen at least ``min_weight`` times,
    actors without such an edge dropped, then the ``top_k`` actors by weighted degree (plus
    ``keep``, e.g. the actor in focus) and the edges among them."""
    import networkx as nx

    types = set(types) if types else None
    edges, strength = [], {}
    for u, nbrs in G.adjacency():  # one pass over the adjacency; the full graph is never copied
        for v, keyed in nbrs.items():
            if u == v:
                continue
            for k, d in keyed.items():
                n = d.get("count", 1)
                if (types is None or d["type"] in types) and n >= min_weight:
                    edges.append((u, v, k, d))
                    strength[u] = strength.get(u, 0) + n
                    strength[v] = strength.get(v, 0) + n
    chosen = set(strength)
    if top_k is not None and len(chosen) > top_k:
        ranked = sorted(chosen, key=lambda n: (-strength[n], str(G.nodes[n].get("label"))))
        chosen = set(ranked[:top_k])
    chosen |= {n for n in keep if n in G}
    V = nx.MultiDiGraph(**G.graph)
    V.add_nodes_from((n, G.nodes[n]) for n in chosen)
    V.add_edges_from((u, v, k, d) for u, v, k, d in edges if u in chosen and v in chosen)
    return V


# Model pixels between neighbouring actors: side by side, two labels (wrapped at 130 px, 16 px
# type, under the node; kb_dashboard/components.py) do not touch; one above the other, a node (up to
# 70 px) and the label above it need less (LABEL_ASPECT of it).
NODE_GAP = 140.0
LABEL_ASPECT = 0.8


def layout(G, seed: int = 7, gap: float = NODE_GAP, aspect: float = 0.85) -> dict:
    """Node positions in pixels, computed here (server side) so the browser only draws.

    Each connected component is laid out on its own (Kamada-Kawai on the undirected graph: even
    spacing, few crossings; seeded spring layout for a large one), scaled so neighbouring actors
    sit about ``gap`` apart and pushed apart where two would still touch. The components are then
    packed in rows, the largest first, into a block shaped for a canvas ``aspect`` times wider
    than high (the graph panel), so the canvas is used instead of far corners. Deterministic.
    """
    import networkx as nx

    if G.number_of_nodes() == 0:
        return {}
    U = nx.Graph()
    U.add_nodes_from(G)
    U.add_edges_from((u, v) for u, v in G.edges() if u != v)
    components = sorted((sorted(c, key=str) for c in nx.connected_components(U)),
                        key=lambda c: (-len(c), str(c[0])))
    boxes = [_component_layout(U.subgraph(c), c, seed, gap) for c in components]
    return _pack(boxes, gap, aspect)


def _component_layout(C, order: list, seed: int, gap: float) -> dict:
    """One component's positions, origin at its top-left corner, neighbours ``gap`` apart."""
    import networkx as nx
    import numpy as np

    n = len(order)
    if n == 1:
        return {order[0]: (0.0, 0.0)}
    if n == 2:
        return {order[0]: (0.0, 0.0), order[1]: (gap, 0.0)}
    if n <= 150:
        pos = nx.kamada_kawai_layout(C, pos=nx.circular_layout(order), weight=None)
    else:  # Kamada-Kawai is quadratic in memory and slow past a few hundred nodes
        pos = nx.spring_layout(C, seed=seed, iterations=100)
    xy = np.array([pos[v] for v in order], dtype=float)
    # Scale so the median distance to the nearest neighbour is ``gap``.
    d = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=-1)
    np.fill_diagonal(d, np.inf)
    nearest = np.median(d.min(axis=1))
    xy *= gap / nearest if nearest > 0 else gap
    xy = _spread(xy, gap)
    xy -= xy.min(axis=0)
    return {v: (float(x), float(y)) for v, (x, y) in zip(order, xy)}


def _spread(xy, min_dist: float, rounds: int = 60):
    """Push apart, a little at a time, the nodes whose labels would touch: closer than ``min_dist``
    side by side, or than ``LABEL_ASPECT`` of it one above the other."""
    import numpy as np

    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        d = np.linalg.norm(delta * np.array([1.0, 1.0 / LABEL_ASPECT]), axis=-1)
        np.fill_diagonal(d, min_dist)  # a node does not push itself
        close = d < min_dist
        if not close.any():
            break
        d = np.maximum(d, 1e-6)
        push = np.where(close, (min_dist - d) / d / 2, 0.0)[:, :, None] * delta
        xy = xy + push.sum(axis=1)
    return xy


def _pack(boxes: list[dict], gap: float, aspect: float) -> dict:
    """Place component layouts in rows (left to right, then down), a ``gap`` margin around each,
    at the row width whose block, fitted to a canvas ``aspect`` times wider than high, is drawn
    largest."""
    sizes = []
    for box in boxes:
        xs, ys = [p[0] for p in box.values()], [p[1] for p in box.values()]
        sizes.append((max(xs) + gap, max(ys) + gap))

    def rows(width: float) -> list[tuple[float, float]]:  # each component's top-left corner
        corners, x, y, row_height = [], 0.0, 0.0, 0.0
        for w, h in sizes:
            if x > 0 and x + w > width:
                x, y, row_height = 0.0, y + row_height, 0.0
            corners.append((x, y))
            x += w
            row_height = max(row_height, h)
        return corners

    def extent(corners) -> float:  # the block's size in canvas heights
        width = max(x + w for (x, _), (w, _) in zip(corners, sizes))
        height = max(y + h for (_, y), (_, h) in zip(corners, sizes))
        return max(width / aspect, height)

    widths, total = [], 0.0
    for w, _ in sizes:
        total += w
        widths.append(total)
    best = min((rows(w) for w in widths if w >= sizes[0][0]), key=extent)
    return {v: (px + x, py + y) for box, (x, y) in zip(boxes, best) for v, (px, py) in box.items()}


def edge_element_id(u, v, edge_type: str) -> str:
    return f"{u}|{v}|{edge_type}"


def graph_elements(G, pos: Mapping, focus=None) -> dict:
    """``st_link_analysis`` elements: nodes grouped by kind (their style), edges by type, with
    preset positions. Node ids are actor ids; edge ids encode (speaker, target, type)."""
    strength = dict(G.degree(weight="count"))
    nodes = []
    for n, d in G.nodes(data=True):
        x, y = pos.get(n, (0.0, 0.0))
        nodes.append({
            "data": {"id": str(n), "label": d.get("kind") or "unknown", "name": d.get("label"),
                     "weight": strength.get(n, 0), "focus": int(n == focus)},
            "position": {"x": x, "y": y},
        })
    edges = [{
        "data": {"id": edge_element_id(u, v, d["type"]), "source": str(u), "target": str(v),
                 "label": d["type"], "count": d.get("count", 1),
                 "caption": f"{d['type']} ×{d.get('count', 1)}", "first": d.get("first"),
                 "last": d.get("last")},
    } for u, v, d in G.edges(data=True)]
    return {"nodes": nodes, "edges": edges}


def parse_graph_event(value: Any) -> tuple[str, Any] | None:
    """What the analyst clicked in the network component: ``("node", actor_id)``,
    ``("edge", (speaker_id, target_id, type))`` or None (nothing, or a value we did not make)."""
    if not isinstance(value, Mapping):
        return None
    data = value.get("data") or {}
    target = str(data.get("target_id") or "")
    if not target:
        return None
    if data.get("target_group") == "edges" or target.count("|") == 2:
        u, v, t = target.split("|")
        try:
            return "edge", (int(u), int(v), t)
        except ValueError:
            return None
    try:
        return "node", int(target)
    except ValueError:
        return None
