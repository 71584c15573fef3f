"""Actor graph: who accuses, calls on, rejects, praises whom; click a node or an edge for evidence."""

from __future__ import annotations

import tempfile
from pathlib import Path

import components as ui
import streamlit as st
from st_link_analysis import Event, st_link_analysis

from kb import query
from kb.graph import build, export, model, queries
from kb_dashboard import queries as dash_queries
from kb_dashboard.logic import (
    edge_sentence,
    esc,
    graph_elements,
    graph_view,
    href,
    int_param,
    layout,
    md,
    parse_graph_event,
)

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


def _path_ids(hops: list[dict]) -> list[int]:
    """The actor ids along a path from ``kb.graph.queries.paths`` (hops carry names and edges)."""
    ids = []
    for h in hops:
        e = h["edges"][0]
        a, b = ((e["source_id"], e["target_id"]) if e["source"] == h["from"]
                else (e["target_id"], e["source_id"]))
        if not ids:
            ids.append(a)
        ids.append(b)
    return ids


# The shortest path asked for below the graph (its widgets' values from the last run) is drawn on it.
path_from, path_to = st.session_state.get("g_from"), st.session_state.get("g_to")
found_paths = []
if st.session_state.get("g_more") == "Shortest path" and path_from and path_to:
    with ui.session_scope(ui.url()) as s:
        try:
            found_paths = queries.paths(s, path_from, path_to, types=types or None, since=since,
                                        until=until)
        except queries.ActorNotFound:
            found_paths = []
path_ids = _path_ids(found_paths[0]) if found_paths else []


@st.cache_data(show_spinner="Laying out the graph…", max_entries=64)
def _view(db: str, state, since, until, types: tuple, min_weight: int, top_k: int, keep: tuple):
    with ui.session_scope(db) as s:
        G = build.get_graph(s, since, until)
        V = graph_view(G, types, min_weight, top_k, keep=keep)
    total = (G.number_of_nodes(), G.number_of_edges())
    return V, layout(V), total


keep = tuple(x for x in (focus, *path_ids) if x)
V, pos, (n_all, e_all) = _view(ui.url(), st.session_state["_kb_state"], since, until,
                               tuple(types), int(min_weight), int(top_k), keep)
selected = st.session_state.get("g_selected")
selected = selected if selected in V else None
elements = graph_elements(V, pos, focus, selected=selected, path=path_ids)
st.caption(f"Showing {V.number_of_nodes():,} actors and {V.number_of_edges():,} links "
           f"(of {n_all:,} actors, {e_all:,} links in the KB). Click an actor or a link; "
           "edge width grows with the number of statements.")

graph_col, side = st.columns([2, 1], gap="medium")
with graph_col:
    if not elements["nodes"]:
        st.info("No edge matches these filters.")
        clicked = None
    else:
        # A new key per view: the component mounts afresh and fits the graph to the canvas.
        view_key = abs(hash((since, until, tuple(types), int(min_weight), int(top_k), keep)))
        value = st_link_analysis(
            elements, layout={"name": "preset", "fit": True, "padding": 30, "animate": False},
            node_styles=ui.node_styles(), edge_styles=ui.edge_styles(), height=700,
            key=f"actor_graph_{view_key}",
            events=[Event("node_click", "tap", "node"), Event("edge_click", "tap", "edge")])
        ui.hide_graph_panel()
        clicked = parse_graph_event(value)
        if repr(value) == st.session_state.get("_g_cleared"):
            clicked = None  # the click the analyst cleared
        elif clicked and clicked[0] == "node" and clicked[1] != st.session_state.get("g_selected"):
            st.session_state["g_selected"] = clicked[1]
            st.rerun()

