"""Write one processed document (RawDocument + ResolvedDocument) in one transaction.

Built to run on every document, from several processes at once:
- batches: one INSERT per table per document, never a SELECT or INSERT per row;
- shared keys (document hash, source name, actor name, alias form, affiliation) are written with
  INSERT ... ON CONFLICT DO NOTHING and read back, so concurrent writers never duplicate them;
- shared keys are written in sorted order, so two writers never wait on each other in a cycle.
Call it through ``kb.db.write_with_retry`` so the rare transient conflict is retried.

Counters (``Actor.n_*`` and the ``accusation_count``, ``actor_month`` and ``kb_counter`` tables)
are kept here too, so rankings, totals, profiles and the dashboard's cache key read a row instead
of counting a big table. Each write adds its deltas (``n = n + k``, never read-modify-write) at
the end of its transaction, table by table in that order, each in key order: concurrent writers
never lose an update nor deadlock, and the hot rows stay locked only from the last statement to
the commit.

There is deliberately no cross-document alias cache: analysts merge actors and re-point aliases
while ingest runs, and a cached form -> actor id would then write to a deleted or wrong actor.
The lookup is one indexed query per document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    String,
    bindparam,
    case,
    cast,
    distinct,
    false,
    func,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session

from kb import EXTRACTOR_VERSION
from kb.claims import link_statements
from kb.ingest import RawDocument
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

if TYPE_CHECKING:  # the read side imports this module: no resolver here
    from kb.resolve.records import ResolvedDocument

CHUNK = 500  # rows per IN (...) list, well under every backend's bound-parameter limit


@dataclass
class StoreOutcome:
    status: str  # new | unchanged
    document_id: int
    statements: int = 0
    actors: int = 0


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _chunks(items: Sequence, n: int = CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


ACTOR, ALIAS, SOURCE, DOCUMENT = Actor.__table__, Alias.__table__, Source.__table__, Document.__table__
MENTION, STATEMENT, TARGET, AFFILIATION = (Mention.__table__, Statement.__table__, StatementTarget.__table__,
                                           Affiliation.__table__)
COUNTER, ACCUSATIONS, ACTOR_MONTH = KbCounter.__table__, AccusationCount.__table__, ActorMonth.__table__
ACTOR_COUNTERS = ("n_statements", "n_accusations_made", "n_accused", "n_addressed",
                  "n_mentioned_in_statements", "n_mentions", "n_documents")
ROLE_COUNTERS = {"accused": "n_accused", "addressed": "n_addressed", "mentioned": "n_mentioned_in_statements"}


def _conn(session: Session | Connection) -> Connection:
    # Core statements on the session's connection: same transaction, none of the ORM's overhead.
    return session.connection() if isinstance(session, Session) else session


def _insert_ignore(conn: Connection, table, keys: list[str]):
    """INSERT ... ON CONFLICT (keys) DO NOTHING for this connection's backend."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=keys)


def _select_in(conn: Connection, query, key, values: Iterable) -> list:
    """Rows of ``query`` where ``key`` is in ``values`` (IN lists chunked)."""
    values = sorted(set(values))
    return [row for chunk in _chunks(values) for row in conn.execute(query.where(key.in_(chunk)))]


# --- actors and aliases --------------------------------------------------------------------

