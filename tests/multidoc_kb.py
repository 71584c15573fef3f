"""A small multi-document KB written by hand: actors recur across documents under other names
("Moscow", "Russian forces", "Farhan", "the Coalition"), stored through kb.store.store_document
exactly as the pipeline stores them. Used by the graph, edit and CLI tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.db import session_scope
from kb.extract.types import Attribution, CharSpan
from kb.ingest import RawDocument
from kb.resolve import (
    ResolvedActor,
    ResolvedAffiliation,
    ResolvedDocument,
    ResolvedMention,
    ResolvedStatement,
    ResolvedTarget,
)
from kb.store import store_document


@dataclass
class St:
    sentence: str
    speaker: str | None  # canonical name as the resolver of that document gave it
    source: str  # speaker as written
    cue: str
    content: str
    claim: str
    targets: list[tuple[str, str, str]] = field(default_factory=list)  # (actor, role, surface)
    kind: str = "indirect"


ACTORS = {
    "Yasser Farhan": ("person", {"Farhan"}),
    "Russia": ("country", {"Moscow", "Russian forces"}),
    "Assad regime": ("government", {"the Assad regime"}),
    "Syrian Coalition": ("organization", {"the Coalition"}),
    "international community": ("group", set()),
    "Maria Zakharova": ("person", {"Zakharova"}),
    "Russian Foreign Ministry": ("organization", set()),
    "Human Rights Watch": ("organization", {"HRW"}),
    "Turkey": ("country", {"Ankara"}),
    "Kremlin": ("government", set()),
}

DOCS = [
    {
        "path": "a.txt", "published": "2017-01-10",
        "statements": [
            St("Farhan accused Moscow of shelling hospitals in Idlib.", "Yasser Farhan", "Farhan", "accused",
               "of shelling hospitals in Idlib", "accusation", [("Russia", "accused", "Moscow")]),
            St("Farhan called on the international community to act.", "Yasser Farhan", "Farhan", "called on",
               "to act", "call_to_action", [("international community", "addressed", "the international community")]),
            St("Yasser Farhan blamed the Assad regime for the siege.", "Yasser Farhan", "Yasser Farhan", "blamed",
               "for the siege", "accusation", [("Assad regime", "accused", "the Assad regime")]),
        ],
        "affiliations": [("Yasser Farhan", "Syrian Coalition", "member_of", "member of the political committee", 0)],
        "mentions": [("Russia", "Moscow")],
    },
    {
        "path": "b.txt", "published": "2017-06-05",
        "statements": [
            # this document's resolver did not know Moscow is Russia: the store's alias table does
            St("Moscow denied the claims made by the Coalition.", "Moscow", "Moscow", "denied",
               "the claims made by the Coalition", "denial", [("Syrian Coalition", "mentioned", "the Coalition")]),
            St("Zakharova accused the Coalition of lying.", "Maria Zakharova", "Zakharova", "accused",
               "of lying", "accusation", [("Syrian Coalition", "accused", "the Coalition")]),
        ],
        "affiliations": [("Maria Zakharova", "Russian Foreign Ministry", "member_of", "spokeswoman", 1),
                         ("Russian Foreign Ministry", "Russia", "part_of", None, None)],
        "mentions": [("Russia", "Moscow"), ("Syrian Coalition", "the Coalition")],
    },
    {
        "path": "c.txt", "published": "2017-09-27",
        "statements": [
            St("The Coalition warned that Russian forces would escalate.", "Syrian Coalition", "The Coalition",
               "warned", "that Russian forces would escalate", "warning",
               [("Russia", "mentioned", "Russian forces")]),
            St("HRW accused Russia and the Assad regime of war crimes.", "Human Rights Watch", "HRW", "accused",
               "of war crimes", "accusation",
               [("Russia", "accused", "Russia"), ("Assad regime", "accused", "the Assad regime")]),
            St("Ankara praised the Coalition for its restraint.", "Turkey", "Ankara", "praised",
               "for its restraint", "praise", [("Syrian Coalition", "mentioned", "the Coalition")]),
            St("Farhan accused Ankara of closing the border.", "Farhan", "Farhan", "accused",
               "of closing the border", "accusation", [("Turkey", "accused", "Ankara")]),
            St("Someone accused Russia of lying.", None, "Someone", "accused", "of lying", "accusation",
               [("Russia", "accused", "Russia")]),
        ],
        "affiliations": [],
        "mentions": [],
    },
    {
        "path": "d.txt", "published": "2018-02-01",
        "statements": [
            St("Yasser Farhan accused Russian forces of targeting civilians.", "Yasser Farhan", "Yasser Farhan",
               "accused", "of targeting civilians", "accusation", [("Russia", "accused", "Russian forces")]),
            St("The Kremlin rejected the Coalition's report.", "Kremlin", "The Kremlin", "rejected",
               "the Coalition's report", "rejection", [("Syrian Coalition", "mentioned", "the Coalition")]),
        ],
        "affiliations": [],
        "mentions": [("Kremlin", "The Kremlin")],
    },
]


def _span(text: str, sub: str, start: int = 0) -> CharSpan:
    i = text.index(sub, start)
    return CharSpan(i, i + len(sub), sub)


def resolved_document(spec: dict) -> tuple[RawDocument, ResolvedDocument]:
    sentences = [s.sentence for s in spec["statements"]]
    text = " ".join(sentences)
    res = ResolvedDocument(published=spec["published"])
    offset = 0
    for s in spec["statements"]:
        sent = _span(text, s.sentence, offset)
        offset = sent.end
        att = Attribution(
            cue=_span(text, s.cue, sent.start), content=_span(text, s.content, sent.start),
            source=_span(text, s.source, sent.start), kind=s.kind, claim_type=s.claim, cue_lemma=s.cue.split()[0],
            speaker_name=s.speaker, sentence=sent,
        )
        for name in [s.speaker] + [t[0] for t in s.targets]:
            if name and name not in res.actors:
                kind, aliases = ACTORS.get(name, ("unknown", set()))
                res.actors[name] = ResolvedActor(name, kind, set(aliases))
        res.statements.append(ResolvedStatement(att, s.speaker, [ResolvedTarget(a, r, t) for a, r, t in s.targets]))
    for member, org, relation, role, index in spec["affiliations"]:
        for name in (member, org):
            kind, aliases = ACTORS.get(name, ("unknown", set()))
            res.actors.setdefault(name, ResolvedActor(name, kind, set(aliases)))
        res.affiliations.append(ResolvedAffiliation(member, org, relation, role, index))
    for actor, surface in spec["mentions"]:
        sp = _span(text, surface)
        res.mentions.append(ResolvedMention(actor, sp.start, sp.end, surface, "GPE"))
    raw = RawDocument(text=text, path=spec["path"], title=spec["path"], published=spec["published"])
    return raw, res


def build_multidoc_kb(url: str) -> str:
    for spec in DOCS:
        raw, res = resolved_document(spec)
        with session_scope(url) as session:
            store_document(session, raw, res)
    return url
