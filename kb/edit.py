"""Analyst edits: aliases, merges, renames, flags. Used by the CLI and the dashboard.

Each function is one edit: call it inside ``kb.db.session_scope()`` so the edit commits as one
transaction or not at all. Functions flush, never commit, and return a one-line message saying
what changed. Aliases written here have ``origin="analyst"``, which the resolver reads back on
the next ingest; the cached actor graph is dropped when the edit commits. Each edit keeps the
counters (kb.store) right: it adds its deltas and recounts the actors whose statements it moved.
Run edits in a write transaction (``session_scope(write=True)`` or ``write_with_retry``): on
SQLite, a deferred transaction that reads then writes fails if an ingest commits in between.
"""

from __future__ import annotations

from sqlalchemy import delete, event, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from kb.graph.queries import ActorNotFound, find_actor
from kb.models import Actor, Affiliation, Alias, Mention, Statement, StatementTarget
from kb.names import normalise
from kb.store import bump_counters, recount_actors

__all__ = ["ActorNotFound", "AliasConflict", "EditError", "add_alias", "flag_statement", "list_aliases",
           "merge_actors", "remove_alias", "rename_actor"]


class EditError(ValueError):
    """The edit was refused; nothing was changed."""


class AliasConflict(EditError):
    """The surface form already names another actor that has statements of its own."""

    def __init__(self, surface: str, actor: str, other: str, n: int):
        self.surface, self.actor, self.other, self.n = surface, actor, other, n
        super().__init__(
            f"{surface!r} already names {other!r}, which has {n} statement{'s' * (n != 1)} or "
            f"affiliation{'s' * (n != 1)} of its own; "
            f"merge it into {actor!r} with `kb actors merge {_q(actor)} {_q(other)}` "
            f"or `kb alias add {_q(surface)} {_q(actor)} --merge`")


def _q(name: str) -> str:
    """A name as a shell word the user can paste (quotes, $, backslashes and all)."""
    import shlex

    return shlex.quote(name)


def _after_commit_drop_graph(session: Session) -> None:
    from kb.graph import invalidate

    event.listen(session, "after_commit", lambda _s: invalidate(), once=True)


def _actor(session: Session, name_or_actor) -> Actor:
    return name_or_actor if isinstance(name_or_actor, Actor) else find_actor(session, name_or_actor)


def _uses(session: Session, actor_id: int) -> int:
    """How many statements and affiliations involve the actor (as speaker, target, member or org)."""
    said = session.scalar(select(func.count()).where(Statement.speaker_id == actor_id))
    targeted = session.scalar(select(func.count()).where(StatementTarget.actor_id == actor_id))
    linked = session.scalar(select(func.count()).where(
        or_(Affiliation.person_id == actor_id, Affiliation.organization_id == actor_id)))
    return said + targeted + linked


def add_alias(session: Session, surface: str, actor, merge: bool = False) -> str:
    """Make ``surface`` resolve to ``actor``.

    If the form already names another actor: one with statements of its own is a conflict
    (AliasConflict) unless ``merge`` folds it into ``actor``; one without any is merged silently
    when the form is its own name, else only the alias moves.
    """
    target = _actor(session, actor)
    form = normalise(surface)
    if not form:
        raise EditError(f"{surface!r} has no letters to match on")
    row = session.execute(select(Alias).where(Alias.form == form)).scalar_one_or_none()
    other = session.get(Actor, row.actor_id) if row is not None else None
    if other is None:
        other = session.execute(select(Actor).where(Actor.name == surface.strip())).scalar_one_or_none()
    _after_commit_drop_graph(session)
    if other is not None and other.id != target.id:
        n = _uses(session, other.id)
        if n and not merge:
            raise AliasConflict(surface, target.name, other.name, n)
        if n or normalise(other.name) == form:
            other_name = other.name
            merge_actors(session, target, other)
            return f"merged {other_name!r} into {target.name!r}; {surface!r} now resolves to {target.name!r}"
    if row is None:
        session.add(Alias(form=form, surface=surface.strip(), actor_id=target.id, origin="analyst"))
        session.flush()
        bump_counters(session, {"aliases": 1})
        return f"added alias {surface!r} -> {target.name!r}"
    moved = row.actor_id != target.id
    row.actor_id, row.origin = target.id, "analyst"
    session.flush()
    bump_counters(session)
    verb = "moved" if moved else "kept"
    return f"{verb} alias {surface!r} -> {target.name!r} (analyst)"