def resolve_actors(session: Session | Connection, kinds: dict[str, str],
                   surfaces: dict[str, Iterable[str]] | None = None,
                   tally: Counter | None = None) -> tuple[dict[str, int], int]:
    """Actor ids for canonical names, creating the missing actors and their aliases.

    A name goes to the actor its alias form points to (so analysts' aliases and merges win),
    else to the actor of that exact name, else to a new actor. ``surfaces`` adds more aliases
    (never re-pointing an existing one). An actor's kind is filled in when it was "unknown".
    Returns ({name: actor id}, number of actors created). The actors and aliases created are
    added to ``tally`` (KB-wide counter deltas) when given, else counted at once.
    """
    conn = _conn(session)
    form_of = {name: normalise(name) for name in kinds}
    more_forms = {name: {normalise(x): x for x in more} for name, more in (surfaces or {}).items()}
    wanted = set(form_of.values()) | {f for forms in more_forms.values() for f in forms}
    by_form = select(ALIAS.c.form, ALIAS.c.actor_id, ACTOR.c.kind).join(ACTOR, ACTOR.c.id == ALIAS.c.actor_id)
    known = {form: (aid, kind) for form, aid, kind in _select_in(conn, by_form, ALIAS.c.form, wanted - {""})}
    ids: dict[str, int] = {}
    current_kind: dict[int, str] = {}
    for name, form in form_of.items():
        if form in known:
            ids[name], current_kind[known[form][0]] = known[form]

    # One new actor per alias form: "Syrian Coalition" and "the Syrian Coalition" are one actor.
    representative: dict[str, str] = {}
    for name in sorted(n for n in kinds if n not in ids):
        representative.setdefault(form_of[name] or name, name)
    created: dict[str, int] = {}
    to_create = sorted(representative.values())
    if to_create:
        for chunk in _chunks(to_create):
            result = conn.execute(_insert_ignore(conn, ACTOR, ["name"]).returning(ACTOR.c.id, ACTOR.c.name),
                                  [{"name": n, "kind": kinds[n]} for n in chunk])
            created.update({name: aid for aid, name in result})
        query = select(ACTOR.c.name, ACTOR.c.id, ACTOR.c.kind)
        for name, aid, kind in _select_in(conn, query, ACTOR.c.name, to_create):
            ids[name] = aid
            current_kind[aid] = kind

    alias_rows: dict[str, dict] = {}
    for key, name in representative.items():
        if form_of[name]:
            alias_rows[key] = {"form": key, "surface": name, "actor_id": ids[name], "origin": "extracted"}
    for name, forms in more_forms.items():
        for form, surface in forms.items():
            if form and form not in known and form not in alias_rows and name in ids:
                alias_rows[form] = {"form": form, "surface": surface, "actor_id": ids[name],
                                    "origin": "extracted"}
    inserted: set[str] = set()
    for chunk in _chunks([alias_rows[f] for f in sorted(alias_rows)]):
        result = conn.execute(_insert_ignore(conn, ALIAS, ["form"]).returning(ALIAS.c.form), chunk)
        inserted.update(form for (form,) in result)

    # A concurrent writer took some forms first: follow its alias, drop the actor we made for nothing.
    lost = [key for key, name in representative.items() if form_of[name] and key not in inserted]
    if lost:
        winner = dict(_select_in(conn, select(ALIAS.c.form, ALIAS.c.actor_id), ALIAS.c.form, lost))
        for key in lost:
            name = representative[key]
            if winner.get(key, ids[name]) != ids[name]:
                if name in created:
                    conn.execute(ACTOR.delete().where(ACTOR.c.id == created.pop(name)))
                ids[name] = winner[key]
    for name in kinds:  # names that shared a representative's form
        if name not in ids:
            ids[name] = ids[representative[form_of[name] or name]]

    fill = sorted({(ids[n], k) for n, k in kinds.items()
                   if k != "unknown" and current_kind.get(ids[n]) == "unknown"})
    for aid, kind in fill:
        conn.execute(update(ACTOR).where(ACTOR.c.id == aid, ACTOR.c.kind == "unknown").values(kind=kind))
    deltas = Counter(actors=len(created), aliases=len(inserted))
    if tally is None:
        bump_counters(conn, deltas)
    else:
        tally.update(deltas)
    return ids, len(created)


SHORT_KINDS = ("person", "unknown", "organization")


