"""Coreference: each statement's speaker and targets, as canonical actors of the document.

The speaker is the actor named in the statement's source span; pronouns ("He"), relative
pronouns ("Farhan, who said"), role nouns ("the spokesman") and organisation nouns ("the
coalition") are resolved in the document; generic sources ("a source", "officials") stay
unresolved (speaker None; the surface text stays on the attribution). "I" / "we" inside a quote
is whoever the quote is attributed to.

One :class:`DocumentStatements` per document holds what the rules share (the Doc, its reader and
mentions, the speakers found so far), so each rule is a method of one or two arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.names import normalise
from kb.resolve.lexicons import FIRST_PERSON, GENDERED, PRONOUNS, Lexicon, Words
from kb.resolve.mentions import _DocReader, _Index
from kb.resolve.records import ResolvedDocument, ResolvedStatement, ResolvedTarget, ner_kind

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _main_subject(span) -> bool:
    """Whether a mention is the subject of its sentence's main clause (not of a reported one:
    "Farhan said that Kerry had lied" has Farhan, not Kerry)."""
    root = span.root
    if root.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = root.head
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")


class DocumentStatements:
    """Speakers and targets of one document's attributions."""

    def __init__(self, doc: Doc, reader: _DocReader, mentions: _Index, result: ResolvedDocument,
                 lexicon: Lexicon, words: Words):
        self.doc, self.reader, self.mentions, self.result = doc, reader, mentions, result
        self.lexicon, self.words = lexicon, words
        self.prior: list[tuple[int, str, str]] = []  # (char, speaker, kind) of resolved speakers so far
        self.kinds = {m.name: m.kind for m in mentions}
        self.names = {m.form: m.name for m in mentions}
        self.roles = self._role_evidence()
        self.gender = self._genders()

    def canonical(self, surface: str) -> tuple[str, str]:
        """(canonical name, kind) of a surface form by the lexicons alone."""
        entry = self.lexicon.get(normalise(surface))
        return (entry.name, entry.kind) if entry else (surface.strip(), "unknown")

    def resolve(self) -> None:
        result, kinds = self.result, self.kinds
        attributions = self.doc._.attributions if self.doc.has_extension("attributions") else []
        accuser = None  # who made the last accusation: not the one who rejects "the charge"
        for att in attributions or []:
            avoid = accuser if att.claim_type in ("rejection", "denial") else None
            speaker, rule = self.speaker(att, avoid)
            if att.claim_type == "accusation" and speaker is not None:
                accuser = speaker
            if speaker is not None:
                kind = "organization" if rule == "entourage" else kinds.get(speaker) or self.canonical(speaker)[1]
                if speaker not in result.actors:
                    result.add_actor(speaker, kind if kind != "unknown" else ner_kind(att.speaker_label))
                kinds.setdefault(speaker, result.actors[speaker].kind)
                self.prior.append((att.source.start if att.source else 0, speaker, kinds[speaker]))
            rs = ResolvedStatement(att, speaker, speaker_rule=rule)
            rs.targets = self.targets(att, speaker)
            result.statements.append(rs)
        # "I" / "we" inside a quote is whoever the quote is attributed to.
        for rs in result.statements:
            src = rs.attribution.source
            if rs.speaker is None and src is not None and normalise(src.text) in FIRST_PERSON:
                outer = [o for o in result.statements if o is not rs and o.speaker and o.attribution.content
                         and o.attribution.content.start <= src.start < o.attribution.content.end]
                if outer:
                    inner = min(outer, key=lambda o: len(o.attribution.content.text))
                    rs.speaker, rs.speaker_rule = inner.speaker, "quote"
                    rs.targets = [t for t in rs.targets if t.actor != rs.speaker]

    # -- speakers ------------------------------------------------------------------------------

    def speaker(self, att, avoid: str | None = None) -> tuple[str | None, str | None]:
        """(canonical speaker, rule) of an attribution; (None, None) when unresolved."""
        doc, reader, mentions = self.doc, self.reader, self.mentions
        src = att.source
        if src is None:
            found = self.by_name(att.speaker_name)
            return found, "name" if found else None
        if self._credit_line(src.start):
            return None, None
        passive = self._passive(src)
        if passive is not None:
            return passive
        inside = mentions.within(src.start, src.end)
        if inside:
            found = self._by_head(att, inside, avoid)
            if found is not None:
                return found
            wanted = normalise(att.speaker_name) if att.speaker_name else None
            for m in inside:
                if wanted and wanted in (normalise(m.text), normalise(m.name)):
                    return m.name, "mention"
            persons = [m for m in inside if m.kind == "person"]
            if persons:
                return persons[0].name, "mention"
            return inside[0].name, "mention"
        form = normalise(src.text)
        if form in ("who", "which", "that"):  # "Farhan, who said ...": the noun the clause modifies
            span = doc.char_span(src.start, src.end, alignment_mode="expand")
            if span is not None and len(span) and span.root.head.dep_ == "relcl":
                noun = span.root.head.head
                found = next((m.name for m in mentions.overlapping(noun.idx, noun.idx + len(noun))), None)
                if found:
                    return found, "relative"
        if form in ("it", "they"):  # "The report blames ... It says": the thing, not an actor
            subject = reader.previous_subject(src.start)
            if subject is not None and subject.pos_ == "NOUN" and subject.lower_ not in self.words["org_head"] \
                    and not mentions.overlapping(subject.idx, subject.idx + len(subject)) \
                    and not self._recent_speaker(src.start, PRONOUNS[form]):
                return None, None  # unless a body spoke just before: "the Times wrote. '...,' it added"
        if form in PRONOUNS:
            found = self.antecedent(src.start, PRONOUNS[form], GENDERED.get(form))
            if found:
                return found, "pronoun"
            if form in GENDERED:
                return None, None  # no person of that gender before: unresolved, not a guess
        span = doc.char_span(src.start, src.end, alignment_mode="expand")
        if span is not None and len(span):
            found = self._by_noun(span, src.start, avoid)
            if found[0]:
                return found
        found = self.by_name(att.speaker_name)
        if found:
            return found, "name"
        return None, None

    def _credit_line(self, at: int) -> bool:
        """Whether ``at`` is on a byline, photo credit or dateline line ("By Ana Roth", "Photo: X/AP",
        "Getty/Instagram"): short lines whose words say so (``credit`` class); never a speaker."""
        text = self.reader.text
        start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
        line = text[start:end if end >= 0 else len(text)].strip()
        if not line or len(line) > 80:
            return False
        words = [w.strip(".:,()/").lower() for w in line.replace("/", " / ").split()]
        return words[0] == "by" and len(words) <= 8 or any(w in self.words["credit"] for w in words)

    def _passive(self, src) -> tuple[str | None, str | None] | None:
        """A source that is the subject of a passive verb is the one acted on, not the speaker:
        "X has been accused of lying by officials" is the officials' (their "by" phrase, or
        unresolved). None when the source is not such a subject."""
        span = self.doc.char_span(src.start, src.end, alignment_mode="expand")
        if span is None or not len(span) or span.root.dep_ != "nsubjpass":
            return None
        verb = span.root.head
        # the parser hangs "by" on the verb (agent) or on a word after it ("of lying by X")
        for agent in (t for t in verb.subtree if t.lower_ == "by" and t.dep_ in ("agent", "prep")):
            for obj in (c for c in agent.children if c.dep_ == "pobj"):
                found = self.mentions.overlapping(obj.idx, obj.idx + len(obj))
                if found:
                    return found[0].name, "passive"
        return None, None

    def _by_head(self, att, inside, avoid: str | None) -> tuple[str | None, str | None] | None:
        """The speaker by the head of a source that names actors inside it, or None to let the
        older rules decide. The head decides who speaks: a mention covering it ("Mike Schmidt,
        an adviser at the Clinton campaign"), a person in apposition to it ("Scott's niece, Marcia
        Price"), the author of a poll or analysis ("a Quinnipiac poll", "an analysis by Lily
        Batchelder"), the principal of a spokesman ("a spokeswoman for X"), a person's body ("Donald
        Trump's campaign"), a person already named ("The GOP presidential nominee"); and a common
        noun head makes the names inside mere modifiers ("a reporter for USA Today", "Several judges
        handling ... Hillary Clinton's tenure"): unresolved."""
        src, words = att.source, self.words
        span = self.doc.char_span(src.start, src.end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        head = span.root
        covering = [m for m in inside if m.start <= head.i < m.end]
        if covering:
            return covering[0].name, "mention"
        for child in head.children:
            if child.dep_ == "appos":
                person = [m for m in inside if m.kind == "person" and m.start <= child.i < m.end]
                if person:
                    return person[0].name, "mention"
        low = head.lower_
        if low in words["entourage"]:
            owner = self._owner(head, inside)
            return (f"{owner} {low}", "entourage") if owner else None
        if low in words["work"] or low in words["role"]:
            found = self._modifier(head, inside)
            return found, ("author" if low in words["work"] else "role") if found else None
        if low in words["person_noun"] and any(c.lower_ in ("the", "this") for c in head.children):
            found = self.antecedent(src.start, ("person",))
            return found, "nominal" if found else None
        if head.pos_ == "NOUN":
            return None, None
        return None

    def _modifier(self, head, inside) -> str | None:
        """The actor that modifies a head noun: its compound or possessor ("a Quinnipiac poll",
        "Clinton's spokeswoman") or the object of its "by", "for", "of" or "from"."""
        for m in inside:
            root = self.doc[m.start:m.end].root
            if root.head.i == head.i and root.dep_ in ("compound", "poss", "nmod", "amod"):
                return m.name
            if root.dep_ == "pobj" and root.head.lower_ in ("by", "for", "of", "from"):
                verb = root.head.head  # "research conducted by X": through the clause on the head
                if verb.i == head.i or (root.head.lower_ == "by" and verb.dep_ in ("acl", "relcl")
                                        and verb.head.i == head.i):
                    return m.name
            if root.dep_ == "nsubj" and root.head.dep_ == "relcl" and root.head.head.i == head.i:
                return m.name  # "a speech Mrs. Clinton delivered"
        return None

    def _owner(self, head, inside) -> str | None:
        """The person a campaign or administration belongs to: "Donald Trump's campaign", "the
        Clinton campaign", "her campaign" (the pronoun's antecedent)."""
        owner = self._modifier(head, inside)
        if owner is not None and self.kinds.get(owner) == "person":
            return owner
        for child in head.children:
            if child.dep_ == "poss" and child.lower_ in GENDERED:
                return self.antecedent(child.idx, ("person",), GENDERED[child.lower_])
        return None

    def _by_noun(self, span, at: int, avoid: str | None) -> tuple[str | None, str | None]:
        """A role noun ("the spokesman") or organisation noun ("the ministry") as the speaker."""
        head, words = span.root, self.words
        definite = any(t.lower_ in ("the", "this", "that") for t in head.children) or head.dep_ == "poss"
        if head.lower_ in words["entourage"]:
            owner = self._owner(head, [])
            if owner:
                return f"{owner} {head.lower_}", "entourage"
        if definite and head.lower_ in words["person_noun"]:
            found = self.antecedent(at, ("person",))
            if found:
                return found, "nominal"
        if definite and head.lower_ in words["role"]:
            # "the union leader" is whoever was named the union's head; "the band leader" only a leader
            other = any(c.dep_ == "compound" and c.is_lower and c.lower_ not in words["org_head"]
                        for c in head.children)
            role = head.lower_ if other else self._role_key(head.lower_)
            found = self._by_role(role, at, avoid)
            if found:
                return found, "role"
        if definite and head.lower_ in words["org_head"]:
            found = self.reader.org_name((head.lower_,), head.i)
            if found:
                return found, "nominal"
        if definite and head.lower_ in words["outlet"]:  # "the website": the body that spoke last, or named last
            found = self.antecedent(at, ("organization",))
            if found:
                return found, "nominal"
        if head.lower_ in words["role"]:  # "a ministry spokeswoman": the ministry named here
            body = next((c for c in head.children if c.dep_ == "compound" and c.lower_ in words["org_head"]),
                        None)
            found = self.reader.org_name((body.lower_,), head.i) if body is not None else None
            if found:
                return found, "nominal"
        return None, None

    def by_name(self, name: str | None) -> str | None:
        """The speaker_name the extractor gave, if it names an actor of this document or the lexicon."""
        if not name or normalise(name) in PRONOUNS:
            return None
        form = normalise(name)
        if form in self.names:
            return self.names[form]
        entry = self.lexicon.get(form)
        return entry.name if entry else None

    def antecedent(self, at: int, kinds: tuple[str, ...], gender: str | None = None) -> str | None:
        """The most recent compatible speaker within two sentences, else the most recent compatible
        mention. Compatible: of one of ``kinds`` and, for he/she, not known to be of the other gender."""
        reader = self.reader
        sent = reader.sentence_of(at)
        found = self._subject(at, sent, kinds, gender)
        if found is None and sent > 0:
            found = self._subject(at, sent - 1, kinds, gender)
        if found is not None:
            return found
        for pos, name, kind in reversed(self.prior):
            if pos < at and kind in kinds and sent - reader.sentence_of(pos) <= 2 and self._agrees(name, gender):
                return name
        for m in self.mentions.before(at):
            if m.kind in kinds and self._agrees(m.name, gender):
                return m.name
        return None

    def _subject(self, at: int, sent: int, kinds: tuple[str, ...], gender: str | None) -> str | None:
        """The nearest compatible actor before ``at`` that is a subject in sentence ``sent``: "Scott
        bristles at the suggestion. '...,' he said" is Scott's, whoever spoke last."""
        reader, doc = self.reader, self.doc
        for m in self.mentions.before(at):
            k = reader.sentence_of(m.start_char)
            if k < sent:
                break
            if k == sent and m.kind in kinds and self._agrees(m.name, gender) and _main_subject(doc[m.start:m.end]):
                return m.name
        return None

    def _recent_speaker(self, at: int, kinds: tuple[str, ...]) -> str | None:
        """The last speaker of one of ``kinds`` in this sentence or the one before."""
        sent = self.reader.sentence_of(at)
        for pos, name, kind in reversed(self.prior):
            if pos < at and kind in kinds and sent - self.reader.sentence_of(pos) <= 1:
                return name
        return None

    def _agrees(self, name: str, gender: str | None) -> bool:
        return gender is None or self.gender.get(name, gender) == gender

    def _genders(self) -> dict[str, str]:
        """A person's gender where the document shows it: a given name ("Hillary") or an honorific
        ("Mrs. Clinton") of one gender only (data/actor_words.tsv: female, male)."""
        female, male, doc, reader = self.words["female"], self.words["male"], self.doc, self.reader
        known: dict[str, set[str]] = {}
        votes: dict[str, dict[str, int]] = {}
        persons = [m for m in self.mentions if m.kind == "person"]
        starts = {m.start for m in persons}
        for m in persons:
            first = m.name.split()[0].lower() if m.name.split() else ""
            before = doc[m.start - 1].lower_ if m.start else ""
            for word in (first, before):
                if word in female:
                    known.setdefault(m.name, set()).add("f")
                elif word in male:
                    known.setdefault(m.name, set()).add("m")
            # The first he/his or she/her after a subject, before any other person, in its sentence.
            if doc[m.start:m.end].root.dep_ not in ("nsubj", "nsubjpass"):
                continue
            sent = reader.sentence_of(m.start_char)
            for t in doc[m.end:min(len(doc), m.end + 40)]:
                if t.i in starts or reader.sentence_of(t.idx) != sent:
                    break
                if t.lower_ in GENDERED:
                    count = votes.setdefault(m.name, {})
                    count[GENDERED[t.lower_]] = count.get(GENDERED[t.lower_], 0) + 1
                    break
        out = {name: next(iter(g)) for name, g in known.items() if len(g) == 1}
        for name, count in votes.items():
            if name not in known and len(count) == 1:
                out[name] = next(iter(count))
            elif name not in known and abs(count.get("m", 0) - count.get("f", 0)) >= 2:
                out[name] = max(count, key=count.get)
        return out

    def _role_evidence(self) -> list[tuple[int, str, set[str]]]:
        """(char, person, role nouns) for persons introduced with a role: "spokesman X", "X, the spokesman"."""
        doc, reader, mentions = self.doc, self.reader, self.mentions
        roles_vocab, out = self.words["role"], []
        for m in mentions:
            if m.kind != "person":
                continue
            found = set()
            sent = reader.sentence_of(m.start_char)
            for t in doc[max(0, m.start - 4):m.start]:
                if t.lower_ in roles_vocab and reader.sentence_of(t.idx) == sent:
                    found |= {t.lower_, self._role_key(t.lower_)}
            if m.end < len(doc) and doc[m.end].text == ",":
                for t in doc[m.end + 1:min(len(doc), m.end + 8)]:
                    if t.is_punct:
                        break
                    if t.lower_ in roles_vocab:
                        found |= {t.lower_, self._role_key(t.lower_)}
            if found:
                out.append((m.start_char, m.name, found))
        for fact in doc._.affiliations if doc.has_extension("affiliations") else []:
            if fact.role:
                found = {k for w in fact.role.lower().split() if w in roles_vocab for k in (w, self._role_key(w))}
                m = mentions.by_form.get(normalise(fact.member))
                name = m.name if m else None
                if found and name:
                    out.append((fact.start, name, found))
        return sorted(out, key=lambda r: r[0])

    def _role_key(self, word: str) -> str:
        """One key for the role nouns that name the same post ("head", "leader", "chief"); the
        evidence keeps the word too, for a role that must match exactly ("the band leader")."""
        return "leader*" if word in self.words["leader"] else word

    def _by_role(self, role: str, at: int, avoid: str | None = None) -> str | None:
        before = [name for pos, name, found in self.roles if pos < at and role in found and name != avoid]
        if before:
            return before[-1]
        after = [name for pos, name, found in self.roles if pos >= at and role in found and name != avoid]
        return after[0] if after else None

    # -- targets -------------------------------------------------------------------------------

    def targets(self, att, speaker: str | None) -> list[ResolvedTarget]:
        mentions, result = self.mentions, self.result
        out: list[ResolvedTarget] = []
        seen: set[tuple[str, str]] = set()

        def add(name: str, role: str, text: str | None) -> None:
            if (name, role) not in seen:
                seen.add((name, role))
                out.append(ResolvedTarget(name, role, text))

        for t in att.targets:
            named = self._titled_person(t)
            if named is not None:
                add(named, t.role, t.text)
                continue
            over = [(min(m.end_char, t.end) - max(m.start_char, t.start), m)
                    for m in mentions.overlapping(t.start, t.end)]
            if over:
                add(max(over, key=lambda o: o[0])[1].name, t.role, t.text)
                continue
            form = normalise(t.text)
            if form in PRONOUNS:
                found = self.antecedent(t.start, PRONOUNS[form], GENDERED.get(form))
            else:
                found = self.names.get(form) or self._named_target(t)
            if found:
                if found not in result.actors:
                    kind = self.canonical(found)[1]
                    result.add_actor(found, kind if kind != "unknown" else ner_kind(t.label))
                add(found, t.role, t.text)
        if att.content is not None:
            for m in mentions.within(att.content.start, att.content.end):
                if m.name != speaker and not any(name == m.name for name, _ in seen):
                    add(m.name, "mentioned", m.text)
        return out

    def _titled_person(self, t) -> str | None:
        """A target cut off before the name its title introduces ("accused [Kestrany's Foreign
        Minister] Tomas Wierling"): the person named right after."""
        last = t.text.split()[-1].lower() if t.text.split() else ""
        if last not in self.words["title"] and last not in self.words["role"]:
            return None
        nxt = next((m for m in self.mentions.overlapping(t.end, t.end + 2) if m.start_char >= t.end), None)
        return nxt.name if nxt is not None and nxt.kind == "person" else None

    def _named_target(self, t) -> str | None:
        """An accused or addressed target the mention pass did not cover: kept only if it is a
        person's or organisation's name, not junk (places and adjectives were left out on purpose)."""
        if t.role == "mentioned" or t.label not in ("PERSON", "ORG"):
            return None
        span = self.reader.doc.char_span(t.start, t.end, alignment_mode="expand")
        if span is None or self.reader.is_junk(span):
            return None
        return self.canonical(span.text)[0]
