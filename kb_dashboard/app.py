"""kb dashboard: who said what, where exactly, about whom.

Run: `kb dashboard` (over KB_DATABASE_URL, on http://127.0.0.1:8501), or `make demo`.
`kb dashboard --host 0.0.0.0 --read-only` serves a team with ingest and every edit control off.
"""

import components as ui
import streamlit as st

from kb.config import get_settings

st.set_page_config(page_title="kb · who said what", page_icon=":material/format_quote:",
                   layout="wide")
settings = get_settings()

pages = [
    st.Page(ui.PAGES["overview"], title="Overview", icon=":material/dashboard:", default=True),
    st.Page(ui.PAGES["statements"], title="Statements", icon=":material/format_quote:"),
    st.Page(ui.PAGES["claims"], title="Claims", icon=":material/fact_check:"),
    st.Page(ui.PAGES["actor"], title="Actor profile", icon=":material/person:"),
    st.Page(ui.PAGES["graph"], title="Actor graph", icon=":material/hub:"),
    st.Page(ui.PAGES["documents"], title="Documents", icon=":material/article:"),
    st.Page(ui.PAGES["review"], title="Review actors", icon=":material/rule:"),
]
if settings.allow_edits:
    pages.append(st.Page(ui.PAGES["ingest"], title="Ingest", icon=":material/upload:"))
page = st.navigation(pages)

ui.style()
ui.refresh_state()
with st.sidebar:
    st.caption(f"KB: `{ui.display_url(settings.database_url)}`")
    if settings.allow_edits:
        # The switch lives in a plain session key so it survives pages that drop the widget.
        st.toggle("Enable edits", value=st.session_state.get("edits", False), key="_edits_toggle",
                  on_change=lambda: st.session_state.update(edits=st.session_state["_edits_toggle"]),
                  help="Browsing is read-only; switch on to add aliases, merge actors or flag "
                       "statements. Edits are written to the KB at once.")
    else:
        st.caption("Read-only (KB_READ_ONLY=1)")
page.run()
