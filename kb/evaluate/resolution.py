"""Speaker-resolution accuracy against a gold file of speaker mentions and their canonical actors.

The gold (``tests/data/polnear-dev-speakers.tsv``) is a TSV of ``document``, ``start``, ``end``,
``actor``: a speaker mention in ``<texts>/<document>.txt`` (char offsets, the text read with
``newline=""``) and the canonical actor it refers to, or ``-`` when it is not an actor ("a
source", "the poll", "critics"). Only offsets and names are stored, never the publishers' text.

The texts are ingested into a fresh temporary KB through the real pipeline (extraction,
resolution, the store's KB-level canonical names), so the figure is what an analyst would see.
Each gold mention is then matched with the stored statement of that document whose speaker span
overlaps it most:

* ``found``: mentions some statement's speaker span overlaps (the rest were not extracted as a
  speaker at all: an attribution miss, scored by ``kb evaluate`` itself, not here);
* ``accuracy``: among the found ones, the share whose stored speaker is the gold actor (names
  compared by ``kb.names.normalise``), an unresolved speaker counting as right only for ``-``;
* ``accuracy_all``: the same over every gold mention, a miss counting as wrong.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kb.evaluate.polnear import read_text
from kb.names import normalise

NOT_AN_ACTOR = "-"


@dataclass(frozen=True)
class GoldSpeaker:
    document: str
    start: int
    end: int
    actor: str | None  # canonical name; None: not an actor


@dataclass
class Outcome:
    gold: GoldSpeaker
    found: bool
    predicted: str | None = None
    speaker_text: str | None = None

    @property
    def correct(self) -> bool:
        if not self.found:
            return False
        if self.gold.actor is None:
            return self.predicted is None
        return self.predicted is not None and normalise(self.predicted) == normalise(self.gold.actor)


@dataclass
class ResolutionReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.outcomes)

    @property
    def found(self) -> int:
        return sum(o.found for o in self.outcomes)

    @property
    def correct(self) -> int:
        return sum(o.correct for o in self.outcomes)

    @property
    def accuracy(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def accuracy_all(self) -> float:
        return self.correct / self.n if self.n else 0.0

    def confusions(self) -> Counter:
        """(gold, predicted) -> count of the wrong ones among the found."""
        return Counter((o.gold.actor or NOT_AN_ACTOR, o.predicted or NOT_AN_ACTOR)
                       for o in self.outcomes if o.found and not o.correct)

    def as_dict(self) -> dict:
        return {"mentions": self.n, "found": self.found, "correct": self.correct,
                "accuracy": round(100 * self.accuracy, 1), "accuracy_all": round(100 * self.accuracy_all, 1),
                "errors": [{"document": o.gold.document, "start": o.gold.start, "end": o.gold.end,
                            "gold": o.gold.actor or NOT_AN_ACTOR, "predicted": o.predicted or NOT_AN_ACTOR,
                            "speaker_text": o.speaker_text}
                           for o in self.outcomes if o.found and not o.correct]}

    def format_text(self) -> str:
        lines = [f"speaker mentions      {self.n}",
                 f"found as a speaker    {self.found} ({100 * self.found / max(self.n, 1):.1f}%)",
                 f"resolution accuracy   {100 * self.accuracy:.1f}% ({self.correct}/{self.found} found)",
                 f"over all mentions     {100 * self.accuracy_all:.1f}% (a miss counts as wrong)"]
        wrong = self.confusions()
        if wrong:
            lines.append("errors (gold -> kb):")
            lines += [f"  {n:3d}  {g} -> {p}" for (g, p), n in wrong.most_common(25)]
        return "\n".join(lines)


def read_gold(path: Path | str) -> list[GoldSpeaker]:
    """The gold speaker mentions of a TSV file (``#`` lines and the header skipped)."""
    path = Path(path)
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("document\t"):
            continue
        parts = line.split("\t")
        if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
            raise ValueError(f"{path}:{n}: expected document<TAB>start<TAB>end<TAB>actor")
        actor = parts[3].strip()
        out.append(GoldSpeaker(parts[0], int(parts[1]), int(parts[2]), None if actor == NOT_AN_ACTOR else actor))
    return out


def _texts_dir(texts: Path) -> Path:
    return texts / "text" if (texts / "text").is_dir() else texts


def evaluate_speakers(gold: list[GoldSpeaker], texts: Path | str, nlp, workers: int = 1,
                      url: str | None = None) -> ResolutionReport:
    """Ingest the gold's documents into a KB (a fresh temporary SQLite file unless ``url``) and
    score each gold mention against the stored statements."""
    from sqlalchemy import select

    from kb.db import dispose_engine, session_scope
    from kb.ingest import RawDocument
    from kb.models import Actor, Document, Statement
    from kb.pipeline import ingest

    folder = _texts_dir(Path(texts))
    names = sorted({g.document for g in gold})
    missing = [n for n in names if not (folder / f"{n}.txt").is_file()]
    if missing:
        raise FileNotFoundError(f"{folder}: no text for {missing[0]}.txt (and {len(missing) - 1} more)"
                                if len(missing) > 1 else f"{folder}: no text for {missing[0]}.txt")
    with tempfile.TemporaryDirectory(prefix="kb-eval-") as tmp:
        url = url or f"sqlite:///{tmp}/kb.sqlite"
        items = [RawDocument(text=read_text(folder / f"{n}.txt"), path=n) for n in names]
        ingest(items, nlp, url=url, workers=workers)
        spans: dict[str, list[tuple[int, int, str | None, str | None]]] = {}
        with session_scope(url) as session:
            rows = session.execute(
                select(Document.path, Statement.speaker_start, Statement.speaker_end, Actor.name,
                       Statement.speaker_text)
                .join(Document, Document.id == Statement.document_id)
                .outerjoin(Actor, Actor.id == Statement.speaker_id)
                .where(Statement.speaker_start.is_not(None))).all()
        dispose_engine(url)
    for path, start, end, actor, text in rows:
        spans.setdefault(path, []).append((start, end, actor, text))
    report = ResolutionReport()
    for g in gold:
        best = max(((min(e, g.end) - max(s, g.start), actor, text) for s, e, actor, text in spans.get(g.document, ())
                    if min(e, g.end) > max(s, g.start)), default=None, key=lambda b: b[0])
        if best is None:
            report.outcomes.append(Outcome(g, False))
        else:
            report.outcomes.append(Outcome(g, True, best[1], best[2]))
    return report
