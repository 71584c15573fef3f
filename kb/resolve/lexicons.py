"""The resolution lexicons (data files in kb/data) and the word lists read from them.

Aliases, demonyms, capitals, word classes (titles, roles, organisation heads, ...) and the
stop-list; plus the common demonym patterns (Kestrany -> Kestrani, Sudan -> Sudanese).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kb.names import normalise

ACTOR_KINDS = ("person", "organization", "country", "government", "group", "unknown")
NER_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "country", "NORP": "group"}
PRONOUNS = {
    "he": ("person",), "him": ("person",), "she": ("person",), "her": ("person",),
    "it": ("organization", "country", "government", "group"),
    # "they" is a group, a body or a country, never one person
    "they": ("organization", "country", "government", "group"),
    "them": ("organization", "country", "government", "group"),
}
GENDERED = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
FIRST_PERSON = {"i", "me", "we", "us"}
NAME_PARTICLES = {"al", "bin", "ibn", "abu", "de", "da", "di", "du", "del", "der", "van", "von", "le",
                  "la", "el", "bint", "ben", "dos", "das", "y"}
# A capital in the object of one of these is a place ("airstrikes in Damascus"), not an actor.
LOCATIVE = {"in", "at", "near", "across", "around", "outside", "inside", "into", "from", "to",
            "toward", "towards", "through", "throughout", "over", "within", "via", "between", "on"}
# The preposition before a name that only a place takes ("in Dravik", not "called on Kestrany").
PLACE_PREPOSITIONS = {"in", "at", "near", "inside", "outside", "across", "throughout"}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
           "sep", "sept", "oct", "nov", "dec"}
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Entry:
    """What a lexicon form stands for."""

    name: str
    kind: str
    rule: str  # analyst | alias | demonym | capital | doc
    caps: bool = False  # an acronym: matches only text written in capitals (US, WHO)


@lru_cache(maxsize=65536)
def _first_word(form: str) -> str | None:
    m = _WORD.search(form)
    return m.group(0) if m else None


def _rows(path: Path):
    if not path.exists():
        raise FileNotFoundError(f"{path}: lexicon missing (a broken install, or a wrong KB_DATA_DIR)")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield [c.strip() for c in line.split("\t")]


@dataclass
class Lexicon:
    """normalised form -> Entry, indexed by first word for the token scan."""

    entries: dict[str, Entry] = field(default_factory=dict)
    longest: dict[str, int] = field(default_factory=dict)  # first word -> most words in a form

    def add(self, surface: str, entry: Entry, override: bool = True) -> None:
        form = normalise(surface)
        first = _first_word(form)
        if not form or first is None or (not override and form in self.entries):
            return
        self.entries[form] = entry
        n = len(form.split()) + form.count("-") * 2 + form.count("'") + form.count(".")
        self.longest[first] = max(self.longest.get(first, 0), n)

    def get(self, form: str) -> Entry | None:
        return self.entries.get(form)

    def copy(self) -> Lexicon:
        return Lexicon(dict(self.entries), dict(self.longest))


@dataclass(frozen=True)
class Words:
    """Word classes from actor_words.tsv and the stop-list."""

    classes: dict[str, frozenset[str]]
    stop: frozenset[str]

    def __getitem__(self, cls: str) -> frozenset[str]:
        return self.classes.get(cls, frozenset())


@lru_cache(maxsize=4)
def load_lexicon(data_dir: Path) -> tuple[Lexicon, Words]:
    """Read the resolution data files once per process (per data directory)."""
    lex = Lexicon()
    for row in _rows(data_dir / "capitals.tsv"):
        lex.add(row[0], Entry(row[1], "country", "capital"))
    for row in _rows(data_dir / "demonyms.tsv"):
        lex.add(row[0], Entry(row[1], "country", "demonym"))
    for row in _rows(data_dir / "demonyms.tsv"):  # the people: "Mexicans", "Iraqis" (plurals not listed)
        if row[0].endswith(("an", "i")):
            lex.add(row[0] + "s", Entry(row[1], "country", "demonym"), override=False)
    for row in _rows(data_dir / "aliases.tsv"):
        kind = row[2] if len(row) > 2 and row[2] in ACTOR_KINDS else "unknown"
        caps = row[0].replace(".", "").isalpha() and row[0].isupper()
        lex.add(row[0], Entry(row[1], kind, "alias", caps))
    classes: dict[str, set[str]] = {}
    for row in _rows(data_dir / "actor_words.tsv"):
        if len(row) > 1:
            classes.setdefault(row[1], set()).add(row[0].lower())
    stop = frozenset(normalise(r[0]) for r in _rows(data_dir / "actor_stoplist.txt"))
    return lex, Words({k: frozenset(v) for k, v in classes.items()}, stop)

# A country's stem (its name less a final vowel or -ia) + one of these is its demonym.
_DEMONYM_ENDINGS = ("i", "ian", "an", "n", "ese", "ish", "ean")  # not "-ic": Islam -> Islamic
_STEM_DROPS = ("ia", "a", "e", "o", "y", "")


def _stems(name: str):
    """(stem, dropped ending) pairs a demonym of ``name`` may be built on."""
    n = name.casefold()
    if len(n) < 4 or not n.isalpha():
        return
    for drop in _STEM_DROPS:
        if n.endswith(drop) and len(n) - len(drop) >= 4:
            yield n[:len(n) - len(drop)], drop


def demonyms_of(words, names) -> dict[str, set[str]]:
    """For each place in ``names``, the ``words`` that are its demonym by the common patterns:
    Kestrany -> Kestrani, Veloria -> Velorian, Iran -> Iranian, Sudan -> Sudanese, China -> Chinese.
    Irregular ones (Germany -> German, Iceland -> Icelandic) are in data/demonyms.tsv.
    Linear in words + names: each word's possible stems are looked up, not each pair tried."""
    by_stem: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        for stem, drop in _stems(name):
            by_stem.setdefault(stem, []).append((name, drop))
    found: dict[str, set[str]] = {name: set() for name in names}
    if not by_stem:
        return found
    for word in words:
        w = word.casefold()
        if not w.isalpha():
            continue
        for ending in _DEMONYM_ENDINGS:
            if not w.endswith(ending):
                continue
            for name, drop in by_stem.get(w[:len(w) - len(ending)], ()):
                # "-n" only after the whole name (Kenya -> Kenyan)
                if w != name.casefold() and not (ending == "n" and drop):
                    found[name].add(word)
    return found


def is_demonym(word: str, name: str) -> bool:
    """Whether ``word`` is the demonym of the place ``name`` (see demonyms_of)."""
    return word in demonyms_of([word], [name])[name]
