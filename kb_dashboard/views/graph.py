"""Actor graph: who accuses, calls on, rejects, praises whom; click a node or an edge for evidence."""

from __future__ import annotations

import tempfile
from pathlib import Path

import components as ui
import streamlit as st
from st_link_analysis import Event, st_link_analysis

from kb import query
from kb.graph import build, export, model, queries
from kb_dashboard.logic import graph_elements, graph_view, int_param, layout, parse_graph_event

DEFAULT_TYPES = [t for t in model.EDGE_TYPES if t != "mentions"]


st.title("Actor graph")
params = st.query_params.to_dict()
stats = ui.q(query.stats)

with st.container(border=True):
    c = st.columns([3, 2, 1, 1])
    types = c[0].multiselect("Edge types", model.EDGE_TYPES, default=DEFAULT_TYPES, key="g_types")
    window = c[1].date_input("Statements dated between", value=(), key="g_window",
                             min_value=stats.get("first_published"),
                             max_value=stats.get("last_published"))
    min_weight = c[2].number_input("Min. statements", 1, 1000, 1, key="g_min")
    top_k = c[3].number_input("Top actors", 5, 500, 60, step=5, key="g_topk",
                              help="Only the most connected actors are drawn; raise it to see more.")

since = window[0] if len(window) > 0 else None
until = window[1] if len(window) > 1 else None
focus = int_param(params, "actor")


@st.cache_data(show_spinner="Laying out the graph…", max_entries=64)
def _view(db: str, state, since, until, types: tuple, min_weight: int, top_k: int, focus):
    with ui.session_scope(db) as s:
        G = build.get_graph(s, since, until)
        V = graph_view(G, types, min_weight, top_k, keep=[focus] if focus else [])
    total = (G.number_of_nodes(), G.number_of_edges())
    return V, graph_elements(V, layout(V), focus), total


V, elements, (n_all, e_all) = _view(ui.url(), st.session_state["_kb_state"], since, until,
                                    tuple(types), int(min_weight), int(top_k), focus)
st.caption(f"Showing {V.number_of_nodes():,} actors and {V.number_of_edges():,} edges "
           f"(of {n_all:,} actors, {e_all:,} edges in the KB). Click an actor or an edge.")

graph_col, side = st.columns([2, 1], gap="medium")
with graph_col:
    if not elements["nodes"]:
        st.info("No edge matches these filters.")
        clicked = None
    else:
        value = st_link_analysis(
            elements, layout={"name": "preset", "fit": True, "padding": 30, "animate": False},
            node_styles=ui.node_styles(), edge_styles=ui.edge_styles(), height=700,
            key="actor_graph",
            events=[Event("node_click", "tap", "node"), Event("edge_click", "tap", "edge")])
        clicked = parse_graph_event(value)

