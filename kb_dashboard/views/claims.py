"""Claims: which claims spread, who made, repeated, denied or reported them, since when and where;
and "has this been said before?" for a pasted sentence. Each statement clicks through to its
sentence on the Statements page. Reads kb.claims.query only."""

from __future__ import annotations

import components as ui
import streamlit as st

from kb import query
from kb.claims import query as claims
from kb.models import CLAIM_STANCES

SORTS = {"spread (speakers)": "spread", "statements": "statements", "most denied": "denied", "most recent": "recent"}


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _cached(name: str, db: str, state, args: tuple, kwargs: tuple):
    with ui.session_scope(db) as s:
        return getattr(claims, name)(s, *args, **dict(kwargs))


def cq(fn, *args, **kwargs):
    """A kb.claims.query call, cached on the KB's state like ui.q."""
    if "_kb_state" not in st.session_state:
        ui.refresh_state()
    return _cached(fn.__name__, ui.url(), st.session_state["_kb_state"], args, tuple(sorted(kwargs.items())))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


st.title("Claims")
params = st.query_params.to_dict()

with st.container(border=True):
    said = st.text_input("Has this been said before?", key="c_match", icon=":material/search:",
                         placeholder="paste a sentence: the known claims closest to it, with their evidence")
    if said.strip():
        with st.spinner("Matching"):
            matches = cq(claims.match_claims, said.strip(), limit=5, evidence=2)
        if not matches:
            st.info("No claims in this KB yet.")
        for m in matches:
            with st.container(border=True):
                cols = st.columns([6, 1])
                cols[0].markdown(f"**{ui.escape_md(m['text'])}**")
                cols[1].markdown(f":blue-badge[score {m['score']:.2f}]")
                st.caption(f"{m['statements']} statements · {m['speakers']} speakers · asserted {m['asserts']} · "
                           f"denied {m['denies']} · {m['first_seen'] or 'undated'} – {m['last_seen'] or ''}")
                for ev in m["evidence"]:
                    st.page_link(ui.PAGES["statements"], icon=":material/format_quote:",
                                 label=ui.md(f"{ev['speaker'] or ev['speaker_text'] or '?'} {ev['stance']}: "
                                             f"{(ev['content'] or '')[:140]}"),
                                 query_params={"statement": ev["id"]})
                if st.button("Open this claim", key=f"open_{m['id']}"):
                    st.query_params["claim"] = str(m["id"])
                    st.rerun()

actor_rows = ui.q(query.list_actors, None, None, 1000)
stats = ui.q(query.stats)
c = st.columns(4)
actor = c[0].selectbox("Actor", [a["name"] for a in actor_rows], index=None, key="c_actor",
                       placeholder="any actor")
stance = c[1].selectbox("Actor's stance", CLAIM_STANCES, index=None, key="c_stance", placeholder="any stance")
claim_type = c[2].selectbox("Claim type", list(stats["by_claim_type"]), index=None, key="c_type",
                            placeholder="any claim type")
sort = c[3].selectbox("Order", list(SORTS), key="c_sort")
actor_id = next((a["id"] for a in actor_rows if a["name"] == actor), None)
rows = cq(claims.list_claims, actor_id=actor_id, stance=stance, claim_type=claim_type, sort=SORTS[sort], limit=200)

left, right = st.columns([6, 6], gap="medium")
with left:
    if not rows:
        st.info("No claims match. Claims are made at ingest; an older KB needs `kb claims recluster`.")
    table = [{"id": r["id"], "claim": r["text"], "speakers": r["speakers"], "statements": r["statements"],
              "asserts": r["asserts"], "denies": r["denies"], "first seen": r["first_seen"],
              "last seen": r["last_seen"]} for r in rows]
    event = st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * max(len(table), 1), 640),
                         on_select="rerun", selection_mode="single-row", key=f"claims_{actor_id}_{stance}_{claim_type}_{sort}",
                         column_config={"claim": st.column_config.TextColumn("claim", width="large"),
                                        "first seen": st.column_config.DateColumn("first seen"),
                                        "last seen": st.column_config.DateColumn("last seen")})
    picked = event.selection.rows if event and event.selection else []

selected = table[picked[0]]["id"] if picked and picked[0] < len(table) else _int(params.get("claim"))
if selected is None and table:
    selected = table[0]["id"]
with right:
    claim = cq(claims.get_claim, selected) if selected is not None else None
    if claim is None:
        st.caption("Select a claim to see its history.")
    else:
        st.query_params["claim"] = str(claim["id"])
        with st.container(border=True):
            st.subheader(ui.md(claim["text"]))
            m = st.columns(5)
            for col, (label, value) in zip(m, (("Speakers", claim["speakers"]), ("Statements", claim["statements"]),
                                               ("Documents", claim["documents"]), ("Asserted", claim["asserts"]),
                                               ("Denied", claim["denies"]))):
                col.metric(label, value)
            st.caption(f"claim {claim['id']} · first seen {claim['first_seen'] or 'undated'} · last seen "
                       f"{claim['last_seen'] or 'undated'} · {claim['sources']} outlets")
            by_name = {a["name"]: a["id"] for a in actor_rows}
            for title, names in (("For", claim["speakers_for"]), ("Against", claim["speakers_against"])):
                st.markdown(f"**{title}**" + ("" if names else ": —"))
                if names:
                    cols = st.columns(min(4, len(names)))
                    for i, name in enumerate(names):
                        with cols[i % len(cols)]:
                            if name in by_name:
                                ui.actor_link(by_name[name], name, key=f"{title}_{name}")
                            else:
                                st.markdown(ui.escape_md(name))
            if claim["timeline"]:
                import pandas as pd

                frame = pd.DataFrame([{"day": t["day"] or "undated", **{s: t.get(s, 0) for s in CLAIM_STANCES}}
                                      for t in claim["timeline"]]).set_index("day")
                st.bar_chart(frame, height=180)
            if claim["sources_list"]:
                st.caption("Outlets: " + " · ".join(f"{ui.md(s['source'])} ({s['statements']})"
                                                   for s in claim["sources_list"]))
        st.markdown("**Statements** (each opens in its sentence)")
        for s in claim["statements_list"]:
            who = s["speaker"] or s["speaker_text"] or "unresolved speaker"
            st.page_link(ui.PAGES["statements"], icon=":material/format_quote:",
                         label=ui.md(f"{s['published'] or 'undated'} · {who} · {s['stance']}: {(s['content'] or '')[:160]}"),
                         query_params={"statement": s["id"]})
        st.markdown("**Documents**")
        for d in claim["documents_list"]:
            ui.document_link(d["document_id"], d["title"] or d["path"])
