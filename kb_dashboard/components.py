"""Pieces every page shares: the KB connection, cached queries keyed on the store's state,
page links, the highlighted-text renderer and the edit switch."""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable
from typing import Any

import streamlit as st
from st_link_analysis import EdgeStyle, NodeStyle

from kb import query
from kb.config import get_settings
from kb.db import session_scope
from kb_dashboard.logic import Mark, esc, highlight, md

# The pages live in views/, not pages/: Streamlit would serve a pages/ folder by itself on a
# fresh server, before app.py has run st.navigation (deep links would skip the app shell).
PAGES = {
    "overview": "views/overview.py",
    "statements": "views/statements.py",
    "claims": "views/claims.py",
    "actor": "views/actor.py",
    "graph": "views/graph.py",
    "documents": "views/documents.py",
    "flagged": "views/flagged.py",
    "ingest": "views/ingest.py",
    "review": "views/review.py",
}

CSS = """
<style>
.kb-text { white-space: pre-wrap; line-height: 1.7; font-size: 1rem; padding: .75rem 1rem;
  border: 1px solid rgba(128,128,128,.25); border-radius: .5rem; max-height: 32rem; overflow-y: auto; }
.kb-text mark { padding: 0 .05em; border-radius: .2em; color: inherit; }
mark.kb-sentence { background: rgba(255, 214, 10, .28); }
mark.kb-content { background: rgba(255, 170, 0, .35); }
mark.kb-speaker { background: rgba(40, 120, 255, .30); font-weight: 600; }
mark.kb-cue { background: rgba(220, 40, 60, .28); text-decoration: underline; }
mark.kb-mention { background: transparent; border-bottom: 2px solid rgba(30, 160, 90, .9); }
mark.kb-target { background: rgba(220, 40, 60, .18); }
.kb-legend mark { margin-right: .6rem; padding: 0 .3em; }
mark.kb-hit { background: rgba(0, 200, 120, .35); outline: 1px solid rgba(0, 150, 90, .6); }
.kb-card { border: 1px solid rgba(128,128,128,.28); border-radius: .5rem; padding: .6rem .9rem;
  margin-bottom: .55rem; }
.kb-card-text { line-height: 1.6; font-size: 1rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.kb-card-text mark { color: inherit; border-radius: .2em; }
.kb-card-meta { margin-top: .35rem; display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; }
.kb-card-foot { margin-top: .3rem; font-size: .85rem; color: rgba(100,100,100,1); }
.kb-card a { text-decoration: none; }
.kb-chip { display: inline-block; padding: .05rem .55rem; border-radius: 1rem; font-size: .85rem;
  background: rgba(128,128,128,.14); color: inherit !important; }
.kb-speaker-chip { background: rgba(40,120,255,.18); font-weight: 600; }
.kb-role-accused { background: rgba(220,40,60,.18); }
.kb-role-addressed { background: rgba(255,170,0,.22); }
.kb-cue-word { font-style: italic; color: rgba(170,30,50,1); }
.kb-tiles { display: flex; flex-wrap: wrap; gap: .6rem; margin: .3rem 0 .8rem 0; }
.kb-tile { flex: 1 1 8rem; border: 1px solid rgba(128,128,128,.28); border-radius: .5rem;
  padding: .45rem .8rem; text-decoration: none !important; color: inherit !important; }
.kb-tile:hover { border-color: rgba(255,75,75,.8); }
.kb-tile .n { font-size: 1.7rem; font-weight: 600; line-height: 1.2; }
.kb-tile .l { font-size: .85rem; color: rgba(110,110,110,1); }
.kb-facet a { text-decoration: none; }
.kb-facet td { padding: .05rem .3rem; font-size: .9rem; border: none; }
.kb-facet table { border: none; width: 100%; }
.kb-facet .c { text-align: right; color: rgba(110,110,110,1); }
/* A metric such as "Sep 2017 – May 2024" wraps where it allows (kb_dashboard.logic.period_label)
   instead of ending in an ellipsis. */
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow-wrap: normal; word-break: normal; line-height: 1.15; }
</style>
"""

