"""Whom a statement accuses, addresses or mentions, as written in the text.

- accused: the object of an accusation cue ("accused Moscow of", "slamming the Assad regime and
  Russia's insistence" -> the regime and Russia), or the subject of a content clause that carries
  an accusation term ("stressed that Russia bears full responsibility for the crimes"); the
  statement's claim type then escalates from assertion to accusation.
- addressed: "called on X to", "urged X to".
- mentioned: other named entities inside the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from kb.extract.spans import Found, entities_in
from kb.extract.types import TargetRef

ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}
_ADDRESSING = {"call on", "call upon", "urge", "ask", "appeal to", "tell", "press", "implore"}
# Nouns that stand for what an actor does ("Russia's insistence"): the possessor is the target.
_MODIFIERS = ("det", "compound", "amod", "poss", "nmod", "case")


@dataclass(frozen=True)
class AccusationTerms:
    lemmas: frozenset[str]


@lru_cache(maxsize=4)
def load_accusation_terms(path: str | Path) -> AccusationTerms:
    lemmas = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lemmas.add(line.split("\t")[0].strip().lower())
    return AccusationTerms(frozenset(lemmas))


def actor_phrase(token: Token) -> Span:
    """The noun phrase of ``token`` without its prepositional and clausal dependents."""
    doc = token.doc
    start = token.i
    for child in token.lefts:
        if child.dep_ in _MODIFIERS:
            start = min(start, child.left_edge.i)
    return doc[start : token.i + 1]


def _with_conjuncts(token: Token) -> list[Token]:
    return [token] + [c for c in token.conjuncts if c.i > token.i]


def _actor_of(token: Token) -> Span:
    """The target a noun stands for: its possessor when it names an act ("Russia's insistence")."""
    poss = next((c for c in token.children if c.dep_ == "poss"), None)
    if poss is not None and token.ent_type_ == "" and token.pos_ == "NOUN":
        return actor_phrase(poss)
    return actor_phrase(token)


def _ref(span: Span, role: str) -> TargetRef:
    ents = entities_in(span)
    label = ents[0].label_ if ents else None
    text_span = span
    if len(span) and span[-1].tag_ == "POS":  # "Russia's" -> "Russia"
        text_span = span[:-1]
    return TargetRef(text=text_span.text, role=role, start=text_span.start_char,
                     end=text_span.end_char, label=label)


def content_accused(doc: Doc, found: Found, terms: AccusationTerms) -> list[Span]:
    """Subjects (or passive agents) of content clauses that carry an accusation term."""
    accused: list[Span] = []
    for start, end in found.content:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        if not any(t.lemma_.lower() in terms.lemmas for t in span):
            continue
        for token in span:  # "violated by Russia and the regime"
            if token.dep_ == "agent" and token.head.lemma_.lower() in terms.lemmas:
                for obj in (c for c in token.children if c.dep_ == "pobj"):
                    accused.extend(_actor_of(t) for t in _with_conjuncts(obj))
        root = span.root
        subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
        named = subj is not None and (subj.pos_ == "PROPN" or subj.pos_ == "NOUN" and subj.ent_type_ in ACTOR_LABELS)
        if named and any(t.lemma_.lower() in terms.lemmas for t in root.subtree if t.i > subj.i):
            accused.insert(0, _actor_of(subj))
    return accused


def find_targets(doc: Doc, found: Found, terms: AccusationTerms) -> tuple[list[TargetRef], str]:
    """(targets, claim type possibly escalated to accusation)."""
    targets: list[TargetRef] = []
    claim_type = found.claim_type
    verb = found.verb
    if claim_type == "accusation" and verb is not None:
        obj = next((c for c in verb.rights if c.dep_ == "dobj"), None)
        if obj is not None:
            targets += [_ref(_actor_of(t), "accused") for t in _with_conjuncts(obj)]
    if claim_type in ("assertion", "report", "accusation", "warning"):
        accused = content_accused(doc, found, terms)
        if accused and claim_type in ("assertion", "report"):
            claim_type = "accusation"
        targets += [_ref(s, "accused") for s in accused]
    if found.addressee is not None:
        targets.append(_ref(actor_phrase(found.addressee.root), "addressed"))
    elif verb is not None and found.cue_lemma in _ADDRESSING:
        obj = next((c for c in verb.rights if c.dep_ in ("dobj", "dative")), None)
        if obj is not None and any(c.dep_ in ("xcomp", "ccomp") for c in verb.rights):
            targets.append(_ref(actor_phrase(obj), "addressed"))
    seen = {(t.start, t.end) for t in targets}
    for start, end in found.content:
        span = doc.char_span(start, end, alignment_mode="expand")
        for ent in entities_in(span) if span is not None else ():
            if ent.label_ in ACTOR_LABELS and not any(s <= ent.start_char < e for s, e in seen):
                targets.append(_ref(ent, "mentioned"))
                seen.add((ent.start_char, ent.end_char))
    return _dedupe(targets), claim_type


def _dedupe(targets: list[TargetRef]) -> list[TargetRef]:
    out, seen = [], set()
    for t in targets:
        if (t.start, t.end, t.role) not in seen:
            seen.add((t.start, t.end, t.role))
            out.append(t)
    return out
