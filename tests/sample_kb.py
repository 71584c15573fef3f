"""A small multi-document KB written through the real store path (``kb.store.store_document``)
from hand-made ResolvedDocuments, so read-API tests know exactly what is stored."""

from __future__ import annotations

import pytest
from backends import BACKENDS, empty_kb

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

ACTORS = {
    "Yasser Farhan": ("person", {"Farhan"}),
    "Syrian Coalition": ("organization", {"the Coalition", "Coalition"}),
    "Russia": ("country", {"Moscow", "Russian"}),
    "Assad regime": ("government", {"the Assad regime"}),
    "international community": ("group", set()),
    "Maria Zakharova": ("person", {"Zakharova"}),
    "Russian Foreign Ministry": ("organization", {"Foreign Ministry"}),
    "Iran": ("country", {"Iranian"}),
}

# Tricky content: quotes, %, _, a backslash, SQL and FTS syntax, all stored as plain text.
TRICKY = "100% of the _regime_ 'quotes' \"OR 1=1; DROP TABLE statement; --\" NEAR(war*) a\\b"

DOCUMENTS = [
    {
        "title": "Coalition News", "source": "Coalition News", "published": "2017-09-27",
        "text": ("Member of the Coalition's political committee Yasser Farhan stressed that Russia bears "
                 "full responsibility for the war crimes. He said that the regime's 50% claim_rate is "
                 "false. Farhan called on the international community to act."),
        "statements": [
            {"speaker": "Yasser Farhan", "source": "Yasser Farhan", "cue": "stressed",
                 "content": "Russia bears full responsibility for the war crimes", "kind": "indirect",
                 "claim_type": "accusation", "targets": [("Russia", "accused", "Russia")]},
            {"speaker": "Yasser Farhan", "source": "He", "cue": "said",
                 "content": "the regime's 50% claim_rate is false", "kind": "indirect",
                 "claim_type": "assertion", "targets": [("Assad regime", "accused", "the regime")]},
            {"speaker": "Yasser Farhan", "source": "Farhan", "cue": "called on", "content": "to act",
                 "kind": "indirect", "claim_type": "call_to_action",
                 "targets": [("international community", "addressed", "the international community")]},
        ],
        "mentions": [("Syrian Coalition", "Coalition"), ("Yasser Farhan", "Yasser Farhan"),
                     ("Russia", "Russia"), ("Yasser Farhan", "Farhan")],
        "affiliations": [("Yasser Farhan", "Syrian Coalition", "member_of", "member of the political committee", 0)],
    },
    {
        "title": "Moscow rejects claims", "source": "TASS", "published": "2017-10-05",
        "text": ("Russian Foreign Ministry spokeswoman Maria Zakharova denied the accusations, saying Moscow "
                 "\"never targeted hospitals\". According to Zakharova, the Syrian Coalition spreads lies."),
        "statements": [
            {"speaker": "Maria Zakharova", "source": "Maria Zakharova", "cue": "denied",
                 "content": "never targeted hospitals", "kind": "mixed", "claim_type": "denial",
                 "targets": [("Syrian Coalition", "mentioned", "the accusations")]},
            {"speaker": "Maria Zakharova", "source": "Zakharova", "cue": "According to",
                 "content": "the Syrian Coalition spreads lies", "kind": "according_to",
                 "claim_type": "accusation", "targets": [("Syrian Coalition", "accused", "the Syrian Coalition")]},
        ],
        "mentions": [("Russian Foreign Ministry", "Russian Foreign Ministry"),
                     ("Maria Zakharova", "Maria Zakharova"), ("Syrian Coalition", "Syrian Coalition")],
        "affiliations": [("Maria Zakharova", "Russian Foreign Ministry", "member_of", "spokeswoman", 0),
                         ("Russian Foreign Ministry", "Russia", "part_of", None, None)],
    },
    {
        "title": "Coalition warns", "source": "Coalition News", "published": "2018-01-10",
        "text": f"The Coalition warned that {TRICKY} is no test. Observers said the war crimes continued.",
        "statements": [
            {"speaker": "Syrian Coalition", "source": "The Coalition", "cue": "warned", "content": TRICKY,
                 "kind": "indirect", "claim_type": "warning", "targets": []},
            {"speaker": None, "source": "Observers", "cue": "said", "content": "the war crimes continued",
                 "kind": "indirect", "claim_type": "assertion", "targets": []},
        ],
        "mentions": [("Syrian Coalition", "Coalition")],
        "affiliations": [],
    },
    {
        "title": None, "source": None, "published": None,
        "text": "Yasser Farhan accused Iran of crimes against humanity in Syria.",
        "statements": [
            {"speaker": "Yasser Farhan", "source": "Yasser Farhan", "cue": "accused",
                 "content": "Iran of crimes against humanity in Syria", "kind": "indirect",
                 "claim_type": "accusation", "targets": [("Iran", "accused", "Iran")]},
        ],
        "mentions": [("Yasser Farhan", "Yasser Farhan"), ("Iran", "Iran")],
        "affiliations": [],
    },
]


