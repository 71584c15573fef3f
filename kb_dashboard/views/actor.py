"""Actor profile: who the actor is, what they said, what was said about them, whom they accuse."""

from __future__ import annotations

import altair as alt
import components as ui
import pandas as pd
import streamlit as st
from st_link_analysis import Event, st_link_analysis

from kb import query
from kb.graph import queries
from kb_dashboard import queries as dash_queries
from kb_dashboard.logic import (
    esc,
    graph_elements,
    graph_view,
    href,
    int_param,
    layout,
    md,
    parse_graph_event,
    statement_card,
    time_series,
)

params = st.query_params.to_dict()
wanted = int_param(params, "actor")
if "actor" in params and wanted is None:
    st.title("Actor profile")
    st.error(f"Not found: {md(params['actor'])} is not an actor id.")
    st.page_link(ui.PAGES["actor"], label="Pick an actor", icon=":material/person:")
    st.stop()
if wanted is not None:  # the list for the picker and this profile, fetched side by side
    actors, found = ui.q_all((query.list_actors, None, None, 1000), (query.actor_profile, wanted, 50))
    if found is None:
        st.title("Actor profile")
        if ui.edits_enabled():  # the edit that just removed it (a merge, "not an actor") says so
            import edits

            edits.show_message()
        st.error(f"Not found: there is no actor with id {wanted} (it may have been merged or "
                 "deleted).")
        st.page_link(ui.PAGES["actor"], label="Pick an actor", icon=":material/person:",
                     query_params={})
        st.stop()
else:
    actors, found = ui.q(query.list_actors, limit=1000), None
names = {a["id"]: a["name"] for a in actors}  # most statements first
said = {a["id"]: a["statements"] for a in actors}
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
                        format_func=lambda i: f"{names[i]} ({said.get(i, 0):,} statements)",
                        key=f"actor_pick_{wanted}", help="Most statements first")
if actor_id != wanted or "actor" not in st.query_params:
    st.query_params["actor"] = str(actor_id)
    if actor_id != wanted:
        st.rerun()

profile = found if found and actor_id == wanted else ui.q(query.actor_profile, actor_id, 50)
if profile is None:
    st.error(f"Not found: there is no actor with id {actor_id}.")
    st.stop()
a, counts = profile["actor"], profile["counts"]
name = a["name"]
edit = ui.edit_param()

st.title(md(name))
st.markdown(" ".join(x for x in (
    f":blue-badge[{md(a['kind'])}]",
    f":gray-badge[{md(a['external_id'])}]" if a.get("external_id") else "",
) if x))
if a.get("description"):
    st.caption(md(a["description"]))

ui.tiles([
    ("statements made", counts["statements"], href("statements", speaker=name, **edit)),
    ("accusations made", counts["accusations_made"], href("statements", speaker=name, role="accused", **edit)),
    ("accused in", counts["accused"], href("statements", target=name, role="accused", **edit)),
    ("addressed in", counts["addressed"], href("statements", target=name, role="addressed", **edit)),
    ("mentions", counts["mentions"], None),
    ("documents", counts["documents"], None),
])

left, right = st.columns([1, 2], gap="large")
with left:
    st.subheader("Also known as")
    aliases = [al["surface"] for al in profile["aliases"]]
    st.markdown(", ".join(md(x) for x in aliases) or "—")
    st.subheader("Affiliations")
    if not profile["affiliations"]:
        st.caption("None recorded.")
    for af in profile["affiliations"]:
        verb = {"out": af["relation"].replace("_", " "),
                "in": "has member" if af["relation"] == "member_of" else "has part"}[af["direction"]]
        role = f" ({md(af['role'])})" if af.get("role") else ""
        st.page_link(ui.PAGES["actor"], label=f"{verb}: {md(af['actor'])}{role}", icon=":material/link:",
                     query_params={"actor": af["actor_id"]})
    st.subheader("Search")
    st.page_link(ui.PAGES["statements"], label=f"Statements by {md(name)}", icon=":material/search:",
                 query_params={"speaker": name})
    st.page_link(ui.PAGES["statements"], label=f"Statements about {md(name)}", icon=":material/search:",
                 query_params={"target": name})
    st.page_link(ui.PAGES["graph"], label="Centre the actor graph here", icon=":material/hub:",
                 query_params={"actor": actor_id})
    if ui.edits_enabled():
        import edits

        edits.actor_edits(profile, names)


