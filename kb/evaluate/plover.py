"""Score kb's statements against PLOVER event records: who does what to whom, one sentence each.

The gold file is a JSON list of records as the Open Event Data Alliance publishes them
(``PLOVER_GSR_CAMEO``): ``text`` (one sentence), ``event`` (DEMAND, DISAPPROVE, REJECT, THREATEN,
AGREE, ...), ``source`` and ``target`` (lists of ``{"actorText", "code"}``, or ``""`` for none).
Records without text (the ``DOCUMENT`` header) are skipped.

Each sentence goes through the whole pipeline (spaCy, kb's extractor, kb's resolver). A record is
scored on the statement that fits it best (speaker and target right, then speaker, then target,
then event, then text order), so every figure below describes one statement kb would show:

* found: kb extracted at least one statement from the sentence;
* speaker (resolved name): the statement's canonical speaker matches a gold source actor;
* speaker (source span): the speaker as written in the sentence matches one;
* target, directed role: one of the statement's targets in a directed role (accused, addressed,
  rejected, threatened, praised, supported: anything but "mentioned") matches a gold target;
* speaker and target in one statement: both of the above on the same statement;
* target right as written, source and target spans in one statement: the same before
  resolution (the target's and the speaker's text in the sentence), which tells extraction
  errors from resolution errors;
* event family: the statement's ``event`` equals the record's event.

Actors match (``ActorMatcher``) when both are country-level actors of the same country, when both
name the same entry of the alias lexicon, or when they share a content word. A country-level
actor is a country, its capital or its demonym, alone or with words of the "state" class of
``event_actors.tsv`` (government, ministry, minister, officials, forces, ...): "Moscow", "the
Turkish government" and "Russian forces" are Russia and Turkey; "Rwandan rebels" and "Opposition
groups in Zimbabwe" are not their country. Content words leave out stop words, country words and
the "generic" class ("president", "officials"), so "Serbian forces" and "Croatian forces" do not
match on "forces".
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

VERBAL_EVENTS = ("DEMAND", "DISAPPROVE", "REJECT", "THREATEN")
EVENT_FAMILIES = ("DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "AGREE", "SUPPORT", "CONCEDE", "CONSULT")
UNDIRECTED_ROLES = ("mentioned",)
MEASURES = ("found", "speaker", "source_span", "target", "speaker_and_target", "target_span",
            "spans_together", "event")
MEASURE_LABELS = {
    "found": "statement found",
    "speaker": "speaker right (resolved name)",
    "source_span": "speaker right (source span)",
    "target": "target right, directed role",
    "speaker_and_target": "speaker and target in one statement",
    "target_span": "target right, as written",
    "spans_together": "speaker and target, as written",
    "event": "event family right",
}
_STOP = frozenset("""a an the of in on at for to from by with and or but its his her their our
's s this that these those who which over under about into than as be is are was were has have
had will would said says""".split())


class GoldFormatError(ValueError):
    """The gold file is not a JSON list of PLOVER records."""


@dataclass(frozen=True)
class GoldActor:
    text: str
    code: str | None = None


@dataclass(frozen=True)
class GoldRecord:
    id: str
    text: str
    event: str
    sources: tuple[GoldActor, ...]
    targets: tuple[GoldActor, ...]


def _actors(value) -> tuple[GoldActor, ...]:
    if not value:
        return ()
    if isinstance(value, dict):
        value = [value]
    return tuple(GoldActor(str(a.get("actorText", "")).strip(), a.get("code")) for a in value
                 if isinstance(a, dict) and str(a.get("actorText", "")).strip())


def load_records(path: Path | str) -> list[GoldRecord]:
    """The records of a PLOVER JSON file that have a sentence (the DOCUMENT header has none)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise GoldFormatError(f"{path}: not JSON ({e.msg} at line {e.lineno})") from e
    if not isinstance(data, list):
        raise GoldFormatError(f"{path}: expected a JSON list of PLOVER records")
    records = []
    for i, r in enumerate(data):
        if not isinstance(r, dict) or not isinstance(r.get("text"), str) or not r["text"].strip():
            continue
        records.append(GoldRecord(str(r.get("id") or i), r["text"], str(r.get("event", "")).upper(),
                                  _actors(r.get("source")), _actors(r.get("target"))))
    return records


