"""The read API: the CLI and the dashboard ask the KB through these functions only.

Every query is built with SQLAlchemy expressions (all values bound as parameters), pages through
statements by keyset on ``Statement.id`` (newest first, no OFFSET scans) and loads the targets of
a page in one query. Functions return plain dicts so callers need no ORM session afterwards.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, cast, false, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlmodel import Session

from kb.db import fts_match
from kb.models import (
    Actor,
    Affiliation,
    Alias,
    Document,
    Mention,
    Source,
    Statement,
    StatementTarget,
)
from kb.resolve import normalise

CONTEXT_CHARS = 300  # characters of document text shown around a statement's sentence
MAX_LIMIT = 1000


@dataclass
class StatementFilter:
    text: str | None = None  # full-text search; searched as plain text, never parsed as syntax
    speaker: str | None = None  # actor name or alias
    target: str | None = None  # actor name or alias
    role: str | None = None  # accused | addressed | mentioned (with target)
    claim_type: str | None = None
    kind: str | None = None
    source: str | None = None  # outlet name
    date_from: date | None = None
    date_to: date | None = None
    document_id: int | None = None
    include_flagged: bool = False


@dataclass
class Page:
    rows: list[dict]
    next_cursor: int | None  # pass back as ``cursor`` for the next (older) page; None on the last


def _clean(text: str | None) -> str:
    """User-typed text as a query value: NUL (which PostgreSQL refuses in text) dropped, trimmed."""
    return (text or "").replace("\x00", "").strip()


# --- actors ---------------------------------------------------------------------------------------

def find_actor(session: Session, name: str | None) -> Actor | None:
    """The actor called ``name``: by exact canonical name, then by alias form."""
    name = _clean(name)
    if not name:
        return None
    actor = session.execute(select(Actor).where(Actor.name == name)).scalars().first()
    if actor is None:
        actor = session.execute(
            select(Actor).join(Alias, Alias.actor_id == Actor.id).where(Alias.form == normalise(name))
        ).scalars().first()
    return actor


def find_source(session: Session, name: str | None) -> int | None:
    """The id of the outlet called ``name`` (exact, then ignoring case)."""
    name = _clean(name)
    if not name:
        return None
    found = session.execute(select(Source.id).where(Source.name == name)).scalar()
    if found is None:
        found = session.execute(select(Source.id).where(func.lower(Source.name) == name.lower())).scalar()
    return found


def _like(column, text: str):
    """Case-insensitive substring match with ``%``, ``_`` and the escape char taken literally."""
    return column.icontains(text, autoescape=True)


def list_actors(session: Session, q: str | None = None, kind: str | None = None, limit: int = 50,
                offset: int = 0, sort: str = "statements") -> list[dict]:
    """Actors with how many statements they made, how often they were accused, and mentions.

    ``q`` matches a substring of the canonical name or of any alias. ``sort``: statements
    (most active first) or name. Flagged statements do not count.
    """
    said = _count_unflagged(Statement.speaker_id, Statement.id, [])
    accused = _count_unflagged(StatementTarget.actor_id, StatementTarget.statement_id,
                               [StatementTarget.role == "accused"])
    mentioned = select(Mention.actor_id.label("key"), func.count().label("n")).group_by(Mention.actor_id).subquery()
    n_said = func.coalesce(said.c.n, 0)
    n_accused = func.coalesce(accused.c.n, 0)
    n_mentions = func.coalesce(mentioned.c.n, 0)
    stmt = (
        select(Actor.id, Actor.name, Actor.kind, Actor.external_id,
               n_said.label("statements"), n_accused.label("accused"), n_mentions.label("mentions"))
        .outerjoin(said, said.c.key == Actor.id)
        .outerjoin(accused, accused.c.key == Actor.id)
        .outerjoin(mentioned, mentioned.c.key == Actor.id)
    )
    if kind:
        stmt = stmt.where(Actor.kind == kind)
    q = _clean(q)
    if q:
        alias_hit = select(Alias.actor_id).where(_like(Alias.form, normalise(q)))
        stmt = stmt.where(or_(_like(Actor.name, q), Actor.id.in_(alias_hit)))
    if sort == "name":
        stmt = stmt.order_by(Actor.name, Actor.id)
    else:
        stmt = stmt.order_by(n_said.desc(), (n_accused + n_mentions).desc(), Actor.name, Actor.id)
    stmt = stmt.limit(_clamp(limit)).offset(max(0, offset))
    return [dict(r._mapping) for r in session.execute(stmt)]


def _count_unflagged(key, statement_id, conditions: list):
    """A ``(key, n)`` subquery: rows per actor id among unflagged statements.

    Counted as all rows (an index-only scan) minus the flagged ones: testing ``flagged`` row by
    row would fetch every statement through the index, ~20x slower.
    """
    total = (select(key.label("key"), func.count().label("n"))
             .where(key.is_not(None), *conditions).group_by(key))
    flagged = select(key.label("key"), (-func.count()).label("n")).where(key.is_not(None), *conditions)
    if key.class_ is not Statement:
        flagged = flagged.join(Statement, Statement.id == statement_id)
    flagged = flagged.where(Statement.flagged == true()).group_by(key)
    both = total.union_all(flagged).subquery()
    n = cast(func.sum(both.c.n), Integer)  # PostgreSQL's sum() of counts is numeric
    return select(both.c.key, n.label("n")).group_by(both.c.key).subquery()


def actor_profile(session: Session, actor_id: int, n: int = 20) -> dict | None:
    """Everything the KB knows about one actor, in readable sections."""
    actor = session.get(Actor, actor_id)
    if actor is None:
        return None
    aliases = session.execute(
        select(Alias.id, Alias.form, Alias.surface, Alias.origin)
        .where(Alias.actor_id == actor_id).order_by(Alias.surface)
    ).all()

    other = aliased(Actor)
    affiliations = []
    for direction, mine, theirs in (("out", Affiliation.person_id, Affiliation.organization_id),
                                    ("in", Affiliation.organization_id, Affiliation.person_id)):
        rows = session.execute(
            select(Affiliation.relation, Affiliation.role, Affiliation.document_id,
                   Affiliation.statement_id, other.id, other.name, other.kind)
            .join(other, other.id == theirs).where(mine == actor_id).order_by(other.name)
        ).all()
        affiliations += [
            {"direction": direction, "relation": r.relation, "role": r.role, "actor": r.name,
             "actor_id": r.id, "kind": r.kind, "document_id": r.document_id,
             "statement_id": r.statement_id}
            for r in rows
        ]

    def latest(*where) -> list[dict]:
        return _search(session, list(where), StatementFilter(), n, None).rows

    by_rows = latest(Statement.speaker_id == actor_id)
    about_rows = latest(_targets(actor_id))
    accusations_out = latest(Statement.speaker_id == actor_id, _targets(None, "accused"))
    accusations_in = latest(_targets(actor_id, "accused"))

    return {
        "actor": {"id": actor.id, "name": actor.name, "kind": actor.kind,
                  "external_id": actor.external_id, "description": actor.description},
        "aliases": [dict(a._mapping) for a in aliases],
        "affiliations": affiliations,
        "counts": _actor_counts(session, actor_id),
        "statements_by": by_rows,
        "statements_about": about_rows,
        "accusations_made": {"by_counterpart": _accusation_counts(session, actor_id, made=True),
                             "statements": accusations_out},
        "accusations_received": {"by_counterpart": _accusation_counts(session, actor_id, made=False),
                                 "statements": accusations_in},
        "timeline": _actor_timeline(session, actor_id),
    }


def _actor_counts(session: Session, actor_id: int) -> dict:
    ok = Statement.flagged == false()
    statements = session.execute(
        select(func.count()).select_from(Statement).where(Statement.speaker_id == actor_id, ok)).scalar()
    about = session.execute(
        select(StatementTarget.role, func.count(func.distinct(StatementTarget.statement_id)))
        .join(Statement, Statement.id == StatementTarget.statement_id)
        .where(StatementTarget.actor_id == actor_id, ok).group_by(StatementTarget.role)
    ).all()
    accusations_made = session.execute(
        select(func.count(func.distinct(Statement.id))).select_from(Statement)
        .join(StatementTarget, StatementTarget.statement_id == Statement.id)
        .where(Statement.speaker_id == actor_id, StatementTarget.role == "accused", ok)).scalar()
    mentions, documents = session.execute(
        select(func.count(), func.count(func.distinct(Mention.document_id)))
        .where(Mention.actor_id == actor_id)).one()
    roles = dict(about)
    return {
        "statements": statements,
        "accusations_made": accusations_made,
        "accused": roles.get("accused", 0),
        "addressed": roles.get("addressed", 0),
        "mentioned_in_statements": roles.get("mentioned", 0),
        "mentions": mentions,
        "documents": documents,
    }


def _accusation_counts(session: Session, actor_id: int, made: bool) -> list[dict]:
    """Accusations per counterpart: whom this actor accused (made) or who accused it."""
    other = aliased(Actor)
    if made:
        stmt = (select(other.id, other.name, func.count().label("n"))
                .select_from(Statement)
                .join(StatementTarget, StatementTarget.statement_id == Statement.id)
                .join(other, other.id == StatementTarget.actor_id)
                .where(Statement.speaker_id == actor_id))
    else:
        stmt = (select(other.id, other.name, func.count().label("n"))
                .select_from(StatementTarget)
                .join(Statement, Statement.id == StatementTarget.statement_id)
                .join(other, other.id == Statement.speaker_id)
                .where(StatementTarget.actor_id == actor_id))
    stmt = (stmt.where(StatementTarget.role == "accused", Statement.flagged == false())
            .group_by(other.id, other.name).order_by(func.count().desc(), other.name))
    return [{"actor": r.name, "actor_id": r.id, "count": r.n} for r in session.execute(stmt)]


def _actor_timeline(session: Session, actor_id: int) -> list[dict]:
    said = _per_day(session, [Statement.speaker_id == actor_id])
    about = _per_day(session, [_targets(actor_id)])
    by_month: dict[str, dict] = {}
    for counts, key in ((said, "count"), (about, "about")):
        for day, n in counts:
            row = by_month.setdefault(_bucket(day, "month"), {"count": 0, "about": 0})
            row[key] += n
    return [{"period": p, **by_month[p]} for p in sorted(by_month)]


# --- statements -----------------------------------------------------------------------------------

def _clamp(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _targets(actor_id: int | None, role: str | None = None):
    """Statement has a target (this actor, this role); an indexed IN, not a per-row EXISTS."""
    sub = select(StatementTarget.statement_id)
    if actor_id is not None:
        sub = sub.where(StatementTarget.actor_id == actor_id)
    if role:
        sub = sub.where(StatementTarget.role == role)
    return Statement.id.in_(sub)




def _conditions(session: Session, f: StatementFilter) -> list | None:
    """WHERE clauses for a filter; None when a named actor or outlet does not exist (no rows)."""
    where = []
    if f.speaker:
        actor = find_actor(session, f.speaker)
        if actor is None:
            return None
        where.append(Statement.speaker_id == actor.id)
    if f.target:
        actor = find_actor(session, f.target)
        if actor is None:
            return None
        where.append(_targets(actor.id, f.role))
    elif f.role:
        where.append(_targets(None, f.role))
    if f.source:
        source_id = find_source(session, f.source)
        if source_id is None:
            return None
        where.append(Statement.document_id.in_(select(Document.id).where(Document.source_id == source_id)))
    if f.claim_type:
        where.append(Statement.claim_type == f.claim_type)
    if f.kind:
        where.append(Statement.kind == f.kind)
    if f.date_from:
        where.append(Statement.published >= f.date_from)
    if f.date_to:
        where.append(Statement.published <= f.date_to)
    if f.document_id is not None:
        where.append(Statement.document_id == f.document_id)
    if f.text and f.text.strip():
        # Words (stemmed) and "quoted phrases" in the content, speaker or cue; a text without any
        # word matches nothing. The FTS index makes this independent of the KB's size.
        where.append(Statement.id.in_(fts_match(session, f.text)))
    if not f.include_flagged:
        where.append(Statement.flagged == false())
    return where


_STATEMENT_COLUMNS = (
    Statement.id, Statement.document_id, Document.title.label("document_title"), Statement.published,
    Source.name.label("source"), Actor.name.label("speaker"), Statement.speaker_id, Statement.speaker_text,
    Statement.speaker_start, Statement.speaker_end, Statement.cue_text.label("cue"), Statement.cue_lemma,
    Statement.cue_start, Statement.cue_end, Statement.kind, Statement.claim_type,
    Statement.content_text.label("content"), Statement.content_start, Statement.content_end,
    Statement.sentence_start, Statement.sentence_end, Statement.confidence, Statement.flagged,
    Statement.extractor_version,
)


def _rows(session: Session, where: list, limit: int | None, order_desc: bool = True) -> list[dict]:
    stmt = (
        select(*_STATEMENT_COLUMNS)
        .join(Document, Document.id == Statement.document_id)
        .outerjoin(Source, Source.id == Document.source_id)
        .outerjoin(Actor, Actor.id == Statement.speaker_id)
        .where(*where)
        .order_by(Statement.id.desc() if order_desc else Statement.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [dict(r._mapping) for r in session.execute(stmt)]
    _attach_targets(session, rows)
    return rows


def _attach_targets(session: Session, rows: list[dict]) -> None:
    """Each row gets its targets, loaded for the whole page in one query."""
    by_statement: dict[int, list[dict]] = defaultdict(list)
    ids = [r["id"] for r in rows]
    if ids:
        found = session.execute(
            select(StatementTarget.statement_id, Actor.name, Actor.id, StatementTarget.role,
                   StatementTarget.text)
            .join(Actor, Actor.id == StatementTarget.actor_id)
            .where(StatementTarget.statement_id.in_(ids))
            .order_by(StatementTarget.statement_id, StatementTarget.id)
        ).all()
        for sid, name, aid, role, text in found:
            by_statement[sid].append({"actor": name, "actor_id": aid, "role": role, "text": text})
    for r in rows:
        r["flagged"] = bool(r["flagged"])
        r["targets"] = by_statement.get(r["id"], [])


def _search(session: Session, where: list, f: StatementFilter, limit: int, cursor: int | None) -> Page:
    base = _conditions(session, f)
    if base is None:
        return Page([], None)
    limit = _clamp(limit)
    if cursor is not None:
        base.append(Statement.id < int(cursor))
    rows = _rows(session, where + base, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1]["id"] if more else None)


def search_statements(session: Session, f: StatementFilter | None = None, limit: int = 50,
                      cursor: int | None = None) -> Page:
    """Statements matching ``f``, newest (highest id) first, ``limit`` at a time."""
    return _search(session, [], f or StatementFilter(), limit, cursor)


def count_statements(session: Session, f: StatementFilter | None = None, cap: int | None = None) -> int:
    """How many statements match ``f``; with ``cap``, stops counting at ``cap`` (shows "cap+")."""
    where = _conditions(session, f or StatementFilter())
    if where is None:
        return 0
    inner = select(Statement.id).where(*where)
    if cap is not None:
        inner = inner.limit(cap)
    return session.execute(select(func.count()).select_from(inner.subquery())).scalar() or 0


def get_statement(session: Session, statement_id: int) -> dict | None:
    """One statement with its document, the sentence, some context, and highlightable spans.

    ``sentence`` and ``context`` are ``{text, start, end}`` (char offsets into the document);
    ``spans`` are ``{part: speaker|cue|content, start, end}`` in document offsets, and
    ``sentence_spans`` / ``context_spans`` the same spans relative to (and clipped to) the
    sentence or context text.
    """
    rows = _rows(session, [Statement.id == int(statement_id)], 1)
    if not rows:
        return None
    row = rows[0]
    text, url, path = session.execute(
        select(Document.text, Document.url, Document.path).where(Document.id == row["document_id"])).one()
    row["document_url"], row["document_path"] = url, path
    spans = _statement_spans(row)
    s_start, s_end = row["sentence_start"], row["sentence_end"]
    if s_end <= s_start:  # no sentence recorded: fall back to the union of the spans
        s_start = min((s["start"] for s in spans), default=0)
        s_end = max((s["end"] for s in spans), default=0)
    lo = min([s_start] + [s["start"] for s in spans])
    hi = max([s_end] + [s["end"] for s in spans])
    c_start, c_end = _widen(text, lo, hi, CONTEXT_CHARS)
    row["spans"] = spans
    row["sentence"] = {"text": text[s_start:s_end], "start": s_start, "end": s_end}
    row["context"] = {"text": text[c_start:c_end], "start": c_start, "end": c_end}
    row["sentence_spans"] = relative_spans(spans, s_start, s_end)
    row["context_spans"] = relative_spans(spans, c_start, c_end)
    return row


def _statement_spans(row: dict) -> list[dict]:
    spans = []
    for part in ("speaker", "cue", "content"):
        start, end = row.get(f"{part}_start"), row.get(f"{part}_end")
        if start is not None and end is not None and end > start:
            spans.append({"part": part, "start": start, "end": end})
    return sorted(spans, key=lambda s: (s["start"], s["end"]))


def _widen(text: str, start: int, end: int, chars: int) -> tuple[int, int]:
    """``[start, end)`` grown by about ``chars`` each side, cut at whitespace so no word is split."""
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return lo, hi


def relative_spans(spans: Iterable[dict], start: int, end: int) -> list[dict]:
    """Spans shifted to offsets within ``text[start:end]``, clipped; spans outside are dropped."""
    out = []
    for s in spans:
        a, b = max(s["start"], start), min(s["end"], end)
        if b > a:
            out.append({**s, "start": a - start, "end": b - start})
    return out


def highlight(text: str, spans: Iterable[dict]) -> list[tuple[str, str | None]]:
    """``text`` cut into ``(piece, part or None)`` runs for rendering; overlaps go to the first span."""
    runs, pos = [], 0
    for s in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        a, b = max(s["start"], pos), min(s["end"], len(text))
        if b <= a:
            continue
        if a > pos:
            runs.append((text[pos:a], None))
        runs.append((text[a:b], s["part"]))
        pos = b
    if pos < len(text):
        runs.append((text[pos:], None))
    return runs


# --- aggregates -----------------------------------------------------------------------------------

def _per_day(session: Session, where: list) -> list[tuple[date | None, int]]:
    stmt = select(Statement.published, func.count()).where(*where, Statement.flagged == false())
    return session.execute(stmt.group_by(Statement.published)).all()


def _bucket(day: date | None, bucket: str) -> str:
    if day is None:
        return "undated"
    if bucket == "day":
        return day.isoformat()
    if bucket == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if bucket == "year":
        return f"{day.year:04d}"
    return f"{day.year:04d}-{day.month:02d}"


BUCKETS = ("day", "week", "month", "year")


def statements_over_time(session: Session, bucket: str = "month",
                         f: StatementFilter | None = None) -> list[dict]:
    """``[{period, count}]`` in time order (``undated`` last); bucket: day, week, month or year."""
    if bucket not in BUCKETS:
        raise ValueError(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket!r}")
    where = _conditions(session, f or StatementFilter())
    if where is None:
        return []
    # Group by day in SQL (portable), then into buckets here: few distinct days even in big KBs.
    stmt = select(Statement.published, func.count()).where(*where).group_by(Statement.published)
    counts: Counter[str] = Counter()
    for day, n in session.execute(stmt):
        counts[_bucket(day, bucket)] += n
    return [{"period": p, "count": counts[p]} for p in sorted(counts, key=lambda p: (p == "undated", p))]


def _ranking(session: Session, actor_col, stmt, limit: int, date_from, date_to) -> list[dict]:
    if date_from:
        stmt = stmt.where(Statement.published >= date_from)
    if date_to:
        stmt = stmt.where(Statement.published <= date_to)
    n = func.count().label("count")
    ranked = (stmt.add_columns(n).where(Statement.flagged == false())
              .group_by(actor_col).order_by(n.desc(), actor_col).limit(_clamp(limit)).subquery())
    rows = session.execute(
        select(Actor.id, Actor.name, Actor.kind, ranked.c.count)
        .join(ranked, ranked.c.actor_id == Actor.id).order_by(ranked.c.count.desc(), Actor.name)
    ).all()
    return [{"actor_id": r.id, "actor": r.name, "kind": r.kind, "count": r.count} for r in rows]


def top_speakers(session: Session, limit: int = 10, date_from: date | None = None,
                 date_to: date | None = None) -> list[dict]:
    """Actors who made the most statements: ``[{actor_id, actor, kind, count}]``."""
    stmt = select(Statement.speaker_id.label("actor_id")).where(Statement.speaker_id.is_not(None))
    return _ranking(session, Statement.speaker_id, stmt, limit, date_from, date_to)


def most_accused(session: Session, limit: int = 10, date_from: date | None = None,
                 date_to: date | None = None) -> list[dict]:
    """Actors accused in the most statements: ``[{actor_id, actor, kind, count}]``."""
    stmt = (select(StatementTarget.actor_id.label("actor_id"))
            .join(Statement, Statement.id == StatementTarget.statement_id)
            .where(StatementTarget.role == "accused"))
    return _ranking(session, StatementTarget.actor_id, stmt, limit, date_from, date_to)


def stats(session: Session) -> dict:
    """Sizes of the KB and statements by kind and by claim type."""
    def count(model, *where) -> int:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar() or 0

    def by(column) -> dict:
        rows = session.execute(select(column, func.count()).where(Statement.flagged == false())
                               .group_by(column).order_by(func.count().desc(), column)).all()
        return {k: n for k, n in rows}

    first, last = session.execute(select(func.min(Document.published), func.max(Document.published))).one()
    return {
        "documents": count(Document),
        "statements": count(Statement),
        "flagged": count(Statement, Statement.flagged == true()),
        "actors": count(Actor),
        "aliases": count(Alias),
        "sources": count(Source),
        "mentions": count(Mention),
        "affiliations": count(Affiliation),
        "first_published": first,
        "last_published": last,
        "by_kind": by(Statement.kind),
        "by_claim_type": by(Statement.claim_type),
    }


def store_state(session: Session) -> str:
    """A cheap key that changes whenever the KB is written or edited (for ``st.cache_data``).

    Max id and row count of the small tables catch every ingest (a new document) and merge (a
    deleted actor); the sums catch edits that keep both: an alias moved to another actor, a
    rename. Flagging is counted; that count scans the statements until ``flagged`` is indexed.
    """
    checks = {
        Document: (), Source: (),
        Actor: (func.sum(func.length(Actor.name)),),
        Alias: (func.sum(Alias.actor_id), func.sum(func.length(Alias.form))),
        Affiliation: (func.sum(Affiliation.person_id + Affiliation.organization_id),),
    }
    parts = []
    for model, extra in checks.items():
        values = session.execute(select(func.max(model.id), func.count(), *extra).select_from(model)).one()
        parts.append(".".join("" if v is None else str(v) for v in values))
    # Statements, targets and mentions only come with a new document or go with a merge (which
    # deletes an actor), so their max id is enough; flags are counted.
    tops = [session.execute(select(func.max(m.id))).scalar() for m in (Statement, StatementTarget, Mention)]
    flagged = session.execute(select(func.count()).where(Statement.flagged == true())).scalar()
    parts.append(".".join(str(x) for x in (*tops, flagged)))
    return "|".join(parts)


# --- documents ------------------------------------------------------------------------------------

def list_documents(session: Session, q: str | None = None, limit: int = 50,
                   cursor: int | None = None) -> Page:
    """Documents, newest ingested first; ``q`` matches title, url, path or outlet as plain text."""
    limit = _clamp(limit)
    stmt = (
        select(Document.id, Document.title, Document.url, Document.path, Document.published,
               Source.name.label("source"), Document.n_chars, Document.n_statements.label("statements"),
               Document.ingested_at)
        .outerjoin(Source, Source.id == Document.source_id)
        .order_by(Document.id.desc()).limit(limit + 1)
    )
    q = _clean(q)
    if q:
        stmt = stmt.where(or_(_like(Document.title, q), _like(Document.url, q), _like(Document.path, q),
                              _like(Source.name, q)))
    if cursor is not None:
        stmt = stmt.where(Document.id < int(cursor))
    rows = [dict(r._mapping) for r in session.execute(stmt)]
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1]["id"] if more else None)


def get_document(session: Session, document_id: int) -> dict | None:
    """A document's text and metadata with its statements and actor mentions (char spans)."""
    row = session.execute(
        select(Document.id, Document.title, Document.url, Document.path, Document.published,
               Document.text, Document.n_chars, Document.ingested_at, Document.extractor_version,
               Document.content_hash, Source.name.label("source"))
        .outerjoin(Source, Source.id == Document.source_id).where(Document.id == int(document_id))
    ).first()
    if row is None:
        return None
    doc = dict(row._mapping)
    doc["statements"] = _rows(session, [Statement.document_id == doc["id"]], None, order_desc=False)
    for st in doc["statements"]:
        st["spans"] = _statement_spans(st)
    mentions = session.execute(
        select(Mention.id, Mention.start, Mention.end, Mention.text, Mention.label,
               Actor.id.label("actor_id"), Actor.name.label("actor"))
        .join(Actor, Actor.id == Mention.actor_id)
        .where(Mention.document_id == doc["id"]).order_by(Mention.start, Mention.end)
    ).all()
    doc["mentions"] = [dict(m._mapping) for m in mentions]
    return doc