def statements(rows: list[dict], total: int, empty: str, link: dict) -> None:
    if not rows:
        st.caption(empty)
        return
    see_all = f"[see all]({href('statements', **link, **edit)})"
    st.markdown(f"{len(rows):,} of {total:,}, latest first · {see_all}" if total > len(rows)
                else f"{total:,} · {see_all}")
    text = ui.q(dash_queries.sentences, tuple(r["id"] for r in rows))
    st.html("".join(statement_card({**r, "sentence": text.get(r["id"])}, edit=bool(edit)) for r in rows))


def counterparts(section: dict, label: str, made: bool) -> None:
    rows = section["by_counterpart"]
    if not rows:
        return
    top = f" (top {len(rows)})" if section["more_counterparts"] else ""
    links = []
    for r in rows:
        f = ({"speaker": name, "target": r["actor"]} if made else {"speaker": r["actor"], "target": name})
        links.append(f'<a href="{esc(href("statements", **f, role="accused", **edit))}" target="_self">'
                     f'{esc(r["actor"])} ({r["count"]:,})</a>')
    st.html(f"<div><b>{esc(label)}{esc(top)}:</b> " + ", ".join(links) + "</div>")


with right:
    made, received = profile["accusations_made"], profile["accusations_received"]
    sections = [f"Said ({counts['statements']})",
                f"About them ({counts['accused'] + counts['addressed'] + counts['mentioned_in_statements']})",
                f"Accuses ({counts['accusations_made']})",
                f"Accused ({counts['accused']})", "Timeline", "Ego graph"]
    # One section at a time, computed only when chosen (the ego graph needs the actor graph).
    section = st.segmented_control("Show", sections, default=sections[0], key="actor_section",
                                   label_visibility="collapsed") or sections[0]
    i = sections.index(section) if section in sections else 0
    if i == 0:
        statements(profile["statements_by"], counts["statements"], "No statements by this actor.",
                   {"speaker": name})
    elif i == 1:
        statements(profile["statements_about"], counts["accused"] + counts["addressed"]
                   + counts["mentioned_in_statements"], "No statement names this actor as a target.",
                   {"target": name})
    elif i == 2:
        counterparts(made, "Accused", True)
        statements(made["statements"], counts["accusations_made"], "No accusations made.",
                   {"speaker": name, "role": "accused"})
    elif i == 3:
        counterparts(received, "Accused by", False)
        statements(received["statements"], counts["accused"], "Nobody accuses this actor.",
                   {"target": name, "role": "accused"})
    elif i == 4:
        rows = []
        for what, col in (("by them", "count"), ("about them", "about")):
            dated, undated = time_series([{"period": r["period"], "count": r[col]}
                                          for r in profile["timeline"]], "month")
            rows += [{**r, "statements": what} for r in dated if r["count"]]
            if undated:
                st.caption(f"{undated:,} statements {what} are undated (not on the time axis).")
        if rows:
            df = pd.DataFrame(rows)
            df["start"] = pd.to_datetime(df["start"])
            df["end"] = pd.to_datetime(df["end"]) + pd.Timedelta(days=1)
            st.altair_chart(alt.Chart(df).mark_rect(opacity=0.6, stroke="white").encode(
                x=alt.X("start:T", title=None), x2="end:T", y=alt.Y("count:Q", title="statements",
                                                                     stack=None), y2=alt.datum(0),
                color=alt.Color("statements:N", title=None),
                tooltip=["period:N", "statements:N", "count:Q"]), height=260, width="stretch")
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