def join_short_names(session: Session, kinds: dict[str, str], ids: dict[str, int]) -> int:
    """Join a person's short name to the one full name the KB holds for it, whichever came first.

    For each surname this document names ("Trump" alone, or the last word of "Donald Trump"): when
    exactly one person actor's name ends with it, actors named by the bare surname (person or
    unknown, or an organisation only the NER saw) are merged into that one, and ``ids`` follows. Two full names ("Bill Clinton",
    "Hillary Clinton") leave the short one apart. Returns the number of actors merged away.
    """
    from kb.edit import merge_actors  # edit imports this module

    # A bare surname the NER took for a body ("Harlan said": ORG) is still the person's surname.
    words = {n.split()[-1] for n, k in kinds.items() if n.split() and n.split()[-1][:1].isupper()
             and n.split()[-1].isalpha() and (k in ("person", "unknown") or (k == "organization" and " " not in n))}
    merged = 0
    conn = _conn(session)
    for word in sorted(words):
        fulls = conn.execute(select(ACTOR.c.id).where(ACTOR.c.kind == "person",
                                                      ACTOR.c.name.like(f"% {word}"))).scalars().all()
        if len(fulls) != 1:
            continue
        shorts = conn.execute(select(ACTOR.c.id).where(ACTOR.c.name == word, ACTOR.c.kind.in_(SHORT_KINDS),
                                                       ACTOR.c.id != fulls[0])).scalars().all()
        for short in shorts:
            merge_actors(session, session.get(Actor, fulls[0]), session.get(Actor, short))
            for name, aid in ids.items():
                if aid == short:
                    ids[name] = fulls[0]
            merged += 1
    return merged


_PERSON_LABELS, _BODY_LABELS = ("PERSON",), ("ORG",)


def settle_kinds(session: Session | Connection, actor_ids: Sequence[int]) -> None:
    """An actor's person-or-organisation kind by the NER labels of all its mentions, in every
    document so far: the first document no longer decides ("Patriot Coal" tagged PERSON once and
    ORG forty times is an organisation). Only person/organization/unknown actors move, and only on
    a clear majority (twice the other side); lexicon kinds (countries, governments) stay."""
    if not actor_ids:
        return
    conn = _conn(session)
    votes: dict[int, Counter] = {}
    query = (select(MENTION.c.actor_id, MENTION.c.label, func.count())
             .where(MENTION.c.label.in_(_PERSON_LABELS + _BODY_LABELS))
             .group_by(MENTION.c.actor_id, MENTION.c.label))
    for aid, label, n in _select_in(conn, query, MENTION.c.actor_id, actor_ids):
        votes.setdefault(aid, Counter())["person" if label in _PERSON_LABELS else "organization"] += n
    kinds = dict(_select_in(conn, select(ACTOR.c.id, ACTOR.c.kind), ACTOR.c.id, list(votes)))
    for aid in sorted(votes):
        v, kind = votes[aid], kinds.get(aid)
        if kind not in ("person", "organization", "unknown"):
            continue
        for new, other in (("person", "organization"), ("organization", "person")):
            if kind != new and v[new] >= 2 and v[new] >= 2 * v[other]:
                conn.execute(update(ACTOR).where(ACTOR.c.id == aid).values(kind=new))


def get_or_create_actor(session: Session, name: str, kind: str = "unknown") -> tuple[Actor, bool]:
    """The actor a name resolves to through the Alias table, created (with its alias) if new."""
    ids, created = resolve_actors(session, {name: kind})
    return session.get(Actor, ids[name]), bool(created)


def add_alias(session: Session, surface: str, actor: Actor, origin: str = "extracted") -> None:
    """Point the alias form of ``surface`` at ``actor`` unless the form is taken already."""
    form = normalise(surface)
    if form:
        conn = _conn(session)
        added = conn.execute(_insert_ignore(conn, ALIAS, ["form"]).returning(ALIAS.c.id),
                             {"form": form, "surface": surface, "actor_id": actor.id, "origin": origin}).first()
        bump_counters(conn, {"aliases": 1 if added else 0})


# --- documents -----------------------------------------------------------------------------

def _source_id(conn: Connection, name: str | None, tally: Counter) -> int | None:
    if not name:
        return None
    query = select(SOURCE.c.id).where(SOURCE.c.name == name)
    found = conn.execute(query).scalar()
    if found is None:
        found = conn.execute(_insert_ignore(conn, SOURCE, ["name"]).returning(SOURCE.c.id), {"name": name}).scalar()
        if found is None:  # a concurrent writer added it first
            found = conn.execute(query).scalar_one()
        else:
            tally["sources"] += 1
    return found


