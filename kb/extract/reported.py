"""Reported speech from dependency patterns around cue verbs.

    Farhan said that Russia ...        source=nsubj, content=ccomp (with "that")
    "We will win," said Clinton.       inverted: same relations, content before the cue
    The economy, he said, is fine.     parenthetical cue (parataxis): content = the host clause
    He called for a ceasefire.         verb + particle cue: content = the particle's object
    O'Malley's move was reported by X  passive with agent: source=agent, content=subject
    She accused Moscow of meddling.    content = the object and what follows it
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from kb.extract.cues import CueLexicon
from kb.extract.spans import Found, chars, minus, noun_phrase, subtree_span, trim

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
# Frames where the cue takes a clause: a weak cue word is enough. Object frames ("backed X")
# are often not attributions at all, so they need a cue word that usually is one.
CLAUSAL_RULES = ("ccomp", "parataxis", "passive", "xcomp", "raising")
# Verbs whose subject a cue verb shares when it has none itself ("..., saying", "and added").
_SHARES_SUBJECT = ("xcomp", "advcl", "conj", "pcomp")
_AUX = ("aux", "auxpass", "neg")
# Right dependents that belong to an object-taking cue's content ("criticized X for Y").
_OBJECT_CONTENT = ("dobj", "oprd", "xcomp", "prep", "ccomp", "attr", "acomp", "dative")
_NOT_CONTENT_PREPS = {"in", "at", "on", "during", "after", "before", "since", "with", "by", "from"}
_EXPLETIVES = {"it", "there"}
_RAISING = {"seem", "appear"}


def reported_speech(doc: Doc, verbs: list[Token], lexicon: CueLexicon) -> list[Found]:
    """Every cue verb with a content frame; kb.extract.component decides which to keep."""
    found = []
    for verb in verbs:
        key, entry, particle = lexicon.entry_for(verb)
        if entry is None:
            continue
        result = _attribution_for(verb, particle, lexicon)
        if result is None:
            continue
        content, rule, source, cue, addressee = result
        found.append(
            Found(cue=cue, source=source, content=content, kind="indirect", cue_lemma=key,
                  claim_type=entry.claim_type, verb=verb, confidence=round(entry.precision, 3),
                  addressee=addressee, extra={"rule": rule})
        )
    return found


def _attribution_for(verb: Token, particle: Token | None, lexicon: CueLexicon):
    doc = verb.doc
    passive_agent = next((c for c in verb.rights if c.dep_ == "agent"), None)
    source_token = subject_of(verb)
    addressee = None
    rule = None
    content: list[tuple[int, int]] = []

    ccomps = [c for c in verb.children if c.dep_ == "ccomp"]
    if ccomps:
        content = [chars(trim(subtree_span(c))) for c in ccomps]
        rule = "ccomp"
    elif (raised := _raising(verb)) is not None:
        # "Trump seemed to waver", "Trump is expected to win": an attribution without a source
        # whose content is the subject and the infinitive.
        subj, xcomp = raised
        content = [chars(noun_phrase(subj)), chars(trim(subtree_span(xcomp)))]
        return content, "raising", None, cue_span(verb, None), None
    elif verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX"):
        holes = [chars(subtree_span(verb))]
        content = minus(doc, chars(subtree_span(verb.head)), holes)
        rule = "parataxis"
    elif passive_agent is not None:
        pobj = next((c for c in passive_agent.children if c.dep_ == "pobj"), None)
        subj = next((c for c in verb.lefts if c.dep_ == "nsubjpass"), None)
        if pobj is None or subj is None or subj.lower_ in _EXPLETIVES:
            return None
        source = chars(trim(subtree_span(pobj)))
        content = [chars(trim(subtree_span(subj)))]
        first = min([verb] + [c for c in verb.lefts if c.dep_ in _AUX], key=lambda t: t.i)
        cue = (first.idx, passive_agent.idx + len(passive_agent))
        return content, "passive", source, cue, None
    elif particle is not None and particle.dep_ == "prep":
        obj = next((c for c in particle.children if c.dep_ in ("pobj", "pcomp")), None)
        xcomp = next((c for c in verb.rights if c.i > particle.i and (
            c.dep_ == "xcomp" or c.dep_ == "advcl" and c.left_edge.lower_ == "to")), None)
        if obj is not None and xcomp is not None:  # "called on X to ..."
            addressee = trim(subtree_span(obj))
            content = [chars(trim(subtree_span(xcomp)))]
        elif obj is not None:
            content = [chars(trim(subtree_span(obj)))]
        rule = "particle"
    elif (xcomp := next((c for c in verb.rights if c.dep_ == "xcomp"), None)) is not None and not any(
            c.dep_ in ("dobj", "dative") for c in verb.rights):
        content = [chars(trim(subtree_span(xcomp)))]  # "plans to cut jobs"
        rule = "xcomp"
    else:
        rights = [c for c in verb.rights if c.dep_ in _OBJECT_CONTENT
                  and not (c.dep_ == "prep" and c.lower_ in _NOT_CONTENT_PREPS)]
        if rights and any(c.dep_ in ("dobj", "xcomp", "ccomp", "oprd", "prep") for c in rights):
            first = rights[0] if rights[0].dep_ != "dative" else (rights[1] if len(rights) > 1 else None)
            if first is not None:
                span = doc[subtree_span(first).start : subtree_span(rights[-1]).end]
                content = [chars(trim(span))]
                rule = "object"
    if not content or all(s >= e for s, e in content):
        return None
    content = [p for p in content if p[1] > p[0]]
    source = chars(noun_phrase(source_token, lexicon.is_cue)) if source_token is not None else None
    if source_token is not None and source_token.lower_ in _EXPLETIVES and source_token.dep_ != "nsubj":
        source = None  # "it was reported that", not "it said"
    return content, rule, source, cue_span(verb, particle), addressee


def _raising(verb: Token) -> tuple[Token, Token] | None:
    xcomp = next((c for c in verb.rights if c.dep_ == "xcomp"), None)
    if xcomp is None:
        return None
    passive = any(c.dep_ == "auxpass" for c in verb.lefts) and not any(c.dep_ == "agent" for c in verb.rights)
    if not (passive or verb.lemma_ in _RAISING):
        return None
    subj = next((c for c in verb.lefts if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.lower_ in _EXPLETIVES:
        return None
    return subj, xcomp


def subject_of(verb: Token) -> Token | None:
    """The verb's subject, or the subject of the verb it hangs from ("..., adding that")."""
    token = verb
    for _ in range(3):
        subj = next((c for c in token.children if c.dep_ in SUBJECTS), None)
        if subj is not None:
            return subj
        if token.dep_ not in _SHARES_SUBJECT or token.head is token:
            return None
        token = token.head
    return None


def cue_span(verb: Token, particle: Token | None) -> tuple[int, int]:
    """The verb with its auxiliaries, negation and adverbs just before it ("has also said"),
    plus its particle: PolNeAR's annotators include them (also: 281 in, 22 out)."""
    first = verb
    for child in reversed(list(verb.lefts)):
        if child.dep_ in _AUX and child.i >= first.i - 2 or child.dep_ == "advmod" and child.i == first.i - 1:
            first = child
    last = particle if particle is not None else verb
    return (first.idx, last.idx + len(last))
