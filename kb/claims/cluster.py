"""`kb claims recluster`: every claim built again from the KB's statements, oldest first, with
the same rules as online linking (so a re-cluster and an ingest agree), in batches of one
transaction each. Analysts' splits, merges and renames are lost: it starts from scratch."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, false, select

from kb.claims.index import GENERATION, _new_index, forget
from kb.claims.link import THRESHOLD, _Linker
from kb.models import Claim, ClaimKey, ClaimStatement, Statement

BATCH = 2000


def recluster(url: str | None = None, threshold: float = THRESHOLD,
              progress: Callable[[int], None] | None = None) -> dict:
    """Drop every claim and link every unflagged statement again. Returns counts."""
    from kb.db import get_engine, write_with_retry
    from kb.store import bump_counters

    def wipe(session):
        session.execute(delete(ClaimStatement))
        session.execute(delete(ClaimKey))
        session.execute(delete(Claim))
        bump_counters(session, {GENERATION: 1})

    write_with_retry(wipe, url)
    forget()
    engine = get_engine(url)
    cols = (Statement.id, Statement.content_text, Statement.claim_type, Statement.cue_lemma, Statement.kind,
            Statement.published)
    with engine.connect() as conn:
        order = conn.execute(select(Statement.id).where(Statement.flagged == false())
                             .order_by(Statement.published.is_(None), Statement.published, Statement.id)).scalars().all()
    index = _new_index()
    linked = 0
    for start in range(0, len(order), BATCH):
        ids = order[start:start + BATCH]

        def batch(session, ids=ids):
            conn = session.connection()
            rows = {r.id: dict(r._mapping) for r in conn.execute(select(*cols).where(Statement.id.in_(ids)))}
            linker = _Linker(conn, threshold, origin="recluster", index=index)
            linker.link([rows[i] for i in ids if i in rows])
            n = len(linker.links)
            linker.flush()
            bump_counters(session)
            return n

        linked += write_with_retry(batch, url)
        if progress:
            progress(min(start + BATCH, len(order)))
    with engine.connect() as conn:
        claims = conn.execute(select(Claim.id).where(Claim.n_statements > 0)).scalars().all()
    return {"statements": len(order), "linked": linked, "claims": len(claims)}
