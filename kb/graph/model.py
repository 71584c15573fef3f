"""What an edge of the actor graph means: the table from stored rows to edge types.

A statement's speaker points at each of its targets. The edge type comes from the target's
role, the statement's event family and its claim type, first matching row wins:

    role        event / claim type                         edge type
    ----------  -----------------------------------------  ----------
    accused     (any)                                      accuses
    rejected    (any)                                      rejects
    threatened  (any)                                      threatens
    praised     (any)                                      praises
    supported   (any)                                      supports
    (other)     no event, claim type rejection             rejects
    (other)     no event, claim type denial                denies
    (other)     no event, claim type praise                praises
    (other)     no event, claim type warning               warns
    (other)     no event, claim type threat                threatens
    addressed   (any other)                                calls_on
    mentioned   (any other)                                mentions

The directed roles come from kb.extract.targets (docs/events.md): "rejected X's offer" makes X
rejected, so the edge is ``rejects``; an actor merely named in the same statement is
``mentioned`` and gets a ``mentions`` edge. Statements without an event family (and statements
stored before events existed) keep the claim-type rows, so a KB ingested by an older kb reads as
before. Affiliation rows give ``member_of`` (person -> organisation) and ``part_of`` (unit ->
organisation) by their relation. Flagged statements (an analyst marked them wrong) and
statements whose speaker is also the target are left out.
"""

from __future__ import annotations

from sqlalchemy import case

from kb.models import Statement, StatementTarget

# Directed target roles -> edge type (whatever the claim type).
DIRECTED_EDGE_TYPES: dict[str, str] = {
    "accused": "accuses", "rejected": "rejects", "threatened": "threatens", "praised": "praises",
    "supported": "supports",
}
# Claim types (as kb.extract writes them, plus the PLOVER/CAMEO verbs) -> edge type, for the
# other roles of statements without an event family.
CLAIM_EDGE_TYPES: dict[str, str] = {
    "rejection": "rejects", "reject": "rejects",
    "denial": "denies", "deny": "denies",
    "praise": "praises",
    "warning": "warns", "warn": "warns",
    "threat": "threatens", "threaten": "threatens",
}
ROLE_EDGE_TYPES: dict[str, str] = {"accused": "accuses", "addressed": "calls_on", "mentioned": "mentions"}
UNDIRECTED_ROLES = ("addressed", "mentioned")  # the roles the claim-type rows apply to
STATEMENT_EDGE_TYPES = ("accuses", "calls_on", "rejects", "denies", "praises", "warns", "threatens", "mentions",
                        "supports")
AFFILIATION_EDGE_TYPES = ("member_of", "part_of")
# The PLOVER event family each statement edge type stands for (the graph legend shows it).
EDGE_EVENTS = {"accuses": "DISAPPROVE", "calls_on": "DEMAND", "rejects": "REJECT", "denies": "REJECT",
               "threatens": "THREATEN", "warns": "THREATEN", "praises": "SUPPORT", "supports": "SUPPORT"}
CLAIM_LINK_EDGE_TYPES = ("echoes", "denies_claim_of")  # kb.claims.graph: actors linked through a claim
EDGE_TYPES = STATEMENT_EDGE_TYPES + AFFILIATION_EDGE_TYPES + CLAIM_LINK_EDGE_TYPES


def edge_type(role: str, claim_type: str | None, event: str | None = None) -> str:
    """The edge type of one (target role, claim type, event family), by the table above."""
    if role in DIRECTED_EDGE_TYPES:
        return DIRECTED_EDGE_TYPES[role]
    if not event and (by_claim := CLAIM_EDGE_TYPES.get((claim_type or "").lower())):
        return by_claim
    return ROLE_EDGE_TYPES.get(role, "mentions")


def edge_type_sql(code=None):
    """The same table as a SQL CASE over StatementTarget.role, Statement.event and
    Statement.claim_type. ``code`` maps each edge type to the value the CASE gives (default: the
    type's name)."""
    code = code or (lambda et: et)
    claim, role = Statement.claim_type, StatementTarget.role
    whens = [(role == r, code(et)) for r, et in DIRECTED_EDGE_TYPES.items()]
    by_type: dict[str, list[str]] = {}
    for ct, et in CLAIM_EDGE_TYPES.items():
        by_type.setdefault(et, []).append(ct)
    for et, cts in by_type.items():
        whens.append((Statement.event.is_(None) & claim.in_(cts + [c.upper() for c in cts]), code(et)))
    whens.append((role == "addressed", code("calls_on")))
    return case(*whens, else_=code("mentions"))


def edge_code_sql():
    """The edge type as its index in STATEMENT_EDGE_TYPES (a small integer to stream)."""
    return edge_type_sql(STATEMENT_EDGE_TYPES.index)


def check_types(types) -> tuple[str, ...] | None:
    """Validate edge-type filters; None means every type."""
    if not types:
        return None
    types = tuple(types)
    unknown = [t for t in types if t not in EDGE_TYPES]
    if unknown:
        raise ValueError(f"unknown edge type {unknown[0]!r} (one of: {', '.join(EDGE_TYPES)})")
    return types
