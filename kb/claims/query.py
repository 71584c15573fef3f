"""Reading claims: lists by spread, one claim's history, and matching a sentence to known
claims. Shared by `kb claims` and the dashboard; no spaCy here (matching loads the sentence
model only when it is asked to match)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import and_, exists, false, select
from sqlalchemy.orm import Session

from kb.models import Actor, Claim, ClaimKey, ClaimStatement, Document, Source, Statement

SORTS = ("spread", "statements", "recent", "denied")
FOR, AGAINST = ("asserts",), ("denies",)


def _clamp(limit: int) -> int:
    return max(1, min(int(limit), 1000))


def list_claims(session: Session, actor_id: int | None = None, since: date | None = None,
                until: date | None = None, claim_type: str | None = None, q: str | None = None,
                stance: str | None = None, sort: str = "spread", limit: int = 50, offset: int = 0) -> list[dict]:
    """Claims with their counters. ``actor_id``: claims this actor made, repeated, denied or
    reported; ``claim_type``: claims carried by a statement of that type (accusation, denial, ...);
    ``stance``: claims with a statement of that stance (by ``actor_id`` when given); dates: claims
    seen within [since, until]. ``sort``: spread (speakers, then statements), statements, recent,
    denied."""
    stmt = select(Claim).where(Claim.n_statements > 0)
    conds = []
    if actor_id is not None:
        conds.append(Statement.speaker_id == actor_id)
    if claim_type:
        conds.append(Statement.claim_type == claim_type)
    if stance:
        conds.append(ClaimStatement.stance == stance)
    if conds:
        stmt = stmt.where(exists(select(ClaimStatement.statement_id)
                                 .join(Statement, Statement.id == ClaimStatement.statement_id)
                                 .where(ClaimStatement.claim_id == Claim.id, Statement.flagged == false(), *conds)))
    if since:
        stmt = stmt.where(Claim.last_seen >= since)
    if until:
        stmt = stmt.where(Claim.first_seen <= until)
    if q and q.strip():
        stmt = stmt.where(Claim.text.icontains(q.strip(), autoescape=True))
    order = {
        "statements": (Claim.n_statements.desc(), Claim.n_speakers.desc()),
        "recent": (Claim.last_seen.desc(), Claim.n_statements.desc()),
        "denied": (Claim.n_denies.desc(), Claim.n_speakers.desc()),
    }.get(sort, (Claim.n_speakers.desc(), Claim.n_statements.desc()))
    stmt = stmt.order_by(*order, Claim.id).limit(_clamp(limit)).offset(max(0, offset))
    return [_claim_row(c) for c in session.execute(stmt).scalars()]


def _claim_row(c: Claim) -> dict:
    return {"id": c.id, "text": c.text, "speakers": c.n_speakers, "statements": c.n_statements,
            "documents": c.n_documents, "sources": c.n_sources, "asserts": c.n_asserts, "denies": c.n_denies,
            "questions": c.n_questions, "reports": c.n_reports, "first_seen": c.first_seen,
            "last_seen": c.last_seen, "origin": c.origin}


def claim_statements(session: Session, claim_id: int, limit: int = 500) -> list[dict]:
    """A claim's statements in time order: who, when, where, stance, wording."""
    rows = session.execute(
        select(Statement.id, Statement.published, Statement.speaker_id, Actor.name, Statement.speaker_text,
               Statement.cue_text, Statement.claim_type, Statement.content_text, Statement.document_id,
               Document.title, Document.path, Source.name, ClaimStatement.stance, ClaimStatement.similarity,
               ClaimStatement.method)
        .join(ClaimStatement, ClaimStatement.statement_id == Statement.id)
        .join(Document, Document.id == Statement.document_id)
        .outerjoin(Actor, Actor.id == Statement.speaker_id)
        .outerjoin(Source, Source.id == Statement.source_id)
        .where(ClaimStatement.claim_id == int(claim_id), Statement.flagged == false())
        .order_by(Statement.published.is_(None), Statement.published, Statement.id)
        .limit(_clamp(limit))).all()
    keys = ("id", "published", "speaker_id", "speaker", "speaker_text", "cue", "claim_type", "content",
            "document_id", "document_title", "document_path", "source", "stance", "similarity", "method")
    return [dict(zip(keys, r)) for r in rows]


def get_claim(session: Session, claim_id: int) -> dict | None:
    """One claim: its counters, statements (timeline), speakers for and against, sources and
    documents."""
    claim = session.get(Claim, int(claim_id))
    if claim is None:
        return None
    out = _claim_row(claim)
    sts = claim_statements(session, claim_id)
    out["statements_list"] = sts
    speakers: dict[str, Counter] = defaultdict(Counter)
    for s in sts:
        speakers[s["speaker"] or s["speaker_text"] or "(unknown)"][s["stance"]] += 1
    out["speakers_for"] = sorted((n for n, c in speakers.items() if c["asserts"]), key=lambda n: -speakers[n]["asserts"])
    out["speakers_against"] = sorted((n for n, c in speakers.items() if c["denies"]),
                                     key=lambda n: -speakers[n]["denies"])
    out["speakers_list"] = [{"speaker": n, **dict(c)} for n, c in sorted(speakers.items(), key=lambda kv: -sum(kv[1].values()))]
    out["sources_list"] = [{"source": n, "statements": k} for n, k in Counter(
        s["source"] for s in sts if s["source"]).most_common()]
    docs = {}
    for s in sts:
        docs.setdefault(s["document_id"], {"document_id": s["document_id"], "title": s["document_title"],
                                           "path": s["document_path"], "published": s["published"]})
    out["documents_list"] = list(docs.values())
    timeline: dict[str, Counter] = defaultdict(Counter)
    for s in sts:
        timeline[s["published"].isoformat() if s["published"] else ""][s["stance"]] += 1
    out["timeline"] = [{"day": d, **dict(c)} for d, c in sorted(timeline.items())]
    return out