def _names(resolved: ResolvedDocument) -> dict[str, str]:
    """Every canonical name the document refers to -> its kind ("unknown" if not resolved)."""
    kinds = {name: ra.kind for name, ra in resolved.actors.items()}
    refs = [m.actor for m in resolved.mentions]
    for rs in resolved.statements:
        refs += [rs.speaker] if rs.speaker else []
        refs += [t.actor for t in rs.targets]
    for af in resolved.affiliations:
        refs += [af.member, af.organization]
    for name in refs:
        kinds.setdefault(name, "unknown")
    return kinds


def is_stored(content_hash: str | Sequence[str], url: str | None = None, conn: Connection | None = None) -> bool:
    """Whether a text with this content hash (or any of these) is in the KB (so ingest can skip
    its NLP). Asked on ``conn`` when given, else on a connection of ``url``."""
    hashes = [content_hash] if isinstance(content_hash, str) else list(content_hash)
    query = select(DOCUMENT.c.id).where(DOCUMENT.c.content_hash.in_(hashes)).limit(1)
    if conn is not None:
        return conn.execute(query).first() is not None
    from kb.db import get_engine

    with get_engine(url).connect() as own:
        return own.execute(query).first() is not None


def hashes(raw: RawDocument) -> list[str]:
    """The keys a stored copy of ``raw`` may have: the normalised hash, and the verbatim one that
    KBs made before normalisation hold."""
    return [raw.content_hash, raw.verbatim_hash]


