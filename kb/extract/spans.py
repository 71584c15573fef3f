"""Small helpers over token spans shared by the extractors, and the record they return."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

_ABOUT_PREPS = {"of", "about", "on", "over"}
_EDGE_PUNCT = set(",;:-—–()[]") | {"--"}


def string_ids(words) -> np.ndarray:
    """The words' hashes, to test a ``Doc.to_array`` column with ``np.isin`` (the hash is the
    same in every vocab, the string table is not)."""
    return np.array(sorted(get_string_id(w) for w in words), dtype=np.uint64)


@dataclass
class Found:
    """One attribution as an extractor finds it: token/char spans, before it becomes a record."""

    cue: tuple[int, int]  # char span
    source: tuple[int, int] | None
    content: list[tuple[int, int]]  # char parts, in text order (split quotes are discontinuous)
    kind: str
    cue_lemma: str
    claim_type: str
    verb: Token | None = None  # the cue's head verb, when there is one
    confidence: float = 1.0
    addressee: Span | None = None
    extra: dict = field(default_factory=dict)

    @property
    def content_span(self) -> tuple[int, int] | None:
        return (self.content[0][0], self.content[-1][1]) if self.content else None


def subtree_span(token: Token) -> Span:
    doc = token.doc
    return doc[token.left_edge.i : token.right_edge.i + 1]


def noun_phrase(token: Token, is_cue=lambda verb: False) -> Span:
    """The token's subtree, cut before a trailing relative clause that is an attribution of its
    own ("Borges, who predicted that ..., said"): PolNeAR's source stops there."""
    doc = token.doc
    end = token.right_edge.i + 1
    for child in token.rights:
        if child.dep_ == "relcl" and child.left_edge.i > token.i and is_cue(child):
            before = doc[child.left_edge.i - 1]
            end = min(end, before.i if before.text in (",", "—", "–", "-", "--") else child.left_edge.i)
        # "said Maria Lopez, a senator, of the budget": the parser hangs "of the budget" (what
        # the speech is about) on the speaker; after a comma it is never part of the name
        elif child.dep_ == "prep" and child.lower_ in _ABOUT_PREPS and doc[child.i - 1].text == ",":
            end = min(end, child.i - 1)
    return trim(doc[token.left_edge.i : end])


def trim(span: Span) -> Span:
    """Drop edge punctuation (commas, dashes) and spaces, never quote marks."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_space or doc[start].text in _EDGE_PUNCT or doc[start].text == "."):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].text in _EDGE_PUNCT):
        end -= 1
    return doc[start:end]


def chars(span: Span) -> tuple[int, int]:
    return (span.start_char, span.end_char)


def minus(doc: Doc, outer: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Char parts of ``outer`` left after cutting out ``holes``, each part trimmed of edge punctuation."""
    parts, pos = [], outer[0]
    for hs, he in sorted(holes):
        if he <= pos or hs >= outer[1]:
            continue
        if hs > pos:
            parts.append((pos, hs))
        pos = max(pos, he)
    if pos < outer[1]:
        parts.append((pos, outer[1]))
    out = []
    for s, e in parts:
        span = doc.char_span(s, e, alignment_mode="contract")
        if span is not None and len(span):
            span = trim(span)
            if len(span) and any(not t.is_punct for t in span):
                out.append(chars(span))
    return out


def merge_parts(parts: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Sort parts and join those that touch or are separated only by spaces."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(parts):
        if out and (s <= out[-1][1] or not text[out[-1][1] : s].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def entity_at(token: Token) -> Span | None:
    """The named entity that contains ``token`` (Doc.ents rebuilds every entity: avoid it)."""
    if not token.ent_type_:
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=token.ent_type_)


def entities_in(span: Span) -> list[Span]:
    """Named entities that start inside ``span``."""
    return [entity_at(t) for t in span if t.ent_iob_ == "B"]
