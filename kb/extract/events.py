"""The PLOVER verbal event family of a statement, from the whole statement, not only its cue.

    Farhan accused Moscow of ...                 DISAPPROVE  (the cue verb: data/events.tsv "verb")
    Russia said that Sudan must return ...       DEMAND      (a modal in the content, "modal")
    X issued an ultimatum to Y to halt ...       THREATEN    (the object of a neutral verb, "noun")
    X warned it would cut aid unless Y ...       THREATEN    (a conditional with a future, "conditional")
    NATO said it would tighten the blockade      THREATEN    (a future act of force, "threat_verb")
    Police will no longer tolerate rallies       THREATEN    (a negated tolerance, "tolerance")
    The U.S. said it would not meet demands      REJECT      (the speaker's own negated future)

Families: DEMAND, DISAPPROVE, REJECT, THREATEN (verbal conflict) and AGREE, SUPPORT, CONCEDE,
CONSULT (verbal cooperation); None when none applies (most assertions and reports). kb's claim
types are left as they are; a cue the lexicon does not list falls back on its claim type
("claim" rows). Everything here is a small pure function over the parsed Doc.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

from kb.models import EVENT_FAMILIES

# Families a negated cue cancels ("did not reject", "did not threaten").
_CANCELLED_BY_NEGATION = {"DEMAND", "DISAPPROVE", "REJECT", "THREATEN", "SUPPORT"}
_FUTURE = {"will", "would", "shall", "may", "might", "could", "'ll", "wo"}
# "is prepared to impose", "is ready to", "plans to": a future act
_READY = {"prepare", "prepared", "ready", "plan", "intend", "threaten", "decide", "determined"}
_FIRST_PERSON = {"i", "we", "me", "us"}
_PERSONAL = {"it", "they", "he", "she", "we", "i"}
ACTOR_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}


@dataclass(frozen=True)
class EventLexicon:
    verbs: dict[str, tuple[str, str]]  # cue key -> (event, role of its object)
    nouns: dict[str, tuple[str, str]]
    modals: dict[str, tuple[str, str]]  # "must", "have to" -> (DEMAND, addressed)
    conditionals: frozenset[str]
    consequences: tuple[tuple[str, ...], ...]
    threat_verbs: frozenset[str]
    tolerance: frozenset[str]
    claims: dict[str, tuple[str, str]]
    preps: dict[str, frozenset[str]]  # event family -> prepositions directed at their object
    owner_preps: frozenset[str]
    neutral: frozenset[str]
    actor_nouns: frozenset[str] = frozenset()  # "forces", "government": nouns that name actors
    addressing: frozenset[str] = frozenset()  # "tell", "warn": their object is the one spoken to

    def role_of(self, event: str | None, cue_key: str | None = None) -> str | None:
        """The role of the actor a statement of this family is directed at: the cue verb's own
        ("praised" X, "backed" X) when the lexicon gives one, else the family's."""
        if not event:
            return None
        entry = self.verbs.get((cue_key or "").lower())
        if entry is not None and entry[0] == event and entry[1]:
            return entry[1]
        return _ROLES.get(event)


_ROLES = {"DEMAND": "addressed", "DISAPPROVE": "accused", "REJECT": "rejected", "THREATEN": "threatened",
          "SUPPORT": "supported", "AGREE": "addressed", "CONCEDE": "addressed", "CONSULT": "addressed"}