def store_document(session: Session, raw: RawDocument, resolved: ResolvedDocument) -> StoreOutcome:
    """Store a document with its actors, mentions, statements, targets and affiliations.

    Idempotent by content hash: a document already stored (by anyone) is "unchanged".
    Everything happens in the caller's transaction: a crash leaves the document absent, never half.
    """
    conn = _conn(session)
    by_hash = select(DOCUMENT.c.id).where(DOCUMENT.c.content_hash.in_(hashes(raw))).limit(1)
    existing = conn.execute(by_hash).scalar()
    if existing is not None:
        return StoreOutcome("unchanged", existing)

    tally: Counter = Counter()
    published = _parse_date(raw.published) or _parse_date(resolved.published)
    source_id = _source_id(conn, raw.source or resolved.source_line, tally)
    doc_row = {
        "content_hash": raw.content_hash, "title": raw.title, "url": raw.url, "path": raw.path,
        "published": published, "source_id": source_id,
        "text": raw.text, "n_chars": len(raw.text), "n_statements": len(resolved.statements),
        "ingested_at": Document.model_fields["ingested_at"].default_factory(),
        "extractor_version": EXTRACTOR_VERSION,
    }
    doc_id = conn.execute(_insert_ignore(conn, DOCUMENT, ["content_hash"]).returning(DOCUMENT.c.id),
                          doc_row).scalar()
    if doc_id is None:  # a concurrent writer stored the same text a moment ago
        return StoreOutcome("unchanged", conn.execute(by_hash).scalar_one())

    names = _names(resolved)
    ids, new_actors = resolve_actors(conn, names, {name: ra.aliases for name, ra in resolved.actors.items()}, tally)
    if isinstance(session, Session):
        merged = join_short_names(session, names, ids)
        new_actors -= merged
        tally["version"] -= merged  # each merge bumped the version: still one bump per stored document

    if resolved.mentions:
        conn.execute(MENTION.insert(), [
            {"document_id": doc_id, "actor_id": ids[m.actor], "start": m.start, "end": m.end,
             "text": m.text, "label": m.label} for m in resolved.mentions])

    settle_kinds(conn, sorted({ids[m.actor] for m in resolved.mentions}))

    statement_ids: list[int] = []
    if resolved.statements:
        rows = [_statement_row(doc_id, rs, ids, published, source_id) for rs in resolved.statements]
        statement_ids = _insert_in_order(conn, rows)

    targets = {}
    for sid, rs in zip(statement_ids, resolved.statements):
        for t in rs.targets:
            targets.setdefault((sid, ids[t.actor], t.role), t.text)
    if targets:
        conn.execute(TARGET.insert(), [
            {"statement_id": sid, "actor_id": aid, "role": role, "text": text}
            for (sid, aid, role), text in targets.items()])

    affiliations = {}
    for af in resolved.affiliations:
        key = (ids[af.member], ids[af.organization], af.relation)
        if key[0] != key[1] and key not in affiliations:
            sid = statement_ids[af.statement_index] if af.statement_index is not None else None
            affiliations[key] = {"person_id": key[0], "organization_id": key[1], "relation": key[2],
                                 "role": af.role, "statement_id": sid, "document_id": doc_id}
    if affiliations:
        added = conn.execute(_insert_ignore(conn, AFFILIATION, ["person_id", "organization_id", "relation"])
                             .returning(AFFILIATION.c.id), [affiliations[k] for k in sorted(affiliations)])
        tally["affiliations"] += len(added.all())

    if statement_ids:  # each statement joins its claim or starts one (kb.claims), same transaction
        link_statements(conn, statement_ids, rows)

    # Counters last: the rows they lock stay locked only until the commit.
    per_actor: dict[int, Counter] = {}
    for m in resolved.mentions:
        per_actor.setdefault(ids[m.actor], Counter())["n_mentions"] += 1
    for c in per_actor.values():
        c["n_documents"] = 1
    accusers = {sid for sid, _aid, role in targets if role == "accused"}
    for sid, rs in zip(statement_ids, resolved.statements):
        if rs.speaker:
            c = per_actor.setdefault(ids[rs.speaker], Counter())
            c["n_statements"] += 1
            c["n_accusations_made"] += sid in accusers
    for _sid, aid, role in targets:
        if role in ROLE_COUNTERS:  # rejected, threatened, praised, supported have no actor counter
            per_actor.setdefault(aid, Counter())[ROLE_COUNTERS[role]] += 1
    add_actor_counts(conn, per_actor)
    speaker_of = {sid: ids[rs.speaker] for sid, rs in zip(statement_ids, resolved.statements) if rs.speaker}
    add_accusations(conn, Counter((speaker_of[sid], aid) for sid, aid, role in targets
                                  if role == "accused" and sid in speaker_of))
    month = _month(published)
    months: dict[tuple[int, str], Counter] = {}
    for aid in speaker_of.values():
        months.setdefault((aid, month), Counter())["n_statements"] += 1
    for _sid, aid in {(sid, aid) for sid, aid, _role in targets}:  # once per statement naming it
        months.setdefault((aid, month), Counter())["n_about"] += 1
    add_actor_months(conn, months)
    tally.update({"documents": 1, "statements": len(statement_ids), "mentions": len(resolved.mentions),
                  "targets": len(targets)})
    for rs in resolved.statements:
        tally[("kind", rs.attribution.kind)] += 1
        tally[("claim_type", rs.attribution.claim_type)] += 1
    tally[("day", published.isoformat() if published else "")] += len(statement_ids)
    bump_counters(conn, tally)
    return StoreOutcome("new", doc_id, len(statement_ids), new_actors)


def _insert_in_order(conn: Connection, rows: list[dict]) -> list[int]:
    """Insert one document's statements; their ids in the order of ``rows``.

    SQLite cannot tie RETURNING rows to parameter order in one statement, so SQLAlchemy would
    run one INSERT per row: there, one executemany instead, then the document's ids in id order
    (this transaction holds SQLite's only write lock, so its rows get ascending ids in turn)."""
    if conn.dialect.name != "sqlite":
        result = conn.execute(STATEMENT.insert().returning(STATEMENT.c.id, sort_by_parameter_order=True), rows)
        return [sid for (sid,) in result]
    conn.execute(STATEMENT.insert(), rows)
    return list(conn.execute(select(STATEMENT.c.id).where(STATEMENT.c.document_id == rows[0]["document_id"])
                             .order_by(STATEMENT.c.id)).scalars())


