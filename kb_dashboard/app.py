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
    st.Page(ui.PAGES["flagged"], title="Flagged statements", icon=":material/flag:"),
]
if settings.allow_edits:
    pages.append(st.Page(ui.PAGES["ingest"], title="Ingest", icon=":material/upload:"))
page = st.navigation(pages)

ui.style()
ui.refresh_state()


def _switch_edits() -> None:
    st.session_state["edits"] = st.session_state["_edits_toggle"]


# Edit mode lives in the session and in the URL (?edit=1), so a reload or a link that reloads
# the page keeps it; read-only mode ignores both.
if settings.allow_edits and st.query_params.get("edit") == "1":
    st.session_state.setdefault("edits", True)
with st.sidebar:
    if settings.allow_edits:
        st.caption(f"KB: `{ui.display_url(settings.database_url)}`")
        st.toggle("Enable edits", value=st.session_state.get("edits", False), key="_edits_toggle",
                  on_change=_switch_edits,
                  help="Browsing is read-only; switch on to add aliases, merge, rename or flag. "
                       "Edits are written to the KB at once.")
    else:
        st.caption("Read-only")  # no database path: a served KB does not tell where it lives
if ui.edits_enabled():
    st.query_params["edit"] = "1"
else:
    st.query_params.pop("edit", None)
page.run()
