"""Flagged statements: the ones marked wrong (left out of every count, search and graph), with
the way back: unflag (edits on)."""

from __future__ import annotations

import components as ui
import streamlit as st

from kb_dashboard import queries
from kb_dashboard.logic import statement_card

st.title("Flagged statements")
rows = ui.q(queries.flagged_statements)
if not rows:
    st.info("No statement is flagged as wrong. Flag one from its detail on the Statements page "
            "(with edits on).")
    st.stop()
st.caption(f"{len(rows):,} statements marked wrong; they are left out of counts, searches and "
           "the graph until unflagged.")
for r in rows:
    c = st.columns([6, 1], vertical_alignment="center")
    c[0].html(statement_card(r, edit=ui.edits_enabled()))
    if ui.edits_enabled():
        import edits

        with c[1]:
            edits.flag_controls(r, key_prefix="flagged")