def _span(span) -> tuple:
    return (span.text, span.start, span.end) if span else (None, None, None)


def _statement_row(doc_id: int, rs, ids: dict[str, int], published: date | None, source_id: int | None) -> dict:
    a = rs.attribution
    speaker, cue, content = _span(a.source), _span(a.cue), _span(a.content)
    return {
        "document_id": doc_id,
        "speaker_id": ids[rs.speaker] if rs.speaker else None,
        "speaker_text": speaker[0], "speaker_start": speaker[1], "speaker_end": speaker[2],
        "cue_text": cue[0], "cue_lemma": a.cue_lemma, "cue_start": cue[1], "cue_end": cue[2],
        "content_text": content[0], "content_start": content[1], "content_end": content[2],
        "kind": a.kind,
        "claim_type": a.claim_type,
        "event": a.event,
        "sentence_start": a.sentence.start if a.sentence else 0,
        "sentence_end": a.sentence.end if a.sentence else 0,
        "confidence": a.confidence,
        "extractor_version": EXTRACTOR_VERSION,
        "published": published,
        "source_id": source_id,
        "flagged": False,
    }


# --- counters ------------------------------------------------------------------------------

def _month(day: date | None) -> str:
    """The ``actor_month`` key of a published date: "YYYY-MM", "" when undated."""
    return day.isoformat()[:7] if day else ""


def _month_sql(published):
    """``_month`` in SQL (dates are ISO text in SQLite and cast to it in PostgreSQL)."""
    return func.coalesce(func.substr(cast(published, String), 1, 7), "")


def _key(name) -> tuple[str, str]:
    return (name, "") if isinstance(name, str) else name


def _adder(dialect, table, keys: list[str], columns: Sequence[str] = ("n",)):
    """INSERT ... ON CONFLICT (keys) DO UPDATE SET c = c + excluded.c for each counter column,
    for one backend."""
    stmt = dialect.insert(table)
    return stmt.on_conflict_do_update(index_elements=keys, set_={c: table.c[c] + stmt.excluded[c] for c in columns})


# Built once: these run in every stored document, where building the expression costs more than
# running it.
_ADD = {name: {"counter": _adder(d, COUNTER, ["name", "value"]),
               "accusations": _adder(d, ACCUSATIONS, ["accuser_id", "accused_id"]),
               "months": _adder(d, ACTOR_MONTH, ["actor_id", "month"], ("n_statements", "n_about"))}
        for name, d in (("sqlite", sqlite), ("postgresql", postgresql))}
_ADD_ACTOR_COUNTS = update(ACTOR).where(ACTOR.c.id == bindparam("aid")).values(
    {c: ACTOR.c[c] + bindparam(f"d_{c}") for c in ACTOR_COUNTERS})


def bump_counters(session: Session | Connection, deltas: Mapping = ()) -> None:
    """Add ``deltas`` ({name or (name, value): k}) to the KB-wide counters and bump the version.

    Every write and edit calls it once, last, so the version changes with every transaction.
    """
    conn = _conn(session)
    rows = Counter({_key(k): n for k, n in dict(deltas).items()})
    rows[("version", "")] += 1
    conn.execute(_ADD[conn.dialect.name]["counter"],
                 [{"name": k[0], "value": k[1], "n": n} for k, n in sorted(rows.items()) if n or k[0] == "version"])


def add_actor_counts(session: Session | Connection, deltas: Mapping[int, Mapping[str, int]]) -> None:
    """Add per-actor counter deltas ({actor id: {column: k}}), in actor id order."""
    if deltas:
        _conn(session).execute(_ADD_ACTOR_COUNTS, [{"aid": aid, **{f"d_{c}": d.get(c, 0) for c in ACTOR_COUNTERS}}
                                                   for aid, d in sorted(deltas.items())])


