"""The records resolution leaves: canonical actors, mentions, statements, affiliations.

Plain dataclasses (no spaCy): the store turns them into rows, and they cross process boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.extract.types import Attribution


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

    def add_actor(self, name: str, kind: str, surface: str | None = None) -> None:
        """Add an actor (or fill in its kind where it was unknown) and a surface form of it."""
        actor = self.actors.get(name)
        if actor is None:
            actor = self.actors[name] = ResolvedActor(name, kind)
        elif actor.kind == "unknown":
            actor.kind = kind
        if surface:
            actor.aliases.add(surface)


def ner_kind(label: str | None) -> str:
    return {"PERSON": "person", "ORG": "organization"}.get(label or "", "unknown")
