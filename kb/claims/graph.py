"""Claim edges for the actor graph (kb.graph.build calls ``graph_edges`` once per build):

- ``echoes``: an actor asserts or reports a claim another actor made first (later -> first);
- ``denies_claim_of``: an actor denies a claim another actor made (denier -> maker).
Evidence is the statements that made the link; dates and counts as on the other edges.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

CLAIM_GRAPH_EDGE_TYPES = ("echoes", "denies_claim_of")


def graph_edges(session: Session, since: date | None = None, until: date | None = None,
                evidence_cap: int = 20) -> dict[tuple[int, int, str], dict]:
    """{(u, v, type): edge attributes} for kb.graph, over statements dated in [since, until]."""
    from kb.claims.query import claim_edges

    out = {}
    for e in claim_edges(session, since, until):
        sids = tuple(sorted(e["statements"], reverse=True)[:evidence_cap])
        out[(e["source"], e["target"], e["type"])] = {
            "type": e["type"], "count": e["weight"], "n_documents": len(set(e["documents"])),
            "first": e["first"].isoformat() if e["first"] else None,
            "last": e["last"].isoformat() if e["last"] else None,
            "statements": sids, "documents": tuple(dict.fromkeys(e["documents"])), "claims": tuple(e["claims"])}
    return out
