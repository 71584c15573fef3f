"""Analysts' claim edits: merge two claims, split statements off into a claim of their own,
rename a claim. In kb.edit's style: call inside a write transaction, each function flushes, never
commits, bumps the KB version and returns a one-line message; nothing changes when it raises."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kb.claims import text as T
from kb.claims.link import recount_claims
from kb.claims.stance import statement_stance
from kb.models import Claim, ClaimKey, ClaimStatement, Statement


class ClaimEditError(ValueError):
    """The edit was refused; nothing was changed."""


def _claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, int(claim_id))
    if claim is None:
        raise ClaimEditError(f"no claim with id {claim_id}")
    return claim


def _restance(session: Session, claim: Claim, statement_ids: list[int]) -> None:
    """Stances of these statements recomputed against ``claim``'s wording."""
    rows = session.execute(select(Statement.id, Statement.content_text, Statement.claim_type, Statement.cue_lemma,
                                  Statement.kind).where(Statement.id.in_(statement_ids))).all()
    for sid, content, ctype, cue, kind in rows:
        stance = statement_stance(T.claim_text(content) or content or "", claim.text, ctype, cue, kind)
        session.execute(update(ClaimStatement).where(ClaimStatement.statement_id == sid)
                        .values(claim_id=claim.id, stance=stance))


def merge_claims(session: Session, keep_id: int, drop_id: int) -> str:
    """Fold claim ``drop_id`` into ``keep_id``: its statements and keys move, it is deleted."""
    from kb.store import bump_counters

    if int(keep_id) == int(drop_id):
        raise ClaimEditError("a claim cannot be merged into itself")
    keep, drop = _claim(session, keep_id), _claim(session, drop_id)
    moved = session.execute(select(ClaimStatement.statement_id).where(ClaimStatement.claim_id == drop.id)).scalars().all()
    _restance(session, keep, list(moved))
    session.execute(update(ClaimKey).where(ClaimKey.claim_id == drop.id).values(claim_id=keep.id))
    session.delete(drop)
    session.flush()
    recount_claims(session.connection(), [keep.id])
    bump_counters(session)
    return f"merged claim {drop_id} into {keep_id} ({len(moved)} statements moved)"


def split_claim(session: Session, claim_id: int, statement_ids: list[int], text: str | None = None) -> str:
    """Move these statements of claim ``claim_id`` into a new claim (worded ``text``, else like
    the first of them), which takes their exact wordings' keys with it."""
    from kb.claims.embed import embed, to_blob
    from kb.store import bump_counters

    claim = _claim(session, claim_id)
    ids = sorted({int(i) for i in statement_ids})
    members = set(session.execute(select(ClaimStatement.statement_id).where(
        ClaimStatement.claim_id == claim.id, ClaimStatement.statement_id.in_(ids))).scalars())
    missing = [i for i in ids if i not in members]
    if not ids or missing:
        raise ClaimEditError(f"statements {missing or ids} are not in claim {claim_id}")
    contents = dict(session.execute(select(Statement.id, Statement.content_text).where(Statement.id.in_(ids))).all())
    wording = (text or "").strip() or T.claim_text(contents[ids[0]]) or contents[ids[0]] or f"claim split from {claim_id}"
    new = Claim(text=wording, vector=to_blob(embed([wording])[0]), origin="analyst", first_statement_id=ids[0])
    session.add(new)
    session.flush()
    _restance(session, new, ids)
    for content in contents.values():
        ct = T.claim_text(content)
        if ct:
            session.execute(update(ClaimKey).where(ClaimKey.key == T.exact_key(ct), ClaimKey.claim_id == claim.id)
                            .values(claim_id=new.id))
    recount_claims(session.connection(), [claim.id, new.id])
    bump_counters(session)
    return f"split {len(ids)} statements of claim {claim_id} into new claim {new.id}: {wording!r}"


def rename_claim(session: Session, claim_id: int, text: str) -> str:
    """Give claim ``claim_id`` the canonical wording ``text`` (its vector stays the wording it
    was found by, so matching is unchanged)."""
    from kb.store import bump_counters

    text = (text or "").strip()
    if not text:
        raise ClaimEditError("a claim needs some words")
    claim = _claim(session, claim_id)
    old, claim.text, claim.origin = claim.text, text, "analyst"
    session.flush()
    bump_counters(session)
    return f"renamed claim {claim_id}: {old!r} -> {text!r}"