LEGEND = {
    "speaker": "speaker",
    "cue": "cue",
    "content": "content",
    "sentence": "sentence",
    "mention": "actor mention",
}


def url() -> str:
    return get_settings().database_url


def refresh_state() -> None:
    """Fingerprint the KB once per script run (app.py) and after each edit; every cached query is
    keyed on it, so new documents and edits show at once while repeat views stay cached."""
    with session_scope(url()) as s:
        st.session_state["_kb_state"] = query.store_state(s)


def _resolve(name: str) -> Callable:
    """``"kb.query:stats"`` (or a bare ``kb.query`` name) -> the function."""
    import importlib

    module, _, attr = name.rpartition(":")
    return getattr(importlib.import_module(module) if module else query, attr)


def _name(fn: Callable) -> str:
    return f"{fn.__module__}:{fn.__name__}"


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached(name: str, db: str, state: Any, args: tuple, kwargs: tuple) -> Any:
    fn = _resolve(name)
    with session_scope(db) as s:
        return fn(s, *args, **dict(kwargs))


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _cached_all(db: str, state: Any, calls: tuple) -> list:
    from concurrent.futures import ThreadPoolExecutor

    def run(call):
        name, args, kwargs = call
        with session_scope(db) as s:
            return _resolve(name)(s, *args, **dict(kwargs))

    with ThreadPoolExecutor(max_workers=min(4, len(calls))) as pool:
        return list(pool.map(run, calls))


def q_all(*calls: tuple) -> list:
    """Several ``kb.query`` calls at once, each on its own connection (the database works while
    Python waits), cached together: ``q_all((query.stats,), (query.top_speakers, 10))``."""
    if "_kb_state" not in st.session_state:
        refresh_state()
    packed = tuple((_name(c[0]), tuple(c[1:]), ()) for c in calls)
    return _cached_all(url(), st.session_state["_kb_state"], packed)


def q(fn: Callable, *args, **kwargs) -> Any:
    """Call a ``kb.query`` function through the cache: ``q(query.top_speakers, limit=10)``."""
    if "_kb_state" not in st.session_state:
        refresh_state()
    return _cached(_name(fn), url(), st.session_state["_kb_state"], args,
                   tuple(sorted(kwargs.items())))


def edits_enabled() -> bool:
    return get_settings().allow_edits and bool(st.session_state.get("edits", False))


def style() -> None:
    st.html(CSS)


def legend(classes: tuple[str, ...] = ("speaker", "cue", "content", "sentence", "mention")) -> None:
    parts = "".join(f'<mark class="kb-{c}">{html.escape(LEGEND[c])}</mark>' for c in classes)
    st.html(f'<div class="kb-legend kb-text" style="border:none;padding:0">{parts}</div>')


def actor_link(actor_id: int | None, name: str | None, key: str | None = None) -> None:
    if actor_id is None:
        st.markdown(md(name or "(unresolved speaker)"))
        return
    st.page_link(PAGES["actor"], label=md(name or f"actor {actor_id}"), icon=":material/person:",
                 query_params={"actor": actor_id})


def document_link(doc_id: int, title: str | None, statement: int | None = None, suffix: str = "") -> None:
    params = {"document": doc_id, **({"statement": statement} if statement else {})}
    st.page_link(PAGES["documents"], label=md(title or f"document {doc_id}") + suffix,
                 icon=":material/article:", query_params=params)


def tiles(items: list[tuple[str, Any, str | None]]) -> None:
    """Numbers as clickable tiles: ``(label, value, link or None)``; each link opens the
    statements (or page) behind the number."""
    parts = []
    for label, value, link in items:
        shown = f"{value:,}" if isinstance(value, int) else esc(value)
        inner = f'<div class="n">{shown}</div><div class="l">{esc(label)}</div>'
        parts.append(f'<a class="kb-tile" href="{esc(link)}" target="_self">{inner}</a>' if link
                     else f'<div class="kb-tile">{inner}</div>')
    st.html(f'<div class="kb-tiles">{"".join(parts)}</div>')


