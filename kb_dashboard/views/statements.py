"""Statements: search, facets with counts, sorted pages of readable cards, the selected statement
in its source context, and downloads that carry the sentence, its offsets and a link."""

from __future__ import annotations

import components as ui
import streamlit as st

from kb import query
from kb.db import search_terms
from kb.models import EVENT_FAMILIES, STATEMENT_KINDS, TARGET_ROLES
from kb_dashboard import queries
from kb_dashboard.logic import (
    esc,
    export_rows,
    filter_from_params,
    filter_to_params,
    href,
    int_param,
    rows_to_csv,
    rows_to_json,
    statement_card,
)

PAGE_SIZES = (25, 50, 100, 250)
COUNT_CAP = 10_000
KEEP = ("statement", "edit", "sort", "page")  # URL parameters that are not filters

st.title("Statements")

# A URL's parameters prefill the filters once (deep links from other pages and shared URLs).
params = st.query_params.to_dict()
from_url = params != st.session_state.get("_stmt_params_seen")
if from_url:
    f0 = filter_from_params(params)
    st.session_state.update({
        "f_text": f0.text or "", "f_speaker": f0.speaker, "f_target": f0.target, "f_role": f0.role,
        "f_claim": f0.claim_type, "f_event": f0.event, "f_kind": f0.kind, "f_source": f0.source,
        "f_min_conf": f0.min_confidence or 0.0,
        "f_dates": tuple(d for d in (f0.date_from, f0.date_to) if d), "f_document": f0.document_id,
    })
    if params.get("sort") in queries.SORTS:
        st.session_state["f_sort"] = params["sort"]
    st.session_state["_stmt_page"] = max(1, int_param(params, "page") or 1)
st.session_state["_stmt_params_seen"] = params

stats, actor_rows, sources = ui.q_all((query.stats,), (query.list_actors, None, None, 1000),
                                      (queries.sources,))
actors = [a["name"] for a in actor_rows]  # most statements first
said = {a["name"]: a["statements"] for a in actor_rows}
outlets = {s["name"]: s["statements"] for s in sources}
claim_types = list(stats["by_claim_type"])

st.session_state.setdefault("f_min_conf", 0.0)
with st.container(border=True):
    c = st.columns([5, 2, 1.3])
    c[0].text_input("Search the statements", key="f_text", icon=":material/search:",
                    placeholder="words in what was said, or a speaker's name")
    c[1].selectbox("Sort", list(queries.SORTS), key="f_sort")
    page_size = c[2].selectbox("Per page", PAGE_SIZES, index=1, key="f_page_size")
    with st.expander("More filters", expanded=bool(st.session_state.get("f_role") or st.session_state.get("f_dates")
                                                   or st.session_state.get("f_min_conf"))):
        c = st.columns(4)
        c[0].selectbox("Speaker", actors, index=None, key="f_speaker", placeholder="any speaker",
                       accept_new_options=True, format_func=lambda a: f"{a} ({said[a]:,})" if a in said else a,
                       help="Most statements first")
        c[1].selectbox("Target", actors, index=None, key="f_target", placeholder="any target",
                       accept_new_options=True)
        c[2].selectbox("Target role", TARGET_ROLES, index=None, key="f_role", placeholder="any role")
        c[3].selectbox("Claim type", claim_types, index=None, key="f_claim", placeholder="any claim type",
                       accept_new_options=True)
        c = st.columns(5)
        c[0].selectbox("Kind", STATEMENT_KINDS, index=None, key="f_kind", placeholder="any kind")
        c[3].selectbox("Event", EVENT_FAMILIES, index=None, key="f_event", placeholder="any event",
                       help="PLOVER event family: DEMAND, DISAPPROVE, REJECT, THREATEN, AGREE, SUPPORT, ...")
        # the extractor's calibrated confidence (0.8: right about 80% of the time on PolNeAR dev)
        c[4].slider("Minimum confidence", 0.0, 1.0, step=0.05, key="f_min_conf")
        c[1].selectbox("Source", list(outlets), index=None, key="f_source", placeholder="any outlet",
                       accept_new_options=True,
                       format_func=lambda o: f"{o} ({outlets[o]:,})" if o in outlets else o)
        st.session_state.setdefault("f_dates", ())
        c[2].date_input("Published between", key="f_dates",
                        min_value=stats.get("first_published"), max_value=stats.get("last_published"))
    if st.session_state.get("f_document"):
        if st.button(f"Only document {st.session_state['f_document']}: search all documents",
                     icon=":material/close:"):
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
sort = st.session_state.get("f_sort") or "newest first"
shared = filter_to_params(f)
key = (tuple(sorted(shared.items())), page_size, sort)
if st.session_state.get("_stmt_key") != key:
    if st.session_state.get("_stmt_key") is not None and not from_url:
        st.session_state["_stmt_page"] = 1  # the analyst changed the filter: back to page one
        st.query_params.pop("statement", None)
        params.pop("statement", None)
    st.session_state["_stmt_key"] = key

