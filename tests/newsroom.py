"""The fictional newsroom KB (tests/data/newsroom, hostile text included) built by the real
ingest path with its metadata sidecar: shared by the browser tests and the screenshot script."""

from __future__ import annotations

from pathlib import Path

NEWSROOM = Path(__file__).resolve().parent / "data" / "newsroom"


def build_newsroom_kb(url: str, nlp=None) -> None:
    from kb.ingest import read_paths
    from kb.ingest.sidecar import read_sidecar
    from kb.pipeline import ingest

    if nlp is None:
        from kb.nlp import load_nlp

        nlp = load_nlp()
    sidecar = read_sidecar(NEWSROOM / "metadata.csv")
    summary = ingest(read_paths([NEWSROOM], metadata=sidecar), nlp, url)
    assert not summary.errors and not sidecar.errors, (summary.errors, sidecar.errors)
