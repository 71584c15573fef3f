"""Documents: the list, and a reader with speakers, cues, contents and actor mentions marked."""

from __future__ import annotations

import components as ui
import streamlit as st

from kb import query
from kb_dashboard.logic import document_marks, int_param, statement_table

PAGE_SIZE = 50

params = st.query_params.to_dict()
doc_id = int_param(params, "document")

if doc_id is None:
    st.title("Documents")
    search = st.text_input("Find a document", placeholder="title, URL, file or outlet", key="d_q",
                           icon=":material/search:")
    key = search.strip()
    if st.session_state.get("_doc_key") != key:
        st.session_state["_doc_key"] = key
        st.session_state["_doc_cursors"] = [None]
    cursors = st.session_state["_doc_cursors"]
    page = ui.q(query.list_documents, key or None, limit=PAGE_SIZE, cursor=cursors[-1])
    c = st.columns([4, 1, 1])
    c[0].caption(f"Page {len(cursors)} · newest ingested first")
    if c[1].button("Newer", disabled=len(cursors) == 1, icon=":material/chevron_left:", width="stretch"):
        cursors.pop()
        st.rerun()
    if c[2].button("Older", disabled=page.next_cursor is None, icon=":material/chevron_right:",
                   icon_position="right", width="stretch"):
        cursors.append(page.next_cursor)
        st.rerun()
    rows = [{"title": r["title"] or r["path"], "published": r["published"], "source": r["source"],
             "statements": r["statements"], "characters": r["n_chars"],
             "open": f"documents?document={r['id']}"} for r in page.rows]
    if not rows:
        st.info("No documents." if not key else "No document matches.")
    st.dataframe(rows, hide_index=True, width="stretch", column_config={
        "open": st.column_config.LinkColumn("open", display_text="read"),
        "title": st.column_config.TextColumn("title", width="large")})
    st.stop()

doc = ui.q(query.get_document, doc_id)
if doc is None:
    st.error(f"No document with id {doc_id}.")
    st.page_link(ui.PAGES["documents"], label="All documents", icon=":material/arrow_back:")
    st.stop()

st.page_link(ui.PAGES["documents"], label="All documents", icon=":material/arrow_back:")
st.title(doc["title"] or doc["path"] or f"Document {doc_id}")
meta = [str(x) for x in (doc.get("published") or "undated", doc.get("source"), doc.get("path")) if x]
st.caption(" · ".join(meta))
if doc.get("url"):
    st.link_button("Original", doc["url"], icon=":material/open_in_new:")

selected = int_param(params, "statement")
show = st.pills("Mark", ["speakers", "cues", "contents", "mentions"],
                default=["speakers", "cues", "contents", "mentions"], selection_mode="multi",
                key="d_marks")
text_col, side = st.columns([3, 2], gap="large")
with text_col:
    marks = document_marks(doc, set(show or ()), selected)
    ui.legend(("speaker", "cue", "content", "mention", "sentence"))
    st.html(f'<div class="kb-text" style="max-height:none">{ui.highlight(doc["text"], marks)}</div>')
with side:
    st.subheader(f"{len(doc['statements'])} statements")
    table = statement_table(doc["statements"])
    for r in table:
        st.page_link(ui.PAGES["statements"],
                     label=f"{r['speaker'] or '?'} · {r['cue'] or ''} · {r['claim type']}",
                     icon=":material/format_quote:", query_params={"statement": r["id"]})
        st.caption((r["content"] or "")[:240] + (f" → {r['targets']}" if r["targets"] else ""))
    actors = sorted({(m["actor_id"], m["actor"]) for m in doc["mentions"]}, key=lambda x: x[1])
    if actors:
        st.subheader(f"{len(actors)} actors mentioned")
        for aid, name in actors:
            st.page_link(ui.PAGES["actor"], label=name, icon=":material/person:",
                         query_params={"actor": aid})
