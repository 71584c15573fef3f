"""Write one processed document (RawDocument + ResolvedDocument) in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from kb import EXTRACTOR_VERSION
from kb.ingest import RawDocument
from kb.models import Actor, Affiliation, Alias, Document, Mention, Source, Statement, StatementTarget
from kb.resolve import ResolvedDocument, normalise


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


def get_or_create_actor(session: Session, name: str, kind: str = "unknown") -> tuple[Actor, bool]:
    """The actor a name resolves to through the Alias table, created (with its alias) if new."""
    form = normalise(name)
    alias = session.exec(select(Alias).where(Alias.form == form)).first()
    if alias is not None:
        actor = session.get(Actor, alias.actor_id)
        if actor.kind == "unknown" and kind != "unknown":
            actor.kind = kind
        return actor, False
    actor = session.exec(select(Actor).where(Actor.name == name)).first()
    created = actor is None
    if created:
        actor = Actor(name=name, kind=kind)
        session.add(actor)
        session.flush()
    session.add(Alias(form=form, surface=name, actor_id=actor.id, origin="extracted"))
    session.flush()
    return actor, created


def add_alias(session: Session, surface: str, actor: Actor, origin: str = "extracted") -> None:
    form = normalise(surface)
    if form and session.exec(select(Alias.id).where(Alias.form == form)).first() is None:
        session.add(Alias(form=form, surface=surface, actor_id=actor.id, origin=origin))
        session.flush()


def store_document(session: Session, raw: RawDocument, resolved: ResolvedDocument) -> StoreOutcome:
    existing = session.exec(select(Document).where(Document.content_hash == raw.content_hash)).first()
    if existing is not None:
        return StoreOutcome("unchanged", existing.id)

    source_id = None
    source_name = raw.source or resolved.source_line
    if source_name:
        source = session.exec(select(Source).where(Source.name == source_name)).first()
        if source is None:
            source = Source(name=source_name)
            session.add(source)
            session.flush()
        source_id = source.id

    published = _parse_date(raw.published) or _parse_date(resolved.published)
    doc = Document(
        content_hash=raw.content_hash,
        title=raw.title,
        url=raw.url,
        path=raw.path,
        published=published,
        source_id=source_id,
        text=raw.text,
        n_chars=len(raw.text),
        extractor_version=EXTRACTOR_VERSION,
    )
    session.add(doc)
    session.flush()

    ids: dict[str, int] = {}
    new_actors = 0
    for name, ra in resolved.actors.items():
        actor, created = get_or_create_actor(session, name, ra.kind)
        new_actors += created
        ids[name] = actor.id
        for surface in ra.aliases:
            add_alias(session, surface, actor)

    def actor_id(name: str) -> int:
        if name not in ids:
            ids[name] = get_or_create_actor(session, name)[0].id
        return ids[name]

    for m in resolved.mentions:
        session.add(Mention(document_id=doc.id, actor_id=actor_id(m.actor), start=m.start, end=m.end,
                            text=m.text, label=m.label))

    statement_ids: list[int] = []
    for rs in resolved.statements:
        a = rs.attribution
        sent = a.sentence
        st = Statement(
            document_id=doc.id,
            speaker_id=actor_id(rs.speaker) if rs.speaker else None,
            speaker_text=a.source.text if a.source else None,
            speaker_start=a.source.start if a.source else None,
            speaker_end=a.source.end if a.source else None,
            cue_text=a.cue.text if a.cue else None,
            cue_lemma=a.cue_lemma,
            cue_start=a.cue.start if a.cue else None,
            cue_end=a.cue.end if a.cue else None,
            content_text=a.content.text if a.content else None,
            content_start=a.content.start if a.content else None,
            content_end=a.content.end if a.content else None,
            kind=a.kind,
            claim_type=a.claim_type,
            sentence_start=sent.start if sent else 0,
            sentence_end=sent.end if sent else 0,
            confidence=a.confidence,
            extractor_version=EXTRACTOR_VERSION,
            published=published,
        )
        session.add(st)
        session.flush()
        statement_ids.append(st.id)
        seen = set()
        for t in rs.targets:
            key = (actor_id(t.actor), t.role)
            if key not in seen:
                seen.add(key)
                session.add(StatementTarget(statement_id=st.id, actor_id=key[0], role=t.role, text=t.text))

    for af in resolved.affiliations:
        pid, oid = actor_id(af.member), actor_id(af.organization)
        dup = session.exec(select(Affiliation).where(
            Affiliation.person_id == pid, Affiliation.organization_id == oid,
            Affiliation.relation == af.relation)).first()
        if dup is None and pid != oid:
            sid = statement_ids[af.statement_index] if af.statement_index is not None else None
            session.add(Affiliation(person_id=pid, organization_id=oid, relation=af.relation,
                                    role=af.role, statement_id=sid, document_id=doc.id))
    session.flush()
    return StoreOutcome("new", doc.id, len(statement_ids), new_actors)
