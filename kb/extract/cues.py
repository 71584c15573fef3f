"""The cue lexicon (data/cues.tsv) and matching cue words in a Doc.

A cue is a verb lemma ("say"), a verb with its particle ("call for"), or "according to". Each
entry carries its claim type and its precision on PolNeAR train (how often the word, as a verb,
introduces an attribution); the extractors demand more evidence from low-precision cues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import LEMMA, LOWER, POS
from spacy.strings import get_string_id
from spacy.symbols import VERB
from spacy.tokens import Doc, Token

PARTICLE_MARGIN = 0.1


# Words by hash: the hash is the same in every vocab, the string table is not.
_ACCORDING, _TO = get_string_id("according"), get_string_id("to")


@dataclass(frozen=True)
class CueEntry:
    cue: str
    claim_type: str
    precision: float  # how often the word is a cue in PolNeAR train (smoothed)


@dataclass(frozen=True)
class CueLexicon:
    entries: dict[str, CueEntry]
    # (cue, frame) -> precision of the extractor's attributions with that cue in that frame
    frames: dict[tuple[str, str], float] = field(default_factory=dict)

    def frame_precision(self, cue: str, frame: str) -> float | None:
        return self.frames.get((cue, frame))

    def get(self, key: str) -> CueEntry | None:
        return self.entries.get(key)

    @property
    def verb_lemmas(self) -> set[str]:
        return {k.split()[0] for k in self.entries if k != "according to"}

    def is_cue(self, verb: Token, min_precision: float = 0.3) -> bool:
        entry = self.entries.get(verb.lemma_.lower())
        return entry is not None and entry.precision >= min_precision

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
def load_lexicon(path: str | Path, frames_path: str | Path | None = None) -> CueLexicon:
    """Read cues.tsv and, when given, cue_frames.tsv (a missing file raises: never an empty lexicon)."""
    entries = {}
    for row in _rows(path):
        cue, claim_type, _annotated, _seen, precision = row[:5]
        entries[cue] = CueEntry(cue, claim_type, float(precision))
    frames = {}
    if frames_path:
        for cue, frame, _matched, _found, precision in (r[:5] for r in _rows(frames_path)):
            frames[(cue, frame)] = float(precision)
    return CueLexicon(entries, frames)


def _rows(path: str | Path):
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and not line.startswith("cue\t"):
            yield line.split("\t")


def find_cues(doc: Doc, lemma_ids: np.ndarray) -> tuple[list[Token], list[int]]:
    """(cue verbs, start token indices of "according to") in text order; ``lemma_ids``: the
    string_ids of the lexicon's verb lemmas.

    One vectorised pass over the token attributes (a spaCy Matcher did the same at 10x the cost)."""
    a = doc.to_array([POS, LEMMA, LOWER])
    if not len(a):
        return [], []
    verbs = np.flatnonzero((a[:, 0] == VERB) & np.isin(a[:, 1], lemma_ids))
    according = np.flatnonzero((a[:-1, 2] == _ACCORDING) & (a[1:, 2] == _TO))
    return [doc[int(i)] for i in verbs], [int(i) for i in according]
