"""Affiliations stated in noun phrases.

    Member of the Coalition's political committee Yasser Farhan  -> member_of the Coalition,
                                                                     role "member of the political committee"
    Haley Morris, spokeswoman for the campaign                    -> member_of the campaign
    the Coalition's Media Department                              -> part_of the Coalition
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import LOWER, POS
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc, Span, Token

from kb.extract.spans import entity_at, string_ids
from kb.extract.types import AffiliationFact

_ORG_PREPS = {"of", "for", "at", "with"}


@dataclass(frozen=True)
class AffiliationTerms:
    roles: frozenset[str]
    units: frozenset[str]

    @cached_property
    def role_ids(self) -> np.ndarray:
        return string_ids(self.roles)

    @cached_property
    def unit_ids(self) -> np.ndarray:
        return string_ids(self.units)


@lru_cache(maxsize=4)
def load_affiliation_terms(path: str | Path) -> AffiliationTerms:
    roles, units = set(), set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            term, kind = line.split("\t")
            (roles if kind.strip() == "role" else units).add(term.strip().lower())
    return AffiliationTerms(frozenset(roles), frozenset(units))


def _term_tokens(doc: Doc, terms: AffiliationTerms) -> list[tuple[bool, int]]:
    """(is a role, token index) of every role noun ("spokeswoman") and unit word ("department"),
    in text order, a role before a unit on the same token; one vectorised pass over the tokens."""
    a = doc.to_array([LOWER, POS])
    if not len(a):
        return []
    roles = np.isin(a[:, 0], terms.role_ids) & np.isin(a[:, 1], (NOUN, PROPN))
    units = np.isin(a[:, 0], terms.unit_ids)
    found = []
    for i in np.flatnonzero(roles | units).tolist():
        if roles[i]:
            found.append((True, i))
        if units[i]:
            found.append((False, i))
    return found


def _np(token: Token) -> Span:
    """The token with its left modifiers (det, compound, amod, poss)."""
    start = min([token.i] + [c.left_edge.i for c in token.lefts if c.dep_ in ("det", "compound", "amod", "poss", "nmod")])
    return token.doc[start : token.i + 1]


def _strip_possessive(span: Span) -> Span:
    return span[:-1] if len(span) and span[-1].tag_ == "POS" else span


def _organisation_of(role: Token) -> tuple[Span, str] | None:
    """For "member of the Coalition's political committee": (the Coalition, "political committee")."""
    prep = next((c for c in role.rights if c.dep_ == "prep" and c.lower_ in _ORG_PREPS), None)
    if prep is None:
        return None
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None:
        return None
    poss = next((c for c in obj.children if c.dep_ == "poss"), None)
    if poss is not None:  # the unit of an organisation: the organisation is the possessor
        org = _strip_possessive(_np(poss))
        unit = obj.doc[poss.right_edge.i + 1 : obj.i + 1]
        return org, unit.text
    return _np(obj), ""


def _person_for(role: Token) -> Span | None:
    """The person a role noun describes: "Member ... Yasser Farhan" or "Haley Morris, spokeswoman"."""
    appos = next((c for c in role.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
    if appos is not None:
        return _entity_at(appos)
    if role.dep_ == "appos" and role.head.ent_type_ == "PERSON":
        return _entity_at(role.head)
    if role.dep_ in ("compound", "nmod") and role.head.ent_type_ == "PERSON":
        return _entity_at(role.head)
    return None


def _entity_at(token: Token) -> Span:
    return entity_at(token) or _np(token)


def find_affiliations(doc: Doc, terms: AffiliationTerms) -> list[AffiliationFact]:
    facts: list[AffiliationFact] = []
    for is_role, i in _term_tokens(doc, terms):
        token = doc[i]
        if is_role:
            person = _person_for(token)
            org = _organisation_of(token)
            if person is None or org is None:
                continue
            org_span, unit = org
            role = f"{token.lower_} of the {unit}" if unit else token.lower_
            facts.append(AffiliationFact(
                member=person.text, organization=org_span.text, relation="member_of", role=role,
                start=min(token.left_edge.idx, person.start_char), end=max(person.end_char, org_span.end_char),
                member_label="PERSON", organization_label=_label(org_span)))
        else:
            poss = next((c for c in token.children if c.dep_ == "poss"), None)
            if poss is None or not (poss.pos_ == "PROPN" or poss.ent_type_ in ("ORG", "GPE", "NORP")):
                continue
            org_span = _strip_possessive(_np(poss))
            unit_span = _np(token)
            facts.append(AffiliationFact(
                member=unit_span.text, organization=org_span.text, relation="part_of", role=None,
                start=unit_span.start_char, end=unit_span.end_char, member_label="ORG",
                organization_label=_label(org_span)))
    return _dedupe(facts)


def _label(span: Span) -> str | None:
    return span.ents[0].label_ if len(span.ents) else None


def _dedupe(facts: list[AffiliationFact]) -> list[AffiliationFact]:
    out, seen = [], set()
    for f in facts:
        key = (f.member.lower(), f.organization.lower(), f.relation)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
