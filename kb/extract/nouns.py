"""Noun cues: "his claim that ...", "the allegation that ...", "criticism of ...".

    His claim that the vote was rigged         cue=claim, source=His, content=the that-clause
    The allegation that the mayor took bribes  cue=allegation, no source
    Critics voiced criticism of the plan       cue=criticism, source=Critics (the light verb's
                                               subject), content=the plan

The nouns and their precision (how often the noun is annotated as a cue in PolNeAR train) are
data (data/noun_cues.tsv), mined with: python -m kb.extract.nouns ../shared/data/polnear/train
"""

from __future__ import annotations

import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import LEMMA, POS
from spacy.symbols import NOUN
from spacy.tokens import Doc, Token

from kb.extract.spans import Found, chars, noun_phrase, subtree_span, trim

# Prepositions whose object is what a noun cue is about ("criticism of X", "warning about X").
_ABOUT = {"of", "about", "over", "against", "on", "that"}
# Determiners and possessives that make a source: "his claim", "Trump's claim".
_POSSESSIVE = ("poss",)
# Verbs that carry a noun cue as their object and whose subject is its speaker.
_LIGHT = {"make", "voice", "issue", "level", "repeat", "offer", "express", "give", "raise", "lodge",
          "file", "deliver", "release", "publish", "post", "send", "renew", "echo", "dismiss"}




@lru_cache(maxsize=4)
def load_noun_cues(path: str) -> dict[str, tuple[str, float]]:
    """noun lemma -> (claim type, precision) from data/noun_cues.tsv."""
    out = {}
    p = Path(path)
    if not p.exists():
        return out
    for line in p.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and not line.startswith("noun\t"):
            noun, claim_type, _annotated, _seen, precision = line.split("\t")[:5]
            out[noun] = (claim_type, float(precision))
    return out


def find_nouns(doc: Doc, lemma_ids: np.ndarray) -> list[Token]:
    """Nouns whose lemma is a noun cue, by one vectorised pass (as kb.extract.cues)."""
    if not len(lemma_ids):
        return []
    a = doc.to_array([POS, LEMMA])
    if not len(a):
        return []
    return [doc[int(i)] for i in np.flatnonzero((a[:, 0] == NOUN) & np.isin(a[:, 1], lemma_ids))]


def noun_cues(doc: Doc, nouns: dict[str, tuple[str, float]], lemma_ids: np.ndarray) -> list[Found]:
    found = []
    for noun in find_nouns(doc, lemma_ids):
        content = _content(noun)
        if content is None:
            continue
        claim_type, precision = nouns[noun.lemma_.lower()]
        source = _source(noun)
        found.append(Found(cue=(noun.idx, noun.idx + len(noun)), source=source, content=[content],
                           kind="indirect", cue_lemma=noun.lemma_.lower(), claim_type=claim_type,
                           confidence=round(precision, 3), extra={"rule": "noun"}))
    return found


def _content(noun: Token) -> tuple[int, int] | None:
    for child in noun.rights:
        # "the claim that X": a clause opened by "that" (acl or ccomp in the sm parse)
        if child.dep_ in ("acl", "ccomp", "relcl") and any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children):
            span = trim(subtree_span(child))
            return chars(span) if len(span) else None
        if child.dep_ == "prep" and child.lower_ in _ABOUT:
            obj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                return chars(trim(subtree_span(obj)))
    return None


def _source(noun: Token) -> tuple[int, int] | None:
    poss = next((c for c in noun.lefts if c.dep_ in _POSSESSIVE), None)
    if poss is not None:
        span = trim(subtree_span(poss))
        if len(span) and span[-1].tag_ == "POS":  # "Trump's" -> "Trump"
            span = span[:-1]
        return chars(span) if len(span) else None
    agent = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ == "by"), None)
    obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    if obj is not None:
        return chars(trim(subtree_span(obj)))
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in _LIGHT:
        subj = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            return chars(noun_phrase(subj))
    return None


def mine(gold_dir: str, out: Path, min_count: int = 3) -> int:
    """Count, per noun lemma, its gold cue annotations and its occurrences in the gold folder."""
    from kb.evaluate.polnear import load_gold_dir
    from kb.nlp import load_base_model
    from kb.train import parsed

    gold = load_gold_dir(gold_dir)
    docs = parsed(gold, load_base_model())
    annotated, seen = Counter(), Counter()
    for g, doc in zip(gold, docs):
        for a in g.attributions:
            if a.cue is None:
                continue
            span = doc.char_span(a.cue.start, a.cue.end, alignment_mode="expand")
            if span is not None and span.root.pos_ == "NOUN":
                annotated[span.root.lemma_.lower()] += 1
        for t in doc:
            if t.pos_ == "NOUN":
                seen[t.lemma_.lower()] += 1
    rows = [(n, k, seen[n], (k + 1) / (seen[n] + 2)) for n, k in annotated.most_common() if k >= min_count]
    rows.sort(key=lambda r: (-r[3], r[0]))
    lines = ["# Noun cues mined by kb/extract/nouns.py from PolNeAR train: times the noun heads a gold",
             "# cue, times seen as a noun, precision = (annotated + 1) / (seen + 2).",
             "noun\tclaim_type\tannotated\tseen\tprecision"]
    lines += [f"{n}\t{_claim_type(n)}\t{k}\t{s}\t{p:.3f}" for n, k, s, p in rows]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


_CLAIM_TYPES = {"criticism": "accusation", "allegation": "accusation", "accusation": "accusation",
                "charge": "accusation", "warning": "warning", "threat": "warning", "denial": "denial",
                "call": "call_to_action", "demand": "call_to_action", "promise": "promise",
                "pledge": "promise", "vow": "promise", "report": "report", "poll": "report",
                "survey": "report", "complaint": "accusation", "attack": "accusation"}


def _claim_type(noun: str) -> str:
    return _CLAIM_TYPES.get(noun, "assertion")


if __name__ == "__main__":
    from kb.config import DATA_DIR

    n = mine(sys.argv[1], DATA_DIR / "noun_cues.tsv")
    print(f"{n} noun cues written to {DATA_DIR / 'noun_cues.tsv'}")
