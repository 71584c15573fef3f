"""Online claim linking: each new statement joins its claim, or starts one, in the transaction
that stores it (kb.store calls ``link_statements``).

Cheapest first: the same words (exact key) join at once; a near duplicate (a MinHash band key in
common and word-bigram Jaccard >= 0.7) joins without the model; only what is left is embedded and
joins the nearest claim (ANN index) when the cosine reaches the threshold, else starts a claim.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import case, distinct, false, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from kb.claims import text as T
from kb.claims.stance import statement_stance
from kb.models import Claim, ClaimKey, ClaimStatement, Statement

CLAIM, KEY, LINK, STATEMENT = Claim.__table__, ClaimKey.__table__, ClaimStatement.__table__, Statement.__table__
# Cosine at which a new wording joins a known claim. Chosen by cross-validation on Emergent
# (docs/claims.md); KB_CLAIMS_THRESHOLD overrides it.
THRESHOLD = float(os.environ.get("KB_CLAIMS_THRESHOLD") or 0.55)
LEXICAL = 0.5  # weight of content-word overlap against the cosine in the join score
CANDIDATES = 8


def join_score(cosine: float, text: str, claim: str, weight: float = LEXICAL) -> float:
    """How well a wording fits a claim: the cosine, fused with the content words they share."""
    return (cosine + weight * T.overlap(text, claim)) / (1 + weight)


def enabled() -> bool:
    return (os.environ.get("KB_CLAIMS") or "on").lower() not in ("off", "0", "no", "false")


def _insert_ignore(conn: Connection, table, keys: list[str]):
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=keys)


def _chunks(items: Sequence, n: int = 500):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _claims(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(sorted(set(ids))):
        out.update(conn.execute(select(CLAIM.c.id, CLAIM.c.text).where(CLAIM.c.id.in_(chunk))).all())
    return out


class _Linker:
    """One batch of statements being linked; claims it creates are searched by brute force until
    they are committed (the shared index only learns committed claims)."""

    def __init__(self, conn: Connection, threshold: float = THRESHOLD, origin: str = "ingest", index=None):
        # ``index``: a private usearch index that new claims go straight into (re-clustering);
        # None: this process's shared index of committed claims (kb.claims.index).
        self.conn, self.threshold, self.origin = conn, threshold, origin
        self.index = index
        self.key_claim: dict[str, int] = {}
        self.texts: dict[int, str] = {}
        self.new_ids: list[int] = []
        self.new_vecs: list[np.ndarray] = []
        self.links: list[dict] = []
        self.keys: dict[str, int] = {}
        self.touched: set[int] = set()

    def _create(self, text: str, vector: np.ndarray | None, first_statement: int, published) -> int:
        from kb.claims.embed import to_blob

        cid = self.conn.execute(CLAIM.insert().returning(CLAIM.c.id), {
            "text": text, "vector": to_blob(vector) if vector is not None else None,
            "first_seen": published, "last_seen": published, "first_statement_id": first_statement,
            "origin": self.origin}).scalar()
        self.texts[cid] = text
        if vector is not None and self.index is not None:
            self.index.add(cid, vector)
        elif vector is not None:
            self.new_ids.append(cid)
            self.new_vecs.append(vector)
        return cid

    def _nearest(self, vector: np.ndarray, text: str) -> tuple[int | None, float]:
        """The claim ``text`` joins (None: it starts one) and its join score."""
        scored: dict[int, float] = {}
        if self.index is not None:
            if len(self.index):
                m = self.index.search(vector, min(CANDIDATES, len(self.index)))
                scored.update((int(k), 1.0 - float(d)) for k, d in zip(m.keys, m.distances))
        else:
            from kb.claims.index import get_index

            scored.update(get_index(self.conn).search(vector, CANDIDATES))
        if self.new_ids:
            sims = np.stack(self.new_vecs) @ vector
            scored.update(zip(self.new_ids, sims.tolist()))
        scored = {c: s for c, s in scored.items() if s >= self.threshold - 0.3}  # cannot reach it
        if not scored:
            return None, 0.0
        self.texts.update(_claims(self.conn, [c for c in scored if c not in self.texts]))  # merged-away drop out
        fused = {c: join_score(s, text, self.texts[c]) for c, s in scored.items() if c in self.texts}
        best = max(fused, key=fused.get, default=None)
        if best is None or fused[best] < self.threshold:
            return None, fused.get(best, 0.0)
        return best, fused[best]

    def link(self, rows: list[dict]) -> None:
        """``rows``: statement dicts with ``id``, ``content_text``, ``claim_type``, ``cue_lemma``,
        ``kind``, ``published``."""
        items = []
        for row in rows:
            ct = T.claim_text(row.get("content_text"))
            if ct:
                items.append((row, ct, T.exact_key(ct), T.band_keys(ct)))
        if not items:
            return
        wanted = {k for _, _, x, bands in items for k in [x, *bands]} - set(self.key_claim)
        for chunk in _chunks(sorted(wanted)):
            self.key_claim.update(self.conn.execute(select(KEY.c.key, KEY.c.claim_id).where(KEY.c.key.in_(chunk))).all())

        to_embed = []
        for row, ct, xkey, bands in items:
            if xkey in self.key_claim:
                self._join(row, ct, self.key_claim[xkey], 1.0, "exact", xkey, bands)
                continue
            near = {self.key_claim[b] for b in bands if b in self.key_claim}
            if near:
                self.texts.update(_claims(self.conn, near - set(self.texts)))
                scored = [(T.jaccard(ct, self.texts[c]), c) for c in near if c in self.texts]
                best = max(scored, default=(0.0, None))
                if best[0] >= T.NEAR_DUPLICATE:
                    self._join(row, ct, best[1], best[0], "near", xkey, bands)
                    continue
            to_embed.append((row, ct, xkey, bands))
        if not to_embed:
            return
        from kb.claims.embed import embed

        vectors = embed([ct for _, ct, _, _ in to_embed])
        for (row, ct, xkey, bands), vec in zip(to_embed, vectors):
            if xkey in self.key_claim:  # the same wording twice in this batch
                self._join(row, ct, self.key_claim[xkey], 1.0, "exact", xkey, bands)
                continue
            cid, sim = self._nearest(vec, ct)
            if cid is None:
                cid = self._create(ct, vec, row["id"], row.get("published"))
                self._join(row, ct, cid, 1.0, "new", xkey, bands)
            else:
                self._join(row, ct, cid, sim, "meaning", xkey, bands)

    def _join(self, row: dict, ct: str, cid: int, sim: float, method: str, xkey: str, bands: list[str]) -> None:
        claim = self.texts.get(cid) or _claims(self.conn, [cid]).get(cid, ct)
        self.texts[cid] = claim
        stance = statement_stance(ct, claim, row.get("claim_type"), row.get("cue_lemma"), row.get("kind"))
        self.links.append({"statement_id": row["id"], "claim_id": cid, "stance": stance,
                           "similarity": round(float(sim), 4), "method": method})
        for k in [xkey, *bands]:
            self.key_claim.setdefault(k, cid)
            self.keys.setdefault(k, cid)
        self.touched.add(cid)

    def flush(self) -> None:
        if self.links:
            self.conn.execute(LINK.insert(), self.links)
        if self.keys:
            self.conn.execute(_insert_ignore(self.conn, KEY, ["key"]),
                              [{"key": k, "claim_id": c} for k, c in sorted(self.keys.items())])
        recount_claims(self.conn, self.touched)
        self.links, self.keys = [], {}
        self.touched = set()


def link_statements(conn: Connection, statement_ids: Sequence[int], rows: Sequence[dict]) -> int:
    """Link a document's new statements (their ids and kb.store's row dicts) to claims, in the
    caller's transaction. Returns how many statements were linked. ``KB_CLAIMS=off`` skips it."""
    if not enabled() or not statement_ids:
        return 0
    linker = _Linker(conn)
    linker.link([{**row, "id": sid} for sid, row in zip(statement_ids, rows)])
    n = len(linker.links)
    linker.flush()
    return n


