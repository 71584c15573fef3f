"""`kb export-gold`: the documents an analyst reviewed in the KB, written as PolNeAR-style gold.

A document counts as reviewed when any of its statements is flagged as wrong (or when it is
named explicitly). Its unflagged statements become the gold attributions (speaker, cue, content
spans as stored, which are char offsets into the document's text); flagged ones are left out,
so retraining on the folder (``kb train``) learns that such a candidate is not a statement.

Layout written (the one ``kb evaluate`` and ``kb train`` read):

    OUT/text/<name>.txt
    OUT/attributions/<name>_kb-analyst.ann      brat standoff: T (Source, Cue, Content) and E lines
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.models import Document, Statement

ANNOTATOR = "kb-analyst"


def reviewed_documents(session: Session) -> list[int]:
    rows = session.execute(select(Statement.document_id).where(Statement.flagged).distinct())
    return sorted(r[0] for r in rows)


def brat(statements: list[Statement], text: str) -> str:
    """The statements as brat standoff lines (offsets only matter; the span text is informative)."""
    lines, t = [], 0
    for e, st in enumerate(statements, 1):
        args = ["Attribution"]
        for role, start, end in (("Source", st.speaker_start, st.speaker_end), ("Cue", st.cue_start, st.cue_end),
                                 ("Content", st.content_start, st.content_end)):
            if start is None or end is None or end <= start:
                continue
            t += 1
            piece = text[start:end].replace("\n", " ").replace("\r", " ")
            lines.append(f"T{t}\t{role} {start} {end}\t{piece}")
            args.append(f"{role}:T{t}")
        if len(args) > 1:
            lines.append(f"E{e}\tAttribution " + " ".join(args[1:]))
    return "\n".join(lines) + ("\n" if lines else "")


def export_gold(session: Session, out: Path | str, document_ids: list[int] | None = None) -> int:
    """Write the reviewed (or the given) documents to ``out``; returns how many were written."""
    out = Path(out)
    ids = document_ids if document_ids else reviewed_documents(session)
    (out / "text").mkdir(parents=True, exist_ok=True)
    (out / "attributions").mkdir(parents=True, exist_ok=True)
    n = 0
    for doc_id in ids:
        doc = session.get(Document, doc_id)
        if doc is None:
            raise LookupError(f"no document with id {doc_id}")
        statements = session.scalars(select(Statement).where(Statement.document_id == doc_id,
                                                             Statement.flagged.is_(False))
                                     .order_by(Statement.cue_start)).all()
        name = f"kb-{doc_id:06d}"
        with open(out / "text" / f"{name}.txt", "w", encoding="utf-8", newline="") as f:
            f.write(doc.text)
        (out / "attributions" / f"{name}_{ANNOTATOR}.ann").write_text(brat(statements, doc.text), encoding="utf-8")
        n += 1
    return n
