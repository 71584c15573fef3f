"""`kb actors review`: the actors most likely to be wrong, ranked, each with a one-line reason.

Read side only (no spaCy, no resolver): rules over the actor rows, their names and kinds, and the
word lists in ``data/actor_review.tsv`` and ``data/actor_words.tsv``. Three kinds of trouble:

* junk: a name that is not an actor ("Obama Says", "Bill C-48", "Brexit", "Ont", "Kali Madej/ Dixon
  Hall"): a headline word glued on, a law, project or event, an abbreviation taken for a person,
  a slash or bracket inside, an epithet in front;
* duplicate: two actors for one ("Trump" beside the one "Donald Trump"; "Donald J. Trump" beside
  "Donald Trump"; "Crooked Hillary Clinton" beside "Hillary Clinton"; the same name but for a
  possessive or case);
* wrong kind: a "person" named like a body ("Clinton Foundation"), a "country" no lexicon knows
  ("EDC").

Each finding has a weight (how sure the rule is); actors are ranked by weight times the weight
of the actor in the KB (its statements and mentions), so the top of the list is what misleads an
analyst most. The dashboard's review page shows the same list.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.models import Actor
from kb.names import display_name, normalise

_WORD = re.compile(r"[A-Za-z][A-Za-z'.\-]*")
_PARTICLES = {"al", "el", "de", "da", "di", "du", "del", "der", "van", "von", "bin", "ibn", "abu", "la", "le"}


@dataclass
class Finding:
    actor_id: int
    name: str
    kind: str
    statements: int
    mentions: int
    problem: str  # junk | duplicate | kind
    reason: str
    other: str | None = None  # the actor it duplicates, for a merge
    score: float = 0.0

    def as_row(self) -> dict:
        return {"id": self.actor_id, "name": self.name, "kind": self.kind, "statements": self.statements,
                "mentions": self.mentions, "problem": self.problem, "reason": self.reason,
                "merge_into": self.other or "", "score": round(self.score, 2)}


def _classes(path: Path) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    if not path.exists():
        raise FileNotFoundError(f"{path}: word list missing (a broken install, or a wrong KB_DATA_DIR)")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            parts = [c.strip() for c in line.split("\t")]
            if len(parts) > 1:
                out.setdefault(parts[1], set()).add(parts[0].lower())
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=4)
def _words(data_dir: Path) -> dict[str, frozenset[str]]:
    words = _classes(data_dir / "actor_review.tsv")
    actor_words = _classes(data_dir / "actor_words.tsv")
    words["epithet"] = actor_words.get("epithet", frozenset())
    words["title"] = actor_words.get("title", frozenset())
    countries: set[str] = set()
    for name in ("capitals.tsv", "demonyms.tsv", "aliases.tsv"):
        for line in (data_dir / name).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if line.strip() and not line.startswith("#") and len(parts) > 1:
                if name != "aliases.tsv" or (len(parts) > 2 and parts[2].strip() == "country"):
                    countries.add(normalise(parts[1]))
                    if name == "aliases.tsv":
                        countries.add(normalise(parts[0]))
    words["country"] = frozenset(countries)
    return words


def _junk(name: str, kind: str, w: dict[str, frozenset[str]], surname: bool = False) -> tuple[float, str] | None:
    tokens = _WORD.findall(name)
    low = [t.lower() for t in tokens]
    if any(c in name for c in "/\\()[]{}|"):
        return 1.0, "a slash or bracket inside the name: two names run together, or a name cut short"
    if any(c.isdigit() for c in name):
        return 0.9, "digits in the name: a law, code or project, not an actor"
    if not tokens:
        return 1.0, "no letters"
    if name[:1].islower() and re.split(r"[\s\-]", name)[0] not in _PARTICLES:
        return 0.7, "starts in lower case: not written as a name"
    if low[0] in w["epithet"] and len(tokens) > 1:
        return 0.9, f"an epithet in front ({tokens[0]!r})"
    if len(tokens) > 1 and low[-1] in w["headline"]:
        return 0.9, f"a headline word glued on ({tokens[-1]!r})"
    if any(t in w["thing"] for t in low[1:]) or (len(tokens) == 1 and low[0] in w["thing"]):
        return 0.8, "names a law, plan, project or event, not an actor"
    if kind == "person" and len(tokens) == 1 and len(tokens[0].rstrip(".")) <= 3 and not surname:
        sure = 0.8 if tokens[0].isupper() or name.endswith(".") else 0.4
        return sure, "a name of two or three letters: an abbreviation taken for a person, or a surname alone"
    if kind == "person" and low[0] in w["title"] and len(tokens) > 1:
        return 0.5, f"a title kept in the name ({tokens[0]!r})"
    return None


def _kind(name: str, kind: str, w: dict[str, frozenset[str]]) -> tuple[float, str] | None:
    low = [t.lower() for t in _WORD.findall(name)]
    if kind == "person" and any(t in w["body"] for t in low):
        return 0.7, "a person named like an organisation"
    if kind == "country" and normalise(name) not in w["country"]:
        return 0.6, "a country no lexicon knows: an abbreviation or a body?"
    return None


def _initials_dropped(name: str) -> str:
    parts = name.split()
    kept = [p for k, p in enumerate(parts) if k in (0, len(parts) - 1) or len(p.rstrip(".")) > 1]
    return " ".join(kept)


def review(session: Session, limit: int = 50, data_dir: Path | None = None) -> list[Finding]:
    """The actors most likely to be wrong, most misleading first (at most ``limit``)."""
    if data_dir is None:
        from kb.config import get_settings

        data_dir = get_settings().data_dir
    w = _words(Path(data_dir))
    rows = session.execute(select(Actor.id, Actor.name, Actor.kind, Actor.n_statements, Actor.n_mentions)
                           .where((Actor.n_statements > 0) | (Actor.n_mentions > 0))).all()
    by_key: dict[str, list] = {}
    fulls_by_last: dict[str, list] = {}
    by_bare: dict[str, list] = {}
    for row in rows:
        by_key.setdefault(normalise(display_name(row.name)), []).append(row)
        parts = row.name.split()
        if row.kind == "person" and len(parts) > 1:
            fulls_by_last.setdefault(parts[-1], []).append(row)
            by_bare.setdefault(_initials_dropped(row.name), []).append(row)

    def weight(r) -> float:
        return math.log2(2 + r.n_statements * 3 + r.n_mentions)

    best: dict[int, Finding] = {}

    def add(r, problem: str, sure: float, reason: str, other=None) -> None:
        f = Finding(r.id, r.name, r.kind, r.n_statements, r.n_mentions, problem, reason,
                    other.name if other is not None else None, sure * weight(r))
        if r.id not in best or best[r.id].score < f.score:
            best[r.id] = f

    for r in rows:
        found = _junk(r.name, r.kind, w, surname=r.name in fulls_by_last)
        if found:
            add(r, "junk", *found)
        found = _kind(r.name, r.kind, w)
        if found:
            add(r, "kind", *found)
        twins = [o for o in by_key[normalise(display_name(r.name))] if o.id != r.id]
        if twins:
            keep = max(twins + [r], key=lambda o: (o.n_statements + o.n_mentions, -len(o.name)))
            if keep.id != r.id:
                add(r, "duplicate", 1.0, f"the same name as {keep.name!r} but for case or a possessive", keep)
        parts = r.name.split()
        if len(parts) == 1 and r.kind in ("person", "organization", "unknown"):
            fulls = fulls_by_last.get(parts[0], [])
            if len(fulls) == 1:
                add(r, "duplicate", 0.8, f"the surname of {fulls[0].name!r}, the only full name ending so", fulls[0])
            elif len(fulls) > 1:
                add(r, "duplicate", 0.3, "a surname shared by " + ", ".join(repr(f.name) for f in fulls[:3]))
        if len(parts) > 2 and r.kind == "person":
            same = [o for o in by_bare.get(_initials_dropped(r.name), []) if o.id != r.id and o.name != r.name]
            if same:
                add(r, "duplicate", 0.9, f"{same[0].name!r} but for a middle initial", same[0])
        if len(parts) > 1 and parts[0].lower() in w["epithet"]:
            rest = by_key.get(normalise(" ".join(parts[1:])))
            if rest:
                add(r, "duplicate", 1.0, f"{rest[0].name!r} with an epithet in front", rest[0])
    return sorted(best.values(), key=lambda f: (-f.score, f.name))[:limit]
