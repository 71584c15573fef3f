"""The read API: the CLI and the dashboard ask the KB through these functions only.

Every query is built with SQLAlchemy expressions (all values bound as parameters), pages through
statements by keyset on ``Statement.id`` (newest first, no OFFSET scans) and loads the targets of
a page in one query. Functions return plain dicts so callers need no ORM session afterwards.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import exists, false, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from kb.db import STATEMENT_FTS, fts_match, fts_query, search_terms
from kb.models import (
    AccusationCount,
    Actor,
    ActorMonth,
    Affiliation,
    Alias,
    Document,
    KbCounter,
    Mention,
    Source,
    Statement,
    StatementTarget,
)
from kb.names import normalise

# An id beyond what the id columns hold (typed or pasted) is clamped to their range, so it matches
# nothing (or, as a cursor, everything below it) instead of overflowing the driver.
MAX_ID = {"postgresql": 2**31 - 1}  # INTEGER there; SQLite's are 64-bit


def _id(session: Session, value) -> int:
    bound = MAX_ID.get(session.get_bind().dialect.name, 2**63 - 1)
    return max(-bound, min(int(value), bound))


CONTEXT_CHARS = 300  # characters of document text shown around a statement's sentence
MAX_LIMIT = 1000


@dataclass
class StatementFilter:
    text: str | None = None  # full-text search; searched as plain text, never parsed as syntax
    speaker: str | None = None  # actor name or alias
    target: str | None = None  # actor name or alias
    role: str | None = None  # one of kb.models.TARGET_ROLES (with target, or any target)
    claim_type: str | None = None
    event: str | None = None  # PLOVER event family: DEMAND, DISAPPROVE, REJECT, THREATEN, ...
    kind: str | None = None
    source: str | None = None  # outlet name
    date_from: date | None = None
    date_to: date | None = None
    document_id: int | None = None
    include_flagged: bool = False
    min_confidence: float | None = None  # the attribution model's confidence, 0..1


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
    (most active first) or name. Flagged statements do not count. Counts are the actors' counters
    (kept by every write), so the ranking reads the actor table only.
    """
    stmt = select(Actor.id, Actor.name, Actor.kind, Actor.external_id, Actor.n_statements.label("statements"),
                  Actor.n_accused.label("accused"), Actor.n_mentions.label("mentions"))
    if kind:
        stmt = stmt.where(Actor.kind == kind)
    q = _clean(q)
    if q:
        alias_hit = select(Alias.actor_id).where(_like(Alias.form, normalise(q)))
        stmt = stmt.where(or_(_like(Actor.name, q), Actor.id.in_(alias_hit)))
    if sort == "name":
        stmt = stmt.order_by(Actor.name, Actor.id)
    else:
        stmt = stmt.order_by(Actor.n_statements.desc(), (Actor.n_accused + Actor.n_mentions).desc(),
                             Actor.name, Actor.id)
    stmt = stmt.limit(_clamp(limit)).offset(max(0, offset))
    return [dict(r._mapping) for r in session.execute(stmt)]


def actor_profile(session: Session, actor_id: int, n: int = 20) -> dict | None:
    """Everything the KB knows about one actor, in readable sections: the latest ``n`` statements
    of each kind and the top ``n`` accusation counterparts (``more_counterparts`` says whether
    there are others). Reads only indexes and counters, so a hub costs what a rare actor costs."""
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

    def latest(*where, key=None) -> list[dict]:
        return _search(session, list(where), StatementFilter(), n, None, key).rows

    by_rows = latest(Statement.speaker_id == actor_id)
    about_rows = latest(_targets(actor_id))
    accusations_out = latest(Statement.speaker_id == actor_id, _has_target_role("accused"))
    accused_where, accused_key = _by_target(actor_id, "accused")
    accusations_in = latest(*accused_where, key=accused_key)

    return {
        "actor": {"id": actor.id, "name": actor.name, "kind": actor.kind,
                  "external_id": actor.external_id, "description": actor.description},
        "aliases": [dict(a._mapping) for a in aliases],
        "affiliations": affiliations,
        "counts": _actor_counts(actor),
        "statements_by": by_rows,
        "statements_about": about_rows,
        "accusations_made": {**_accusation_counts(session, actor_id, True, n), "statements": accusations_out},
        "accusations_received": {**_accusation_counts(session, actor_id, False, n),
                                 "statements": accusations_in},
        "timeline": _actor_timeline(session, actor_id),
    }


