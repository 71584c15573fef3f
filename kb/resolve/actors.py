"""Canonical actors: the resolver that turns a processed Doc into a ResolvedDocument.

Pure over a processed Doc and an alias lookup; the store turns the result into rows. The
mentions come from :mod:`kb.resolve.mentions`, the speakers and targets from
:mod:`kb.resolve.coreference`; this module picks each mention's canonical name (an analyst's or
the lexicon's form wins) and links the affiliations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kb.extract.types import AffiliationFact
from kb.names import display_name, normalise
from kb.resolve.coreference import DocumentStatements
from kb.resolve.lexicons import ACTOR_KINDS, Entry, load_lexicon
from kb.resolve.mentions import _DocReader, _Index, _Mention
from kb.resolve.records import ResolvedAffiliation, ResolvedDocument, ResolvedMention, ner_kind

if TYPE_CHECKING:
    from spacy.tokens import Doc

_PRIORITY = {"analyst": 1, "doc": 2, "alias": 3, "capital": 3, "demonym": 3, "doc_country": 3}


class Resolver:
    """Maps surface forms to canonical actors. Loaded once per process."""

    def __init__(self, extra_aliases: dict[str, tuple[str, str]] | None = None, data_dir: Path | None = None):
        if data_dir is None:
            from kb.config import get_settings

            data_dir = get_settings().data_dir
        base, self.words = load_lexicon(Path(data_dir))
        self.lexicon = base.copy()
        # form -> (canonical name, kind); extra_aliases come from the Alias table (analysts' edits).
        self.aliases: dict[str, tuple[str, str]] = dict(extra_aliases or {})
        for form, (name, kind) in self.aliases.items():
            self.lexicon.add(form, Entry(name, kind if kind in ACTOR_KINDS else "unknown", "analyst"))

    @classmethod
    def from_session(cls, session) -> Resolver:
        """A resolver that also knows the analysts' aliases stored in the KB."""
        from sqlmodel import select

        from kb.models import Actor, Alias

        rows = session.exec(select(Alias.form, Actor.name, Actor.kind).join(Actor, Actor.id == Alias.actor_id)
                            .where(Alias.origin == "analyst")).all()
        return cls({form: (name, kind) for form, name, kind in rows})

    def canonical(self, surface: str) -> tuple[str, str]:
        """(canonical name, kind) of a surface form by the lexicons alone."""
        entry = self.lexicon.get(normalise(surface))
        return (entry.name, entry.kind) if entry else (surface.strip(), "unknown")

    # -- the document --------------------------------------------------------------------------

    def resolve(self, doc: Doc) -> ResolvedDocument:
        reader = _DocReader(doc, self.lexicon, self.words)
        mentions = _Index(self._mentions(reader))
        result = ResolvedDocument()
        for m in mentions:
            result.add_actor(m.name, m.kind, m.text if m.alias_ok else None)
            result.mentions.append(ResolvedMention(m.name, m.start_char, m.end_char, m.text, m.label))
            if m.owner:
                result.add_actor(m.owner, "organization")

        DocumentStatements(doc, reader, mentions, result, self.lexicon, self.words).resolve()
        self._affiliations(doc, mentions, result)
        meta = doc._.meta if doc.has_extension("meta") else None
        if meta is not None:
            get = meta.get if isinstance(meta, dict) else (lambda k: getattr(meta, k, None))
            result.published, result.source_line = get("published"), get("source_line")
        return result

    def _mentions(self, reader: _DocReader) -> list[_Mention]:
        doc = reader.doc
        spans = reader.named_spans()
        reader.learn_names(spans)
        cands = reader.scan(self.lexicon, _PRIORITY)
        cands += reader.scan(reader.doc_lexicon(), _PRIORITY)
        cands += reader.patterns()
        ner = [m for m in (reader.from_ner(s) for s in spans) if m is not None]
        cands += [(4, m.end - m.start, m) for m in ner]
        cands += reader.regimes([c[2] for c in cands if c[2].kind == "person"])
        chosen = reader.select(cands)
        units = reader.units(chosen)
        if units:
            chosen = reader.select([(0, m.end - m.start, m) for m in units] +
                                   [(1, m.end - m.start, m) for m in chosen])
        # A place the lexicon does not know is an actor only if the text makes it act somewhere
        # ("Kestrany accused Veloria"), not where things merely happen ("cod landed in Veloria"),
        # and never a town the text treats as a place ("Port Amsel", "talks in Dravik").
        places = [m for m in chosen if m.label == "GPE" and m.kind == "unknown"]
        acting = {m.name for m in places if reader.acts(doc[m.start:m.end])}
        acting = {name for name in acting if not reader.is_place(name)}
        chosen = [m for m in chosen if m.label != "GPE" or m.kind != "unknown" or m.name in acting]
        for m in chosen:
            entry = self.lexicon.get(normalise(m.name))  # an analyst's or the lexicon's canonical form
            if entry is not None and m.kind not in ("country",):
                m.name, m.kind = entry.name, entry.kind if entry.kind != "unknown" else m.kind
            m.name = display_name(m.name)
            span = doc[m.start:m.end]
            m.start_char, m.end_char, m.text = span.start_char, span.end_char, span.text
            m.form = normalise(m.text)
        return chosen

    # -- affiliations --------------------------------------------------------------------------

    def _affiliations(self, doc: Doc, mentions: _Index, result: ResolvedDocument) -> None:
        sentences = [(i, rs.attribution.sentence) for i, rs in enumerate(result.statements) if rs.attribution.sentence]

        def statement_at(char: int) -> int | None:
            return next((i for i, s in sentences if s.start <= char < s.end), None)

        seen = set()

        def add(member, org, relation, role, index):
            if member and org and member != org and (member, org, relation) not in seen:
                seen.add((member, org, relation))
                result.affiliations.append(ResolvedAffiliation(member, org, relation, role, index))

        for m in mentions:  # named sub-units found by resolution
            if m.owner:
                add(m.name, m.owner, "part_of", None, statement_at(m.start_char))
        facts: list[AffiliationFact] = doc._.affiliations if doc.has_extension("affiliations") else []
        for fact in facts or []:
            member = self._fact_actor(fact.member, fact, mentions)
            org_m = self._fact_mention(fact.organization, fact, mentions)
            org = org_m.name if org_m else self._fact_actor(fact.organization, fact, mentions)
            role = fact.role
            if org_m is not None and org_m.unit_role and org_m.unit_role not in (role or "").lower():
                role = f"{(role or 'member').lower()} of the {org_m.unit_role}"  # "... political committee"
            for name, label in ((member, fact.member_label), (org, fact.organization_label)):
                if name and name not in result.actors:
                    result.add_actor(name, ner_kind(label))
            add(member, org, fact.relation, role, statement_at(fact.start) if fact.end else None)

    @staticmethod
    def _fact_mention(surface: str, fact: AffiliationFact, mentions: _Index) -> _Mention | None:
        """The mention a fact's surface name refers to: inside the fact's span when it has one."""
        form = normalise(surface)
        pool = mentions.within(fact.start, fact.end) if fact.end else []
        exact = [m for m in pool if form in (m.form, normalise(m.name))]
        if exact:
            return exact[0]
        within = [m for m in pool if m.form and m.form in form]
        if within:
            return max(within, key=lambda m: len(m.text))
        return mentions.by_form.get(form)

    def _fact_actor(self, surface: str, fact: AffiliationFact, mentions: _Index) -> str | None:
        m = self._fact_mention(surface, fact, mentions)
        if m is not None:
            return m.name
        entry = self.lexicon.get(normalise(surface))
        return entry.name if entry else None