# --- matching actors ----------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    """The words of a name, case kept, without dots, possessives, punctuation or a leading "the"."""
    text = text.replace("\u2019", "'").replace("`", "'")
    text = re.sub(r"'s\b|'", " ", text).replace(".", "")
    words = [w.strip(",;:()\"") for w in text.split()]
    words = [w for w in words if w]
    if words and words[0].lower() == "the":
        words = words[1:]
    return words


def _key(text: str) -> str:
    """Lower case, dots and possessives gone, one space: "the U.S.'s" -> "us"."""
    return " ".join(_words(text)).lower()


def _rows(path: Path) -> Iterable[list[str]]:
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [c.strip() for c in line.split("\t")]


@dataclass
class ActorMatcher:
    """The matching rule of the module docstring, from the lexicons in ``data_dir``."""

    countries: dict[str, str]  # key of a country name, capital or demonym -> country
    canonical: dict[str, str]  # key of any alias -> canonical name
    classes: dict[str, set[str]]
    longest: int = 1

    @classmethod
    def from_data(cls, data_dir: Path | None = None) -> ActorMatcher:
        return _matcher(str(data_dir or _data_dir()))

    def _country_words(self, words: list[str]) -> tuple[set[str], list[tuple[int, int]]]:
        """Countries named in ``words`` and where (longest phrase first)."""
        found, spans, i = set(), [], 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                country = self.countries.get(" ".join(words[i:i + n]))
                if country is not None:
                    found.add(country)
                    spans.append((i, i + n))
                    i += n
                    break
            else:
                i += 1
        return found, spans

    def country(self, text: str) -> str | None:
        """The country a country-level actor stands for; None for anything else."""
        raw = [w.lower() for w in _words(text)]
        countries, spans = self._country_words(raw)
        if len(countries) != 1:
            return None
        inside = {i for s, e in spans for i in range(s, e)}
        for i, w in enumerate(raw):
            if i in inside or w in _STOP or w in self.classes.get("state", ()):
                continue
            if w in self.classes.get("nonstate", ()):
                return None
            # any other word ("Cankaya district administration", "President Jacques Chirac",
            # "Iraqi towns") makes an actor of its own, matched by its words instead
            return None
        return next(iter(countries))

    def content_words(self, text: str) -> set[str]:
        words = _key(text).split()
        _countries, spans = self._country_words(words)
        inside = {i for s, e in spans for i in range(s, e)}
        generic = self.classes.get("generic", set())
        return {w for i, w in enumerate(words)
                if i not in inside and w not in _STOP and w not in generic and len(w) > 1}

    def match(self, predicted: str | None, gold: str) -> bool:
        if not predicted or not gold:
            return False
        p, g = _key(predicted), _key(gold)
        if p == g:
            return True
        cp, cg = self.canonical.get(p), self.canonical.get(g)
        if cp is not None and cp == cg:
            return True
        country_p, country_g = self.country(predicted), self.country(gold)
        if country_p is not None and country_p == country_g:
            return True
        return bool(self.content_words(predicted) & self.content_words(gold))


def _data_dir() -> Path:
    from kb.config import get_settings

    return get_settings().data_dir


