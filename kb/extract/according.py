""""According to X, ..." attributions: source = X, content = the rest of the sentence."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from kb.extract.cues import CueLexicon
from kb.extract.spans import Found, chars, minus, subtree_span, trim

# "According to figures compiled by the Media Department": the agent is the speaker.
_DOCUMENT_NOUNS = {"figure", "figures", "data", "report", "reports", "statistics", "document",
                   "documents", "estimate", "estimates", "numbers", "records", "count", "tally"}


def according_to(doc: Doc, starts: list[int], lexicon: CueLexicon) -> list[Found]:
    entry = lexicon.get("according to")
    claim_type = entry.claim_type if entry else "report"
    found = []
    for i in starts:
        according, to = doc[i], doc[i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None and i + 2 < len(doc) and doc[i + 2].dep_ == "pobj":
            pobj = doc[i + 2]
        if pobj is None:
            continue
        phrase = doc[min(according.i, pobj.left_edge.i) : max(to.i, pobj.right_edge.i) + 1]
        host = according.head
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in host.children):
            # The parser took the host clause's subject into the phrase ("According to X, the
            # regime and Russian forces raided"): the phrase ends at its first comma.
            comma = next((t for t in phrase if t.i > to.i and t.text == ","), None)
            if comma is not None:
                phrase = doc[phrase.start : comma.i]
        sentence = according.sent
        content = minus(doc, chars(sentence), [chars(phrase)])
        if not content:
            continue
        speaker = _speaker(pobj)
        speaker = doc[speaker.start : min(speaker.end, phrase.end)]
        found.append(
            Found(cue=(according.idx, to.idx + len(to)), source=chars(trim(speaker)),
                  content=content, kind="according_to", cue_lemma="according to",
                  claim_type=claim_type, extra={"rule": "according_to"})
        )
    return found


def _speaker(pobj: Token):
    if pobj.lower_ in _DOCUMENT_NOUNS:
        for acl in (c for c in pobj.children if c.dep_ == "acl"):
            agent = next((c for c in acl.children if c.dep_ == "agent"), None)
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            if obj is not None:
                return subtree_span(obj)
    return subtree_span(pobj)