def remove_alias(session: Session, surface: str) -> str:
    """Forget a surface form. Statements already resolved through it keep their actor."""
    form = normalise(surface)
    row = session.execute(select(Alias).where(Alias.form == form)).scalar_one_or_none()
    if row is None:
        raise EditError(f"no alias {surface!r}")
    actor = session.get(Actor, row.actor_id)
    if normalise(actor.name) == form:
        raise EditError(f"{surface!r} is the name of {actor.name!r}; rename the actor instead")
    session.delete(row)
    session.flush()
    bump_counters(session, {"aliases": -1})
    _after_commit_drop_graph(session)
    return f"removed alias {surface!r} (was -> {actor.name!r})"


def list_aliases(session: Session, actor=None) -> list[dict]:
    """Aliases, of one actor or all, by actor then form."""
    q = (select(Alias.surface, Alias.form, Actor.name, Alias.origin)
         .join(Actor, Actor.id == Alias.actor_id).order_by(Actor.name, Alias.form))
    if actor is not None:
        q = q.where(Alias.actor_id == _actor(session, actor).id)
    return [dict(zip(("surface", "form", "actor", "origin"), r)) for r in session.execute(q)]


def merge_actors(session: Session, keep, drop) -> str:
    """Fold ``drop`` into ``keep``: statements, targets, mentions, affiliations and aliases move
    to ``keep`` (rows that would then be duplicates are dropped), ``drop``'s name becomes an
    analyst alias of ``keep``, and ``drop`` is deleted."""
    keep, drop = _actor(session, keep), _actor(session, drop)
    if keep.id == drop.id:
        raise EditError(f"{keep.name!r} and {drop.name!r} are the same actor")
    k, d = keep.id, drop.id
    moved = {}
    opts = {"synchronize_session": False}

    moved["statements"] = session.execute(
        update(Statement).where(Statement.speaker_id == d).values(speaker_id=k), execution_options=opts).rowcount

    t2 = aliased(StatementTarget)
    gone = {}
    gone["targets"] = session.execute(delete(StatementTarget).where(
        StatementTarget.actor_id == d,
        exists().where(t2.statement_id == StatementTarget.statement_id, t2.actor_id == k,
                       t2.role == StatementTarget.role)), execution_options=opts).rowcount
    moved["targets"] = session.execute(
        update(StatementTarget).where(StatementTarget.actor_id == d).values(actor_id=k),
        execution_options=opts).rowcount

    moved["mentions"] = session.execute(
        update(Mention).where(Mention.actor_id == d).values(actor_id=k), execution_options=opts).rowcount

    a2 = aliased(Affiliation)
    gone["affiliations"] = session.execute(delete(Affiliation).where(
        or_(Affiliation.person_id == d, Affiliation.organization_id == d),
        or_(
            # would point at itself after the merge
            (Affiliation.person_id == d) & (Affiliation.organization_id.in_([k, d])),
            (Affiliation.organization_id == d) & (Affiliation.person_id == k),
            # the same fact is already stored for keep
            exists().where(a2.person_id == k, a2.organization_id == Affiliation.organization_id,
                           a2.relation == Affiliation.relation, Affiliation.person_id == d),
            exists().where(a2.organization_id == k, a2.person_id == Affiliation.person_id,
                           a2.relation == Affiliation.relation, Affiliation.organization_id == d),
        )), execution_options=opts).rowcount
    moved["affiliations"] = session.execute(
        update(Affiliation).where(Affiliation.person_id == d).values(person_id=k), execution_options=opts).rowcount
    moved["affiliations"] += session.execute(
        update(Affiliation).where(Affiliation.organization_id == d).values(organization_id=k),
        execution_options=opts).rowcount

    moved["aliases"] = session.execute(
        update(Alias).where(Alias.actor_id == d).values(actor_id=k, origin="analyst"),
        execution_options=opts).rowcount
    form = normalise(drop.name)
    new_alias = session.execute(select(Alias.id).where(Alias.form == form)).first() is None
    if new_alias:
        session.add(Alias(form=form, surface=drop.name, actor_id=k, origin="analyst"))

    if keep.kind == "unknown":
        keep.kind = drop.kind
    keep.external_id = keep.external_id or drop.external_id
    keep.description = keep.description or drop.description
    drop_name = drop.name
    session.flush()
    session.execute(delete(Actor).where(Actor.id == d), execution_options=opts)
    session.expunge(drop)
    session.flush()
    recount_actors(session, [k, d])  # d: its accusation pairs go too
    bump_counters(session, {"actors": -1, "aliases": int(new_alias), "targets": -gone["targets"],
                            "affiliations": -gone["affiliations"]})
    session.expire_all()
    _after_commit_drop_graph(session)
    detail = ", ".join(f"{n} {what}" for what, n in moved.items() if n)
    return f"merged {drop_name!r} into {keep.name!r}" + (f" (moved {detail})" if detail else "")


