"""Mentions -> canonical actors: aliases, demonyms, capitals, partial names, org nominals.

Pure over a processed Doc and an alias lookup; the store turns the result into rows.

How a document is read (one pass over ``doc.ents`` and a few token scans, no re-parsing):

1. Named-entity spans (PERSON, ORG, GPE, NORP) are trimmed (article, titles, possessive) and junk
   is dropped (dates, numbers, page chrome, the stop-list in ``data/actor_stoplist.txt``).
2. Candidates come from the NER spans, from the lexicons (``data/aliases.tsv``, ``demonyms.tsv``,
   ``capitals.tsv`` and the analysts' aliases), from the document's own names (a person's surname,
   an organisation's full name the NER missed on a later line) and from patterns: demonym + force
   noun ("Russian air forces" -> Russia), name + regime noun ("the Assad regime", one government),
   organisation nominals ("the Coalition" -> Syrian Coalition) and named sub-units after a
   possessive ("the Coalition's Media Department" -> Syrian Coalition Media Department, part of
   Syrian Coalition). The longest candidate wins where they overlap.
3. Each statement's speaker is the actor named in its source span; pronouns ("He"), role nouns
   ("the spokesman") and organisation nouns ("the coalition") are resolved in the document;
   generic sources ("a source", "officials") stay unresolved (speaker None; the surface text stays
   on the attribution).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only where a Doc is resolved, not for the read path
    from spacy.tokens import Doc, Span

from kb.extract.types import AffiliationFact, Attribution


@dataclass
class ResolvedActor:
    name: str  # canonical
    kind: str  # person | organization | country | government | group | unknown
    aliases: set[str] = field(default_factory=set)  # surface forms seen or known


@dataclass
class ResolvedMention:
    actor: str  # canonical name
    start: int
    end: int
    text: str
    label: str | None = None


@dataclass
class ResolvedTarget:
    actor: str
    role: str  # accused | addressed | mentioned
    text: str | None = None


@dataclass
class ResolvedStatement:
    attribution: Attribution
    speaker: str | None  # canonical name, None when unresolved
    targets: list[ResolvedTarget] = field(default_factory=list)
    # How the speaker was found: mention | pronoun | relative | quote | role | nominal | name
    # (None when unresolved).
    speaker_rule: str | None = None


@dataclass
class ResolvedAffiliation:
    member: str
    organization: str
    relation: str = "member_of"  # member_of | part_of
    role: str | None = None
    statement_index: int | None = None  # index into ResolvedDocument.statements


@dataclass
class ResolvedDocument:
    actors: dict[str, ResolvedActor] = field(default_factory=dict)
    mentions: list[ResolvedMention] = field(default_factory=list)
    statements: list[ResolvedStatement] = field(default_factory=list)
    affiliations: list[ResolvedAffiliation] = field(default_factory=list)
    published: str | None = None  # ISO date found in the text (dateline)
    source_line: str | None = None


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


def normalise(surface: str) -> str:
    """The alias key of a surface form.

    NFKC, one kind of apostrophe and hyphen, whitespace collapsed, outer punctuation and a final
    possessive ('s or s') dropped, case-folded, one leading article (the/a/an) dropped. Deterministic;
    the Alias table's ``form`` column holds exactly this, so every writer and reader must use it.
    """
    s = unicodedata.normalize("NFKC", surface).translate(_APOSTROPHES).translate(_DASHES)
    s = " ".join(s.split()).strip(" .,;:'\"()[]{}")
    if s.lower().endswith("'s"):
        s = s[:-2].rstrip()
    low = s.casefold()
    for article in ("the ", "a ", "an "):
        if low.startswith(article):
            low = low[len(article):]
            break
    return low


# ---------------------------------------------------------------------------------------------
# Lexicons (data files)

ACTOR_KINDS = ("person", "organization", "country", "government", "group", "unknown")
NER_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "country", "NORP": "group"}
PRONOUNS = {
    "he": ("person",), "him": ("person",), "she": ("person",), "her": ("person",),
    "it": ("organization", "country", "government", "group"),
    "they": ("organization", "country", "government", "group", "person"),
    "them": ("organization", "country", "government", "group", "person"),
}
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


# ---------------------------------------------------------------------------------------------
# Mentions


@dataclass
class _Mention:
    start: int  # token offsets
    end: int
    name: str
    kind: str
    label: str  # NER label or rule name
    alias_ok: bool = True  # its surface is a name worth keeping as a global alias
    owner: str | None = None  # a named sub-unit's parent organisation
    unit_role: str | None = None  # "political committee" in "the Coalition's political committee"
    start_char: int = 0
    end_char: int = 0
    text: str = ""
    form: str = ""  # normalise(text)


class _Index(list):
    """The document's mentions in text order (they never overlap), searchable by char offset."""

    def __init__(self, mentions: list[_Mention]):
        super().__init__(mentions)
        self.starts = [m.start_char for m in mentions]
        self.by_form: dict[str, _Mention] = {}  # the first mention written so, or so named
        for m in mentions:
            self.by_form.setdefault(m.form, m)
        for m in mentions:
            self.by_form.setdefault(normalise(m.name), m)

    def within(self, a: int, b: int) -> list[_Mention]:
        lo, hi = bisect_left(self.starts, a), bisect_left(self.starts, b)
        return [m for m in self[lo:hi] if m.end_char <= b]

    def overlapping(self, a: int, b: int) -> list[_Mention]:
        lo, hi = max(0, bisect_right(self.starts, a) - 1), bisect_left(self.starts, b)
        return [m for m in self[lo:hi] if m.start_char < b and m.end_char > a]

    def before(self, at: int):
        """Mentions ending at or before ``at``, nearest first."""
        for k in range(bisect_left(self.starts, at) - 1, -1, -1):
            if self[k].end_char <= at:
                yield self[k]


@lru_cache(maxsize=1)
def _token_columns() -> tuple[list[int], int]:
    """The Doc.to_array columns _DocReader reads, and the hash of the tag "POS" (spaCy is
    imported here, not at module level: the read path never loads it)."""
    from spacy.attrs import IS_PUNCT, ORTH, SPACY, TAG
    from spacy.strings import get_string_id

    return [ORTH, SPACY, IS_PUNCT, TAG], get_string_id("POS")