@lru_cache(maxsize=4)
def load_events(path: str | Path) -> EventLexicon:
    rows: dict[str, dict[str, tuple[str, str]]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 2:
            continue
        kind, key = cols[0], cols[1].lower()
        event = cols[2].upper() if len(cols) > 2 and cols[2] != "-" else ""
        role = cols[3] if len(cols) > 3 and cols[3] != "-" else ""
        if event and event not in EVENT_FAMILIES and not (kind == "prep" and event == "PLACE"):
            raise ValueError(f"{path}: unknown event family {event!r} for {key!r}")
        rows.setdefault(kind, {})[key] = (event, role)
    get = lambda kind: rows.get(kind, {})  # noqa: E731
    return EventLexicon(
        verbs=get("verb"), nouns=get("noun"), modals=get("modal"),
        conditionals=frozenset(get("conditional")),
        consequences=tuple(tuple(k.split()) for k in get("consequence")),
        threat_verbs=frozenset(get("threat_verb")), tolerance=frozenset(get("tolerance")),
        claims=get("claim"), preps=_by_event(path), owner_preps=frozenset(get("owner")),
        neutral=frozenset(get("neutral")),
        actor_nouns=frozenset(get("actor_noun")), addressing=frozenset(get("addressing")),
    )


def _by_event(path) -> dict[str, frozenset[str]]:
    """"prep" rows: one preposition may serve several families, so they are read as pairs."""
    out: dict[str, set[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) >= 3 and cols[0] == "prep":
            out.setdefault(cols[2].upper(), set()).add(cols[1].lower())
    return {k: frozenset(v) for k, v in out.items()}


def content_tokens(doc: Doc, parts) -> list[Token]:
    """The tokens of the content's char parts, in order."""
    out = []
    for start, end in parts:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            out.extend(span)
    return out


def _has_modal(verb: Token, words=_FUTURE) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in words for c in verb.children)


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in ("never",)) for c in verb.children) or any(
        c.lower_ == "longer" and any(g.lower_ == "no" for g in c.children) for c in verb.children)


def _future(verb: Token) -> bool:
    """"will impose", "would tighten", "is prepared to impose", "plans to cut"."""
    if _has_modal(verb):
        return True
    head = verb.head
    return verb.dep_ == "xcomp" and (head.lemma_.lower() in _READY or head.lower_ in _READY) and head is not verb


