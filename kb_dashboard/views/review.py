"""Review actors: the actors most likely to be wrong (kb.review, the list `kb actors review`
prints), most misleading first, with a one-line reason and the fix beside each: merge into the
actor it duplicates, rename, or "not an actor" (the actor deleted, its statements kept with an
unresolved speaker); merge and "not an actor" ask first, as on the actor page."""

from __future__ import annotations

import components as ui
import edits
import streamlit as st
from sqlalchemy import select

from kb import edit
from kb.db import session_scope
from kb.models import Actor
from kb.review import review

st.title("Review actors")
st.caption("The actors most likely to be wrong: junk names, duplicates, wrong kinds. The top of the "
           "list misleads most (many statements, a sure rule). Switch on edits in the sidebar to fix them.")
limit = st.slider("How many", 10, 200, 30, step=10)
with session_scope(ui.url()) as s:
    findings = review(s, limit=limit)
edits.show_message()
if not findings:
    st.success("Nothing to review.")
    st.stop()
can_edit = ui.edits_enabled()

with session_scope(ui.url()) as s:  # the ids of the actors a duplicate would be merged into
    others = {f.other for f in findings if f.other}
    other_ids = {n: i for n, i in s.execute(select(Actor.name, Actor.id).where(Actor.name.in_(others)))}


for k, f in enumerate(findings, 1):
    with st.container(border=True):
        c = st.columns([3, 1, 1, 4])
        with c[0]:
            ui.actor_link(f.actor_id, f"{k}. {f.name}", key=f"rv-link-{f.actor_id}")
        c[1].write(f.kind)
        c[2].write(f"{f.statements} st. · {f.mentions} m.")
        c[3].write(f"**{f.problem}**: {f.reason}")
        if can_edit:
            b = st.columns([2, 3, 1, 2], vertical_alignment="bottom")
            if f.other in other_ids and b[0].button(f"Merge into {f.other}…", key=f"rv-merge-{f.actor_id}",
                                                    type="primary"):
                edits.confirm_merge(other_ids[f.other], f.other, f.actor_id, f.name)
            new = b[1].text_input("Rename to", key=f"rv-name-{f.actor_id}", placeholder=f.name)
            if b[2].button("Rename", key=f"rv-rename-{f.actor_id}", disabled=not new.strip()):
                edits._apply(edit.rename_actor, f.name, new)
            if b[3].button("Not an actor…", key=f"rv-junk-{f.actor_id}",
                           help="Junk the extractor took for an actor: delete it; its statements stay, "
                                "without a resolved speaker."):
                edits.confirm_not_actor(f.actor_id, f.name)