with side:
    if clicked and clicked[0] == "node" and clicked[1] in V:
        aid = clicked[1]
        profile = ui.q(query.actor_profile, aid, n=5)
        counts = profile["counts"]
        name = profile["actor"]["name"]
        with st.container(border=True):
            st.subheader(md(name))
            st.caption(f"{md(profile['actor']['kind'])} · its neighbours are highlighted")
            ui.tiles([
                ("statements made", counts["statements"], href("statements", speaker=name, **ui.edit_param())),
                ("accusations made", counts["accusations_made"],
                 href("statements", speaker=name, role="accused", **ui.edit_param())),
                ("accused in", counts["accused"], href("statements", target=name, role="accused", **ui.edit_param())),
            ])
            links = []
            for u, v, d in list(V.out_edges(aid, data=True)) + list(V.in_edges(aid, data=True)):
                links.append((d.get("count", 1), V.nodes[u]["label"], d["type"], V.nodes[v]["label"]))
            if links:
                st.markdown("**In this view**")
                for n, a_, t, b_ in sorted(links, reverse=True)[:10]:
                    f = {"speaker": a_, "target": b_} if t not in ("member_of", "part_of") else {"speaker": a_}
                    st.markdown(f"- [{md(edge_sentence(a_, t, b_, n))}]({href('statements', **f)})")
            st.page_link(ui.PAGES["actor"], label="Open the profile", icon=":material/person:",
                         query_params={"actor": aid})
            st.page_link(ui.PAGES["graph"], label="Centre the graph on this actor",
                         icon=":material/center_focus_strong:", query_params={"actor": aid})
            if st.button("Clear the selection", icon=":material/close:"):
                st.session_state["g_selected"] = None
                st.session_state["_g_cleared"] = repr(value)
                st.rerun()
    elif clicked and clicked[0] == "edge":
        u, v, t = clicked[1]
        with ui.session_scope(ui.url()) as s:
            evidence = queries.edge_evidence(s, u, v, t, since=since, until=until, limit=50)
        names = {n: V.nodes[n]["label"] for n in (u, v) if n in V}
        total = V.edges[u, v, t].get("count", len(evidence)) if V.has_edge(u, v, t) else len(evidence)
        st.subheader(md(edge_sentence(names.get(u, "?"), t, names.get(v, "?"), total)))
        if t not in ("member_of", "part_of"):
            st.page_link(ui.PAGES["statements"], label=f"All {total} in the Statements page",
                         icon=":material/format_quote:",
                         query_params={"speaker": names.get(u, ""), "target": names.get(v, "")})
        if len(evidence) == 50:
            st.caption("The newest 50:")
        text = ui.q(dash_queries.sentences, tuple(r["statement_id"] for r in evidence if r.get("statement_id")))
        for r in evidence:
            sid = r.get("statement_id")
            sentence = text.get(sid) or r.get("sentence") or r.get("content") or ""
            link = href("documents", document=r.get("document_id"), statement=sid) if sid else None
            st.html(f'<div class="kb-card"><div class="kb-card-text">{esc(sentence)}</div>'
                    f'<div class="kb-card-foot">{esc(r.get("date") or "undated")} · '
                    f'<i>{esc(r.get("cue") or r.get("role") or "")}</i>'
                    + (f' · <a href="{esc(link)}" target="_self">in its document</a>' if link else "")
                    + "</div></div>")
    else:
        st.caption("Click an actor to highlight its neighbours and read its links in plain words, "
                   "or a link for the statements behind it.")
        strength = dict(V.degree(weight="count"))
        st.markdown("**Most connected here** (statements on their links)")
        for n in sorted(V, key=lambda n: -strength[n])[:8]:
            label = V.nodes[n]["label"]
            c = st.columns([4, 1])
            c[0].page_link(ui.PAGES["actor"], label=md(label), icon=":material/person:",
                           query_params={"actor": n})
            c[1].page_link(ui.PAGES["actor"], label=f"{strength[n]:,}",
                           help="Statements on its links: by it and about it, on its profile",
                           query_params={"actor": n})
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

st.subheader("Who accuses whom most")
pairs = ui.q(dash_queries.accusation_pairs, 25)
if not pairs:
    st.caption("No accusations yet.")
else:
    rows = "".join(
        f'<tr><td>{i}</td><td><a href="{esc(href("actor", actor=p["accuser_id"]))}" target="_self">'
        f'{esc(p["accuser"])}</a></td><td>→</td><td><a href="{esc(href("actor", actor=p["accused_id"]))}" '
        f'target="_self">{esc(p["accused"])}</a></td><td style="text-align:right">'
        f'<a href="{esc(href("statements", speaker=p["accuser"], target=p["accused"], role="accused"))}" '
        f'target="_self">{p["count"]:,} statement{"s" if p["count"] != 1 else ""}</a></td></tr>'
        for i, p in enumerate(pairs, 1))
    st.html('<table class="kb-pairs" style="width:100%;max-width:52rem"><tr><th>#</th><th>accuser</th>'
            f'<th></th><th>accused</th><th style="text-align:right">evidence</th></tr>{rows}</table>')

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
        [{**r, "profile": href("actor", actor=r["actor_id"])} for r in rows], hide_index=True, width="stretch",
        column_order=("rank", "actor", "kind", "score", "accused", "linked", "profile"),
        column_config={"profile": st.column_config.LinkColumn("profile", display_text="open")})

elif more == "Shortest path":
    names = sorted(a["name"] for a in ui.q(query.list_actors, limit=1000))
    c = st.columns(2)
    a = c[0].selectbox("From", names, index=None, key="g_from", placeholder="an actor")
    b = c[1].selectbox("To", names, index=None, key="g_to", placeholder="another actor")
    if a and b and (a, b) != (path_from, path_to):
        st.rerun()  # draw the new path on the graph above
    if a and b:
        if not found_paths:
            st.info(f"No path between {md(a)} and {md(b)} over these edge types.")
        else:
            st.caption("The first path is drawn on the graph in orange.")
        for i, hops in enumerate(found_paths, 1):
            with st.container(border=True):
                st.markdown(f"**Path {i}:** " + " → ".join(md(h["from"]) for h in hops)
                            + f" → {md(hops[-1]['to'])}" if hops else "")
                for h in hops:
                    for e in h["edges"]:
                        st.markdown(f"- {md(edge_sentence(e['source'], e['type'], e['target'], e['count']))}")
                        for ev in e.get("evidence", []):
                            st.caption(md(ev.get("sentence") or ev.get("content") or ""))

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