def statement_claims(session: Session, statement_ids) -> dict[int, dict]:
    """{statement id: {claim_id, claim, stance}} for these statements (those linked to a claim)."""
    ids = sorted({int(i) for i in statement_ids})
    if not ids:
        return {}
    rows = session.execute(select(ClaimStatement.statement_id, ClaimStatement.claim_id, Claim.text,
                                  ClaimStatement.stance)
                           .join(Claim, Claim.id == ClaimStatement.claim_id)
                           .where(ClaimStatement.statement_id.in_(ids))).all()
    return {sid: {"claim_id": cid, "claim": text, "stance": stance} for sid, cid, text, stance in rows}


def match_claims(session: Session, text: str, limit: int = 10, evidence: int = 3) -> list[dict]:
    """The known claims closest to ``text``, best first, each with its score and its first
    statements as evidence. Same wording first (exact key), then by meaning (ANN candidates
    re-ranked by the matcher of kb.claims.match)."""
    from kb.claims import text as T
    from kb.claims.embed import embed, from_blob
    from kb.claims.index import get_index
    from kb.claims.match import fuse

    conn = session.connection()
    wording = T.claim_text(text) or text.strip()
    if not wording:
        return []
    vector = embed([wording])[0]
    candidates = dict(get_index(conn).search(vector, max(50, limit * 5)))
    keyed = session.execute(select(ClaimKey.claim_id).where(
        ClaimKey.key.in_([T.exact_key(wording), *T.band_keys(wording)]))).scalars().all()
    ids = set(candidates) | set(keyed)
    if not ids:
        return []
    claims = {c.id: c for c in session.execute(select(Claim).where(Claim.id.in_(ids), Claim.n_statements > 0)).scalars()}
    scored = []
    for cid, c in claims.items():
        cos = float(from_blob(c.vector) @ vector) if c.vector else candidates.get(cid, 0.0)
        scored.append((fuse(cos, T.jaccard(wording, c.text)), cos, c))
    scored.sort(key=lambda x: -x[0])
    out = []
    for score, cos, c in scored[:_clamp(limit)]:
        row = _claim_row(c)
        row["score"], row["similarity"] = round(score, 4), round(cos, 4)
        row["evidence"] = claim_statements(session, c.id, evidence)
        out.append(row)
    return out


def claim_edges(session: Session, since: date | None = None, until: date | None = None) -> list[dict]:
    """Actor pairs linked through claims, for the graph: ``echoes`` (asserts or reports a claim
    another actor made first; from the later speaker to the first) and ``denies_claim_of`` (denies
    a claim another actor made). One dict per pair and type with the claims and statements as
    evidence. Only statements dated in [since, until] count when a window is given."""
    q = (select(ClaimStatement.claim_id, ClaimStatement.stance, Statement.speaker_id, Statement.published,
                Statement.id, Statement.document_id)
         .join(Statement, and_(Statement.id == ClaimStatement.statement_id, Statement.flagged == false()))
         .where(Statement.speaker_id.is_not(None))
         .where(ClaimStatement.claim_id.in_(select(Claim.id).where(Claim.n_speakers > 1)))
         .order_by(ClaimStatement.claim_id, Statement.published.is_(None), Statement.published, Statement.id))
    if since:
        q = q.where(Statement.published >= since)
    if until:
        q = q.where(Statement.published <= until)
    by_claim: dict[int, list] = defaultdict(list)
    for cid, stance, speaker, published, sid, did in session.execute(q):
        by_claim[cid].append((stance, speaker, published, sid, did))
    edges: dict[tuple[int, int, str], dict] = {}
    for cid, sts in by_claim.items():
        makers = [sp for st, sp, *_ in sts if st in ("asserts", "reports")]
        if not makers:
            continue
        first = makers[0]
        for stance, speaker, published, sid, did in sts:
            kind = {"asserts": "echoes", "reports": "echoes", "denies": "denies_claim_of"}.get(stance)
            if speaker == first or kind is None:
                continue
            e = edges.setdefault((speaker, first, kind), {"source": speaker, "target": first, "type": kind,
                                                          "claims": set(), "statements": [], "documents": [],
                                                          "first": None, "last": None})
            e["claims"].add(cid)
            e["statements"].append(sid)
            e["documents"].append(did)
            if published:
                e["first"] = min(filter(None, [e["first"], published]))
                e["last"] = max(filter(None, [e["last"], published]))
    out = []
    for e in edges.values():
        e["claims"] = sorted(e["claims"])
        e["weight"] = len(e["statements"])
        out.append(e)
    return out