def _actor_counts(actor: Actor) -> dict:
    return {
        "statements": actor.n_statements,
        "accusations_made": actor.n_accusations_made,
        "accused": actor.n_accused,
        "addressed": actor.n_addressed,
        "mentioned_in_statements": actor.n_mentioned_in_statements,
        "mentions": actor.n_mentions,
        "documents": actor.n_documents,
    }


def _accusation_counts(session: Session, actor_id: int, made: bool, n: int) -> dict:
    """The top ``n`` counterparts (most accusations first, then by name): whom this actor accused
    (made) or who accused it. Read in count order from the (actor, n) index, which stops after
    them (SQLite and PostgreSQL sort only ties by name), instead of sorting a hub's thousands."""
    mine, theirs = ((AccusationCount.accuser_id, AccusationCount.accused_id) if made
                    else (AccusationCount.accused_id, AccusationCount.accuser_id))
    n = _clamp(n)
    rows = session.execute(
        select(Actor.id, Actor.name, AccusationCount.n).join(Actor, Actor.id == theirs)
        .where(mine == actor_id, AccusationCount.n > 0).order_by(AccusationCount.n.desc(), Actor.name)
        .limit(n + 1)).all()
    return {"by_counterpart": [{"actor": r.name, "actor_id": r.id, "count": r.n} for r in rows[:n]],
            "more_counterparts": len(rows) > n}


def _actor_timeline(session: Session, actor_id: int) -> list[dict]:
    """Statements by and about the actor per month (``undated`` last): its ``actor_month`` rows."""
    rows = session.execute(select(ActorMonth.month, ActorMonth.n_statements, ActorMonth.n_about)
                           .where(ActorMonth.actor_id == actor_id)).all()
    timeline = [{"period": month or "undated", "count": said, "about": about}
                for month, said, about in rows if said > 0 or about > 0]
    return sorted(timeline, key=lambda r: r["period"])


# --- statements -----------------------------------------------------------------------------------