total = ui.q(query.count_statements, f, cap=COUNT_CAP)
pages = max(1, -(-total // page_size))
facets = ui.q(queries.facets, f)

# Jump: to a page, or to the first statement of a day in this order.
with st.container():
    c = st.columns([3, 1.2, 1.6, 1, 1])
    number = c[1].number_input(f"Page (of {pages:,})", 1, pages,
                               min(st.session_state.get("_stmt_page", 1), pages), key=f"pg_{key}_{st.session_state.get('_stmt_page', 1)}")
    if number != st.session_state.get("_stmt_page", 1):
        st.session_state["_stmt_page"] = number
        st.rerun()
    jump = c[2].date_input("Jump to date", value=None, key=f"jump_{key}",
                           min_value=facets["dates"][0], max_value=facets["dates"][1],
                           disabled=sort == "latest ingested" or facets["dates"][0] is None)
    if jump is not None and not st.session_state.get(f"_jumped_{key}_{jump}"):
        st.session_state[f"_jumped_{key}_{jump}"] = True
        offset = ui.q(queries.offset_of_date, f, jump, sort)
        st.session_state["_stmt_page"] = offset // page_size + 1
        st.rerun()
    page_no = min(st.session_state.get("_stmt_page", 1), pages)


def _export(fmt: str):
    def make() -> str:
        rows, offset = [], 0
        with ui.session_scope(ui.url()) as s:
            while len(rows) < COUNT_CAP:
                batch = queries.statement_page(s, f, sort, offset, 1000)
                rows += batch
                offset += len(batch)
                if len(batch) < 1000:
                    break
        out = export_rows(rows)
        return rows_to_csv(out) if fmt == "csv" else rows_to_json(out)
    return make


c[3].download_button("CSV", _export("csv"), file_name="statements.csv", mime="text/csv",
                     icon=":material/download:", width="stretch", on_click="ignore")
c[4].download_button("JSON", _export("json"), file_name="statements.json",
                     mime="application/json", icon=":material/download:", width="stretch",
                     on_click="ignore")
rows = ui.q(queries.statement_page, f, sort, (page_no - 1) * page_size, page_size)
first = (page_no - 1) * page_size + 1
noun = "statement" if total == 1 else "statements"
c[0].markdown(f"**{total:,}{'+' if total >= COUNT_CAP else ''} {noun}**"
              + (f" · showing {first:,}–{first + len(rows) - 1:,}" if rows else "")
              + f" · {sort}")

# The URL says what is shown: filters, sort, page, the selected statement (and edit mode).
for k in list(st.query_params):
    if k not in shared and k not in KEEP:
        del st.query_params[k]
st.query_params.update(shared)
st.query_params["sort"] = sort
if page_no > 1:
    st.query_params["page"] = str(page_no)
else:
    st.query_params.pop("page", None)

FACETS = (("speaker", "Speaker", "speaker"), ("claim_type", "Claim type", "claim_type"),
          ("event", "Event family", "event"), ("target", "Target", "target"),
          ("kind", "Kind", "kind"), ("source", "Source", "source"))


def facet_html(name: str, label: str, param: str | None, items: list[dict]) -> str:
    if not items:
        return ""
    active = shared.get(param) if param else None
    out = [f'<div class="kb-facet"><b>{esc(label)}</b><table>']
    for it in items:
        value = it["value"]
        if param:
            link = href("statements", **{**shared, param: value, "sort": sort}, **ui.edit_param())
            cell = f'<a href="{esc(link)}" target="_self">{esc(value)}</a>'
        else:
            cell = esc(value)
        if active and str(value) == active:
            rest = {k: v for k, v in shared.items() if k != param}
            cell = (f'<b>{esc(value)}</b> <a href="{esc(href("statements", **rest, sort=sort, **ui.edit_param()))}" '
                    f'target="_self" title="remove this filter">✕</a>')
        out.append(f'<tr><td>{cell}</td><td class="c">{it["count"]:,}</td></tr>')
    out.append("</table></div>")
    return "".join(out)


selected = int_param(params, "statement")
facet_col, main, detail = st.columns([1.1, 2.6, 1.9] if selected else [1.1, 4.5, 0.01], gap="medium")
with facet_col:
    first_day, last_day, undated = facets["dates"]
    span = f"{first_day} – {last_day}" if first_day else "no dated statements"
    st.html(f'<div class="kb-facet"><b>Dates</b><br>{esc(span)}'
            + (f'<br><span class="c">{undated:,} undated</span>' if undated else "") + "</div>")
    st.html("".join(facet_html(n, label, p, facets[n]) for n, label, p in FACETS))
with main:
    if not rows:
        st.info("No statement matches these filters.")
    terms = search_terms(f.text or "")
    st.html("".join(statement_card(r, terms, edit=ui.edits_enabled()) for r in rows))
    if pages > 1:
        st.caption(f"Page {page_no:,} of {pages:,}")
if selected is not None:
    with detail:
        stmt = ui.q(query.get_statement, selected)
        if stmt is None:
            st.warning(f"No statement with id {selected}.")
        else:
            with st.container(border=True):
                ui.statement_detail(stmt)
            ui.legend(("speaker", "cue", "content", "sentence"))
            if st.button("Close", icon=":material/close:", key="close_detail"):
                st.query_params.pop("statement", None)
                st.rerun()
st.session_state["_stmt_params_seen"] = st.query_params.to_dict()
