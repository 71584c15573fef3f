"""Score extracted attributions against a gold folder in PolNeAR's brat layout.

Layout: ``text/<name>.txt`` and ``attributions/<name>_<annotator>.ann``. When a text has several
``.ann`` files (several annotators), the first in sorted order is used; texts without any
``.ann`` are not annotated and are skipped. Offsets are char offsets into the text read with
``open(..., encoding="utf-8", newline="")`` (checked on PolNeAR: ``text[start:end]`` equals the
span text in the ``.ann`` for every span of train and dev).

Gold attributions are the brat ``E`` lines (``Attribution`` and ``Attribution-no-source``) with
their ``Source``, ``Cue`` and ``Content`` arguments; any of them may be missing. ``E`` lines with
neither cue nor content are empty annotations and are dropped. Only the offsets of the ``.ann``
are read, never its text field (which may contain raw newlines).

Span comparison
---------------
Every span is first trimmed of whitespace and punctuation at its edges (quote marks, commas,
dashes...), piece by piece; a span that is nothing but punctuation (PolNeAR uses ``:`` as a cue)
keeps its punctuation and loses only whitespace. Gold spans may be discontinuous
(``start end;start end``):

* exact match compares the hull, from the first piece's start to the last piece's end;
* overlap works on the union of the pieces: the number of characters a prediction shares with
  the gold pieces, against the total length of the gold pieces.

Field scores (cue, source, content) compare the spans of that field in a document, one per
attribution, gold against predicted, one to one: a cue shared by two gold attributions must be
predicted twice. Exact: equal trimmed hulls. Overlap: a (gold, prediction) pair matches when the
shared characters cover at least half of the gold span; pairs are matched greedily, best fitting
(Jaccard) first.

Attribution score: a prediction matches a gold attribution when its content covers at least 30%
of the gold content and its cue overlaps the gold cue; greedy one to one, highest content
coverage first. A prediction without content or cue cannot match (a missing span is a miss).
Speaker accuracy is measured over matched pairs whose gold attribution has a source: correct when
the predicted source overlaps it.

All counts are summed over documents (micro average).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FIELDS = ("cue", "source", "content")
OVERLAP_MIN_GOLD_SHARE = 0.5
CONTENT_MIN_COVERAGE = 0.3

# brat: only the id, type and offsets are read; the text after the second tab is ignored.
_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_EVENT = re.compile(r"^(E\d+)\t(.*)$")
_ROLE_OF_TYPE = {"Cue": "cue", "Source": "source", "Content": "content"}


# ---------------------------------------------------------------------------------------------
# Spans


@dataclass(frozen=True)
class Span:
    """A possibly discontinuous char span: sorted, non-overlapping ``(start, end)`` pieces."""

    pieces: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, pieces: Iterable[tuple[int, int]]) -> Span:
        merged: list[list[int]] = []
        for s, e in sorted((s, e) for s, e in pieces if e > s):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return cls(tuple((s, e) for s, e in merged))

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]

    @property
    def hull(self) -> tuple[int, int]:
        return (self.start, self.end)

    def __len__(self) -> int:
        return sum(e - s for s, e in self.pieces)

    def overlap(self, other: Span) -> int:
        """Characters the two spans share."""
        return sum(
            max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in self.pieces for s2, e2 in other.pieces
        )

    def text(self, doc_text: str, sep: str = " … ") -> str:
        return sep.join(doc_text[s:e] for s, e in self.pieces)

    def as_dict(self, doc_text: str) -> dict:
        d = {"start": self.start, "end": self.end, "text": self.text(doc_text)}
        if len(self.pieces) > 1:
            d["pieces"] = [list(p) for p in self.pieces]
        return d


def _is_edge_junk(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def _trim_piece(text: str, start: int, end: int, junk) -> tuple[int, int]:
    while start < end and junk(text[start]):
        start += 1
    while end > start and junk(text[end - 1]):
        end -= 1
    return start, end


def trim(span: Span | None, text: str) -> Span | None:
    """``span`` with whitespace and punctuation trimmed off each piece's edges.

    A span made only of punctuation (the cue ``:``) is trimmed of whitespace only; a span made
    only of whitespace is no span.
    """
    if span is None:
        return None
    trimmed = Span.of(_trim_piece(text, s, e, _is_edge_junk) for s, e in span.pieces)
    if not trimmed.pieces:
        trimmed = Span.of(_trim_piece(text, s, e, str.isspace) for s, e in span.pieces)
    return trimmed if trimmed.pieces else None


# ---------------------------------------------------------------------------------------------
# Attributions, gold and predicted


@dataclass(frozen=True)
class GoldAttribution:
    id: str
    cue: Span | None = None
    source: Span | None = None
    content: Span | None = None


# Predictions are compared with the same record; ``id`` is their index in ``doc._.attributions``.
Candidate = GoldAttribution


def read_brat(ann_text: str) -> list[GoldAttribution]:
    """The attributions (``E`` lines) of one brat ``.ann`` file, in file order."""
    spans: dict[str, tuple[str, Span]] = {}
    events: list[tuple[str, str]] = []
    for line in ann_text.splitlines():
        if m := _TEXT_BOUND.match(line):
            pieces = [tuple(map(int, p.split())) for p in m[3].split(";")]
            spans[m[1]] = (m[2], Span.of(pieces))
        elif m := _EVENT.match(line):
            events.append((m[1], m[2]))
    out = []
    for event_id, args in events:
        roles: dict[str, Span] = {}
        for arg in args.split():
            role, _, ref = arg.partition(":")
            role = _ROLE_OF_TYPE.get(role)
            if role and ref in spans and spans[ref][1].pieces:
                roles[role] = spans[ref][1]
        if "cue" in roles or "content" in roles:
            out.append(GoldAttribution(event_id, **roles))
    return out


def from_predictions(attributions: Sequence) -> list[Candidate]:
    """``doc._.attributions`` (kb.extract.types.Attribution) as records comparable with gold."""

    def span(cs) -> Span | None:
        if cs is None:
            return None
        s = Span.of([(cs.start, cs.end)])
        return s if s.pieces else None

    return [
        Candidate(str(i), cue=span(a.cue), source=span(a.source), content=span(a.content))
        for i, a in enumerate(attributions)
    ]


@dataclass
class GoldDocument:
    name: str
    text: str
    attributions: list[GoldAttribution]
    ann_path: Path


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def load_gold_dir(path: Path | str, limit: int | None = None) -> list[GoldDocument]:
    """The annotated texts of a PolNeAR-style folder, sorted by name (the first ``limit``)."""
    path = Path(path)
    text_dir, ann_dir = path / "text", path / "attributions"
    for d in (text_dir, ann_dir):
        if not d.is_dir():
            raise FileNotFoundError(f"{path}: no {d.name}/ folder (expected text/ and attributions/)")
    anns: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        name, sep, annotator = ann.stem.rpartition("_")
        if sep and annotator:
            anns.setdefault(name, ann)  # sorted: the first annotator wins
    docs = []
    for txt in sorted(text_dir.glob("*.txt")):
        ann = anns.get(txt.stem)
        if ann is None:
            continue
        docs.append(GoldDocument(txt.stem, read_text(txt), read_brat(read_text(ann)), ann))
        if limit is not None and len(docs) >= limit:
            break
    return docs


# ---------------------------------------------------------------------------------------------
# Matching and counting


@dataclass
class Counts:
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "tp": self.tp, "predicted": self.predicted, "gold": self.gold,
        }


def greedy_match(candidates: Iterable[tuple[tuple, int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs ``(pred, gold)`` from ``(score, pred, gold)``, best score first."""
    used_p, used_g, pairs = set(), set(), []
    for _, p, g in sorted(candidates, key=lambda c: (tuple(-x for x in c[0]), c[1], c[2])):
        if p not in used_p and g not in used_g:
            used_p.add(p)
            used_g.add(g)
            pairs.append((p, g))
    return pairs


