"""Edit controls (shown only with "Enable edits" on): every write goes through kb.edit."""

from __future__ import annotations

import components as ui
import streamlit as st

from kb import edit
from kb.db import write_with_retry


def _apply(fn, *args, **kwargs) -> None:
    """Run one kb.edit function in its own write transaction (retried if a concurrent ingest gets
    in the way); show its message; refresh every view."""
    try:
        message = write_with_retry(lambda s: fn(s, *args, **kwargs), ui.url())
    except (edit.EditError, edit.ActorNotFound) as e:
        st.session_state["_edit_msg"] = ("error", str(e))
    else:
        st.session_state["_edit_msg"] = ("ok", message)
        ui.refresh_state()
    st.rerun()


def show_message() -> None:
    kind, text = st.session_state.pop("_edit_msg", (None, None))
    if kind == "ok":
        st.success(text, icon=":material/check:")
    elif kind == "error":
        st.error(text, icon=":material/block:")


def actor_edits(profile: dict, names: dict[int, str]) -> None:
    a = profile["actor"]
    st.subheader("Edit")
    show_message()
    with st.form("add_alias", clear_on_submit=True, border=False):
        surface = st.text_input("Add an alias", placeholder="e.g. the spokesman's full title")
        merge = st.checkbox("If it names another actor with statements, merge that actor in")
        if st.form_submit_button("Add alias", icon=":material/add:") and surface.strip():
            _apply(edit.add_alias, surface, a["name"], merge=merge)
    removable = [al["surface"] for al in profile["aliases"]]
    if removable:
        c = st.columns([3, 1], vertical_alignment="bottom")
        gone = c[0].selectbox("Remove an alias", removable, index=None, key=f"rm_alias_{a['id']}")
        if c[1].button("Remove", disabled=gone is None, key=f"rm_alias_btn_{a['id']}"):
            _apply(edit.remove_alias, gone)
    others = [i for i in names if i != a["id"]]
    c = st.columns([3, 1], vertical_alignment="bottom")
    drop = c[0].selectbox(f"Merge another actor into {a['name']}", others, index=None,
                          format_func=lambda i: names[i], key=f"merge_{a['id']}",
                          help="Its statements, mentions, affiliations and aliases move here.")
    if c[1].button("Merge", disabled=drop is None, type="primary", key=f"merge_btn_{a['id']}"):
        _apply(edit.merge_actors, a["name"], names[drop])


def flag_controls(stmt: dict) -> None:
    show_message()
    flagged = bool(stmt.get("flagged"))
    if st.button("Unflag (the statement is right)" if flagged else "Mark this statement wrong",
                 key=f"flag-{stmt['id']}", icon=":material/flag:"):
        _apply(edit.flag_statement, stmt["id"], flagged=not flagged)
