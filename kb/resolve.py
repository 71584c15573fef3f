"""Mentions -> canonical actors: aliases, demonyms, capitals, partial names, org nominals.

Pure over a processed Doc and an alias lookup; the store turns the result into rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

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


def normalise(surface: str) -> str:
    """The alias key of a surface form: case-folded, leading article and possessive dropped."""
    s = " ".join(surface.replace("\u2019", "'").split()).strip(" .,;:'\"")
    if s.lower().endswith("'s"):
        s = s[:-2]
    low = s.casefold()
    for article in ("the ", "a ", "an "):
        if low.startswith(article):
            low = low[len(article):]
            break
    return low


class Resolver:
    """Maps surface forms to canonical actors. Loaded once per process."""

    def __init__(self, extra_aliases: dict[str, tuple[str, str]] | None = None):
        # form -> (canonical name, kind); extra_aliases come from the Alias table.
        self.aliases: dict[str, tuple[str, str]] = dict(extra_aliases or {})

    @classmethod
    def from_session(cls, session) -> "Resolver":
        """A resolver that also knows the analysts' aliases stored in the KB."""
        from sqlmodel import select

        from kb.models import Actor, Alias

        rows = session.exec(select(Alias.form, Actor.name, Actor.kind).join(Actor, Actor.id == Alias.actor_id)
                            .where(Alias.origin == "analyst")).all()
        return cls({form: (name, kind) for form, name, kind in rows})

    def resolve(self, doc: Doc) -> ResolvedDocument:
        result = ResolvedDocument()
        for att in doc._.attributions or []:
            name = att.speaker_name or (att.source.text if att.source else None)
            speaker = self.canonical(name)[0] if name else None
            if speaker:
                result.actors.setdefault(speaker, ResolvedActor(speaker, "unknown"))
            result.statements.append(ResolvedStatement(att, speaker))
        return result

    def canonical(self, surface: str) -> tuple[str, str]:
        key = normalise(surface)
        return self.aliases.get(key, (surface.strip(), "unknown"))