def exact_counts(gold: Sequence[Span], pred: Sequence[Span]) -> Counts:
    """Spans whose hulls agree exactly, matched one to one."""
    g, p = Counter(s.hull for s in gold), Counter(s.hull for s in pred)
    return Counts(sum((g & p).values()), len(pred), len(gold))


def overlap_counts(gold: Sequence[Span], pred: Sequence[Span]) -> Counts:
    """Spans matched one to one when the overlap covers half the gold span or more."""
    candidates = []
    for j, g in enumerate(gold):
        for i, p in enumerate(pred):
            shared = p.overlap(g)
            if shared and shared >= OVERLAP_MIN_GOLD_SHARE * len(g):
                candidates.append(((shared / (len(g) + len(p) - shared),), i, j))
    return Counts(len(greedy_match(candidates)), len(pred), len(gold))


def match_attributions(
    gold: Sequence[GoldAttribution], pred: Sequence[Candidate]
) -> list[tuple[int, int]]:
    """``(pred index, gold index)`` pairs: content covers >= 30% of gold content, cues overlap."""
    candidates = []
    for j, g in enumerate(gold):
        if g.content is None or g.cue is None:
            continue
        for i, p in enumerate(pred):
            if p.content is None or p.cue is None or not p.cue.overlap(g.cue):
                continue
            coverage = p.content.overlap(g.content) / len(g.content)
            if coverage >= CONTENT_MIN_COVERAGE:
                candidates.append(((coverage, p.cue.overlap(g.cue)), i, j))
    return greedy_match(candidates)


