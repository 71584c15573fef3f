"""Plain records that the extraction components leave on a Doc.

``doc._.attributions`` is a list of :class:`Attribution`; ``doc._.affiliations`` a list of
:class:`AffiliationFact`. Offsets are char offsets into ``doc.text`` (the text exactly as read).
Resolution (kb.resolve) turns the surface names into canonical actors; nothing here touches the
database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class CharSpan:
    start: int
    end: int
    text: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass
class TargetRef:
    """An actor a statement accuses, addresses or mentions, as written in the text."""

    text: str
    role: str  # accused | addressed | rejected | threatened | praised | supported | mentioned
    start: int
    end: int
    label: str | None = None  # NER label when known


@dataclass
class Attribution:
    cue: CharSpan | None
    content: CharSpan | None
    source: CharSpan | None  # the speaker as written here (may be a pronoun or "the spokesman")
    kind: str  # direct | indirect | mixed | according_to
    claim_type: str  # assertion, report, accusation, call_to_action, warning, denial, ...
    cue_lemma: str | None = None
    # The name the source refers to after in-document coreference ("He" -> "Yasser Farhan");
    # kb.resolve maps it to a canonical actor.
    speaker_name: str | None = None
    speaker_label: str | None = None  # PERSON, ORG, GPE, NORP, ... when known
    targets: list[TargetRef] = field(default_factory=list)
    sentence: CharSpan | None = None
    confidence: float = 1.0
    # The content in pieces when it is discontinuous (a quote split by "he said"); empty when
    # ``content`` is one piece. ``content`` always spans from the first piece to the last.
    content_parts: list[CharSpan] = field(default_factory=list)
    # The PLOVER verbal event family of the whole statement (DEMAND, DISAPPROVE, REJECT, THREATEN,
    # AGREE, SUPPORT, CONCEDE, CONSULT), None when none applies (kb.extract.events).
    event: str | None = None

    def to_dict(self) -> dict:
        # By hand: dataclasses.asdict deep-copies every field and was 12% of extraction's CPU.
        d = {f: getattr(self, f) for f in _ATTRIBUTION_FIELDS}
        for key in ("cue", "content", "source", "sentence"):
            if d[key] is not None:
                d[key] = d[key].as_dict()
        d["targets"] = [t.__dict__.copy() for t in self.targets]
        d["content_parts"] = [p.as_dict() for p in self.content_parts]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Attribution:
        d = dict(d)
        for key in ("cue", "content", "source", "sentence"):
            if d.get(key) is not None:
                d[key] = CharSpan(**d[key])
        d["targets"] = [TargetRef(**t) for t in d.get("targets") or []]
        d["content_parts"] = [CharSpan(**p) for p in d.get("content_parts") or []]
        return cls(**d)


@dataclass
class AffiliationFact:
    member: str  # surface name of the person or unit
    organization: str  # surface name of the organisation
    relation: str = "member_of"  # member_of | part_of
    role: str | None = None
    start: int = 0
    end: int = 0
    member_label: str | None = None
    organization_label: str | None = None

    def to_dict(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_dict(cls, d: dict) -> AffiliationFact:
        return cls(**d)


@dataclass
class DocumentMeta:
    """Metadata found in the text itself (datelines, source lines)."""

    published: str | None = None  # ISO date
    source_line: str | None = None

    def to_dict(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_dict(cls, d: dict) -> DocumentMeta:
        return cls(**d)


_ATTRIBUTION_FIELDS = tuple(f.name for f in fields(Attribution))
