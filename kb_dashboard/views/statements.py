"""Statements: search with filters, a paged table, the selected statement in its source context."""

from __future__ import annotations

import components as ui
import streamlit as st

from kb import query
from kb.models import EVENT_FAMILIES, STATEMENT_KINDS, TARGET_ROLES
from kb_dashboard.logic import (
    collect_statements,
    filter_from_params,
    filter_to_params,
    int_param,
    rows_to_csv,
    rows_to_json,
    statement_table,
)

PAGE_SIZES = (25, 50, 100, 250)
COUNT_CAP = 10_000

st.title("Statements")

# A URL's parameters prefill the filters once (deep links from other pages and shared URLs).
params = st.query_params.to_dict()
from_url = params != st.session_state.get("_stmt_params_seen")
if from_url and any(k in params for k in
                                                               ("q", "speaker", "target", "claim_type",
                                                                "kind", "source", "from", "to",
                                                                "document", "role")):
    f0 = filter_from_params(params)
    st.session_state.update({
        "f_text": f0.text or "", "f_speaker": f0.speaker, "f_target": f0.target, "f_role": f0.role,
        "f_claim": f0.claim_type, "f_kind": f0.kind, "f_source": f0.source,
        "f_dates": tuple(d for d in (f0.date_from, f0.date_to) if d), "f_document": f0.document_id,
    })
st.session_state["_stmt_params_seen"] = params

stats, actor_rows = ui.q_all((query.stats,), (query.list_actors, None, None, 1000))
actors = [a["name"] for a in actor_rows]
claim_types = list(stats["by_claim_type"])
sources = [s["name"] for s in ui.q(query.list_sources)] if hasattr(query, "list_sources") else []

with st.container(border=True):
    st.text_input("Search the statements", key="f_text", placeholder="words in what was said, or a speaker's name",
                  icon=":material/search:")
    c = st.columns(4)
    c[0].selectbox("Speaker", actors, index=None, key="f_speaker", placeholder="any speaker",
                   accept_new_options=True)
    c[1].selectbox("Target", actors, index=None, key="f_target", placeholder="any target",
                   accept_new_options=True)
    c[2].selectbox("Target role", TARGET_ROLES, index=None, key="f_role", placeholder="any role")
    c[3].selectbox("Claim type", claim_types, index=None, key="f_claim", placeholder="any claim type",
                   accept_new_options=True)
    c = st.columns(5)
    c[0].selectbox("Kind", STATEMENT_KINDS, index=None, key="f_kind", placeholder="any kind")
    c[1].selectbox("Event", EVENT_FAMILIES, index=None, key="f_event", placeholder="any event",
                   help="PLOVER event family: DEMAND, DISAPPROVE, REJECT, THREATEN, AGREE, SUPPORT, ...")
    c[2].selectbox("Source", sources, index=None, key="f_source", placeholder="any outlet",
                   accept_new_options=True)
    st.session_state.setdefault("f_dates", ())
    c[3].date_input("Published between", key="f_dates",
                    min_value=stats.get("first_published"), max_value=stats.get("last_published"))
    page_size = c[4].selectbox("Rows per page", PAGE_SIZES, index=1, key="f_page_size")
    # the extractor's calibrated confidence (0.8: right about 80% of the time on PolNeAR dev)
    st.slider("Minimum confidence", 0.0, 1.0, 0.0, 0.05, key="f_min_conf")
    if st.session_state.get("f_document"):
        st.caption(f"Only document {st.session_state['f_document']}")
        if st.button("Search all documents", icon=":material/close:"):
            st.session_state["f_document"] = None
            st.rerun()