def add_accusations(session: Session | Connection, deltas: Mapping[tuple[int, int], int]) -> None:
    """Add to the (accuser, accused) accusation counts, in key order."""
    rows = [{"accuser_id": a, "accused_id": b, "n": n} for (a, b), n in sorted(deltas.items()) if n]
    if rows:
        conn = _conn(session)
        conn.execute(_ADD[conn.dialect.name]["accusations"], rows)


def add_actor_months(session: Session | Connection, deltas: Mapping[tuple[int, str], Mapping[str, int]]) -> None:
    """Add to the (actor, month) statement counts ({(actor id, month): {n_statements, n_about}}),
    in key order."""
    rows = [{"actor_id": a, "month": m, "n_statements": d.get("n_statements", 0), "n_about": d.get("n_about", 0)}
            for (a, m), d in sorted(deltas.items()) if any(d.values())]
    if rows:
        conn = _conn(session)
        conn.execute(_ADD[conn.dialect.name]["months"], rows)


def _only(ids: Sequence[int] | None, col, query):
    """``query`` limited to rows whose ``col`` is one of ``ids`` (None: all rows)."""
    return query.where(col.in_(ids)) if ids is not None else query


def _actor_month_counts(ids: Sequence[int] | None):
    """(actor_id, month, n_statements, n_about) of these actors (all if None), from their rows."""
    month = _month_sql(STATEMENT.c.published)
    said = _only(ids, STATEMENT.c.speaker_id, select(
        STATEMENT.c.speaker_id.label("actor_id"), month.label("month"), func.count().label("said"),
        literal(0).label("about"))
        .where(STATEMENT.c.speaker_id.is_not(None), STATEMENT.c.flagged == false())
        .group_by(STATEMENT.c.speaker_id, month))
    about = _only(ids, TARGET.c.actor_id, select(
        TARGET.c.actor_id, month, literal(0), func.count(distinct(TARGET.c.statement_id)))
        .join(STATEMENT, STATEMENT.c.id == TARGET.c.statement_id).where(STATEMENT.c.flagged == false())
        .group_by(TARGET.c.actor_id, month))
    both = union_all(said, about).subquery()
    return select(both.c.actor_id, both.c.month, func.sum(both.c.said), func.sum(both.c.about)).group_by(
        both.c.actor_id, both.c.month)


def _actor_count_sources(ids: Sequence[int] | None) -> list:
    """(subquery with a ``key`` column, {counter column: subquery column}) per counter group."""
    made = _only(ids, STATEMENT.c.speaker_id, select(
        STATEMENT.c.speaker_id.label("key"), func.count().label("n"))
        .where(STATEMENT.c.speaker_id.is_not(None), STATEMENT.c.flagged == false())
        .group_by(STATEMENT.c.speaker_id)).subquery()
    accusing = _only(ids, STATEMENT.c.speaker_id, select(
        STATEMENT.c.speaker_id.label("key"), func.count(distinct(STATEMENT.c.id)).label("n"))
        .join(TARGET, (TARGET.c.statement_id == STATEMENT.c.id) & (TARGET.c.role == "accused"))
        .where(STATEMENT.c.speaker_id.is_not(None), STATEMENT.c.flagged == false())
        .group_by(STATEMENT.c.speaker_id)).subquery()
    roles = _only(ids, TARGET.c.actor_id, select(TARGET.c.actor_id.label("key"), *[
        func.sum(case((TARGET.c.role == role, 1), else_=0)).label(role) for role in ROLE_COUNTERS])
        .join(STATEMENT, STATEMENT.c.id == TARGET.c.statement_id).where(STATEMENT.c.flagged == false())
        .group_by(TARGET.c.actor_id)).subquery()
    mentions = _only(ids, MENTION.c.actor_id, select(
        MENTION.c.actor_id.label("key"), func.count().label("n"),
        func.count(distinct(MENTION.c.document_id)).label("docs"))
        .group_by(MENTION.c.actor_id)).subquery()
    return [(made, {"n_statements": made.c.n}), (accusing, {"n_accusations_made": accusing.c.n}),
            (roles, {col: roles.c[role] for role, col in ROLE_COUNTERS.items()}),
            (mentions, {"n_mentions": mentions.c.n, "n_documents": mentions.c.docs})]


