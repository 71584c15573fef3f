"""Ingest: upload files in the formats `kb ingest` takes; same pipeline, one result per file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import components as ui
import streamlit as st

from kb.ingest import SUPPORTED
from kb_dashboard.logic import ingest_uploads

st.title("Ingest")
st.caption("Upload articles or press releases: " + ", ".join(sorted(SUPPORTED))
           + ". Each file goes through the same pipeline as `kb ingest`; "
           "documents already in the KB (same text) are left unchanged.")

uploads = st.file_uploader("Files", type=[e.lstrip(".") for e in sorted(SUPPORTED)],
                           accept_multiple_files=True, key="uploads")


@st.cache_resource(show_spinner="Loading the spaCy pipeline…")
def _nlp():
    from kb.nlp import load_nlp

    return load_nlp()


if st.button("Ingest", type="primary", disabled=not uploads, icon=":material/upload:"):
    bar = st.progress(0.0, text="Loading the spaCy pipeline…")
    nlp = _nlp()
    with tempfile.TemporaryDirectory(prefix="kb-upload-") as tmp:
        files = []
        for up in uploads:
            path = Path(tmp) / Path(up.name).name  # never trust a client path
            path.write_bytes(up.getvalue())
            files.append(path)

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / total, text=f"{done}/{total} files · {name}")

        results = ingest_uploads(files, nlp, ui.url(), tmp, progress)
    bar.progress(1.0, text="Done")
    ui.refresh_state()
    st.session_state["ingest_results"] = results

results = st.session_state.get("ingest_results")
if results:
    new = sum(r["new"] for r in results)
    errors = [r for r in results if r["errors"]]
    (st.warning if errors else st.success)(
        f"{len(results)} files: {new} new documents, "
        f"{sum(r['statements'] for r in results)} statements, {len(errors)} files with errors")
    st.dataframe(results, hide_index=True, width="stretch",
                 column_config={"errors": st.column_config.ListColumn("errors", width="large"),
                                "warnings": st.column_config.ListColumn("warnings", width="medium")})
    if new:
        st.page_link(ui.PAGES["documents"], label="Open the documents", icon=":material/article:")