def edit_param() -> dict:
    """``{"edit": 1}`` while edits are on, for links that reload the page (HTML links)."""
    return {"edit": 1} if edits_enabled() else {}


def display_url(db: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(db).render_as_string(hide_password=True)


def statement_detail(stmt: dict, with_edits: bool = True) -> None:
    """One statement: who said it, to whom, and its sentence highlighted in the source context."""
    speaker = stmt.get("speaker")
    head = st.columns([3, 2])
    with head[0]:
        if stmt.get("speaker_id"):
            actor_link(stmt["speaker_id"], speaker)
        else:
            st.markdown(f"**Unresolved speaker:** {md(stmt.get('speaker_text') or '—')}")
        document_link(stmt["document_id"], stmt.get("document_title"), statement=stmt["id"])
    with head[1]:
        st.markdown(" ".join(f":{color}-badge[{md(str(v))}]" for color, v in (
            ("red", stmt.get("claim_type")), ("blue", stmt.get("kind")),
            ("gray", stmt.get("published") or "undated"), ("gray", stmt.get("source") or "no source"),
        ) if v))
        if stmt.get("flagged"):
            st.markdown(":orange-badge[:material/flag: flagged as wrong]")
    statement_context(stmt)
    if stmt.get("targets"):
        st.caption("Targets")
        cols = st.columns(min(4, len(stmt["targets"])))
        for i, t in enumerate(stmt["targets"]):
            with cols[i % len(cols)]:
                st.page_link(PAGES["actor"], label=f"{md(t['actor'])} · {t['role']}",
                             icon=":material/gps_fixed:" if t["role"] == "accused" else ":material/person:",
                             query_params={"actor": t["actor_id"]})
    claim_link(stmt["id"])
    st.caption(f"statement {stmt['id']} · cue “{md(stmt.get('cue') or '—')}” · confidence "
               f"{stmt.get('confidence', 1):.2f} · extractor {stmt.get('extractor_version') or '?'}")
    if with_edits and edits_enabled():
        import edits

        edits.flag_controls(stmt)


def claim_link(statement_id: int) -> None:
    """The claim a statement makes, repeats or denies (kb.claims), as a link to the Claims page."""
    from kb.claims.query import statement_claims

    with session_scope(url()) as s:
        c = statement_claims(s, [statement_id]).get(statement_id)
    if c:
        st.page_link(PAGES["claims"], icon=":material/fact_check:", query_params={"claim": c["claim_id"]},
                     label=f"Claim ({c['stance']}): {md(c['claim'][:120])}")


def statement_context(stmt: dict) -> None:
    """The context window of a ``kb.query.get_statement`` row, its sentence and parts marked."""
    from kb_dashboard.logic import statement_marks

    ctx = stmt["context"]
    text, shift = ctx["text"], ctx["start"]  # marks are in document offsets; the text starts here
    # Start at the sentence's own paragraph, so the highlighted sentence is in view at once.
    cut = text.rfind("\n\n", 0, max(0, stmt["sentence"]["start"] - shift))
    if cut >= 0:
        text, shift = text[cut + 2:], shift + cut + 2
    marks = [Mark(m.start - shift, m.end - shift, m.cls, m.title) for m in statement_marks(stmt)]
    prefix = "… " if shift > 0 and cut < 0 else ""
    st.html(f'<div class="kb-text">{prefix}{highlight(text, marks)}</div>')


escape_md = md  # the one helper for ingested text in markdown (kb_dashboard.logic.md)


# -- network component styles -------------------------------------------------------------------

KIND_STYLE = {  # kind -> (colour, material icon)
    "person": ("#2f6fdb", "person"),
    "organization": ("#7b4fc9", "business"),
    "government": ("#c0392b", "account_balance"),
    "country": ("#d68910", "language"),
    "group": ("#17a589", "group"),
    "unknown": ("#7f8c8d", None),
}
EDGE_COLOUR = {
    "accuses": "#d62728", "calls_on": "#1f77b4", "rejects": "#8c564b", "denies": "#9467bd",
    "praises": "#2ca02c", "warns": "#ff7f0e", "threatens": "#e377c2", "mentions": "#c7c7c7",
    "supports": "#98df8a", "member_of": "#17becf", "part_of": "#17becf",
    "echoes": "#bcbd22", "denies_claim_of": "#6a3d9a",  # kb.claims: a claim repeated / denied
}


class _Sized:
    """A raw Cytoscape style: node size from weighted degree, a ring on the actor in focus."""

    @staticmethod
    def dump() -> dict:
        return {"selector": "node", "style": {
            "width": "mapData(weight, 0, 40, 26, 70)", "height": "mapData(weight, 0, 40, 26, 70)",
            "font-size": 18, "text-wrap": "wrap", "text-max-width": 130,  # kb_dashboard.logic.NODE_GAP
            "text-background-color": "#ffffff", "text-background-opacity": 0.8,
            "text-background-padding": 2, "min-zoomed-font-size": 6}}


class _Top:
    """The most connected actors (logic.TOP_LABELS): labels large enough to read when the whole
    graph is fitted to the canvas, and never hidden."""

    @staticmethod
    def dump() -> dict:
        return {"selector": "node[top = 1]", "style": {
            "font-size": 24, "font-weight": "bold", "min-zoomed-font-size": 0, "z-index": 10}}


class _Dim:
    """With an actor selected, everything but it and its neighbours fades."""

    @staticmethod
    def dump() -> dict:
        return {"selector": "[dim = 1]", "style": {"opacity": 0.15}}


class _Path:
    """The shortest path, drawn over the graph."""

    @staticmethod
    def dump() -> dict:
        return {"selector": "[path = 1]", "style": {
            "line-color": "#ff8c00", "target-arrow-color": "#ff8c00", "border-color": "#ff8c00",
            "border-width": 6, "width": 8, "opacity": 1, "z-index": 20}}


class _EdgeWidth:
    """Edge width from the number of statements behind it; the type shows when zoomed in."""

    @staticmethod
    def dump() -> dict:
        return {"selector": "edge", "style": {
            "width": "mapData(count, 1, 20, 1.5, 7)", "label": "data(caption)", "font-size": 9,
            "min-zoomed-font-size": 7, "text-rotation": "autorotate", "color": "#333",
            "text-background-color": "#ffffff", "text-background-opacity": 0.85}}


class _Focus:
    @staticmethod
    def dump() -> dict:
        return {"selector": "node[focus = 1]", "style": {"border-width": 4, "border-color": "#111"}}


def node_styles() -> list:
    return [NodeStyle(kind, colour, "name", icon) for kind, (colour, icon) in KIND_STYLE.items()] + [
        _Sized(), _Top(), _Focus(), _Dim(), _Path()]


def edge_styles() -> list:
    # st_link_analysis 0.4 warns about its own deprecated `labeled` default on every EdgeStyle.
    warnings.filterwarnings("ignore", message="Paramter `labeled` is deprecated")
    # Last, so its white label background wins over the per-type colour.
    return [EdgeStyle(t, colour, directed=True) for t, colour in EDGE_COLOUR.items()] + [
        _EdgeWidth(), _Dim(), _Path()]


HIDE_GRAPH_PANEL = """<script>
// The network component opens a panel of raw element data (ids, weights) over the graph; the
// page explains the selection in plain words beside it, so hide the component's own panel.
(function hide(tries) {
  for (const f of window.parent.document.querySelectorAll('iframe')) {
    try {
      const d = f.contentDocument;
      if (d && d.querySelector('.infopanel') && !d.getElementById('kb-hide')) {
        const s = d.createElement('style'); s.id = 'kb-hide';
        s.textContent = '.infopanel { display: none !important; }';
        d.head.appendChild(s);
      }
    } catch (e) {}
  }
  if (tries > 0) setTimeout(() => hide(tries - 1), 500);
})(30);
</script>"""


def hide_graph_panel() -> None:
    import streamlit.components.v1 as components

    components.html(HIDE_GRAPH_PANEL, height=0)
