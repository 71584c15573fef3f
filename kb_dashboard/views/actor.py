"""Actor profile: who the actor is, what they said, what was said about them, whom they accuse."""

from __future__ import annotations

import components as ui
import pandas as pd
import streamlit as st
from st_link_analysis import Event, st_link_analysis

from kb import query
from kb.graph import queries
from kb_dashboard.logic import (
    graph_elements,
    graph_view,
    int_param,
    layout,
    parse_graph_event,
    statement_table,
)

params = st.query_params.to_dict()
wanted = int_param(params, "actor")
if wanted is not None:  # the list for the picker and this profile, fetched side by side
    actors, found = ui.q_all((query.list_actors, None, None, 1000), (query.actor_profile, wanted, 50))
else:
    actors, found = ui.q(query.list_actors, limit=1000), None
names = {a["id"]: a["name"] for a in actors}
if found and wanted not in names:
    names[wanted] = found["actor"]["name"]
if not names:
    st.title("Actor profile")
    st.info("No actors yet: ingest some documents first.")
    st.stop()

ids = list(names)
if wanted is None:
    wanted = ids[0]
actor_id = st.selectbox("Actor", ids, index=ids.index(wanted) if wanted in ids else 0,
                        format_func=lambda i: names[i], key=f"actor_pick_{wanted}")
if actor_id != wanted or "actor" not in st.query_params:
    st.query_params["actor"] = str(actor_id)
    if actor_id != wanted:
        st.rerun()

profile = found if found and actor_id == wanted else ui.q(query.actor_profile, actor_id, 50)
if profile is None:
    st.error(f"No actor with id {actor_id}.")
    st.stop()
a, counts = profile["actor"], profile["counts"]

st.title(a["name"])
st.markdown(" ".join(x for x in (
    f":blue-badge[{a['kind']}]",
    f":gray-badge[{ui.escape_md(a['external_id'])}]" if a.get("external_id") else "",
) if x))
if a.get("description"):
    st.caption(a["description"])

m = st.columns(6)
m[0].metric("Statements", counts["statements"])
m[1].metric("Accusations made", counts["accusations_made"])
m[2].metric("Accused in", counts["accused"])
m[3].metric("Addressed in", counts["addressed"])
m[4].metric("Mentions", counts["mentions"])
m[5].metric("Documents", counts["documents"])

left, right = st.columns([1, 2], gap="large")
with left:
    st.subheader("Also known as")
    aliases = [al["surface"] for al in profile["aliases"]]
    st.markdown(", ".join(ui.escape_md(x) for x in aliases) or "—")
    st.subheader("Affiliations")
    if not profile["affiliations"]:
        st.caption("None recorded.")
    for af in profile["affiliations"]:
        verb = {"out": af["relation"].replace("_", " "),
                "in": "has member" if af["relation"] == "member_of" else "has part"}[af["direction"]]
        role = f" ({af['role']})" if af.get("role") else ""
        st.page_link(ui.PAGES["actor"], label=f"{verb}: {af['actor']}{role}", icon=":material/link:",
                     query_params={"actor": af["actor_id"]})
    st.subheader("Search")
    st.page_link(ui.PAGES["statements"], label=f"Statements by {a['name']}", icon=":material/search:",
                 query_params={"speaker": a["name"]})
    st.page_link(ui.PAGES["statements"], label=f"Statements about {a['name']}", icon=":material/search:",
                 query_params={"target": a["name"]})
    st.page_link(ui.PAGES["graph"], label="Centre the actor graph here", icon=":material/hub:",
                 query_params={"actor": actor_id})
    if ui.edits_enabled():
        import edits

        edits.actor_edits(profile, names)


def statements(rows: list[dict], empty: str) -> None:
    if not rows:
        st.caption(empty)
        return
    table = [{**r, "open": f"statements?statement={r['id']}"} for r in statement_table(rows)]
    st.dataframe(table, hide_index=True, width="stretch",
                 column_order=("date", "speaker", "cue", "claim type", "content", "targets", "open"),
                 column_config={"open": st.column_config.LinkColumn("open", display_text="source"),
                                "date": st.column_config.DateColumn("date", width="small"),
                                "content": st.column_config.TextColumn("content", width="large")})


def counterparts(section: dict, label: str) -> None:
    rows = section["by_counterpart"]
    if rows:
        top = f" (top {len(rows)})" if section["more_counterparts"] else ""
        st.markdown(f"**{label}{top}:** " + ", ".join(
            f"{ui.escape_md(r['actor'])} ({r['count']})" for r in rows))


with right:
    made, received = profile["accusations_made"], profile["accusations_received"]
    sections = [f"Said ({counts['statements']})", f"About them ({counts['accused'] + counts['addressed']})",
                f"Accuses ({counts['accusations_made']})",
                f"Accused ({counts['accused']})", "Timeline", "Ego graph"]
    # One section at a time, computed only when chosen (the ego graph needs the actor graph).
    section = st.segmented_control("Show", sections, default=sections[0], key="actor_section",
                                   label_visibility="collapsed") or sections[0]
    i = sections.index(section) if section in sections else 0
    if i == 0:
        statements(profile["statements_by"], "No statements by this actor.")
    elif i == 1:
        statements(profile["statements_about"], "No statement names this actor as a target.")
    elif i == 2:
        counterparts(made, "Accused")
        statements(made["statements"], "No accusations made.")
    elif i == 3:
        counterparts(received, "Accused by")
        statements(received["statements"], "Nobody accuses this actor.")
    elif i == 4:
        if profile["timeline"]:
            df = pd.DataFrame(profile["timeline"]).rename(
                columns={"count": "statements by them", "about": "statements about them"})
            st.bar_chart(df, x="period", y=["statements by them", "statements about them"], height=260,
                         stack=False)
        else:
            st.caption("No dated statements.")
    else:
        c = st.columns(2)
        radius = c[0].segmented_control("Hops", [1, 2], default=1, key="ego_radius") or 1
        top_k = c[1].number_input("Top actors", 5, 300, 40, step=5, key="ego_topk")

        @st.cache_data(show_spinner="Drawing the ego network…", max_entries=64)
        def _ego(db: str, state, actor_id: int, radius: int, top_k: int):
            with ui.session_scope(db) as s:
                E = queries.ego(s, actor_id, radius=radius)
            V = graph_view(E, top_k=top_k, keep=[actor_id])
            return graph_elements(V, layout(V), focus=actor_id), V.number_of_nodes(), E.number_of_nodes()

        elements, n, n_all = _ego(ui.url(), st.session_state["_kb_state"], actor_id, radius, int(top_k))
        if n <= 1:
            st.caption("No links to other actors yet.")
        else:
            st.caption(f"{n - 1} of {n_all - 1} linked actors (the most connected). Click one to open it.")
            value = st_link_analysis(elements, layout={"name": "preset", "fit": True, "padding": 30},
                                     node_styles=ui.node_styles(), edge_styles=ui.edge_styles(),
                                     height=460, key=f"ego_{actor_id}_{radius}_{top_k}",
                                     events=[Event("node_click", "tap", "node")])
            clicked = parse_graph_event(value)
            if clicked and clicked[0] == "node" and clicked[1] != actor_id:
                st.query_params["actor"] = str(clicked[1])
                st.rerun()