with side:
    if clicked and clicked[0] == "node" and clicked[1] in V:
        aid = clicked[1]
        profile = ui.q(query.actor_profile, aid, n=5)
        with st.container(border=True):
            st.subheader(profile["actor"]["name"])
            counts = profile["counts"]
            m = st.columns(3)
            m[0].metric("Statements", counts["statements"])
            m[1].metric("Accusations made", counts["accusations_made"])
            m[2].metric("Accused", counts["accused"])
            st.page_link(ui.PAGES["actor"], label="Open profile", icon=":material/person:",
                         query_params={"actor": aid})
            st.page_link(ui.PAGES["graph"], label="Focus the graph on this actor",
                         icon=":material/center_focus_strong:", query_params={"actor": aid})
    elif clicked and clicked[0] == "edge":
        u, v, t = clicked[1]
        with ui.session_scope(ui.url()) as s:
            evidence = queries.edge_evidence(s, u, v, t, since=since, until=until, limit=50)
        names = {n: V.nodes[n]["label"] for n in (u, v) if n in V}
        st.subheader(f"{names.get(u, u)} → {t} → {names.get(v, v)}")
        st.caption(f"{len(evidence)} statements" + (" (first 50)" if len(evidence) == 50 else ""))
        for r in evidence:
            with st.container(border=True):
                st.markdown(f"**{ui.escape_md(str(r.get('date') or 'undated'))}** · "
                            f"{ui.escape_md(r.get('cue') or r.get('role') or '')}")
                st.html(f'<div class="kb-text" style="max-height:9rem">'
                        f'{ui.highlight(r.get("sentence") or "", [])}</div>')
                if r.get("statement_id"):
                    st.page_link(ui.PAGES["statements"], label="Open in its source",
                                 icon=":material/format_quote:", query_params={"statement": r["statement_id"]})
    else:
        st.caption("Click an actor to see its profile, or an edge to see the statements behind it.")
        strength = dict(V.degree(weight="count"))
        st.markdown("**Most connected here**")
        for n in sorted(V, key=lambda n: -strength[n])[:8]:
            st.page_link(ui.PAGES["actor"], label=f"{V.nodes[n]['label']} · {strength[n]}",
                         icon=":material/person:", query_params={"actor": n})
        st.markdown("**Legend**")
        st.html("".join(
            f'<span style="display:inline-block;margin:0 .8rem .3rem 0">'
            f'<span style="display:inline-block;width:.8rem;height:.8rem;border-radius:50%;'
            f'background:{colour};margin-right:.3rem"></span>{kind}</span>'
            for kind, (colour, _) in ui.KIND_STYLE.items()) + "<br>" + "".join(
            f'<span style="display:inline-block;margin:0 .8rem .3rem 0">'
            f'<span style="display:inline-block;width:1.2rem;height:.2rem;background:{ui.EDGE_COLOUR[t]};'
            f'vertical-align:middle;margin-right:.3rem"></span>{t}'
            f'{" · " + model.EDGE_EVENTS[t] if t in model.EDGE_EVENTS else ""}</span>' for t in types))

# Below the graph, over the same filters; each computed only when chosen.
more = st.segmented_control("More", ["Centrality", "Shortest path", "Export"], key="g_more",
                            default=None)


@st.cache_data(show_spinner=False, max_entries=64)
def _centrality(db: str, state, measure: str, types: tuple, since, until) -> list[dict]:
    with ui.session_scope(db) as s:
        return queries.centrality(s, by=measure, limit=50, types=types or None, since=since, until=until)


if more == "Centrality":
    measure = st.segmented_control("Rank by", queries.CENTRALITY_MEASURES, default="pagerank",
                                   key="g_measure") or "pagerank"
    rows = _centrality(ui.url(), st.session_state["_kb_state"], measure, tuple(types), since, until)
    st.dataframe(
        [{**r, "profile": f"actor?actor={r['actor_id']}"} for r in rows], hide_index=True, width="stretch",
        column_order=("rank", "actor", "kind", "score", "accused", "linked", "profile"),
        column_config={"profile": st.column_config.LinkColumn("profile", display_text="open")})

elif more == "Shortest path":
    names = sorted(a["name"] for a in ui.q(query.list_actors, limit=1000))
    c = st.columns(2)
    a = c[0].selectbox("From", names, index=None, key="g_from", placeholder="an actor")
    b = c[1].selectbox("To", names, index=None, key="g_to", placeholder="another actor")
    if a and b:
        with ui.session_scope(ui.url()) as s:
            found = queries.paths(s, a, b, types=types or None, since=since, until=until)
        if not found:
            st.info(f"No path between {a} and {b} over these edge types.")
        for i, hops in enumerate(found, 1):
            with st.container(border=True):
                st.markdown(f"**Path {i}:** " + " → ".join(ui.escape_md(h["from"]) for h in hops)
                            + f" → {ui.escape_md(hops[-1]['to'])}" if hops else "")
                for h in hops:
                    for e in h["edges"]:
                        st.markdown(f"- {ui.escape_md(e['source'])} *{e['type']}* "
                                    f"{ui.escape_md(e['target'])} ({e['count']}×)")
                        for ev in e.get("evidence", []):
                            st.caption(ev.get("sentence") or ev.get("content") or "")

elif more == "Export":
    st.caption("The graph as drawn (current filters) for Gephi, yEd, or a spreadsheet.")

    def _export(fmt: str):
        def make() -> bytes:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"graph.{fmt}"
                export.export_graph(V, path, fmt)
                return path.read_bytes()
        return make

    c = st.columns(4)
    for col, fmt in zip(c, export.FORMATS):
        col.download_button(fmt.upper(), _export(fmt), file_name=f"kb-graph.{fmt}", on_click="ignore",
                            icon=":material/download:", width="stretch")