def _clamp(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _targets(actor_id: int, role: str | None = None):
    """Statement has this actor as a target (in this role): an indexed IN."""
    sub = select(StatementTarget.statement_id).where(StatementTarget.actor_id == actor_id)
    if role:
        sub = sub.where(StatementTarget.role == role)
    return Statement.id.in_(sub)


def _has_target_role(role: str):
    """Statement has some target in this role: probed per statement through the unique
    (statement_id, actor_id, role) index, so a page stops early instead of listing every target."""
    return exists().where(StatementTarget.statement_id == Statement.id, StatementTarget.role == role)


def _by_target(actor_id: int, role: str):
    """(WHERE clauses, key) for statements where the actor has ``role``: read from the
    (actor_id, role, statement_id) index in statement order, so a page reads only its rows."""
    t = aliased(StatementTarget)
    return [t.statement_id == Statement.id, t.actor_id == actor_id, t.role == role], t.statement_id


def _conditions(session: Session, f: StatementFilter) -> tuple[list, object] | None:
    """(WHERE clauses, key) for a filter, or None when a named actor or outlet does not exist (no
    rows). ``key`` equals ``Statement.id``; order and page by it: it is the column of the index
    that drives the query (full-text rowid, target index), so newest-first pages stop early."""
    where, key = [], Statement.id
    if f.speaker:
        actor = find_actor(session, f.speaker)
        if actor is None:
            return None
        where.append(Statement.speaker_id == actor.id)
    if f.target:
        actor = find_actor(session, f.target)
        if actor is None:
            return None
        if f.role:
            target_where, key = _by_target(actor.id, f.role)
            where += target_where
        else:
            where.append(_targets(actor.id))
    elif f.role:
        where.append(_has_target_role(f.role))
    if f.source:
        source_id = find_source(session, f.source)
        if source_id is None:
            return None
        where.append(Statement.source_id == source_id)
    if f.claim_type:
        where.append(Statement.claim_type == f.claim_type)
    if f.event:
        where.append(Statement.event == f.event.upper())
    if f.kind:
        where.append(Statement.kind == f.kind)
    if f.date_from:
        where.append(Statement.published >= f.date_from)
    if f.date_to:
        where.append(Statement.published <= f.date_to)
    if f.document_id is not None:
        where.append(Statement.document_id == _id(session, f.document_id))
    if f.min_confidence is not None:
        where.append(Statement.confidence >= f.min_confidence)
    if f.text and f.text.strip():
        # Words (stemmed) and "quoted phrases" in the content, speaker or cue; a text without any
        # word matches nothing. SQLite's FTS5 index hands out matches newest first (rowid DESC):
        # a page of a word found in half the KB reads one page of matches, not all of them.
        match = fts_query(session, f.text)
        if not search_terms(f.text):
            where.append(false())
        elif match is not None:
            where += [STATEMENT_FTS.c.rowid == Statement.id, match]
            key = STATEMENT_FTS.c.rowid
        else:
            where.append(Statement.id.in_(fts_match(session, f.text)))
    if not f.include_flagged:
        where.append(Statement.flagged == false())
    return where, key


_STATEMENT_COLUMNS = (
    Statement.id, Statement.document_id, Document.title.label("document_title"), Statement.published,
    Source.name.label("source"), Actor.name.label("speaker"), Statement.speaker_id, Statement.speaker_text,
    Statement.speaker_start, Statement.speaker_end, Statement.cue_text.label("cue"), Statement.cue_lemma,
    Statement.cue_start, Statement.cue_end, Statement.kind, Statement.claim_type, Statement.event,
    Statement.content_text.label("content"), Statement.content_start, Statement.content_end,
    Statement.sentence_start, Statement.sentence_end, Statement.confidence, Statement.flagged,
    Statement.extractor_version,
)


def _rows(session: Session, where: list, limit: int | None, order_desc: bool = True,
          key=Statement.id) -> list[dict]:
    stmt = (
        select(*_STATEMENT_COLUMNS)
        .join(Document, Document.id == Statement.document_id)
        .outerjoin(Source, Source.id == Document.source_id)
        .outerjoin(Actor, Actor.id == Statement.speaker_id)
        .where(*where)
        .order_by(key.desc() if order_desc else key)
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


def _search(session: Session, where: list, f: StatementFilter, limit: int, cursor: int | None,
            key=None) -> Page:
    found = _conditions(session, f)
    if found is None:
        return Page([], None)
    base, base_key = found
    key = base_key if key is None else key
    limit = _clamp(limit)
    if cursor is not None:
        base.append(key < _id(session, cursor))
    rows = _rows(session, where + base, limit + 1, key=key)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1]["id"] if more else None)


def search_statements(session: Session, f: StatementFilter | None = None, limit: int = 50,
                      cursor: int | None = None) -> Page:
    """Statements matching ``f``, newest (highest id) first, ``limit`` at a time."""
    return _search(session, [], f or StatementFilter(), limit, cursor)


def count_statements(session: Session, f: StatementFilter | None = None, cap: int | None = None) -> int:
    """How many statements match ``f``; with ``cap``, stops counting at ``cap`` (shows "cap+")."""
    f = f or StatementFilter()
    if not f.include_flagged and not _counters(session, "flagged").get(("flagged", ""), 0):
        f = replace(f, include_flagged=True)  # nothing is flagged: an index alone can count
    found = _conditions(session, f)
    if found is None:
        return 0
    inner = select(Statement.id).where(*found[0])
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
    rows = _rows(session, [Statement.id == _id(session, statement_id)], 1)
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
    f = f or StatementFilter()
    if f == StatementFilter():  # the whole KB: the per-day counters
        days = session.execute(select(KbCounter.value, KbCounter.n).where(KbCounter.name == "day")).all()
        per_day = [(date.fromisoformat(d) if d else None, n) for d, n in days if n]
    else:
        found = _conditions(session, f)
        if found is None:
            return []
        # Group by day in SQL (portable), then into buckets here: few distinct days even in big KBs.
        stmt = select(Statement.published, func.count()).where(*found[0]).group_by(Statement.published)
        per_day = session.execute(stmt).all()
    counts: Counter[str] = Counter()
    for day, n in per_day:
        counts[_bucket(day, bucket)] += n
    return [{"period": p, "count": counts[p]} for p in sorted(counts, key=lambda p: (p == "undated", p))]