def _person_display(span: Span) -> str:
    """A person's name without middle initials: "Donald J. Trump" -> "Donald Trump" (one actor)."""
    tokens = list(span)
    kept = [t for k, t in enumerate(tokens)
            if k in (0, len(tokens) - 1) or not (len(t.text.rstrip(".")) == 1 and t.text[:1].isupper())]
    return "".join(t.text_with_ws for t in kept[:-1]) + kept[-1].text if kept else span.text


def _majority_labels(spans: list[Span]) -> list[Span]:
    """One label per name in a document: "Farhan" tagged PERSON twice and GPE once is a PERSON."""
    votes: dict[str, dict[str, int]] = {}
    for span in spans:
        counts = votes.setdefault(span.text, {})
        counts[span.label_] = counts.get(span.label_, 0) + 1
    for span in spans:
        ranked = sorted(votes[span.text].items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] > ranked[1][1]:
            span.label_ = ranked[0][0]
        elif len(ranked) > 1 and len(span) == 1:  # a tie: one bare word is a place or body sooner than a person
            tied = [label for label, n in ranked if n == ranked[0][1]]
            span.label_ = next((x for x in ("GPE", "ORG", "NORP") if x in tied), span.label_)
    return spans


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


class _DocReader:
    """The state of resolving one document."""

    def __init__(self, doc: Doc, lex: Lexicon, words: Words):
        self.doc, self.lex, self.words = doc, lex, words
        self.junk = [False] * len(doc)
        # Token attributes read in one pass: each doc[i] builds a Token object, and the passes
        # below are many (Doc.text too joins every token on each call).
        strings, (columns, pos_tag) = doc.vocab.strings, _token_columns()
        orth, space, punct, tag = doc.to_array(columns).T.tolist() if len(doc) else ([],) * 4
        self.texts = [strings[h] for h in orth]
        self.spaced = [x + " " if ws else x for x, ws in zip(self.texts, space)]
        self.text = "".join(self.spaced)
        self.lowers = [x.lower() for x in self.texts]  # spaCy's LOWER
        self.caps = [x[:1].isupper() and x.isalpha() for x in self.texts]  # a capitalised word
        self.low = [x.translate(_APOSTROPHES) for x in self.lowers]  # one apostrophe for all
        self.poss = [t == pos_tag or low in ("'s", "'") for t, low in zip(tag, self.low)]  # possessive 's
        self.ends = [bool(p) or q for p, q in zip(punct, self.poss)]  # a name never ends in these
        self.first = [_first_word(low) for low in self.low]  # cached per distinct form
        self.persons: list[tuple[tuple[str, ...], str, int]] = []  # (lower tokens, full name, first token)
        self.orgs: list[tuple[tuple[str, ...], str, int]] = []
        self.by_last: dict[tuple[str, str], list] = {}  # ("person"|"org", last word) -> names ending so
        self.by_first: dict[str, list] = {}  # a person's first word -> full names
        self.sent_starts = [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
        self.lower_words = {x for x in self.texts if x.islower()}  # words the text writes in lower case
        self.countries: dict[str, str] = {}  # a country this document names (not in the lexicon): form -> name
        self.demonyms: dict[str, str] = {}  # its demonym's lower form -> the country's name
        self._at: dict[str, list[int]] | None = None  # token text -> positions, built when first asked
        self._headline: dict[int, bool] = {}  # a line's first character -> whether it is in Title Case

    # -- 1. named-entity spans -----------------------------------------------------------------

    def _trim(self, span: Span) -> Span | None:
        start, end = span.start, span.end
        doc, titles = self.doc, self.words["title"]
        while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
            start += 1
        if span.label_ == "PERSON":
            while start < end - 1 and doc[start].lower_ in titles:
                start += 1
        while end > start and self.ends[end - 1]:
            end -= 1
        return doc[start:end] if end > start else None

    def is_junk(self, span: Span) -> bool:
        text = span.text
        form = normalise(text)
        if not form or form in self.words.stop or "\n" in text or len(span) > 8:
            return True
        if not any(c.isalpha() for c in text) or len(form) < 2:
            return True
        words = [t.lower_ for t in span if t.is_alpha]
        if any(t.like_num or t.is_digit for t in span) or (words and all(w in _MONTHS for w in words)):
            return True
        if sum(t.lower_ in self.words["chrome"] for t in span) >= 2:
            return True
        if len(span) == 1 and span[0].is_sent_start and text.lower() in self.lower_words \
                and self.lex.get(form) is None:
            return True  # "Cod stocks fell": a word the text also writes in lower case, not a name
        return not any(t.text[:1].isupper() for t in span)  # a name has a capital somewhere

    def named_spans(self) -> list[Span]:
        spans = []
        for ent in self.doc.ents:
            if ent.label_ not in NER_KINDS:
                if ent.label_ in ("DATE", "TIME", "CARDINAL", "WORK_OF_ART", "MONEY", "PERCENT", "QUANTITY"):
                    continue
                if self.is_junk(ent):  # an ORG-looking date or menu line: keep scans out of it
                    for i in range(ent.start, ent.end):
                        self.junk[i] = True
                continue
            span = self._trim(ent)
            if span is None:
                continue
            if self.is_junk(span):
                for i in range(ent.start, ent.end):
                    self.junk[i] = True
                continue
            # the owner's "'s", not the plural's "'" of "Fishers' Union"
            poss = next((i for i in range(span.start, span.end) if self.low[i] == "'s"), None)
            if poss is not None:  # "the Coalition's Media Department": the owner here, the unit later
                span = self._trim(self.doc[span.start:poss])
                if span is None:
                    continue
            span.label_ = ent.label_
            if span.label_ == "PERSON":
                span = self._whole_person(span)
                if span is None:
                    continue
            elif len(span) == 1 and span.end < len(self.doc) and self.low[span.end] in self.words["title"]:
                continue  # "Trade" in "Trade Minister Ana Roth" is part of a title
            spans.append(span)
        return self._titled_orgs(_majority_labels(self._doc_countries(spans)))

    def _whole_person(self, span: Span) -> Span | None:
        """A person's name with the surname the small model sometimes leaves out ("Tomas [Wierling]");
        None when it is not written as a name ("Velorian boats")."""
        doc, end = self.doc, span.end
        headline = self._title_case(span)
        while end < len(doc) and end - span.end < 2 and self.caps[end] and not doc[end].ent_type_ \
                and (doc[end].pos_ == "PROPN" or not (headline or doc[end].is_upper or doc[end].is_stop
                                                      or doc[end].text.lower() in self.lower_words)):
            end += 1  # "Tomas [Wierling]", even where the tagger reads "Wierling" as a verb in -ing
        span = doc[span.start:end]
        span.label_ = "PERSON"
        if any(t.is_alpha and not t.text[:1].isupper() and t.lower_ not in NAME_PARTICLES for t in span):
            return None
        return span

    def _title_case(self, span: Span) -> bool:
        """Whether the span's line is a headline in Title Case ("Lindsey Graham Says ..."): most of
        its content words that are not proper nouns are capitalised."""
        text = self.text
        start = text.rfind("\n", 0, span.start_char) + 1
        if start not in self._headline:  # one answer per line: a paragraph may name many people
            end = text.find("\n", span.end_char)
            line = self.doc.char_span(start, end if end >= 0 else len(text), alignment_mode="contract")
            words = [t for t in line or () if t.is_alpha and not t.is_stop and t.pos_ != "PROPN"]
            self._headline[start] = bool(words) and sum(t.text[:1].isupper() for t in words) >= 0.6 * len(words)
        return self._headline[start]

    def _titled_orgs(self, spans: list[Span]) -> list[Span]:
        """Add "the" + Title Case words ending in an organisation noun ("the Syrian Coalition") where
        the NER missed them or kept only a demonym of them."""
        doc, heads, out = self.doc, self.words["org_head"] | self.words["unit"], []
        for i in range(len(doc) - 2):
            if self.low[i] != "the" or self.junk[i]:
                continue
            j = i + 1
            while j < len(doc) and j - i <= 5 and self.caps[j]:
                j += 1
            last = max((k for k in range(i + 2, j) if self.lowers[k] in heads), default=None)
            if last is not None:
                span = doc[i + 1:last + 1]
                span.label_ = "ORG"
                out.append(span)
        if not out:
            return spans
        covered = {i for s in out for i in range(s.start, s.end)}
        kept = [s for s in spans if not (covered & set(range(s.start, s.end))) or
                (s.label_ == "ORG" and any(s.start <= o.start and o.end <= s.end for o in out))]
        kept_cover = {i for s in kept for i in range(s.start, s.end)}
        return sorted(kept + [s for s in out if not kept_cover & set(range(s.start, s.end))],
                      key=lambda s: s.start)

    def _doc_countries(self, spans: list[Span]) -> list[Span]:
        """Find the countries this document names that the lexicon does not know, and relabel their
        spans (the small model tags "Veloria" PERSON now and then, "Kestrani" ORG or GPE).

        A one-word name is a country when the text treats it as a place (tagged GPE or LOC, or
        "Kestrany's foreign minister", "the waters of Veloria"), gives it a country cue (those, its
        demonym by the common suffixes, "the Kestrany government") and its place votes (cues,
        GPE/LOC tags, "in X") are at least its PERSON tags. A word of a person's full name here
        ("Roth" of "Ana Roth") is never one, nor a NORP name without a demonym of its own.
        """
        doc = self.doc
        person_words = {t.lower_ for s in spans if s.label_ == "PERSON" and len(s) > 1 for t in s}
        tags: dict[str, dict[str, int]] = {}
        for ent in doc.ents:
            if len(ent) == 1 and self.caps[ent.start]:
                counts = tags.setdefault(ent.text, {})
                counts[ent.label_] = counts.get(ent.label_, 0) + 1
        kept = {s.text for s in spans if len(s) == 1}
        names = [n for n in tags if n in kept and n.lower() not in person_words | self.words["region"]
                 and self.lex.get(normalise(n)) is None]
        # A place tagged PERSON or ORG here and there is a place when "in X" and its GPE tags say so.
        places = {n for n in names if tags[n].get("GPE") and
                  tags[n]["GPE"] + self._locative_uses(n) >= tags[n].get("PERSON", 0) + tags[n].get("ORG", 0)}
        for span in spans:
            if span.text in places:
                span.label_ = "GPE"
        if not names:
            return spans
        words = {x for x, cap, low in zip(self.texts, self.caps, self.lowers) if cap and self.lex.get(low) is None}
        found_demonyms = demonyms_of(words, names)
        for name in names:
            demonyms, counts = found_demonyms[name], tags[name]
            owned = self._country_cues(name, owned_only=True)  # "X's waters", "the government of X"
            place_tags = counts.get("GPE", 0) + counts.get("LOC", 0) + (counts.get("NORP", 0) if demonyms else 0)
            if not (place_tags or owned):
                continue
            cues = self._country_cues(name) + bool(demonyms)
            if cues and cues + place_tags + self._locative_uses(name) >= counts.get("PERSON", 0):
                self.countries[normalise(name)] = name
                self.demonyms.update({d.lower(): name for d in demonyms})
        if not self.countries:
            return spans
        for span in spans:
            form = normalise(span.text)
            if form in self.countries:
                span.label_ = "GPE"
            elif form in self.demonyms and len(span) == 1:
                span.label_ = "NORP"  # "Kestrani" (ORG, GPE) is the adjective of Kestrany
        return spans

    def _occurrences(self, name: str) -> list[int]:
        """Where a name is written (its first token), NER span or not."""
        if self._at is None:
            self._at = {}
            for i, x in enumerate(self.texts):
                self._at.setdefault(x, []).append(i)
        parts, doc = name.split(), self.doc
        return [i for i in self._at.get(parts[0], ()) if
                all(i + k < len(doc) and self.texts[i + k] == p for k, p in enumerate(parts[1:], 1))]

    def is_place(self, name: str) -> bool:
        """An unknown place name that names a town, port or feature: "Port Amsel", "Lake Chad"."""
        return any(w in self.words["place"] for w in name.lower().split())

    def _country_cues(self, name: str, owned_only: bool = False) -> int:
        """"X's (foreign) minister", "X's waters", "the government of X", and unless ``owned_only``
        "the X government"."""
        doc, nouns, n = self.doc, self.words["country"], len(self.doc)
        cues = 0
        for i in self._occurrences(name):
            if i + 1 < n and self.poss[i + 1]:
                after = [t.lower_ for t in doc[i + 2:i + 5] if not t.is_punct][:2]
                cues += any(a in nouns for a in after)
            elif not owned_only and i + 1 < n and doc[i + 1].text in self.words["force"] \
                    and doc[i + 1].text in nouns:  # lower case: "Trade Minister" is a title
                cues += 1
            if i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].text in nouns:  # not "Ministry of Trade"
                cues += 1
        return cues

    def _locative_uses(self, name: str) -> int:
        """"in X", "at X": a place, not a person."""
        return sum(i > 0 and self.low[i - 1] in PLACE_PREPOSITIONS for i in self._occurrences(name))

    # -- 2. the document's own names -----------------------------------------------------------

    def learn_names(self, spans: list[Span]) -> None:
        for span in spans:
            if span.start and self.poss[span.start - 1]:
                continue  # "Media Department" in "the Coalition's Media Department" is a unit, not a name
            key = tuple(self.low[span.start:span.end])
            if span.label_ == "PERSON":
                self.persons.append((key, _person_display(span), span.start))
            elif span.label_ == "ORG":
                name = self.lookup_name(span.text)
                self.orgs.append((tuple(normalise(name).split()), name, span.start))
        # Each distinct name once, at the position of its first mention: lookups stay linear in the
        # number of names, not of mentions, on long documents.
        for group, names in (("person", self.persons), ("org", self.orgs)):
            first_seen = {}
            for entry in names:
                first_seen.setdefault(entry[:2], entry)
            for entry in first_seen.values():
                if entry[0]:
                    self.by_last.setdefault((group, entry[0][-1]), []).append(entry)
                if group == "person" and len(entry[0]) > 1:
                    self.by_first.setdefault(entry[0][0], []).append(entry)

    def lookup_name(self, text: str) -> str:
        entry = self.lex.get(normalise(text))
        return entry.name if entry else text

    def person_name(self, span: Span) -> str:
        """The longest full name in the document that ends with this (short) name ("Farhan"), else
        the one full name it begins ("Hillary" when the document names only one Hillary)."""
        return self._person(tuple(self.low[span.start:span.end]), span.start) or _person_display(span)

    def _person(self, key: tuple[str, ...], at: int) -> str | None:
        found = self._longest(self.by_last.get(("person", key[-1]), ()), key, at) if key else None
        if len(key) == 1 and (found is None or len(found.split()) == 1):
            firsts = {name for _, name, _ in self.by_first.get(key[0], ())}
            if len({f.split()[-1] for f in firsts}) == 1:  # one family: "Hillary" -> Hillary Clinton
                found = max(firsts, key=len)
        return found

    def org_name(self, tokens: tuple[str, ...], at: int) -> str | None:
        """The organisation named in the document (or the lexicon) that these words end, or that
        this one word heads ("ministry" for "the Ministry of Trade", the nearest one before)."""
        entry = self.lex.get(" ".join(tokens))
        if entry and entry.kind in ("organization", "government", "group"):
            return entry.name
        found = self._longest(self.by_last.get(("org", tokens[-1]), ()), tokens, at) if tokens else None
        if found is None and len(tokens) == 1:
            headed = [(pos, name) for key, name, pos in self.orgs
                      if len(key) > 2 and key[0] == tokens[0] and key[1] == "of" and pos < at]
            found = max(headed)[1] if headed else None
        return found

    @staticmethod
    def _longest(names, key: tuple[str, ...], at: int) -> str | None:
        """The longest name ending with ``key``; when they are different people or bodies ("Bill
        Clinton", "Hillary Clinton" for "Clinton"), the one named nearest before ``at``."""
        n = len(key)
        found = [(full, name, pos) for full, name, pos in names if len(full) >= n and full[-n:] == key]
        if not found:
            return None
        found = [f for f in found if len(f[0]) > n] or found  # the short name itself is no rival
        if len({full[0] for full, _, _ in found}) == 1:
            return max(found, key=lambda f: (len(f[0]), len(f[1])))[1]
        return max(found, key=lambda f: (f[2] <= at, f[2] if f[2] <= at else -f[2], len(f[0])))[1]

    # -- 3. candidates -------------------------------------------------------------------------

    def scan(self, lex: Lexicon, rule_priority: dict[str, int]) -> list[tuple[int, int, _Mention]]:
        """Longest lexicon matches at every token (keyed by first word; no re-tokenising)."""
        doc, out = self.doc, []
        for i, first in enumerate(self.first):
            if self.junk[i]:
                continue
            most = lex.longest.get(first) if first else None
            if not most:
                continue
            for j in range(min(len(doc), i + most), i, -1):
                if self.ends[j - 1] or any(self.junk[i:j]):
                    continue
                text = "".join(self.spaced[i:j - 1]) + self.texts[j - 1]  # doc[i:j].text
                entry = lex.get(normalise(text))
                if entry is None:
                    continue
                if entry.caps and not text.replace(".", "").replace(" ", "").isupper():
                    continue
                if entry.rule in ("doc", "doc_country") and not text[:1].isupper():
                    continue  # a surname is a name only when written as one ("Bush", not "bush")
                if entry.rule == "capital" and not self._acts(doc[i:j]):
                    break
                out.append((rule_priority.get(entry.rule, 5), j - i,
                            _Mention(i, j, entry.name, entry.kind, entry.rule)))
                break
        return out

    @staticmethod
    def acts(span: Span) -> bool:
        """Whether a name is an agent, patient or possessor here (subject, object, "by X", "X's")."""
        tok = span.root
        while tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
        if tok.dep_ == "pobj":
            return tok.head.lower_ == "by"
        return tok.dep_ in ("nsubj", "nsubjpass", "dobj", "dative", "poss")

    def _acts(self, span: Span) -> bool:
        root = span.root
        return not (root.dep_ == "pobj" and root.head.lower_ in LOCATIVE)

    def doc_lexicon(self) -> Lexicon:
        """The document's own names: persons' surnames and full names, organisations' full names."""
        lex = Lexicon()
        surnames: dict[str, set[str]] = {}
        fulls: dict[str, set[str]] = {}
        for key, name, pos in self.persons:
            full = self._person(key, pos) or name
            fulls.setdefault(name, set()).add(full)
            if len(key) > 1 and key[-1].isalpha():
                surnames.setdefault(key[-1], set()).add(full)
        for name, found in fulls.items():  # "Clinton" for two Clintons is left to the nearest rule
            if len(found) == 1:
                lex.add(name, Entry(found.pop(), "person", "doc"))
        for surname, names in surnames.items():  # an ambiguous surname is left to the NER + nearest rule
            if len(names) == 1 and normalise(surname) not in lex.entries:
                lex.add(surname, Entry(names.pop(), "person", "doc"))
        for key, name, pos in self.orgs:  # full names only: "Coalition" alone is a nominal, not a name
            if self.org_name(key, pos) == name:
                lex.add(name, Entry(name, "organization", "doc"), override=False)
        for name in self.countries.values():  # every mention of them, NER-tagged or not
            lex.add(name, Entry(name, "country", "doc_country"))
        for demonym, name in self.demonyms.items():
            lex.add(demonym, Entry(name, "country", "demonym"))
        return lex

    def patterns(self) -> list[tuple[int, int, _Mention]]:
        doc, w, out = self.doc, self.words, []
        n = len(doc)
        lowers = self.lowers
        for i, low in enumerate(self.low):
            if self.junk[i]:
                continue
            # demonym (+ modifiers) + force noun -> the country: "Russian air forces"
            entry = self.lex.get(low)
            if entry is None and low in self.demonyms:  # "the Velorian government": a demonym of this document
                entry = Entry(self.demonyms[low], "country", "demonym")
            if entry is not None and entry.rule == "demonym" and self.texts[i][:1].isupper():
                j = i + 1
                while j < n and lowers[j] in w["force_mod"] and j + 1 < n and lowers[j + 1] in w["force"]:
                    j += 1
                if j < n and lowers[j] in w["force"]:
                    out.append((0, j + 1 - i, _Mention(i, j + 1, entry.name, "country", "demonym_force")))
            # the + Capitalised words naming an organisation of this document: "the Coalition"
            if low == "the" and i + 1 < n and self.caps[i + 1]:
                j = i + 1
                while j < n and self.caps[j] and j - i <= 4:
                    j += 1
                for k in range(j, i + 1, -1):
                    key = tuple(self.low[i + 1:k])
                    name = self.org_name(key, i)
                    if name is not None:
                        full = self.lex.get(" ".join(key)) is not None or normalise(name) == " ".join(key)
                        out.append((3, k - i - 1, _Mention(i + 1, k, name, "organization", "org_nominal",
                                                           alias_ok=full)))
                        break
        return out

    def regimes(self, mentions: list[_Mention]) -> list[tuple[int, int, _Mention]]:
        """A person's name + regime noun is one government actor: "the Assad regime"."""
        doc, out = self.doc, []
        for m in mentions:
            if m.kind == "person" and m.end < len(doc) and doc[m.end].lower_ in self.words["regime"]:
                surname = next((t.text for t in reversed(doc[m.start:m.end]) if t.is_alpha), None)
                if surname:
                    name = self.lookup_name(f"{surname} {doc[m.end].lower_}")
                    out.append((0, m.end + 1 - m.start, _Mention(m.start, m.end + 1, name, "government", "regime")))
        return out

    def units(self, mentions: list[_Mention]) -> list[_Mention]:
        """Organisation + 's + Capitalised unit -> a sub-organisation (part_of the owner);
        organisation + 's + lower-case unit -> the organisation, with the unit kept as a role."""
        doc, w, by_end = self.doc, self.words, {m.end: m for m in mentions}
        out = []
        for k, owner in sorted(by_end.items()):
            if k >= len(doc) or not self.poss[k] or owner.kind not in ("organization", "government"):
                continue
            j, end = k + 1, None
            while j < len(doc) and j - k <= 4 and doc[j].is_alpha and not doc[j].is_stop:
                if doc[j].lower_ in w["unit"]:
                    end = j + 1
                j += 1
            if end is None:
                continue
            j, unit = end, doc[k + 1:end]
            if all(self.caps[k + 1:end]):
                name = self.lookup_name(f"{owner.name} {unit.text}")
                out.append(_Mention(owner.start, j, name, "organization", "unit",
                                    alias_ok=owner.alias_ok, owner=owner.name))
            else:
                owner.unit_role = unit.text.lower()
        return out

    # -- selection -----------------------------------------------------------------------------

    def select(self, cands: list[tuple[int, int, _Mention]]) -> list[_Mention]:
        taken = [False] * len(self.doc)
        chosen = []
        for _, _, m in sorted(cands, key=lambda c: (-c[1], c[0], c[2].start)):
            if any(taken[m.start:m.end]):
                continue
            for i in range(m.start, m.end):
                taken[i] = True
            chosen.append(m)
        return sorted(chosen, key=lambda m: m.start)

    def from_ner(self, span: Span) -> _Mention | None:
        label = span.label_
        if label == "PERSON":
            return _Mention(span.start, span.end, self.person_name(span), "person", label)
        if label == "ORG":  # a short name of a longer organisation here ("the Coalition") takes its name
            key = tuple(normalise(span.text).split())
            name = self.org_name(key, span.start) or span.text
            alias_ok = name == span.text or self.lex.get(normalise(span.text)) is not None
            return _Mention(span.start, span.end, name, "organization", label, alias_ok=alias_ok)
        if label == "NORP":  # a demonym is in the lexicon; otherwise only plural groups ("Kurds")
            root = span.root
            if root.tag_ in ("NNPS", "NNS") and root.dep_ not in ("amod", "compound"):
                return _Mention(span.start, span.end, span.text, "group", label)
            return None
        if label == "GPE":  # not in the lexicon: a place, unless the text makes it act (see _mentions)
            kind = "country" if normalise(span.text) in self.countries else "unknown"
            return _Mention(span.start, span.end, span.text, kind, label, alias_ok=True)
        return None

    def sentence_of(self, char: int) -> int:
        return bisect_right(self.sent_starts, char) - 1

    def previous_subject(self, char: int):
        """The subject of the sentence before the one at ``char`` ("The report" in "The report
        blames ... It says ..."), or None."""
        k = self.sentence_of(char)
        if k < 1 or not self.doc.has_annotation("SENT_START"):
            return None
        sent = self.doc.char_span(self.sent_starts[k - 1], self.sent_starts[k], alignment_mode="contract")
        if sent is None or not len(sent):
            return None
        root = sent.root
        return next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)


