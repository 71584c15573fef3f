"""Whether a subject can be a source, and the fix for cue verbs whose subject the parse got wrong.

    Pell said the closure was rushed and warned that ...   the parser makes "warned" a conjunct of
        "rushed" (inside Pell's content), so it borrows "the closure": the warner is Pell.
    ... landed 40,000 tonnes, twice the quota agreed in ...   a multiple of something never speaks.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

from kb.extract.spans import Found, chars, noun_phrase

SPEAKER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
_PERSONAL = {"he", "she", "they", "we", "i", "you", "it", "who"}  # "it": the ministry, the paper
_MULTIPLIERS = {"twice", "thrice", "double", "triple", "quadruple"}
_UNIT_LABELS = {"QUANTITY", "MONEY"}  # "40,000 tonnes", "$5 million"; PERCENT is a poll's voters
_OWN_SUBJECT = ("nsubj", "nsubjpass", "csubj", "expl")


@lru_cache(maxsize=4)
def load_source_nouns(path: str | Path) -> frozenset[str]:
    """Lemmas from data/source_nouns.tsv (word<TAB>class; classes are for readers)."""
    words = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(line.split("\t")[0].strip().lower())
    return frozenset(words)


def is_quantity(token: Token) -> bool:
    """"twice the quota", "40,000 tonnes": an amount, never someone speaking."""
    if token.ent_type_ in _UNIT_LABELS or token.lower_ in _MULTIPLIERS and token.pos_ != "PROPN":
        return True
    return any(c.dep_ in ("predet", "nummod", "quantmod", "advmod") and c.lower_ in _MULTIPLIERS
               for c in token.children)


def can_speak(token: Token, nouns: frozenset[str]) -> bool:
    """A name (tagged or not), a personal pronoun, or a person/organisation/document noun."""
    if token.pos_ == "PROPN" or token.lower_ in _PERSONAL or token.lemma_.lower() in nouns or token.lower_ in nouns:
        return True
    return token.ent_type_ in SPEAKER_LABELS or any(
        c.dep_ in ("compound", "poss", "amod") and (c.ent_type_ in SPEAKER_LABELS or c.pos_ == "PROPN")
        for c in token.children)


def conjoined_in_content(verb: Token) -> tuple[Token, Token] | None:
    """(borrowed subject, governing verb) when ``verb`` has no subject of its own and is a
    conjunct of a clause that is another verb's content ("said [X was rushed] and warned")."""
    if verb.dep_ != "conj" or any(c.dep_ in _OWN_SUBJECT for c in verb.children):
        return None
    head = verb.head
    while head.dep_ == "conj" and not any(c.dep_ in _OWN_SUBJECT for c in head.children):
        head = head.head
    if head.dep_ != "ccomp" or head.head is head:
        return None
    subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return (subj, head.head) if subj is not None else None


def fix_sources(found: list[Found], nouns: frozenset[str], subject_of, is_cue) -> list[Found]:
    """Give conjoined cue verbs the governing speaker when the borrowed subject cannot speak, and
    drop attributions whose only source is an amount."""
    out = []
    for f in found:
        if f.verb is not None and (borrowed := conjoined_in_content(f.verb)) is not None:
            subj, governor = borrowed
            if f.source is not None and f.source[0] <= subj.idx < f.source[1] and not can_speak(subj, nouns):
                speaker = subject_of(governor)
                if speaker is None or is_quantity(speaker):
                    continue
                f.source = chars(noun_phrase(speaker, is_cue))
        if f.source is not None and f.verb is not None:
            span = f.verb.doc.char_span(*f.source, alignment_mode="expand")
            if span is not None and len(span) and is_quantity(span.root):
                continue
        out.append(f)
    return out