dates = st.session_state.get("f_dates") or ()
f = query.StatementFilter(
    text=st.session_state.get("f_text") or None,
    speaker=st.session_state.get("f_speaker"),
    target=st.session_state.get("f_target"),
    role=st.session_state.get("f_role"),
    claim_type=st.session_state.get("f_claim"),
    event=st.session_state.get("f_event"),
    kind=st.session_state.get("f_kind"),
    source=st.session_state.get("f_source"),
    date_from=dates[0] if len(dates) > 0 else None,
    date_to=dates[1] if len(dates) > 1 else None,
    document_id=st.session_state.get("f_document"),
    min_confidence=st.session_state.get("f_min_conf") or None,
)
shared = filter_to_params(f)
for k in list(st.query_params):
    if k not in shared and k != "statement":
        del st.query_params[k]
st.query_params.update(shared)
st.session_state["_stmt_params_seen"] = st.query_params.to_dict()

# Keyset paging: a stack of cursors for the pages already seen, reset when the filter changes.
key = (tuple(sorted(shared.items())), page_size, f.min_confidence)
if st.session_state.get("_stmt_key") != key:
    if not from_url:  # the analyst changed the filter: the old selection is out of view
        st.query_params.pop("statement", None)
        params.pop("statement", None)
    st.session_state["_stmt_key"] = key
    st.session_state["_stmt_cursors"] = [None]
cursors = st.session_state["_stmt_cursors"]
page = ui.q(query.search_statements, f, limit=page_size, cursor=cursors[-1])
total = ui.q(query.count_statements, f, cap=COUNT_CAP)

top = st.columns([3, 1, 1, 1, 1])
shown_from = (len(cursors) - 1) * page_size + 1
noun = "statement" if total == 1 else "statements"
top[0].markdown(f"**{total:,}{'+' if total >= COUNT_CAP else ''} {noun}** · "
                f"showing {shown_from if page.rows else 0:,}–{shown_from + len(page.rows) - 1:,}")
if top[1].button("Newer", icon=":material/chevron_left:", disabled=len(cursors) == 1, width="stretch"):
    cursors.pop()
    st.rerun()
if top[2].button("Older", icon=":material/chevron_right:", icon_position="right",
                 disabled=page.next_cursor is None, width="stretch"):
    cursors.append(page.next_cursor)
    st.rerun()


def _export(fmt: str):
    def make() -> str:
        with ui.session_scope(ui.url()) as s:
            rows = statement_table(collect_statements(s, f, cap=COUNT_CAP))
        return rows_to_csv(rows) if fmt == "csv" else rows_to_json(rows)
    return make


top[3].download_button("CSV", _export("csv"), file_name="statements.csv", mime="text/csv",
                       icon=":material/download:", width="stretch", on_click="ignore")
top[4].download_button("JSON", _export("json"), file_name="statements.json",
                       mime="application/json", icon=":material/download:", width="stretch",
                       on_click="ignore")

table = statement_table(page.rows)
if not table:
    st.info("No statement matches these filters.")
left, right = st.columns([7, 5], gap="medium")
with left:
    event = st.dataframe(
        table, hide_index=True, width="stretch", height=min(38 + 35 * max(len(table), 1), 640),
        on_select="rerun", selection_mode="single-row",
        key=f"stmt_table_{len(cursors)}_{abs(hash(key))}",
        column_order=("date", "speaker", "cue", "claim type", "content", "targets", "document"),
        column_config={
            "date": st.column_config.DateColumn("date", width="small"),
            "content": st.column_config.TextColumn("content", width="large"),
            "cue": st.column_config.TextColumn("cue", width="small"),
        },
    )
    picked = event.selection.rows if event and event.selection else []

selected = table[picked[0]]["id"] if picked and picked[0] < len(table) else int_param(params, "statement")
if selected is not None:
    st.query_params["statement"] = str(selected)  # a shareable URL of this very statement
elif table:
    selected = table[0]["id"]
with right:
    stmt = ui.q(query.get_statement, selected) if selected is not None else None
    if stmt is None:
        st.caption("Select a statement to see it in its source.")
    else:
        with st.container(border=True):
            ui.statement_detail(stmt)
        ui.legend(("speaker", "cue", "content", "sentence"))
st.session_state["_stmt_params_seen"] = st.query_params.to_dict()