def _trimmed(attrs: Iterable[GoldAttribution], text: str) -> list[GoldAttribution]:
    return [
        GoldAttribution(a.id, trim(a.cue, text), trim(a.source, text), trim(a.content, text))
        for a in attrs
    ]


@dataclass
class DocumentScore:
    name: str
    text: str
    gold: list[GoldAttribution]
    pred: list[Candidate]
    pairs: list[tuple[int, int]]
    exact: dict[str, Counts]
    overlap: dict[str, Counts]
    confidence: list[float] = field(default_factory=list)  # of each prediction, when known

    @property
    def attributions(self) -> Counts:
        return Counts(len(self.pairs), len(self.pred), len(self.gold))

    def speaker_pairs(self) -> list[tuple[Candidate, GoldAttribution]]:
        return [(self.pred[i], self.gold[j]) for i, j in self.pairs if self.gold[j].source]

    @staticmethod
    def speaker_ok(pred: Candidate, gold: GoldAttribution) -> bool:
        return bool(pred.source and gold.source and pred.source.overlap(gold.source))

    def errors(self) -> dict:
        """Misses, false alarms and wrong speakers, with the spans' text and offsets."""
        matched_p = {i for i, _ in self.pairs}
        matched_g = {j for _, j in self.pairs}

        def show(a: GoldAttribution) -> dict:
            return {f: (getattr(a, f).as_dict(self.text) if getattr(a, f) else None) for f in FIELDS}

        return {
            "document": self.name,
            "gold": len(self.gold),
            "predicted": len(self.pred),
            "matched": len(self.pairs),
            "misses": [show(g) for j, g in enumerate(self.gold) if j not in matched_g],
            "false_alarms": [show(p) for i, p in enumerate(self.pred) if i not in matched_p],
            "wrong_speaker": [
                {"gold": show(g), "predicted": show(p)}
                for p, g in self.speaker_pairs() if not self.speaker_ok(p, g)
            ],
        }


def score_document(
    name: str, text: str, gold: Sequence[GoldAttribution], pred: Sequence[Candidate]
) -> DocumentScore:
    gold, pred = _trimmed(gold, text), _trimmed(pred, text)
    exact, overlap = {}, {}
    for f in FIELDS:
        g = [getattr(a, f) for a in gold if getattr(a, f)]
        p = [getattr(a, f) for a in pred if getattr(a, f)]
        exact[f], overlap[f] = exact_counts(g, p), overlap_counts(g, p)
    return DocumentScore(name, text, gold, pred, match_attributions(gold, pred), exact, overlap)


# ---------------------------------------------------------------------------------------------
# The report


