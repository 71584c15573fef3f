"""Whom a statement is directed at, and how, as written in the text (roles in docs/events.md).

- accused: the object of an accusation cue ("accused Moscow of", "slamming the Assad regime and
  Russia's insistence" -> the regime and Russia, "criticised X for", "X was condemned by Y"), or
  the subject of a content clause that carries an accusation term ("stressed that Russia bears
  full responsibility for the crimes"); the statement's claim type then escalates from assertion
  to accusation.
- addressed: "called on X to", "urged X to", "demanded that X withdraw", "demanded support from
  X", "said that X must ...", "issued a reminder to X".
- rejected: whose proposal, claim or demand is rejected ("rejected X's offer", "rejected a call
  by X", "rejected a U.S. request", "refused to meet X").
- threatened: "threatened X with sanctions", "threatened to cut aid to X", "would impose
  sanctions on X", "... unless X withdraws", "issued an ultimatum to X".
- praised / supported: "praised X's efforts", "backed X".
- mentioned: other named entities inside the content.

The event family (kb.extract.events) decides the role; the lexicon is data/events.tsv.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from kb.extract.events import (
    EventLexicon,
    content_tokens,
    is_actor,
    modal_demands,
    refusals,
    statement_event,
    subject,
    threat_clauses,
)
from kb.extract.spans import Found, entities_in
from kb.extract.types import TargetRef

ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}
# Without the event lexicon (its "addressing" rows are the list used in the pipeline).
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


def find_targets(doc: Doc, found: Found, terms: AccusationTerms,
                 events: EventLexicon | None = None) -> tuple[list[TargetRef], str, str | None]:
    """(targets, claim type possibly escalated to accusation, event family or None)."""
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
    elif verb is not None and found.cue_lemma in (events.addressing if events is not None else _ADDRESSING):
        obj = next((c for c in verb.rights if c.dep_ in ("dobj", "dative")), None)
        if obj is not None and any(c.dep_ in ("xcomp", "ccomp") for c in verb.rights):
            targets.append(_ref(actor_phrase(obj), "addressed"))
    event = None
    if events is not None:
        event = statement_event(doc, found.cue_lemma, verb, claim_type, found.content, found.source, events)
        taken = {(t.start, t.end) for t in targets}
        for span, role in directed(doc, found, event, events):
            if (span.start_char, span.end_char) not in taken and not _is_speaker(span, found.source):
                targets.append(_ref(span, role))
                taken.add((span.start_char, span.end_char))
    seen = {(t.start, t.end) for t in targets}
    for start, end in found.content:
        span = doc.char_span(start, end, alignment_mode="expand")
        for ent in entities_in(span) if span is not None else ():
            if ent.label_ in ACTOR_LABELS and not any(s <= ent.start_char < e for s, e in seen):
                targets.append(_ref(ent, "mentioned"))
                seen.add((ent.start_char, ent.end_char))
    return _dedupe(targets), claim_type, event


# --- directed targets by event ------------------------------------------------------------------

_PRONOUNS = {"it", "they", "them", "he", "him", "she", "her", "we", "us", "i", "me", "itself", "themselves",
             "himself", "herself", "who", "which", "that", "you"}


def _is_speaker(span: Span, source: tuple[int, int] | None) -> bool:
    """A speaker never targets itself: a span inside the source, or a reflexive pronoun."""
    if source is not None and span.start_char < source[1] and source[0] < span.end_char:
        return True
    return span.root.lower_ in ("itself", "themselves", "himself", "herself")


def _actor_spans(token: Token, depth: int = 0, lex: EventLexicon | None = None) -> list[Span]:
    """The actors a noun phrase names: the noun itself when it names one ("Serbian forces",
    "Iraq"), else its owner: possessor, named modifier or by/from/of object ("North Korea's
    demand", "a U.S. request", "calls by Kofi Annan", "an offer from Kabul")."""
    if token.pos_ == "PRON" or token.lower_ in _PRONOUNS and token.pos_ != "PROPN":
        return []
    if is_actor(token, lex.actor_nouns if lex else frozenset()):
        return [actor_phrase(token)]
    if depth > 2:
        return []
    out: list[Span] = []
    for child in token.children:
        if (child.dep_ == "poss" or child.dep_ == "compound" and any(c.dep_ == "case" for c in child.children)) \
                and child.pos_ != "PRON":
            out += [actor_phrase(t) for t in _with_conjuncts(child) if t.pos_ != "PRON"]
        elif child.dep_ in ("compound", "amod", "nmod") and child.ent_type_ in ACTOR_LABELS and child.i < token.i:
            out.append(_entity_phrase(child))
        elif child.dep_ in ("prep", "agent") and child.lower_ in (lex.owner_preps if lex else ()):
            for pobj in (c for c in child.children if c.dep_ == "pobj"):
                out += _actors(pobj, depth + 1, lex)
        elif child.dep_ == "appos":  # "the militant group Hamas", "a crime, Serbia's suppression"
            out += _actor_spans(child, depth + 1, lex)
    return out


def _actors(token: Token, depth: int = 0, lex: EventLexicon | None = None) -> list[Span]:
    """_actor_spans of a token and its conjuncts ("Congo and Costa Rica")."""
    return [span for t in _with_conjuncts(token) for span in _actor_spans(t, depth, lex)]


def _entity_phrase(token: Token) -> Span:
    doc = token.doc
    start, end = token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _prep_objects(head: Token, preps: set[str]) -> list[Token]:
    return [p for c in head.children if c.dep_ in ("prep", "dative") and c.lower_ in preps
            for p in c.children if p.dep_ == "pobj"] + [c for c in head.children if c.dep_ == "dative"
                                                       and c.pos_ in ("PROPN", "NOUN")]


def _objects(verb: Token, event: str, lex: EventLexicon, depth: int = 0) -> list[tuple[Span, str | None]]:
    """Actors a verb's statement is directed at: its direct object (or the object's owner), the
    object of a directed preposition, the subject of its clausal complement ("demanded that X
    withdraw"), and the same one level down an infinitive ("refused to meet X", "threatened to
    cut off aid to X"). Whatever a demand is "against" is accused ("called for sanctions against
    X"); the role of the rest is the event's (None)."""
    out: list[tuple[Span, str | None]] = []
    preps = lex.preps.get(event, frozenset())

    def add(spans: list[Span], role: str | None = None) -> None:
        out.extend((s, role) for s in spans)

    def owned(obj: Token) -> None:
        for o in _with_conjuncts(obj):
            add(_actor_spans(o, 0, lex))
            for pobj in _prep_objects(o, preps - lex.owner_preps):
                add(_actors(pobj, 0, lex))
            for pobj in _prep_objects(o, {"against"}):
                add(_actors(pobj, 0, lex), "accused")

    for child in verb.children:
        if child.dep_ == "dobj" or child.dep_ == "dative" and child.pos_ != "ADP" or child.dep_ == "nsubjpass" and any(
                c.dep_ == "agent" for c in verb.children):
            owned(child)
    for prep in (c for c in verb.children if c.dep_ in ("prep", "dative") and c.pos_ == "ADP" and c.lower_ in preps):
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            owned(pobj) if prep.lower_ in ("for", "as") else add(_actors(pobj, 0, lex))
    if event == "THREATEN" and depth > 0:  # the place a threatened act falls on: "resume attacks in X"
        places = lex.preps.get("PLACE", frozenset())
        for head in [verb] + [c for c in verb.children if c.dep_ == "dobj"]:
            for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in places):
                add([_entity_phrase(p) for p in prep.children if p.dep_ == "pobj" and p.ent_type_ == "GPE"])
    if event == "DEMAND":
        for comp in (c for c in verb.children if c.dep_ == "ccomp"):
            subj = subject(comp)
            if subj is not None:
                add(_actors(subj, 0, lex))
    if depth == 0 and event in ("REJECT", "THREATEN"):  # a demand's infinitive is what it asks for
        for xcomp in (c for c in verb.children if c.dep_ == "xcomp"):
            out += _objects(xcomp, event, lex, 1)
            for comp in (c for c in xcomp.children if c.dep_ in ("ccomp", "xcomp")):
                subj = subject(comp)
                if subj is not None:
                    add(_actors(subj, 0, lex))
    return out