def recount_actors(session: Session | Connection, actor_ids: Iterable[int] | None = None) -> None:
    """Count the counters of these actors (all if None), their accusation pairs and their months
    afresh from their rows; for edits.

    The actor rows are locked first (PostgreSQL), so a concurrent ingest's increment lands either
    in the count or after it, never lost.
    """
    conn = _conn(session)
    ids = None if actor_ids is None else sorted(set(actor_ids))
    if ids == []:
        return
    which = ACTOR.c.id.in_(ids) if ids is not None else true()
    if conn.dialect.name == "postgresql":
        conn.execute(select(ACTOR.c.id).where(which).order_by(ACTOR.c.id).with_for_update())
    conn.execute(update(ACTOR).where(which).values(dict.fromkeys(ACTOR_COUNTERS, 0)))
    for sub, values in _actor_count_sources(ids):
        conn.execute(update(ACTOR).where(ACTOR.c.id == sub.c.key).values(values))

    # Their accusation pairs, either way round: deleted (which locks them), then counted again.
    pairs = (select(STATEMENT.c.speaker_id, TARGET.c.actor_id, func.count())
             .join(STATEMENT, STATEMENT.c.id == TARGET.c.statement_id)
             .where(TARGET.c.role == "accused", STATEMENT.c.speaker_id.is_not(None),
                    STATEMENT.c.flagged == false()))
    if ids is None:
        conn.execute(ACCUSATIONS.delete())
        parts = [pairs]
    else:
        conn.execute(ACCUSATIONS.delete().where(ACCUSATIONS.c.accuser_id.in_(ids) | ACCUSATIONS.c.accused_id.in_(ids)))
        parts = [pairs.where(STATEMENT.c.speaker_id.in_(ids)),
                 pairs.where(TARGET.c.actor_id.in_(ids), STATEMENT.c.speaker_id.not_in(ids))]
    for part in parts:
        conn.execute(ACCUSATIONS.insert().from_select(
            ["accuser_id", "accused_id", "n"], part.group_by(STATEMENT.c.speaker_id, TARGET.c.actor_id)))

    # Their months, the same way.
    conn.execute(ACTOR_MONTH.delete().where(ACTOR_MONTH.c.actor_id.in_(ids) if ids is not None else true()))
    conn.execute(ACTOR_MONTH.insert().from_select(["actor_id", "month", "n_statements", "n_about"],
                                                  _actor_month_counts(ids)))


def recompute_counters(session: Session | Connection) -> None:
    """Every counter counted afresh from the tables (bulk writers like kb bench-generate, repair).
    A few passes over the big tables: minutes at most, on tens of millions of rows."""
    conn = _conn(session)
    recount_actors(conn)
    totals = [select(literal(name).label("name"), literal("").label("value"), func.count().label("n"))
              .select_from(table).where(*where) for name, table, where in (
                  ("documents", DOCUMENT, ()), ("statements", STATEMENT, ()),
                  ("flagged", STATEMENT, (STATEMENT.c.flagged == true(),)), ("actors", ACTOR, ()),
                  ("aliases", ALIAS, ()), ("sources", SOURCE, ()), ("mentions", MENTION, ()),
                  ("targets", TARGET, ()), ("affiliations", AFFILIATION, ()))]
    for dim, col in (("kind", STATEMENT.c.kind), ("claim_type", STATEMENT.c.claim_type),
                     ("day", func.coalesce(cast(STATEMENT.c.published, String), ""))):
        totals.append(select(literal(dim).label("name"), col.label("value"), func.count().label("n"))
                      .where(STATEMENT.c.flagged == false()).group_by(col))
    rows = [dict(r._mapping) for r in conn.execute(union_all(*totals))]
    version = conn.execute(select(COUNTER.c.n).where(COUNTER.c.name == "version", COUNTER.c.value == "")).scalar()
    conn.execute(COUNTER.delete())
    conn.execute(COUNTER.insert(), rows + [{"name": "version", "value": "", "n": (version or 0) + 1}])
