"""The tables (SQLModel). Every row that came from text keeps char offsets into Document.text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

ACTOR_KINDS = ("person", "organization", "country", "government", "group", "unknown")
STATEMENT_KINDS = ("direct", "indirect", "mixed", "according_to")
# How a statement's target figures (docs/events.md): the directed roles, then "mentioned".
TARGET_ROLES = ("accused", "addressed", "rejected", "threatened", "praised", "supported", "mentioned")
# PLOVER's verbal event families (kb.extract.events): conflict, then cooperation.
EVENT_FAMILIES = ("DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "AGREE", "SUPPORT", "CONCEDE", "CONSULT")
AFFILIATION_RELATIONS = ("member_of", "part_of")


def _now() -> datetime:
    return datetime.now(UTC)


class Source(SQLModel, table=True):
    """A publisher or outlet."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    url: Optional[str] = None


class Document(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    content_hash: str = Field(unique=True, index=True)
    title: Optional[str] = None
    url: Optional[str] = None
    path: Optional[str] = None  # where it was read from (file, or file#line for JSONL/CSV)
    published: Optional[date] = Field(default=None, index=True)
    source_id: Optional[int] = Field(default=None, foreign_key="source.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    n_chars: int = 0
    n_statements: int = 0  # written with the statements, in the same transaction (a consistency check)
    ingested_at: datetime = Field(default_factory=_now, index=True)
    extractor_version: str = ""


def _counter() -> int:
    return Field(default=0, sa_column_kwargs={"server_default": "0"})


class Actor(SQLModel, table=True):
    __table_args__ = (
        Index("ix_actor_n_statements", "n_statements"),  # top speakers, actors by activity
        Index("ix_actor_n_accused", "n_accused"),  # most accused
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)  # canonical name
    kind: str = Field(default="unknown", index=True)
    external_id: Optional[str] = None  # e.g. a Wikidata QID
    description: Optional[str] = None
    # Counters over unflagged statements, kept by kb.store (ingest) and kb.edit (merge, flag), so
    # rankings and profiles read one row instead of counting a big table.
    n_statements: int = _counter()  # statements made
    n_accusations_made: int = _counter()  # statements made that accuse someone
    n_accused: int = _counter()  # statements in which it is accused
    n_addressed: int = _counter()
    n_mentioned_in_statements: int = _counter()  # a target with role "mentioned"
    n_mentions: int = _counter()  # Mention rows (all documents)
    n_documents: int = _counter()  # documents that mention it


class Alias(SQLModel, table=True):
    """Normalised surface form -> actor. One actor per form; analysts can edit."""

    id: Optional[int] = Field(default=None, primary_key=True)
    form: str = Field(unique=True, index=True)  # kb.names.normalise(surface)
    surface: str  # as first seen or as typed by the analyst
    actor_id: int = Field(foreign_key="actor.id", index=True)
    origin: str = "extracted"  # lexicon | extracted | analyst


class Mention(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    actor_id: int = Field(foreign_key="actor.id", index=True)
    start: int
    end: int
    text: str
    label: Optional[str] = None  # NER label or rule name


class Statement(SQLModel, table=True):
    __table_args__ = (
        Index("ix_statement_speaker_published", "speaker_id", "published"),
        Index("ix_statement_claim_type_published", "claim_type", "published"),
        Index("ix_statement_event_published", "event", "published"),
        Index("ix_statement_source_id", "source_id", "id"),  # an outlet's statements, newest first
        Index("ix_statement_confidence", "confidence"),  # --min-confidence (migration 0011)
        # The few flagged statements, so "all minus flagged" counts never test every row.
        Index("ix_statement_flagged", "id", sqlite_where=text("flagged = 1"), postgresql_where=text("flagged")),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    speaker_id: Optional[int] = Field(default=None, foreign_key="actor.id", index=True)
    speaker_text: Optional[str] = None
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    cue_text: Optional[str] = None
    cue_lemma: Optional[str] = Field(default=None, index=True)
    cue_start: Optional[int] = None
    cue_end: Optional[int] = None
    content_text: Optional[str] = Field(default=None, sa_column=Column(Text))
    content_start: Optional[int] = None
    content_end: Optional[int] = None
    kind: str = Field(index=True)  # direct | indirect | mixed | according_to
    claim_type: str = Field(index=True)
    event: Optional[str] = None  # PLOVER event family (EVENT_FAMILIES), None where none applies
    sentence_start: int = 0
    sentence_end: int = 0
    # The attribution model's calibrated probability that the statement is right (kb.extract.model;
    # the rules' precision estimate when no model ran).
    confidence: float = 1.0
    extractor_version: str = ""
    published: Optional[date] = Field(default=None, index=True)  # copied from Document for date filters
    source_id: Optional[int] = None  # copied from Document for the outlet filter (no join)
    flagged: bool = False  # an analyst marked it wrong


class StatementTarget(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("statement_id", "actor_id", "role"),
        # "who accused X": X's statements in id order straight from the index
        Index("ix_statementtarget_actor_role_statement", "actor_id", "role", "statement_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    actor_id: int = Field(foreign_key="actor.id", index=True)
    role: str = Field(index=True)  # one of TARGET_ROLES
    text: Optional[str] = None  # surface form in the statement


class Affiliation(SQLModel, table=True):
    """person -member_of-> organisation, or unit -part_of-> organisation."""

    __table_args__ = (UniqueConstraint("person_id", "organization_id", "relation"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="actor.id", index=True)
    organization_id: int = Field(foreign_key="actor.id", index=True)
    relation: str = "member_of"
    role: Optional[str] = None
    statement_id: Optional[int] = Field(default=None, foreign_key="statement.id")
    document_id: Optional[int] = Field(default=None, foreign_key="document.id")


class KbCounter(SQLModel, table=True):
    """KB-wide counters, kept by every write so totals never count a big table.

    ``(name, "")``: version (bumped by every ingest and edit: the dashboard's cache key),
    documents, statements, flagged, actors, aliases, sources, mentions, targets, affiliations.
    ``("kind" | "claim_type" | "day", value)``: unflagged statements of that kind, claim type or
    published day (ISO date, "" for undated).
    """

    __tablename__ = "kb_counter"

    name: str = Field(primary_key=True)
    value: str = Field(default="", primary_key=True)
    n: int = 0


class AccusationCount(SQLModel, table=True):
    """How many unflagged statements of ``accuser_id`` accuse ``accused_id`` (kept like the
    counters), for "whom did X accuse / who accused X" without reading X's statements."""

    __tablename__ = "accusation_count"
    __table_args__ = (  # an actor's top counterparts, either way round, read in order from an index
        Index("ix_accusation_count_accuser_n", "accuser_id", "n"),
        Index("ix_accusation_count_accused_n", "accused_id", "n"),
    )

    accuser_id: int = Field(primary_key=True)
    accused_id: int = Field(primary_key=True)
    n: int = 0


class ActorMonth(SQLModel, table=True):
    """Unflagged statements by and about an actor per published month (kept like the counters),
    so a profile's timeline reads a row per month instead of the actor's statements.

    ``month`` is "YYYY-MM", "" for undated statements; ``n_about`` counts statements that name
    the actor as a target in any role (once per statement).
    """

    __tablename__ = "actor_month"

    actor_id: int = Field(primary_key=True)
    month: str = Field(default="", primary_key=True)
    n_statements: int = 0
    n_about: int = 0


CLAIM_STANCES = ("asserts", "denies", "questions", "reports")


class Claim(SQLModel, table=True):
    """One claim: the statements that make, repeat, deny, question or report it (kb.claims).

    Counters and dates are recounted from ``claim_statement`` whenever a statement joins or an
    analyst edits the claim, so listings read one row.
    """

    __table_args__ = (
        Index("ix_claim_spread", "n_speakers", "n_statements"),  # claims by spread
        Index("ix_claim_last_seen", "last_seen"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))  # canonical wording
    vector: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary))  # float16 unit vector
    first_seen: Optional[date] = None
    last_seen: Optional[date] = None
    first_statement_id: Optional[int] = None
    n_statements: int = _counter()
    n_speakers: int = _counter()
    n_documents: int = _counter()
    n_sources: int = _counter()
    n_asserts: int = _counter()
    n_denies: int = _counter()
    n_questions: int = _counter()
    n_reports: int = _counter()
    origin: str = "ingest"  # ingest | recluster | analyst


class ClaimKey(SQLModel, table=True):
    """Cheap keys of a claim's wordings: exact ("x:...") and MinHash band ("b<i>:...") keys."""

    __tablename__ = "claim_key"

    key: str = Field(primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)


class ClaimStatement(SQLModel, table=True):
    """A statement's claim and its stance toward it."""

    __tablename__ = "claim_statement"

    # A deleted statement takes its link with it.
    statement_id: int = Field(sa_column=Column(Integer, ForeignKey("statement.id", ondelete="CASCADE"),
                                               primary_key=True))
    claim_id: int = Field(foreign_key="claim.id", index=True)
    stance: str = "asserts"  # asserts | denies | questions | reports
    similarity: float = 1.0
    method: str = "new"  # new | exact | near | meaning | analyst