def subject(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def is_actor(token: Token, actor_nouns: frozenset[str] = frozenset()) -> bool:
    """A token that names an actor: an entity, a proper noun, or an actor noun ("forces", "group":
    the lexicon's "actor_noun" rows) after a demonym or a name ("Serbian forces", "the Kifaya
    group"). After any other noun the demonym or name is the owner ("a Kestranian request")."""
    if token.ent_type_ in ACTOR_LABELS:
        return True
    if token.pos_ == "PROPN":
        return not token.ent_type_  # not a date, a sum, a law ...
    if token.lemma_.lower() not in actor_nouns and token.lower_ not in actor_nouns:
        return False
    # (a modifier with "'s" is a possessor: "Russia’s insistence" is Russia's act, not an actor)
    return token.pos_ == "NOUN" and any(
        c.dep_ in ("amod", "compound") and (c.ent_type_ in ("NORP", "GPE", "ORG") or c.dep_ == "compound"
                                            and c.pos_ == "PROPN") and not _possessive(c) for c in token.children)


def _possessive(token: Token) -> bool:
    return token.dep_ == "poss" or any(c.dep_ == "case" for c in token.children)


def _actor_subject(verb: Token, speaker: set[int]) -> Token | None:
    subj = subject(verb)
    if subj is None or subj.i in speaker or subj.pos_ == "PRON" and subj.lower_ in _FIRST_PERSON:
        return None
    return subj if is_actor(subj) or subj.lower_ in _PERSONAL else None


def modal_demands(tokens: list[Token], lex: EventLexicon, speaker: set[int]) -> list[Token]:
    """Subjects of content verbs under a demanding modal ("Sudan must return", "the US should
    immediately", "Iraq has to"): whom the statement makes a demand of."""
    out = []
    for t in tokens:
        verb = None
        if t.dep_ == "aux" and t.lower_ in lex.modals:  # must, should, ought
            verb = t.head
        elif t.lemma_.lower() in ("have", "need") and t.dep_ in ("ROOT", "ccomp", "conj", "advcl", "relcl") and (
                f"{t.lemma_.lower()} to" in lex.modals or f"{t.lower_} to" in lex.modals):
            xcomp = next((c for c in t.children if c.dep_ == "xcomp" and c.left_edge.lower_ == "to"), None)
            verb = t if xcomp is not None else None
        if verb is None:
            continue
        subj = _actor_subject(verb, speaker)
        if subj is not None:
            out.append(subj)
    return out


def _acts(verb: Token, lex: EventLexicon) -> bool:
    """Whether a verb's subject (or the subject of the verb it completes: "is prepared to impose")
    is someone who can carry a threat out: an actor, an actor noun ("police") or a pronoun; not
    "closing one harbour would not save the stocks"."""
    subj, token = subject(verb), verb
    for _ in range(2):  # "it is prepared to impose": impose <xcomp- prepared <acomp- is
        if subj is not None or token.dep_ not in ("xcomp", "acomp") or token.head is token:
            break
        token = token.head
        subj = subject(token)
    if subj is None:
        return False
    return (is_actor(subj, lex.actor_nouns) or subj.lemma_.lower() in lex.actor_nouns
            or subj.lower_ in lex.actor_nouns or subj.pos_ == "PRON" and subj.lower_ in _PERSONAL)


def threat_clauses(tokens: list[Token], lex: EventLexicon, speaker: set[int]) -> list[Token]:
    """Verbs of the content that make it a threat: a future act of force ("will impose
    sanctions", "is prepared to impose martial law"), a negated tolerance ("will no longer
    tolerate"), a future with "unless", or a future of force with "if"."""
    out = []
    in_content = {t.i for t in tokens}
    for t in tokens:
        if t.pos_ not in ("VERB", "AUX") or not _acts(t, lex):
            continue
        lemma = t.lemma_.lower()
        marks = [c for c in t.children if c.dep_ == "advcl"
                 for m in c.children if m.dep_ == "mark" and m.lower_ in lex.conditionals]
        unless = any(m.lower_ == "unless" for c in t.children if c.dep_ == "advcl"
                     for m in c.children if m.dep_ == "mark")
        future = _future(t)
        if future and unless:
            out.append(t)
        elif future and not _negated(t) and lemma in lex.threat_verbs:
            out.append(t)
        elif future and _negated(t) and lemma in lex.tolerance:
            out.append(t)
        elif marks and _has_modal(t) and lemma in lex.threat_verbs:
            out.append(t)
    if not out:
        words = [t.lower_ for t in tokens]
        for seq in lex.consequences:
            n = len(seq)
            if any(tuple(words[i:i + n]) == seq for i in range(len(words) - n + 1)):
                out.extend(t for t in tokens if t.dep_ == "ROOT" or t.dep_ == "ccomp" and t.head.i not in in_content)
                break
    return out


def refusals(tokens: list[Token], speaker: set[int]) -> list[Token]:
    """"said it would not meet the demands": the speaker's own negated future."""
    out = []
    for t in tokens:
        if t.pos_ != "VERB" or not _has_modal(t, {"will", "would", "wo", "shall"}) or not _negated(t):
            continue
        subj = subject(t)
        if subj is not None and (subj.i in speaker or subj.lower_ in ("it", "we", "i", "they", "he", "she")):
            out.append(t)
    return out


def statement_event(doc: Doc, cue_key: str, verb: Token | None, claim_type: str, content,
                    source: tuple[int, int] | None, lex: EventLexicon) -> str | None:
    """The event family of one statement (see the module docstring).

    ``content`` is the statement's list of char parts; ``source`` the speaker's char span."""
    speaker = _speaker_tokens(doc, source)
    key = (cue_key or "").lower()
    entry = lex.verbs.get(key) or (lex.verbs.get(key.split()[0]) if key else None)
    if entry is not None and key not in lex.neutral and key.split()[0] not in lex.neutral:
        if verb is not None and _negated(verb) and entry[0] in _CANCELLED_BY_NEGATION:
            return None
        return entry[0] or None
    if verb is not None:
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if obj is not None and obj.lemma_.lower() in lex.nouns and not _negated(verb):
            return lex.nouns[obj.lemma_.lower()][0]
    tokens = content_tokens(doc, content)
    if modal_demands(tokens, lex, speaker):
        return "DEMAND"
    if threat_clauses(tokens, lex, speaker):
        return "THREATEN"
    if refusals(tokens, speaker):
        return "REJECT"
    claim = lex.claims.get(claim_type)
    return claim[0] if claim else None


def _speaker_tokens(doc: Doc, source: tuple[int, int] | None) -> set[int]:
    if source is None:
        return set()
    span = doc.char_span(*source, alignment_mode="expand")
    return {t.i for t in span} if span is not None else set()
