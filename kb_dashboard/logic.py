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


FILTER_PARAMS = ("q", "speaker", "target", "role", "claim_type", "event", "kind", "source", "from",
                 "to", "document", "min_conf")


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
        claim_type=text("claim_type"), event=text("event"), kind=text("kind"), source=text("source"),
        date_from=date_param(params, "from"), date_to=date_param(params, "to"),
        document_id=int_param(params, "document"), min_confidence=_fraction(text("min_conf")),
    )


def _fraction(value: str | None) -> float | None:
    """A confidence threshold from a URL: a number in (0, 1], else None."""
    try:
        x = float(value) if value else None
    except ValueError:
        return None
    return x if x is not None and 0 < x <= 1 else None


def filter_to_params(f) -> dict[str, str]:
    """The inverse of ``filter_from_params``: only the fields that are set."""
    values = {
        "q": f.text, "speaker": f.speaker, "target": f.target, "role": f.role,
        "claim_type": f.claim_type, "event": f.event, "kind": f.kind, "source": f.source,
        "from": f.date_from.isoformat() if f.date_from else None,
        "to": f.date_to.isoformat() if f.date_to else None,
        "document": f.document_id,
        "min_conf": f.min_confidence or None,
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


TOP_LABELS = 15  # actors whose labels are drawn large, readable even when the graph is fitted


def graph_elements(G, pos: Mapping, focus=None, selected=None, path: Iterable = ()) -> dict:
    """``st_link_analysis`` elements: nodes grouped by kind (their style), edges by type, with
    preset positions. Node ids are actor ids; edge ids encode (speaker, target, type).

    ``top`` marks the most connected actors (large labels); with an actor ``selected``, ``dim``
    fades everything that is not it or a neighbour; ``path`` (actor ids in order) is drawn."""
    strength = dict(G.degree(weight="count"))
    top = set(sorted(G, key=lambda n: (-strength.get(n, 0), str(G.nodes[n].get("label"))))[:TOP_LABELS])
    near = None
    if selected is not None and selected in G:
        near = {selected} | set(G.predecessors(selected)) | set(G.successors(selected))
    path = list(path)
    on_path = set(path)
    path_edges = {(a, b) for a, b in zip(path, path[1:])} | {(b, a) for a, b in zip(path, path[1:])}
    nodes = []
    for n, d in G.nodes(data=True):
        x, y = pos.get(n, (0.0, 0.0))
        nodes.append({
            "data": {"id": str(n), "label": d.get("kind") or "unknown", "name": d.get("label"),
                     "statements": strength.get(n, 0), "weight": strength.get(n, 0),
                     "focus": int(n == focus or n == selected), "top": int(n in top),
                     "dim": int(near is not None and n not in near), "path": int(n in on_path)},
            "position": {"x": x, "y": y},
        })
    edges = []
    for u, v, d in G.edges(data=True):
        count = d.get("count", 1)
        edges.append({"data": {
            "id": edge_element_id(u, v, d["type"]), "source": str(u), "target": str(v),
            "label": d["type"], "count": count, "statements": count,
            "caption": f"{d['type'].replace('_', ' ')} ×{count}",
            "dim": int(near is not None and not (u in near and v in near and selected in (u, v))),
            "path": int((u, v) in path_edges)}})
    return {"nodes": nodes, "edges": edges}


def edge_sentence(speaker: str, edge_type: str, target: str, count: int) -> str:
    """An edge in plain words: "Kovac accuses Lystria in 3 statements"."""
    verbs = {"accuses": "accuses", "calls_on": "calls on", "rejects": "rejects", "denies": "denies",
             "praises": "praises", "warns": "warns", "threatens": "threatens",
             "mentions": "mentions", "member_of": "is a member of", "part_of": "is part of"}
    verb = verbs.get(edge_type, edge_type.replace("_", " "))
    noun = "statement" if count == 1 else "statements"
    return f"{speaker} {verb} {target} in {count} {noun}"


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


# -- untrusted text: one way in for every piece of ingested text ----------------------------------

_MD_SPECIALS = "\\`*_{}[]()#+-.!|~:$<>"


def md(text: object) -> str:
    """Ingested text made literal for anything Streamlit renders as markdown (titles, captions,
    labels of links and buttons, badges): HTML escaped, every markdown and Streamlit directive
    character (``[`` ``](`` ``:red[`` ``$`` ...) backslash-escaped, newlines flattened."""
    import re

    out = html.escape(" ".join(str(text if text is not None else "").split()), quote=False)
    for ch in _MD_SPECIALS:
        out = out.replace(ch, "\\" + ch)
    # GFM turns bare "https://...", "www." and "a@b.c" into live links even when escaped: a
    # zero-width space after the scheme, in "www" and before "@" keeps them plain text.
    out = re.sub(r"(?i)(https?|ftp|mailto|javascript|data)(\\?:)", "\\1\u200b\\2", out)
    out = re.sub(r"(?i)\b(www)(\\?\.)", "\\1\u200b\\2", out)
    return out.replace("@", "\u200b@")


def esc(text: object) -> str:
    """Ingested text for an HTML fragment (``st.html``): every character escaped."""
    return html.escape(str(text if text is not None else ""), quote=True)


def safe_href(url: str | None) -> str | None:
    """``url`` when it is an http(s) link with a host (a KB ingested before ingest checked URLs
    may hold others); None for ``javascript:``, ``data:`` and the rest."""
    from urllib.parse import urlsplit

    if not url:
        return None
    try:
        parts = urlsplit(str(url).strip())
    except ValueError:
        return None
    return str(url).strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def href(page: str, **params: Any) -> str:
    """A relative link to a dashboard page with query parameters (values URL-encoded)."""
    from urllib.parse import urlencode

    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"./{page}" + (f"?{urlencode(clean)}" if clean else "")


def word_marks(text: str, terms: Iterable[str], offset: int = 0) -> list[Mark]:
    """Marks on every case-insensitive occurrence of the search ``terms`` in ``text`` (shifted by
    ``offset``), whole words and their endings ("accus" marks "accused")."""
    import re

    marks = []
    for term in terms:
        term = term.strip()
        if not term:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(term).replace(r"\ ", r"\s+") + r"\w*", re.IGNORECASE)
        marks += [Mark(m.start() + offset, m.end() + offset, "hit") for m in pattern.finditer(text)]
    return marks


