"""Mentions: the actors a document names, read from one processed Doc.

1. Named-entity spans (PERSON, ORG, GPE, NORP) are trimmed (article, titles, possessive) and junk
   is dropped (dates, numbers, page chrome, the stop-list in ``data/actor_stoplist.txt``).
2. Candidates come from the NER spans, from the lexicons (``data/aliases.tsv``, ``demonyms.tsv``,
   ``capitals.tsv`` and the analysts' aliases), from the document's own names (a person's surname,
   an organisation's full name the NER missed on a later line) and from patterns: demonym + force
   noun ("Russian air forces" -> Russia), name + regime noun ("the Assad regime", one government),
   organisation nominals ("the Coalition" -> Syrian Coalition) and named sub-units after a
   possessive ("the Coalition's Media Department" -> Syrian Coalition Media Department, part of
   Syrian Coalition). The longest candidate wins where they overlap.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kb.names import _APOSTROPHES, normalise
from kb.resolve.lexicons import (
    _MONTHS,
    LOCATIVE,
    NAME_PARTICLES,
    NER_KINDS,
    PLACE_PREPOSITIONS,
    Entry,
    Lexicon,
    Words,
    _first_word,
    demonyms_of,
)

if TYPE_CHECKING:  # spaCy loads only where a Doc is resolved, not for the read path
    from spacy.tokens import Doc, Span

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
        self.name_counts: dict[str, int] = {}  # a full name -> how often the NER wrote it
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
        else:  # "this White House", "federal Securities and Exchange Commission": not part of the name
            while start < end - 1 and doc[start].is_lower and doc[start].is_alpha \
                    and doc[start].lower_ not in NAME_PARTICLES:
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
                span = self._bare_name(span) if span is not None else None
                if span is None:
                    continue
            elif len(span) == 1 and span.end < len(self.doc) and self.low[span.end] in self.words["title"]:
                continue  # "Trade" in "Trade Minister Ana Roth" is part of a title
            spans.append(span)
        return self._titled_orgs(self._surnames(_majority_labels(self._doc_countries(spans))))

    def _surnames(self, spans: list[Span]) -> list[Span]:
        """A one-word ORG or GPE span that is the surname of a person the document names in full
        is that person: the small model tags "Scott" ORG now and then beside "Bobby Scott"."""
        last = {self.low[s.end - 1] for s in spans if s.label_ == "PERSON" and len(s) > 1}
        for span in spans:
            if span.label_ in ("ORG", "GPE") and len(span) == 1 and self.low[span.start] in last \
                    and self.lex.get(normalise(span.text)) is None and normalise(span.text) not in self.countries:
                span.label_ = "PERSON"
        return spans

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

    def _bare_name(self, span: Span) -> Span | None:
        """A person's name without the words glued to it: an epithet before it ("Crooked Hillary
        Clinton", "Rival Hillary Clinton": a word the text writes in lower case, when a full name
        remains) and a headline word after it ("Obama Says", "Clinton Plan": a verb, or in a Title
        Case line a word the text writes in lower case)."""
        start, end, doc = span.start, span.end, self.doc
        epithets, given = self.words["epithet"], self.words["female"] | self.words["male"]

        def loose(i: int) -> bool:  # a word the text also writes in lower case, and no given name
            return self.lowers[i] in self.lower_words and self.lowers[i] not in given
        while end - start > 1 and (self.lowers[start] in epithets or (end - start > 2 and loose(start))):
            start += 1
        while end - start > 1 and self.caps[end - 1] and (
                doc[end - 1].tag_ in ("VBZ", "VBD", "VBP") or (loose(end - 1) and self._title_case(span))):
            end -= 1
        if (start, end) == (span.start, span.end):
            return span
        out = doc[start:end]
        out.label_ = span.label_
        return out

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
        for _, name, _ in self.persons + self.orgs:
            self.name_counts[name] = self.name_counts.get(name, 0) + 1
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

    def _longest(self, names, key: tuple[str, ...], at: int) -> str | None:
        """The longest name ending with ``key``; when they are different people or bodies ("Bill
        Clinton", "Hillary Clinton" for "Clinton"), the one the document names most often, and
        between equals the one named nearest before ``at``."""
        n = len(key)
        found = [(full, name, pos) for full, name, pos in names if len(full) >= n and full[-n:] == key]
        if not found:
            return None
        found = [f for f in found if len(f[0]) > n] or found  # the short name itself is no rival
        if len({full[0] for full, _, _ in found}) == 1:
            return max(found, key=lambda f: (len(f[0]), len(f[1])))[1]
        count = self.name_counts
        return max(found, key=lambda f: (count.get(f[1], 0), f[2] <= at, f[2] if f[2] <= at else -f[2],
                                         len(f[0])))[1]

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
        if label in ("ORG", "GPE") and len(span) == 1 and ("person", self.low[span.start]) in self.by_last \
                and self.lex.get(normalise(span.text)) is None and normalise(span.text) not in self.countries:
            # "Scott" tagged ORG where the document names Bobby Scott: the person's surname
            return _Mention(span.start, span.end, self.person_name(span), "person", "PERSON")
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