def span(text: str, piece: str, after: int = 0) -> CharSpan:
    start = text.index(piece, after)
    return CharSpan(start, start + len(piece), piece)


def sentence_of(text: str, at: int) -> CharSpan:
    """The sentence around offset ``at`` (sentences end with '. ')."""
    start = text.rfind(". ", 0, at)
    start = 0 if start == -1 else start + 2
    end = text.find(". ", at)
    end = len(text) if end == -1 else end + 1
    return CharSpan(start, end, text[start:end])


def resolved_document(spec: dict) -> tuple[RawDocument, ResolvedDocument]:
    text = spec["text"]
    raw = RawDocument(text=text, path=f"sample/{spec['title'] or 'untitled'}.txt", title=spec["title"],
                      published=spec["published"], source=spec["source"])
    names = {s["speaker"] for s in spec["statements"] if s["speaker"]}
    names |= {t[0] for s in spec["statements"] for t in s["targets"]}
    names |= {m[0] for m in spec["mentions"]} | {a[0] for a in spec["affiliations"]}
    names |= {a[1] for a in spec["affiliations"]}
    resolved = ResolvedDocument(actors={
        n: ResolvedActor(n, ACTORS[n][0], set(ACTORS[n][1])) for n in sorted(names)})
    pos = 0
    for s in spec["statements"]:
        source = span(text, s["source"], pos)
        cue = span(text, s["cue"], source.start if s["cue"] != "According to" else pos)
        content = span(text, s["content"], pos)
        pos = content.end
        att = Attribution(cue=cue, content=content, source=source, kind=s["kind"],
                          claim_type=s["claim_type"], cue_lemma=s["cue"].split()[0].lower(),
                          speaker_name=s["speaker"], sentence=sentence_of(text, cue.start))
        targets = [ResolvedTarget(actor, role, surface) for actor, role, surface in s["targets"]]
        resolved.statements.append(ResolvedStatement(att, s["speaker"], targets))
    for actor, surface in spec["mentions"]:
        m = span(text, surface)
        resolved.mentions.append(ResolvedMention(actor, m.start, m.end, surface, "ENT"))
    for member, org, relation, role, index in spec["affiliations"]:
        resolved.affiliations.append(ResolvedAffiliation(member, org, relation, role, index))
    return raw, resolved


def build_sample_kb(url: str, documents: list[dict] = DOCUMENTS) -> None:
    for spec in documents:
        raw, resolved = resolved_document(spec)
        with session_scope(url) as session:
            store_document(session, raw, resolved)


@pytest.fixture(scope="module", params=BACKENDS)
def sample_kb_url(request, tmp_path_factory):
    """The sample KB, built once per test module on each backend (for tests that only read)."""
    with empty_kb(request.param, request, tmp_path_factory.mktemp("sample")) as url:
        build_sample_kb(url)
        yield url