@lru_cache(maxsize=4)
def _matcher(data_dir: str) -> ActorMatcher:
    d = Path(data_dir)
    countries: dict[str, str] = {}
    canonical: dict[str, str] = {}
    for row in _rows(d / "aliases.tsv"):
        if len(row) >= 2:
            canonical[_key(row[0])] = row[1]
            canonical.setdefault(_key(row[1]), row[1])
            if len(row) >= 3 and row[2] == "country":
                countries[_key(row[0])] = row[1]
                countries[_key(row[1])] = row[1]
    for name in ("capitals.tsv", "demonyms.tsv"):
        for row in _rows(d / name):
            if len(row) >= 2:
                countries.setdefault(_key(row[0]), row[1])
                countries.setdefault(_key(row[1]), row[1])
    classes: dict[str, set[str]] = {}
    for row in _rows(d / "event_actors.tsv"):
        if len(row) >= 2:
            classes.setdefault(row[1], set()).add(row[0].lower())
    longest = max((len(k.split()) for k in countries), default=1)
    return ActorMatcher(countries, canonical, classes, longest)


# --- predictions ----------------------------------------------------------------------------

@dataclass
class Predicted:
    """One statement as kb extracted and resolved it."""

    speaker: str | None  # canonical name
    source: str | None  # as written
    cue: str | None
    event: str | None
    claim_type: str
    targets: list[tuple[str, str]]  # (canonical name, role)
    written: list[tuple[str, str]] = field(default_factory=list)  # (target as written, role)

    def as_dict(self) -> dict:
        return {"speaker": self.speaker, "source": self.source, "cue": self.cue, "event": self.event,
                "claim_type": self.claim_type, "targets": [{"actor": a, "role": r} for a, r in self.targets],
                "written": [{"text": t, "role": r} for t, r in self.written]}


def from_resolved(resolved) -> list[Predicted]:
    out = []
    for rs in resolved.statements:
        a = rs.attribution
        out.append(Predicted(rs.speaker, a.source.text if a.source else None, a.cue.text if a.cue else None,
                             getattr(a, "event", None), a.claim_type, [(t.actor, t.role) for t in rs.targets],
                             [(t.text, t.role) for t in a.targets]))
    return out


# --- scores ---------------------------------------------------------------------------------

@dataclass
class RecordScore:
    record: GoldRecord
    statements: list[Predicted]
    best: int | None
    marks: dict[str, bool]

    def as_dict(self) -> dict:
        r = self.record
        return {"id": r.id, "event": r.event, "text": r.text,
                "source": [a.text for a in r.sources], "target": [a.text for a in r.targets],
                "marks": self.marks, "best": self.best,
                "statements": [s.as_dict() for s in self.statements]}


def score_record(record: GoldRecord, statements: list[Predicted], matcher: ActorMatcher) -> RecordScore:
    def speaker(s: Predicted) -> bool:
        return any(matcher.match(s.speaker, g.text) for g in record.sources)

    def target(s: Predicted) -> bool:
        return any(matcher.match(actor, g.text) for actor, role in s.targets if role not in UNDIRECTED_ROLES
                   for g in record.targets)

    def marks(s: Predicted) -> dict[str, bool]:
        sp, ta = speaker(s), target(s)
        source = any(matcher.match(s.source, g.text) for g in record.sources)
        written = any(matcher.match(text, g.text) for text, role in s.written if role not in UNDIRECTED_ROLES
                      for g in record.targets)
        return {"found": True, "speaker": sp, "source_span": source, "target": ta, "speaker_and_target": sp and ta,
                "target_span": written, "spans_together": source and written, "event": s.event == record.event}

    if not statements:
        return RecordScore(record, statements, None, {m: False for m in MEASURES})
    scored = [marks(s) for s in statements]
    order = ("speaker_and_target", "speaker", "target", "event")
    best = min(range(len(statements)), key=lambda i: (tuple(not scored[i][m] for m in order), i))
    return RecordScore(record, statements, best, scored[best])