@dataclass
class Report:
    documents: list[DocumentScore] = field(default_factory=list)

    def _sum(self, get) -> Counts:
        total = Counts()
        for d in self.documents:
            total.add(get(d))
        return total

    def exact(self, f: str) -> Counts:
        return self._sum(lambda d: d.exact[f])

    def overlap(self, f: str) -> Counts:
        return self._sum(lambda d: d.overlap[f])

    @property
    def attributions(self) -> Counts:
        return self._sum(lambda d: d.attributions)

    @property
    def speaker(self) -> tuple[int, int]:
        pairs = [(p, g) for d in self.documents for p, g in d.speaker_pairs()]
        return sum(DocumentScore.speaker_ok(p, g) for p, g in pairs), len(pairs)

    def as_dict(self) -> dict:
        correct, total = self.speaker
        return {
            "documents": len(self.documents),
            "fields": {
                f: {"exact": self.exact(f).as_dict(), "overlap": self.overlap(f).as_dict()}
                for f in FIELDS
            },
            "attributions": self.attributions.as_dict(),
            "speaker": {
                "accuracy": round(correct / total, 4) if total else 0.0,
                "correct": correct, "total": total,
            },
        }

    def format_text(self) -> str:
        def prf(c: Counts) -> str:
            return f"{100 * c.precision:5.1f} {100 * c.recall:5.1f} {100 * c.f1:5.1f}"

        a = self.attributions
        correct, total = self.speaker
        lines = [
            f"documents: {len(self.documents)}   gold attributions: {a.gold}   predicted: {a.predicted}",
            "",
            f"{'':8}  {'exact':^17}  {'overlap':^17}",
            f"{'':8}  {'P':>5} {'R':>5} {'F1':>5}  {'P':>5} {'R':>5} {'F1':>5}",
        ]
        for f in FIELDS:
            lines.append(f"{f:8}  {prf(self.exact(f))}  {prf(self.overlap(f))}")
        lines += [
            "",
            (f"attributions  P {100 * a.precision:.1f}  R {100 * a.recall:.1f}  F1 {100 * a.f1:.1f}"
             f"  ({a.tp} matched)"),
            (f"speaker accuracy  {100 * correct / total if total else 0:.1f}"
             f"  ({correct}/{total} matched attributions with a gold source)"),
        ]
        return "\n".join(lines)

    def errors(self) -> list[dict]:
        return [d.errors() for d in self.documents]


def format_errors_text(errors: list[dict], width: int = 200) -> str:
    """The errors as readable text, one block per document."""

    def span(d: dict | None) -> str:
        if d is None:
            return "-"
        text = d["text"].replace("\n", " ")
        if len(text) > width:
            text = text[: width - 1] + "…"
        return f'{d["start"]}-{d["end"]} "{text}"'

    def attribution(a: dict, indent: str) -> list[str]:
        return [f"{indent}{f:8} {span(a[f])}" for f in FIELDS]

    out = []
    for doc in errors:
        if not (doc["misses"] or doc["false_alarms"] or doc["wrong_speaker"]):
            continue
        out.append(
            f"== {doc['document']}  (gold {doc['gold']}, predicted {doc['predicted']}, "
            f"matched {doc['matched']})"
        )
        for a in doc["misses"]:
            out += ["  MISS"] + attribution(a, "    ")
        for a in doc["false_alarms"]:
            out += ["  FALSE ALARM"] + attribution(a, "    ")
        for w in doc["wrong_speaker"]:
            out += [
                (f"  WRONG SPEAKER  gold {span(w['gold']['source'])}"
                 f"  predicted {span(w['predicted']['source'])}"),
                f"    cue      {span(w['gold']['cue'])}",
            ]
        out.append("")
    return "\n".join(out)


def write_errors(report: Report, path: Path | str) -> None:
    """``path`` ending in ``.json``: JSON; anything else: readable text."""
    path = Path(path)
    errors = report.errors()
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(errors, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        path.write_text(format_errors_text(errors), encoding="utf-8")


def evaluate_docs(gold_docs: Sequence[GoldDocument], nlp, workers: int = 1) -> Report:
    """Run ``nlp`` over the gold texts and score its ``doc._.attributions``."""
    kwargs = {"n_process": workers} if workers > 1 else {}
    report = Report()
    texts = (g.text for g in gold_docs)
    for g, doc in zip(gold_docs, nlp.pipe(texts, batch_size=8, **kwargs)):
        attributions = doc._.attributions
        scored = score_document(g.name, g.text, g.attributions, from_predictions(attributions))
        scored.confidence = [a.confidence for a in attributions]
        report.documents.append(scored)
    return report


def evaluate_dir(gold_dir: Path | str, nlp, limit: int | None = None, workers: int = 1) -> Report:
    return evaluate_docs(load_gold_dir(gold_dir, limit), nlp, workers)
