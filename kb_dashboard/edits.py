"""Edit controls (shown only with "Enable edits" on): every write goes through kb.edit."""

from __future__ import annotations

import components as ui
import streamlit as st

from kb import edit
from kb.db import write_with_retry
from kb.models import ACTOR_KINDS
from kb_dashboard.logic import md


def _apply(fn, *args, **kwargs) -> None:
    """Run one kb.edit function in its own write transaction (retried if a concurrent ingest gets
    in the way); show its message; refresh every view."""
    try:
        message = write_with_retry(lambda s: fn(s, *args, **kwargs), ui.url())
    except (edit.EditError, edit.ActorNotFound) as e:
        st.session_state["_edit_msg"] = ("error", md(str(e)))
    else:
        st.session_state["_edit_msg"] = ("ok", md(message))
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
        gone = st.selectbox("Remove an alias", removable, index=None, key=f"rm_alias_{a['id']}")
        if st.button("Remove the alias", disabled=gone is None, key=f"rm_alias_btn_{a['id']}"):
            _apply(edit.remove_alias, gone)
    with st.form(f"rename_{a['id']}", border=False):
        new_name = st.text_input("Rename", value=a["name"], help="The old name stays as an alias.")
        if st.form_submit_button("Rename") and new_name.strip() and new_name.strip() != a["name"]:
            _apply(edit.rename_actor, a["id"], new_name)
    kinds = list(ACTOR_KINDS)
    kind = st.selectbox("Kind", kinds, index=kinds.index(a["kind"]) if a["kind"] in kinds else 0,
                        key=f"kind_{a['id']}")
    if st.button("Change kind", disabled=kind == a["kind"], key=f"kind_btn_{a['id']}"):
        _apply(set_kind, a["id"], kind)
    others = [i for i in names if i != a["id"]]
    drop = st.selectbox(f"Merge another actor into {md(a['name'])}", others, index=None,
                        format_func=lambda i: names[i], key=f"merge_{a['id']}",
                        help="Its statements, mentions, affiliations and aliases move here.")
    if st.button("Merge…", disabled=drop is None, type="primary", key=f"merge_btn_{a['id']}"):
        confirm_merge(a["id"], a["name"], drop, names[drop])
    st.divider()
    if st.button("Not an actor…", key=f"not_actor_{a['id']}", icon=":material/person_off:",
                 help="Junk the extractor took for an actor: delete it; its statements stay, "
                      "without a resolved speaker."):
        confirm_not_actor(a["id"], a["name"])


@st.dialog("Merge two actors?")
def confirm_merge(keep_id: int, keep: str, drop_id: int, drop: str) -> None:
    st.markdown(f"**{md(drop)}** will be folded into **{md(keep)}**: its statements, mentions, "
                f"affiliations and aliases move, and {md(drop)} is deleted.")
    c = st.columns(2)
    if c[0].button("Merge", type="primary", key="confirm_merge"):
        _apply(edit.merge_actors, keep_id, drop_id)
    if c[1].button("Cancel", key="cancel_merge"):
        st.rerun()


@st.dialog("Not an actor?")
def confirm_not_actor(actor_id: int, name: str) -> None:
    st.markdown(f"**{md(name)}** will be deleted. Its statements stay, with an unresolved speaker; "
                "it is no longer a target or a mention.")
    c = st.columns(2)
    if c[0].button("Delete the actor", type="primary", key="confirm_not_actor"):
        _apply(not_an_actor, actor_id)
    if c[1].button("Cancel", key="cancel_not_actor"):
        st.rerun()


def set_kind(session, actor_id: int, kind: str) -> str:
    return edit.set_kind(session, actor_id, kind)


def not_an_actor(session, actor_id: int) -> str:
    return edit.not_an_actor(session, actor_id)


def flag_controls(stmt: dict, key_prefix: str = "flag") -> None:
    show_message()
    flagged = bool(stmt.get("flagged"))
    if st.button("Unflag (the statement is right)" if flagged else "Mark this statement wrong",
                 key=f"{key_prefix}-{stmt['id']}", icon=":material/flag:"):
        _apply(edit.flag_statement, stmt["id"], flagged=not flagged)