def directed(doc: Doc, found: Found, event: str | None, events: EventLexicon) -> list[tuple[Span, str]]:
    """(actor span, role) for each actor the statement is directed at, by its event family."""
    role = events.role_of(event, found.cue_lemma)
    if role is None:
        return []
    verb = found.verb
    speaker = set()
    if found.source is not None:
        src = doc.char_span(*found.source, alignment_mode="expand")
        speaker = {t.i for t in src} if src is not None else set()
    out: list[tuple[Span, str | None]] = []
    if verb is not None:
        out += _objects(verb, event, events)
    tokens = content_tokens(doc, found.content)
    if event == "DEMAND":
        for subj in modal_demands(tokens, events, speaker):
            out += [(s, None) for s in _actors(subj, 0, events)]
    elif event == "REJECT":  # "said it would not meet the hostage-takers' demands"
        for t in refusals(tokens, speaker):
            out += _objects(t, "REJECT", events, 1)
    elif event == "THREATEN":
        for t in threat_clauses(tokens, events, speaker):
            out += _objects(t, "THREATEN", events, 1)
            for clause in (c for c in t.children if c.dep_ == "advcl"):  # "... unless X withdraws"
                if any(m.dep_ == "mark" and m.lower_ in events.conditionals for m in clause.children):
                    subj = subject(clause)
                    if subj is not None:
                        out += [(s, None) for s in _actors(subj, 0, events)]
        if verb is not None:  # "threatened to strike unless X ..."
            for xcomp in (c for c in verb.children if c.dep_ == "xcomp"):
                for clause in (c for c in xcomp.children if c.dep_ == "advcl"):
                    if any(m.dep_ == "mark" and m.lower_ in events.conditionals for m in clause.children):
                        subj = subject(clause)
                        if subj is not None:
                            out += [(s, None) for s in _actors(subj, 0, events)]
    return [(span, own or role) for span, own in out if len(span)]


def _dedupe(targets: list[TargetRef]) -> list[TargetRef]:
    out, seen = [], set()
    for t in targets:
        if (t.start, t.end, t.role) not in seen:
            seen.add((t.start, t.end, t.role))
            out.append(t)
    return out