_STANCE_COLS = {"asserts": "n_asserts", "denies": "n_denies", "questions": "n_questions", "reports": "n_reports"}


def recount_claims(conn: Connection, claim_ids: Iterable[int]) -> None:
    """Counters and dates of these claims counted afresh from their (unflagged) statements."""
    ids = sorted(set(claim_ids))
    for chunk in _chunks(ids):
        q = (select(LINK.c.claim_id, func.count(), func.count(distinct(STATEMENT.c.speaker_id)),
                    func.count(distinct(STATEMENT.c.document_id)), func.count(distinct(STATEMENT.c.source_id)),
                    func.min(STATEMENT.c.published), func.max(STATEMENT.c.published), func.min(LINK.c.statement_id),
                    *[func.sum(case((LINK.c.stance == s, 1), else_=0)) for s in _STANCE_COLS])
             .join(STATEMENT, STATEMENT.c.id == LINK.c.statement_id)
             .where(LINK.c.claim_id.in_(chunk), STATEMENT.c.flagged == false())
             .group_by(LINK.c.claim_id))
        found = {}
        for cid, n, sp, docs, srcs, first, last, first_sid, *stances in conn.execute(q):
            found[cid] = {"n_statements": n, "n_speakers": sp, "n_documents": docs, "n_sources": srcs,
                          "first_seen": first, "last_seen": last, "first_statement_id": first_sid,
                          **{col: int(v or 0) for col, v in zip(_STANCE_COLS.values(), stances)}}
        empty = {"n_statements": 0, "n_speakers": 0, "n_documents": 0, "n_sources": 0, "first_seen": None,
                 "last_seen": None, **dict.fromkeys(_STANCE_COLS.values(), 0)}
        for cid in chunk:
            conn.execute(update(CLAIM).where(CLAIM.c.id == cid).values(found.get(cid, empty)))
