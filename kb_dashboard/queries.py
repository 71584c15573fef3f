"""Read queries only the dashboard needs: facet counts under a filter, a sorted page of statements
with their sentences (jump to any page or date), and the ranked accuser -> accused pairs.

Built on ``kb.query``'s filter (``StatementFilter`` and its WHERE clauses), so a facet count and
the statements it links to always agree. Every value is a bound parameter.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from kb import query
from kb.models import AccusationCount, Actor, Document, Source, Statement, StatementTarget

SORTS = {  # label -> ORDER BY, newest first by default
    "newest first": (Statement.published.desc().nulls_last(), Statement.id.desc()),
    "oldest first": (Statement.published.asc().nulls_last(), Statement.id.asc()),
    "latest ingested": (Statement.id.desc(),),
}
FACET_LIMIT = 12


def _where(session: Session, f: query.StatementFilter) -> list | None:
    found = query._conditions(session, f)  # noqa: SLF001  (the one definition of a filter)
    return None if found is None else found[0]


def facets(session: Session, f: query.StatementFilter, limit: int = FACET_LIMIT) -> dict:
    """Counts of the statements matching ``f`` by speaker, claim type, kind, target, source and
    event family (when the KB has that column), most first, and their date range."""
    where = _where(session, f)
    empty = {"speaker": [], "claim_type": [], "kind": [], "target": [], "source": [], "event": [],
             "dates": (None, None, 0), "total": 0}
    if where is None:
        return empty
    n = func.count().label("n")

    def grouped(*cols, joins=(), extra=()):
        stmt = select(*cols, n).select_from(Statement)
        for table, on in joins:
            stmt = stmt.join(table, on)
        stmt = stmt.where(*where, *extra).group_by(*cols).order_by(n.desc(), *cols).limit(limit)
        return session.execute(stmt).all()

    out = dict(empty)
    out["speaker"] = [{"id": i, "value": name, "count": c} for i, name, c in grouped(
        Actor.id, Actor.name, joins=[(Actor, Actor.id == Statement.speaker_id)])]
    out["claim_type"] = [{"value": v, "count": c} for v, c in grouped(Statement.claim_type)
                         if v is not None]
    out["kind"] = [{"value": v, "count": c} for v, c in grouped(Statement.kind) if v is not None]
    target, link = aliased(Actor), aliased(StatementTarget)  # aliases: the filter's own EXISTS
    out["target"] = [{"id": i, "value": name, "count": c} for i, name, c in grouped(  # keeps its FROM
        target.id, target.name, joins=[(link, link.statement_id == Statement.id),
                                       (target, target.id == link.actor_id)])]
    out["source"] = [{"value": v, "count": c} for v, c in grouped(
        Source.name, joins=[(Source, Source.id == Statement.source_id)])]
    event = getattr(Statement, "event", None)  # issue 11's event family, when present
    if event is not None:
        out["event"] = [{"value": v, "count": c} for v, c in grouped(event) if v is not None]
    first, last, undated = session.execute(
        select(func.min(Statement.published), func.max(Statement.published),
               func.count().filter(Statement.published.is_(None))).select_from(Statement).where(*where)
    ).one()
    out["dates"] = (first, last, undated or 0)
    return out


def statement_page(session: Session, f: query.StatementFilter, sort: str = "newest first",
                   offset: int = 0, limit: int = 50) -> list[dict]:
    """One page of statements matching ``f`` in ``sort`` order from ``offset``, each with its
    sentence text and targets (``kb.query`` rows plus ``sentence``)."""
    where = _where(session, f)
    if where is None:
        return []
    length = Statement.sentence_end - Statement.sentence_start
    stmt = (select(*query._STATEMENT_COLUMNS,  # noqa: SLF001
                   func.substr(Document.text, Statement.sentence_start + 1, length).label("sentence"))
            .join(Document, Document.id == Statement.document_id)
            .outerjoin(Source, Source.id == Document.source_id)
            .outerjoin(Actor, Actor.id == Statement.speaker_id)
            .where(*where).order_by(*SORTS.get(sort, SORTS["newest first"]))
            .offset(max(0, int(offset))).limit(query._clamp(limit)))  # noqa: SLF001
    rows = [dict(r._mapping) for r in session.execute(stmt)]
    query._attach_targets(session, rows)  # noqa: SLF001
    return rows


def offset_of_date(session: Session, f: query.StatementFilter, day: date, sort: str) -> int:
    """How many statements come before ``day`` in ``sort`` order: the offset to jump to it."""
    where = _where(session, f)
    if where is None:
        return 0
    if sort == "oldest first":
        before = Statement.published < day
    else:
        before = Statement.published > day
    return session.execute(select(func.count()).select_from(Statement).where(*where, before)).scalar() or 0


def accusation_pairs(session: Session, limit: int = 50) -> list[dict]:
    """Who accuses whom most: ``[{accuser, accuser_id, accused, accused_id, count}]``."""
    accuser, accused = aliased(Actor), aliased(Actor)
    rows = session.execute(
        select(accuser.id, accuser.name, accused.id, accused.name, AccusationCount.n)
        .join(accuser, accuser.id == AccusationCount.accuser_id)
        .join(accused, accused.id == AccusationCount.accused_id)
        .where(AccusationCount.n > 0).order_by(AccusationCount.n.desc(), accuser.name, accused.name)
        .limit(query._clamp(limit))).all()  # noqa: SLF001
    return [{"accuser_id": a, "accuser": an, "accused_id": b, "accused": bn, "count": n}
            for a, an, b, bn, n in rows]


def sources(session: Session) -> list[dict]:
    """Every outlet with its number of unflagged statements, most first (the Source filter)."""
    n = func.count(Statement.id).label("n")
    rows = session.execute(
        select(Source.name, n).outerjoin(Statement, (Statement.source_id == Source.id)
                                         & Statement.flagged.is_(False))
        .group_by(Source.id, Source.name).order_by(n.desc(), Source.name)).all()
    return [{"name": name, "statements": c} for name, c in rows]


def flagged_statements(session: Session, limit: int = 200) -> list[dict]:
    """Statements marked wrong, newest first (they are left out of every other view)."""
    f = query.StatementFilter(include_flagged=True)
    where = _where(session, f) + [Statement.flagged.is_(True)]
    return query._rows(session, where, query._clamp(limit))  # noqa: SLF001


def sentences(session: Session, ids: tuple[int, ...]) -> dict[int, str]:
    """The sentence text of each statement id (for rows ``kb.query`` returns without it)."""
    if not ids:
        return {}
    length = Statement.sentence_end - Statement.sentence_start
    rows = session.execute(
        select(Statement.id, func.substr(Document.text, Statement.sentence_start + 1, length))
        .join(Document, Document.id == Statement.document_id).where(Statement.id.in_(list(ids)))).all()
    return {i: text for i, text in rows if text}