def statement_card(row: Mapping[str, Any], terms: Iterable[str] = (), edit: bool = False) -> str:
    """One statement as an HTML card: its sentence (content marked, search words highlighted),
    then speaker, cue, targets as chips, date, source and a link to the sentence in its
    document. Every piece of ingested text is escaped; the only links are our own pages."""
    sentence = (row.get("sentence") or row.get("content") or "").rstrip()
    base = row.get("sentence_start") or 0
    marks = []
    if row.get("sentence"):
        for part in ("content", "cue"):
            s, e = row.get(f"{part}_start"), row.get(f"{part}_end")
            if s is not None and e is not None and e > s:
                marks.append(Mark(s - base, e - base, part))
    marks += word_marks(sentence, terms)
    extra = {"edit": 1} if edit else {}
    speaker = (f'<a class="kb-chip kb-speaker-chip" href="{esc(href("actor", actor=row["speaker_id"], **extra))}" '
               f'target="_self">{esc(row.get("speaker"))}</a>' if row.get("speaker_id")
               else f'<span class="kb-chip">{esc(row.get("speaker_text") or "unresolved speaker")}</span>')
    chips = "".join(
        f'<a class="kb-chip kb-role-{esc(t["role"])}" href="{esc(href("actor", actor=t["actor_id"], **extra))}" '
        f'target="_self" title="{esc(t["role"])}">{esc(t["actor"])} · {esc(t["role"])}</a>'
        for t in row.get("targets", []))
    meta = " · ".join(esc(x) for x in (
        row.get("published") or "undated", row.get("source"), row.get("claim_type")) if x)
    doc_link = href("documents", document=row["document_id"], statement=row["id"], **extra)
    return (
        f'<div class="kb-card" id="statement-{int(row["id"])}">'
        f'<div class="kb-card-text">{highlight(sentence, marks)}</div>'
        f'<div class="kb-card-meta">{speaker} <span class="kb-cue-word">{esc(row.get("cue") or "")}</span> '
        f'{chips}</div>'
        f'<div class="kb-card-foot">{meta} · <a href="{esc(doc_link)}" target="_self">'
        f'{esc(row.get("document_title") or "document " + str(row["document_id"]))}</a>'
        f' · <a href="{esc(href("statements", statement=row["id"], **extra))}" target="_self">#{int(row["id"])}</a>'
        f'</div></div>')


def period_start(period: str) -> date | None:
    """The first day of a ``kb.query.statements_over_time`` period ("2017-09", "2017-W38",
    "2017", "2017-09-27"); None for "undated"."""
    try:
        if "-W" in period:
            year, week = period.split("-W")
            return date.fromisocalendar(int(year), int(week), 1)
        parts = [int(p) for p in period.split("-")]
    except ValueError:
        return None
    if len(parts) == 1:
        return date(parts[0], 1, 1)
    if len(parts) == 2:
        return date(parts[0], parts[1], 1)
    return date(*parts[:3])


def period_end(start: date, bucket: str) -> date:
    """The last day of the ``bucket`` starting on ``start`` (for a "statements in this bar" link)."""
    from datetime import timedelta

    if bucket == "day":
        return start
    if bucket == "week":
        return start + timedelta(days=6)
    if bucket == "year":
        return date(start.year, 12, 31)
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def time_series(series: list[Mapping[str, Any]], bucket: str) -> tuple[list[dict], int]:
    """Dated periods as ``{start, end, count}`` on a real time axis, and the undated count apart."""
    dated, undated = [], 0
    for r in series:
        start = period_start(r["period"]) if r["period"] != "undated" else None
        if start is None:
            undated += r["count"]
        else:
            dated.append({"start": start, "end": period_end(start, bucket), "count": r["count"],
                          "period": r["period"]})
    return dated, undated


def export_rows(rows: list[Mapping[str, Any]], base_url: str = "") -> list[dict]:
    """Statement rows for a CSV/JSON download: the sentence and content with their character
    offsets in the document, and a link that opens the sentence highlighted in its document."""
    out = []
    for r in rows:
        link = href("documents", document=r["document_id"], statement=r["id"])
        out.append({
            "id": r["id"], "date": r.get("published"),
            "speaker": r.get("speaker") or r.get("speaker_text"), "cue": r.get("cue"),
            "claim_type": r.get("claim_type"), "kind": r.get("kind"),
            "sentence": r.get("sentence"), "sentence_start": r.get("sentence_start"),
            "sentence_end": r.get("sentence_end"), "content": r.get("content"),
            "content_start": r.get("content_start"), "content_end": r.get("content_end"),
            "targets": "; ".join(f"{t['actor']} ({t['role']})" for t in r.get("targets", [])),
            "document_id": r["document_id"], "document": r.get("document_title"),
            "source": r.get("source"), "link": base_url.rstrip("/") + link[1:] if base_url else link,
        })
    return out
