"""The cue lexicon (data/cues.tsv) and matching cue words in a Doc.

A cue is a verb lemma ("say"), a verb with its particle ("call for"), or "according to". Each
entry carries its claim type and its precision on PolNeAR train (how often the word, as a verb,
introduces an attribution); the extractors demand more evidence from low-precision cues.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab


PARTICLE_MARGIN = 0.1


@dataclass(frozen=True)
class CueEntry:
    cue: str
    claim_type: str
    precision: float  # how often the word is a cue in PolNeAR train (smoothed)


@dataclass(frozen=True)
class CueLexicon:
    entries: dict[str, CueEntry]

    def get(self, key: str) -> CueEntry | None:
        return self.entries.get(key)

    @property
    def verb_lemmas(self) -> set[str]:
        return {k.split()[0] for k in self.entries if k != "according to"}

    def entry_for(self, verb: Token) -> tuple[str, CueEntry | None, Token | None]:
        """The lexicon key for ``verb``: "call for" when the verb has that particle, else the lemma.

        Returns (key, entry, particle token or None)."""
        lemma = verb.lemma_.lower()
        single = self.entries.get(lemma)
        for child in verb.rights:
            if child.dep_ in ("prt", "prep") and child.i <= verb.i + 3:
                entry = self.entries.get(f"{lemma} {child.lower_}")
                # The particle joins the cue only when the pair is clearly more cue-like than the
                # verb alone: "call for" (0.69 vs 0.40) does, "accuse of", "warn of" do not.
                if entry is not None and (single is None or entry.precision >= single.precision + PARTICLE_MARGIN):
                    return f"{lemma} {child.lower_}", entry, child
        return lemma, single, None


@lru_cache(maxsize=8)
def load_lexicon(path: str | Path, min_precision: float = 0.0) -> CueLexicon:
    """Read cues.tsv, keeping cues with at least ``min_precision``."""
    entries = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("cue\t"):
            continue
        cue, claim_type, _annotated, _seen, precision = line.split("\t")[:5]
        if float(precision) >= min_precision:
            entries[cue] = CueEntry(cue, claim_type, float(precision))
    return CueLexicon(entries)


def cue_matcher(vocab: Vocab, lexicon: CueLexicon) -> Matcher:
    matcher = Matcher(vocab)
    matcher.add("CUE_VERB", [[{"POS": "VERB", "LEMMA": {"IN": sorted(lexicon.verb_lemmas)}}]])
    matcher.add("ACCORDING_TO", [[{"LOWER": "according"}, {"LOWER": "to"}]])
    return matcher


def find_cues(doc: Doc, matcher: Matcher) -> tuple[list[Token], list[int]]:
    """(cue verbs, start token indices of "according to") in text order."""
    verbs, according = [], []
    for match_id, start, _end in matcher(doc):
        if doc.vocab.strings[match_id] == "CUE_VERB":
            verbs.append(doc[start])
        else:
            according.append(start)
    return verbs, according