def _ranking(session: Session, counter, windowed, limit: int, date_from, date_to) -> list[dict]:
    """Actors by a counter column, or, within dates, by statements counted in the window
    (``windowed``: a select of ``actor_id`` over statements, read through the published index)."""
    limit = _clamp(limit)
    if not (date_from or date_to):
        rows = session.execute(
            select(Actor.id, Actor.name, Actor.kind, counter.label("count"))
            .where(counter > 0).order_by(counter.desc(), Actor.name).limit(limit)).all()
    else:
        if date_from:
            windowed = windowed.where(Statement.published >= date_from)
        if date_to:
            windowed = windowed.where(Statement.published <= date_to)
        key = windowed.selected_columns[0]
        n = func.count().label("count")
        ranked = (windowed.add_columns(n).where(Statement.flagged == false())
                  .group_by(key).order_by(n.desc(), key).limit(limit).subquery())
        rows = session.execute(
            select(Actor.id, Actor.name, Actor.kind, ranked.c.count)
            .join(ranked, ranked.c.actor_id == Actor.id).order_by(ranked.c.count.desc(), Actor.name)).all()
    return [{"actor_id": r.id, "actor": r.name, "kind": r.kind, "count": r.count} for r in rows]


def top_speakers(session: Session, limit: int = 10, date_from: date | None = None,
                 date_to: date | None = None) -> list[dict]:
    """Actors who made the most statements: ``[{actor_id, actor, kind, count}]``."""
    stmt = select(Statement.speaker_id.label("actor_id")).where(Statement.speaker_id.is_not(None))
    return _ranking(session, Actor.n_statements, stmt, limit, date_from, date_to)


def most_accused(session: Session, limit: int = 10, date_from: date | None = None,
                 date_to: date | None = None) -> list[dict]:
    """Actors accused in the most statements: ``[{actor_id, actor, kind, count}]``."""
    stmt = (select(StatementTarget.actor_id.label("actor_id"))
            .join(Statement, Statement.id == StatementTarget.statement_id)
            .where(StatementTarget.role == "accused"))
    return _ranking(session, Actor.n_accused, stmt, limit, date_from, date_to)


def _counters(session: Session, *names: str) -> dict[tuple[str, str], int]:
    rows = session.execute(select(KbCounter.name, KbCounter.value, KbCounter.n).where(KbCounter.name.in_(names)))
    return {(name, value): n for name, value, n in rows}


TOTALS = ("documents", "statements", "flagged", "actors", "aliases", "sources", "mentions", "affiliations")


def stats(session: Session) -> dict:
    """Sizes of the KB and statements by kind and by claim type (from the KB-wide counters)."""
    counters = _counters(session, *TOTALS, "kind", "claim_type")

    def by(dimension: str) -> dict:
        rows = [(v, n) for (d, v), n in counters.items() if d == dimension and n]
        return dict(sorted(rows, key=lambda r: (-r[1], r[0])))

    # Two queries: SQLite answers a lone min() or max() from the index, not both at once.
    first = session.execute(select(func.min(Document.published))).scalar()
    last = session.execute(select(func.max(Document.published))).scalar()
    return {
        **{name: counters.get((name, ""), 0) for name in TOTALS},
        "first_published": first,
        "last_published": last,
        "by_kind": by("kind"),
        "by_claim_type": by("claim_type"),
    }


def store_state(session: Session) -> str:
    """A cheap key that changes whenever the KB is written or edited (for ``st.cache_data``):
    the version counter every ingest and edit transaction bumps."""
    version = session.execute(select(KbCounter.n).where(KbCounter.name == "version", KbCounter.value == "")).scalar()
    return str(version or 0)


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
        stmt = stmt.where(Document.id < _id(session, cursor))
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
        .outerjoin(Source, Source.id == Document.source_id).where(Document.id == _id(session, document_id))
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