def rename_actor(session: Session, actor, new_name: str) -> str:
    """Give an actor a new canonical name; the old name stays as an alias."""
    actor = _actor(session, actor)
    new_name = " ".join(new_name.split())
    if not new_name:
        raise EditError("the new name is empty")
    clash = session.execute(select(Actor).where(Actor.name == new_name, Actor.id != actor.id)).scalar_one_or_none()
    form = normalise(new_name)
    row = session.execute(select(Alias).where(Alias.form == form)).scalar_one_or_none()
    if clash is None and row is not None and row.actor_id != actor.id:
        clash = session.get(Actor, row.actor_id)
    if clash is not None:
        raise EditError(f"{new_name!r} already names {clash.name!r}; merge them with "
                        f"`kb actors merge {_q(actor.name)} {_q(clash.name)}`")
    old = actor.name
    added = 0
    for name in (old, new_name):
        f = normalise(name)
        if session.execute(select(Alias.id).where(Alias.form == f)).first() is None:
            session.add(Alias(form=f, surface=name, actor_id=actor.id, origin="analyst"))
            added += 1
    actor.name = new_name
    session.flush()
    bump_counters(session, {"aliases": added})
    _after_commit_drop_graph(session)
    return f"renamed {old!r} to {new_name!r}"


def flag_statement(session: Session, statement_id: int, flagged: bool = True) -> str:
    """Mark a statement wrong (left out of the graph and counts) or clear the mark."""
    st = session.get(Statement, statement_id)
    if st is None:
        raise EditError(f"no statement {statement_id}")
    sign = int(bool(flagged)) - int(bool(st.flagged))  # +1 flagged now, -1 unflagged, 0 no change
    st.flagged = flagged
    session.flush()
    if sign:
        targets = session.scalars(select(StatementTarget.actor_id).where(StatementTarget.statement_id == st.id))
        recount_actors(session, [*targets, *([st.speaker_id] if st.speaker_id else [])])
        day = st.published.isoformat() if st.published else ""
        bump_counters(session, {"flagged": sign, ("kind", st.kind): -sign,
                                ("claim_type", st.claim_type): -sign, ("day", day): -sign})
    else:
        bump_counters(session)
    _after_commit_drop_graph(session)
    return f"statement {statement_id} {'flagged' if flagged else 'unflagged'}"