# ---------------------------------------------------------------------------------------------
# Resolver

_PRIORITY = {"analyst": 1, "doc": 2, "alias": 3, "capital": 3, "demonym": 3, "doc_country": 3}


class Resolver:
    """Maps surface forms to canonical actors. Loaded once per process."""

    def __init__(self, extra_aliases: dict[str, tuple[str, str]] | None = None, data_dir: Path | None = None):
        if data_dir is None:
            from kb.config import get_settings

            data_dir = get_settings().data_dir
        base, self.words = load_lexicon(Path(data_dir))
        self.lexicon = base.copy()
        # form -> (canonical name, kind); extra_aliases come from the Alias table (analysts' edits).
        self.aliases: dict[str, tuple[str, str]] = dict(extra_aliases or {})
        for form, (name, kind) in self.aliases.items():
            self.lexicon.add(form, Entry(name, kind if kind in ACTOR_KINDS else "unknown", "analyst"))

    @classmethod
    def from_session(cls, session) -> Resolver:
        """A resolver that also knows the analysts' aliases stored in the KB."""
        from sqlmodel import select

        from kb.models import Actor, Alias

        rows = session.exec(select(Alias.form, Actor.name, Actor.kind).join(Actor, Actor.id == Alias.actor_id)
                            .where(Alias.origin == "analyst")).all()
        return cls({form: (name, kind) for form, name, kind in rows})

    def canonical(self, surface: str) -> tuple[str, str]:
        """(canonical name, kind) of a surface form by the lexicons alone."""
        entry = self.lexicon.get(normalise(surface))
        return (entry.name, entry.kind) if entry else (surface.strip(), "unknown")

    # -- the document --------------------------------------------------------------------------

    def resolve(self, doc: Doc) -> ResolvedDocument:
        reader = _DocReader(doc, self.lexicon, self.words)
        mentions = _Index(self._mentions(reader))
        result = ResolvedDocument()
        for m in mentions:
            self._add_actor(result, m.name, m.kind, m.text if m.alias_ok else None)
            result.mentions.append(ResolvedMention(m.name, m.start_char, m.end_char, m.text, m.label))
            if m.owner:
                self._add_actor(result, m.owner, "organization")

        self._statements(doc, reader, mentions, result)
        self._affiliations(doc, reader, mentions, result)
        meta = doc._.meta if doc.has_extension("meta") else None
        if meta is not None:
            get = meta.get if isinstance(meta, dict) else (lambda k: getattr(meta, k, None))
            result.published, result.source_line = get("published"), get("source_line")
        return result

    def _mentions(self, reader: _DocReader) -> list[_Mention]:
        doc = reader.doc
        spans = reader.named_spans()
        reader.learn_names(spans)
        cands = reader.scan(self.lexicon, _PRIORITY)
        cands += reader.scan(reader.doc_lexicon(), _PRIORITY)
        cands += reader.patterns()
        ner = [m for m in (reader.from_ner(s) for s in spans) if m is not None]
        cands += [(4, m.end - m.start, m) for m in ner]
        cands += reader.regimes([c[2] for c in cands if c[2].kind == "person"])
        chosen = reader.select(cands)
        units = reader.units(chosen)
        if units:
            chosen = reader.select([(0, m.end - m.start, m) for m in units] +
                                   [(1, m.end - m.start, m) for m in chosen])
        # A place the lexicon does not know is an actor only if the text makes it act somewhere
        # ("Kestrany accused Veloria"), not where things merely happen ("cod landed in Veloria"),
        # and never a town the text treats as a place ("Port Amsel", "talks in Dravik").
        places = [m for m in chosen if m.label == "GPE" and m.kind == "unknown"]
        acting = {m.name for m in places if reader.acts(doc[m.start:m.end])}
        acting = {name for name in acting if not reader.is_place(name)}
        chosen = [m for m in chosen if m.label != "GPE" or m.kind != "unknown" or m.name in acting]
        for m in chosen:
            entry = self.lexicon.get(normalise(m.name))  # an analyst's or the lexicon's canonical form
            if entry is not None and m.kind not in ("country",):
                m.name, m.kind = entry.name, entry.kind if entry.kind != "unknown" else m.kind
            span = doc[m.start:m.end]
            m.start_char, m.end_char, m.text = span.start_char, span.end_char, span.text
            m.form = normalise(m.text)
        return chosen

    @staticmethod
    def _add_actor(result: ResolvedDocument, name: str, kind: str, surface: str | None = None) -> None:
        actor = result.actors.get(name)
        if actor is None:
            actor = result.actors[name] = ResolvedActor(name, kind)
        elif actor.kind == "unknown":
            actor.kind = kind
        if surface:
            actor.aliases.add(surface)

    # -- statements ----------------------------------------------------------------------------

    def _statements(self, doc: Doc, reader: _DocReader, mentions: _Index, result: ResolvedDocument) -> None:
        prior: list[tuple[int, str, str]] = []  # (char, speaker, kind) of resolved speakers so far
        kinds = {m.name: m.kind for m in mentions}
        names = {m.form: m.name for m in mentions}
        roles = self._role_evidence(doc, reader, mentions)
        attributions = doc._.attributions if doc.has_extension("attributions") else []
        accuser = None  # who made the last accusation: not the one who rejects "the charge"
        for att in attributions or []:
            avoid = accuser if att.claim_type in ("rejection", "denial") else None
            speaker, rule = self._speaker(att, doc, reader, mentions, prior, names, roles, avoid)
            if att.claim_type == "accusation" and speaker is not None:
                accuser = speaker
            if speaker is not None:
                kind = kinds.get(speaker) or self.canonical(speaker)[1]
                if speaker not in result.actors:
                    self._add_actor(result, speaker, kind if kind != "unknown" else _ner_kind(att.speaker_label))
                kinds.setdefault(speaker, result.actors[speaker].kind)
                prior.append((att.source.start if att.source else 0, speaker, kinds[speaker]))
            rs = ResolvedStatement(att, speaker, speaker_rule=rule)
            rs.targets = self._targets(att, doc, reader, mentions, prior, names, speaker, result)
            result.statements.append(rs)
        # "I" / "we" inside a quote is whoever the quote is attributed to.
        for rs in result.statements:
            src = rs.attribution.source
            if rs.speaker is None and src is not None and normalise(src.text) in FIRST_PERSON:
                outer = [o for o in result.statements if o is not rs and o.speaker and o.attribution.content
                         and o.attribution.content.start <= src.start < o.attribution.content.end]
                if outer:
                    inner = min(outer, key=lambda o: len(o.attribution.content.text))
                    rs.speaker, rs.speaker_rule = inner.speaker, "quote"
                    rs.targets = [t for t in rs.targets if t.actor != rs.speaker]

    def _speaker(self, att, doc, reader, mentions, prior, names, roles, avoid=None) -> tuple[str | None, str | None]:
        src = att.source
        if src is None:
            found = self._by_name(att.speaker_name, names)
            return found, "name" if found else None
        inside = mentions.within(src.start, src.end)
        if inside:
            wanted = normalise(att.speaker_name) if att.speaker_name else None
            for m in inside:
                if wanted and wanted in (normalise(m.text), normalise(m.name)):
                    return m.name, "mention"
            persons = [m for m in inside if m.kind == "person"]
            if persons:
                return persons[0].name, "mention"
            span = doc.char_span(src.start, src.end, alignment_mode="expand")
            root = span.root.i if span is not None and len(span) else None
            for m in inside:
                if root is not None and m.start <= root < m.end:
                    return m.name, "mention"
            return inside[0].name, "mention"
        form = normalise(src.text)
        if form in ("who", "which", "that"):  # "Farhan, who said ...": the noun the clause modifies
            span = doc.char_span(src.start, src.end, alignment_mode="expand")
            if span is not None and len(span) and span.root.head.dep_ == "relcl":
                noun = span.root.head.head
                found = next((m.name for m in mentions.overlapping(noun.idx, noun.idx + len(noun))), None)
                if found:
                    return found, "relative"
        if form in ("it", "they"):  # "The report blames ... It says": the thing, not an actor
            subject = reader.previous_subject(src.start)
            if subject is not None and subject.pos_ == "NOUN" and subject.lower_ not in self.words["org_head"] \
                    and not mentions.overlapping(subject.idx, subject.idx + len(subject)):
                return None, None
        if form in PRONOUNS:
            found = self._antecedent(src.start, PRONOUNS[form], reader, mentions, prior)
            if found:
                return found, "pronoun"
        span = doc.char_span(src.start, src.end, alignment_mode="expand")
        if span is not None and len(span):
            head = span.root
            definite = any(t.lower_ in ("the", "this", "that") for t in head.children) or head.dep_ == "poss"
            if definite and head.lower_ in self.words["role"]:
                # "the union leader" is whoever was named the union's head; "the band leader" only a leader
                other = any(c.dep_ == "compound" and c.is_lower and c.lower_ not in self.words["org_head"]
                            for c in head.children)
                role = head.lower_ if other else self._role_key(head.lower_)
                found = self._by_role(role, src.start, roles, avoid)
                if found:
                    return found, "role"
            if definite and head.lower_ in self.words["org_head"]:
                found = reader.org_name((head.lower_,), head.i)
                if found:
                    return found, "nominal"
            if head.lower_ in self.words["role"]:  # "a ministry spokeswoman": the ministry named here
                body = next((c for c in head.children if c.dep_ == "compound" and c.lower_ in self.words["org_head"]),
                            None)
                found = reader.org_name((body.lower_,), head.i) if body is not None else None
                if found:
                    return found, "nominal"
        found = self._by_name(att.speaker_name, names)
        if found:
            return found, "name"
        return None, None

    def _by_name(self, name: str | None, names: dict[str, str]) -> str | None:
        """The speaker_name the extractor gave, if it names an actor of this document or the lexicon."""
        if not name or normalise(name) in PRONOUNS:
            return None
        form = normalise(name)
        if form in names:
            return names[form]
        entry = self.lexicon.get(form)
        return entry.name if entry else None

    @staticmethod
    def _antecedent(at: int, kinds: tuple[str, ...], reader, mentions, prior) -> str | None:
        """The most recent compatible speaker within two sentences, else the most recent compatible mention."""
        sent = reader.sentence_of(at)
        for pos, name, kind in reversed(prior):
            if pos < at and kind in kinds and sent - reader.sentence_of(pos) <= 2:
                return name
        for m in mentions.before(at):
            if m.kind in kinds:
                return m.name
        return None

    def _role_evidence(self, doc, reader, mentions) -> list[tuple[int, str, set[str]]]:
        """(char, person, role nouns) for persons introduced with a role: "spokesman X", "X, the spokesman"."""
        roles_vocab, out = self.words["role"], []
        for m in mentions:
            if m.kind != "person":
                continue
            found = set()
            sent = reader.sentence_of(m.start_char)
            for t in doc[max(0, m.start - 4):m.start]:
                if t.lower_ in roles_vocab and reader.sentence_of(t.idx) == sent:
                    found |= {t.lower_, self._role_key(t.lower_)}
            if m.end < len(doc) and doc[m.end].text == ",":
                for t in doc[m.end + 1:min(len(doc), m.end + 8)]:
                    if t.is_punct:
                        break
                    if t.lower_ in roles_vocab:
                        found |= {t.lower_, self._role_key(t.lower_)}
            if found:
                out.append((m.start_char, m.name, found))
        for fact in doc._.affiliations if doc.has_extension("affiliations") else []:
            if fact.role:
                found = {k for w in fact.role.lower().split() if w in roles_vocab for k in (w, self._role_key(w))}
                m = mentions.by_form.get(normalise(fact.member))
                name = m.name if m else None
                if found and name:
                    out.append((fact.start, name, found))
        return sorted(out, key=lambda r: r[0])

    def _role_key(self, word: str) -> str:
        """One key for the role nouns that name the same post ("head", "leader", "chief"); the
        evidence keeps the word too, for a role that must match exactly ("the band leader")."""
        return "leader*" if word in self.words["leader"] else word

    @staticmethod
    def _by_role(role: str, at: int, roles, avoid: str | None = None) -> str | None:
        before = [name for pos, name, found in roles if pos < at and role in found and name != avoid]
        if before:
            return before[-1]
        after = [name for pos, name, found in roles if pos >= at and role in found and name != avoid]
        return after[0] if after else None

    def _targets(self, att, doc, reader, mentions, prior, names, speaker, result) -> list[ResolvedTarget]:
        out: list[ResolvedTarget] = []
        seen: set[tuple[str, str]] = set()

        def add(name: str, role: str, text: str | None) -> None:
            if (name, role) not in seen:
                seen.add((name, role))
                out.append(ResolvedTarget(name, role, text))

        for t in att.targets:
            named = self._titled_person(t, reader, mentions)
            if named is not None:
                add(named, t.role, t.text)
                continue
            over = [(min(m.end_char, t.end) - max(m.start_char, t.start), m)
                    for m in mentions.overlapping(t.start, t.end)]
            if over:
                add(max(over, key=lambda o: o[0])[1].name, t.role, t.text)
                continue
            form = normalise(t.text)
            if form in PRONOUNS:
                found = self._antecedent(t.start, PRONOUNS[form], reader, mentions, prior)
            else:
                found = names.get(form) or self._named_target(t, reader)
            if found:
                if found not in result.actors:
                    self._add_actor(result, found, self.canonical(found)[1] if self.canonical(found)[1] != "unknown"
                                    else _ner_kind(t.label))
                add(found, t.role, t.text)
        if att.content is not None:
            for m in mentions.within(att.content.start, att.content.end):
                if m.name != speaker and not any(name == m.name for name, _ in seen):
                    add(m.name, "mentioned", m.text)
        return out

    def _titled_person(self, t, reader: _DocReader, mentions: _Index) -> str | None:
        """A target cut off before the name its title introduces ("accused [Kestrany's Foreign
        Minister] Tomas Wierling"): the person named right after."""
        last = t.text.split()[-1].lower() if t.text.split() else ""
        if last not in self.words["title"] and last not in self.words["role"]:
            return None
        nxt = next((m for m in mentions.overlapping(t.end, t.end + 2) if m.start_char >= t.end), None)
        return nxt.name if nxt is not None and nxt.kind == "person" else None

    def _named_target(self, t, reader: _DocReader) -> str | None:
        """An accused or addressed target the mention pass did not cover: kept only if it is a
        person's or organisation's name, not junk (places and adjectives were left out on purpose)."""
        if t.role == "mentioned" or t.label not in ("PERSON", "ORG"):
            return None
        span = reader.doc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None or reader.is_junk(span):
            return None
        return self.canonical(span.text)[0]

    # -- affiliations --------------------------------------------------------------------------

    def _affiliations(self, doc, reader, mentions, result: ResolvedDocument) -> None:
        sentences = [(i, rs.attribution.sentence) for i, rs in enumerate(result.statements) if rs.attribution.sentence]

        def statement_at(char: int) -> int | None:
            return next((i for i, s in sentences if s.start <= char < s.end), None)

        seen = set()

        def add(member, org, relation, role, index):
            if member and org and member != org and (member, org, relation) not in seen:
                seen.add((member, org, relation))
                result.affiliations.append(ResolvedAffiliation(member, org, relation, role, index))

        for m in mentions:  # named sub-units found by resolution
            if m.owner:
                add(m.name, m.owner, "part_of", None, statement_at(m.start_char))
        facts: list[AffiliationFact] = doc._.affiliations if doc.has_extension("affiliations") else []
        for fact in facts or []:
            member = self._fact_actor(fact.member, fact, mentions)
            org_m = self._fact_mention(fact.organization, fact, mentions)
            org = org_m.name if org_m else self._fact_actor(fact.organization, fact, mentions)
            role = fact.role
            if org_m is not None and org_m.unit_role and org_m.unit_role not in (role or "").lower():
                role = f"{(role or 'member').lower()} of the {org_m.unit_role}"  # "... political committee"
            for name, label in ((member, fact.member_label), (org, fact.organization_label)):
                if name and name not in result.actors:
                    self._add_actor(result, name, _ner_kind(label))
            add(member, org, fact.relation, role, statement_at(fact.start) if fact.end else None)

    @staticmethod
    def _fact_mention(surface: str, fact: AffiliationFact, mentions: _Index) -> _Mention | None:
        """The mention a fact's surface name refers to: inside the fact's span when it has one."""
        form = normalise(surface)
        pool = mentions.within(fact.start, fact.end) if fact.end else []
        exact = [m for m in pool if form in (m.form, normalise(m.name))]
        if exact:
            return exact[0]
        within = [m for m in pool if m.form and m.form in form]
        if within:
            return max(within, key=lambda m: len(m.text))
        return mentions.by_form.get(form)

    def _fact_actor(self, surface: str, fact: AffiliationFact, mentions: _Index) -> str | None:
        m = self._fact_mention(surface, fact, mentions)
        if m is not None:
            return m.name
        entry = self.lexicon.get(normalise(surface))
        return entry.name if entry else None


def _ner_kind(label: str | None) -> str:
    return {"PERSON": "person", "ORG": "organization"}.get(label or "", "unknown")
