"""Documents: the list, and a reader with speakers, cues, contents and actor mentions marked."""

from __future__ import annotations

import components as ui
import streamlit as st
import streamlit.components.v1 as components

from kb import query
from kb.ingest.complete import file_name
from kb_dashboard.logic import document_marks, href, int_param, md, safe_href, statement_card

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
    rows = [{"title": r["title"] or file_name(r["path"] or ""), "published": r["published"],
             "source": r["source"], "statements": r["statements"],
             "statements_link": href("statements", document=r["id"]), "characters": r["n_chars"],
             "open": href("documents", document=r["id"])} for r in page.rows]
    if not rows:
        st.info("No documents." if not key else "No document matches.")
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_order=("title", "published", "source", "statements", "statements_link", "open"),
                 column_config={
                     "open": st.column_config.LinkColumn("read", display_text="read"),
                     "statements_link": st.column_config.LinkColumn("its statements", display_text="list"),
                     "title": st.column_config.TextColumn("title", width="large")})
    st.stop()

doc = ui.q(query.get_document, doc_id)
if doc is None:
    st.title("Documents")
    st.error(f"Not found: there is no document with id {doc_id}.")
    st.page_link(ui.PAGES["documents"], label="All documents", icon=":material/arrow_back:")
    st.stop()

st.page_link(ui.PAGES["documents"], label="All documents", icon=":material/arrow_back:")
st.title(md(doc["title"] or file_name(doc["path"] or "") or f"Document {doc_id}"))
meta = [md(x) for x in (doc.get("published") or "undated", doc.get("source"),
                        file_name(doc.get("path") or "")) if x]  # the file's name, never its folder
st.caption(" · ".join(meta))
if safe_href(doc.get("url")):
    st.link_button("Original", safe_href(doc["url"]), icon=":material/open_in_new:")

selected = int_param(params, "statement")
chosen = next((r for r in doc["statements"] if r["id"] == selected), None)
if selected is not None and chosen is None:
    st.warning(f"Statement {selected} is not in this document.")
show = st.pills("Mark", ["speakers", "cues", "contents", "mentions"],
                default=["speakers", "cues", "contents", "mentions"], selection_mode="multi",
                key="d_marks")
text_col, side = st.columns([3, 2], gap="large")
with text_col:
    marks = document_marks(doc, set(show or ()), selected if chosen else None)
    ui.legend(("speaker", "cue", "content", "mention", "sentence"))
    body = ui.highlight(doc["text"], marks)
    if chosen:  # the selected sentence: an anchor the page scrolls to
        body = body.replace('<mark class="kb-sentence">', '<mark class="kb-sentence" id="kb-selected">', 1)
    st.html(f'<div class="kb-text" style="max-height:none">{body}</div>')
    if chosen:
        components.html("""<script>
          const el = window.parent.document.getElementById('kb-selected');
          if (el) { el.scrollIntoView({block: 'center'}); }
        </script>""", height=0)
with side:
    n = len(doc["statements"])
    st.page_link(ui.PAGES["statements"], label=f"**{n} statements** in this document",
                 icon=":material/format_quote:", query_params={"document": doc_id})
    text = doc["text"]
    cards = []
    for r in doc["statements"]:
        row = {**r, "sentence": text[r["sentence_start"]:r["sentence_end"]] if r.get("sentence_end") else None}
        card = statement_card(row, edit=ui.edits_enabled())
        if r["id"] == selected:
            card = card.replace('class="kb-card"', 'class="kb-card" style="border:2px solid #e0a800"', 1)
        cards.append(card)
    st.html('<div style="max-height:60rem;overflow-y:auto">' + "".join(cards) + "</div>")
    actors = sorted({(m["actor_id"], m["actor"]) for m in doc["mentions"]}, key=lambda x: x[1])
    if actors:
        st.subheader(f"{len(actors)} actors mentioned")
        for aid, name in actors:
            st.page_link(ui.PAGES["actor"], label=md(name), icon=":material/person:",
                         query_params={"actor": aid})
