"""What an edge of the actor graph means: the table from stored rows to edge types.

A statement's speaker points at each of its targets. The edge type comes from the target's
role and the statement's claim type, first matching row wins:

    role       claim type                 edge type
    ---------  -------------------------  ----------
    accused    (any)                      accuses
    (other)    rejection                  rejects
    (other)    denial                     denies
    (other)    praise                     praises
    (other)    warning                    warns
    (other)    threat                     threatens
    addressed  (any other)                calls_on
    mentioned  (any other)                mentions

"accused" wins because the extractor only marks a target accused when the statement blames it
(a warning that names the culprit is an accusation of that culprit). Affiliation rows give
``member_of`` (person -> organisation) and ``part_of`` (unit -> organisation) by their relation.
Flagged statements (an analyst marked them wrong) and statements whose speaker is also the
target are left out.
"""

from __future__ import annotations

from sqlalchemy import case

from kb.models import Statement, StatementTarget

# Claim types (as kb.extract writes them, plus the PLOVER/CAMEO verbs) -> edge type.
CLAIM_EDGE_TYPES: dict[str, str] = {
    "rejection": "rejects", "reject": "rejects",
    "denial": "denies", "deny": "denies",
    "praise": "praises",
    "warning": "warns", "warn": "warns",
    "threat": "threatens", "threaten": "threatens",
}
ROLE_EDGE_TYPES: dict[str, str] = {"accused": "accuses", "addressed": "calls_on", "mentioned": "mentions"}
STATEMENT_EDGE_TYPES = ("accuses", "calls_on", "rejects", "denies", "praises", "warns", "threatens", "mentions")
AFFILIATION_EDGE_TYPES = ("member_of", "part_of")
CLAIM_LINK_EDGE_TYPES = ("echoes", "denies_claim_of")  # kb.claims.graph: actors linked through a claim
EDGE_TYPES = STATEMENT_EDGE_TYPES + AFFILIATION_EDGE_TYPES + CLAIM_LINK_EDGE_TYPES


def edge_type(role: str, claim_type: str | None) -> str:
    """The edge type of one (target role, claim type) pair, by the table above."""
    if role == "accused":
        return "accuses"
    return CLAIM_EDGE_TYPES.get((claim_type or "").lower()) or ROLE_EDGE_TYPES.get(role, "mentions")


def edge_type_sql(code=None):
    """The same table as a SQL CASE over Statement.claim_type and StatementTarget.role.
    ``code`` maps each edge type to the value the CASE gives (default: the type's name)."""
    code = code or (lambda et: et)
    claim = Statement.claim_type
    whens = [(StatementTarget.role == "accused", code("accuses"))]
    by_type: dict[str, list[str]] = {}
    for ct, et in CLAIM_EDGE_TYPES.items():
        by_type.setdefault(et, []).append(ct)
    for et, cts in by_type.items():
        whens.append((claim.in_(cts + [c.upper() for c in cts]), code(et)))
    whens.append((StatementTarget.role == "addressed", code("calls_on")))
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