@dataclass
class PloverReport:
    events: tuple[str, ...]
    records: list[RecordScore] = field(default_factory=list)

    def denominator(self, measure: str, rs: Iterable[RecordScore] | None = None) -> list[RecordScore]:
        rs = self.records if rs is None else list(rs)
        if measure in ("target", "speaker_and_target", "target_span", "spans_together"):
            return [r for r in rs if r.record.targets]
        if measure in ("speaker", "source_span"):
            return [r for r in rs if r.record.sources]
        return list(rs)

    def figure(self, measure: str, event: str | None = None) -> tuple[int, int]:
        rs = [r for r in self.records if event is None or r.record.event == event]
        counted = self.denominator(measure, rs)
        return sum(r.marks[measure] for r in counted), len(counted)

    def percent(self, measure: str) -> float:
        right, total = self.figure(measure)
        return 100 * right / total if total else 0.0

    def confusion(self) -> Counter:
        """(gold event, predicted event of the best statement or "-") -> records."""
        return Counter((r.record.event, (r.statements[r.best].event or "none") if r.best is not None else "-")
                       for r in self.records)

    def as_dict(self) -> dict:
        return {
            "records": len(self.records),
            "events": {e: sum(r.record.event == e for r in self.records) for e in self.events},
            "measures": {m: dict(zip(("right", "total"), self.figure(m)), percent=round(self.percent(m), 1))
                         for m in MEASURES},
            "by_event": {e: {m: dict(zip(("right", "total"), self.figure(m, e))) for m in MEASURES}
                         for e in self.events},
        }

    def format_text(self) -> str:
        counts = ", ".join(f"{e} {sum(r.record.event == e for r in self.records)}" for e in self.events)
        lines = [f"PLOVER records: {len(self.records)} ({counts})", "",
                 f"{'':38} {'right':>5} {'of':>4} {'%':>6}   " + "  ".join(f"{e[:6]:>6}" for e in self.events)]
        for m in MEASURES:
            right, total = self.figure(m)
            pct = f"{100 * right / total:6.1f}" if total else f"{'-':>6}"
            per = "  ".join(f"{'{}/{}'.format(*self.figure(m, e)):>6}" for e in self.events)
            lines.append(f"{MEASURE_LABELS[m]:38} {right:5d} {total:4d} {pct}   {per}")
        lines += ["", "event family (gold -> kb's best statement):"]
        for (gold, pred), n in sorted(self.confusion().items()):
            lines.append(f"  {gold:>10} -> {pred:<10} {n}")
        return "\n".join(lines)

    def errors(self) -> list[dict]:
        return [r.as_dict() for r in self.records if not all(r.marks.values())]


def write_errors(report: PloverReport, path: Path | str) -> None:
    """Every record with a measure wrong: JSON for a ``.json`` name, else readable text."""
    path = Path(path)
    errors = report.errors()
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(errors, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    lines = []
    for e in errors:
        wrong = ", ".join(m for m, ok in e["marks"].items() if not ok)
        lines += [f"== {e['id']}  {e['event']}  wrong: {wrong}", f"  {e['text']}",
                  f"  gold: {'; '.join(e['source'])} -> {'; '.join(e['target'])}"]
        for i, s in enumerate(e["statements"]):
            star = "*" if i == e["best"] else " "
            targets = "; ".join(f"{t['actor']} ({t['role']})" for t in s["targets"])
            lines.append(f" {star}kb: {s['speaker']} [{s['source']}] {s['cue']!r} {s['event']}/{s['claim_type']}"
                         f" -> {targets}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def evaluate_records(records: Sequence[GoldRecord], nlp, events: Sequence[str] = VERBAL_EVENTS,
                     resolver=None, matcher: ActorMatcher | None = None) -> PloverReport:
    """Run the pipeline over the records of ``events`` and score them."""
    from kb.resolve import Resolver

    resolver = resolver or Resolver()
    matcher = matcher or ActorMatcher.from_data()
    events = tuple(e.upper() for e in events)
    chosen = [r for r in records if r.event in events]
    report = PloverReport(events)
    for record, doc in zip(chosen, nlp.pipe((r.text for r in chosen), batch_size=32)):
        report.records.append(score_record(record, from_resolved(resolver.resolve(doc)), matcher))
    return report


def evaluate_file(path: Path | str, nlp, events: Sequence[str] = VERBAL_EVENTS) -> PloverReport:
    return evaluate_records(load_records(path), nlp, events)
