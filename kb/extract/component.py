"""The ``kb_attributions`` pipeline component: runs the extractors over a parsed Doc and leaves
plain records on it (``doc._.attributions``, ``doc._.affiliations``, ``doc._.meta``)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kb.config import get_settings
from kb.extract.according import according_to
from kb.extract.affiliations import find_affiliations, load_affiliation_terms
from kb.extract.colon import speaker_labels
from kb.extract.cues import find_cues, load_lexicon
from kb.extract.events import load_events
from kb.extract.furniture import drop_furniture, furniture_lines, load_furniture
from kb.extract.meta import document_meta, source_line
from kb.extract.nouns import load_noun_cues, noun_cues
from kb.extract.quotes import (
    adjacent_quote,
    extend_with_quotes,
    paragraph_bounds,
    quote_kind,
    quote_spans,
)
from kb.extract.reported import CLAUSAL_RULES, cue_span, reported_speech, subject_of
from kb.extract.signed import after_dash, dash_signatures
from kb.extract.sources import fix_sources, load_source_nouns
from kb.extract.spans import Found, chars, entity_at, merge_parts, noun_phrase, string_ids
from kb.extract.targets import find_targets, load_accusation_terms
from kb.extract.types import Attribution, CharSpan

EXTRACTOR_VERSION = "rules-1"
PART_JOINER = " … "  # between the pieces of a content split by "he said"
_PRONOUN_LABELS = {"he": "PERSON", "she": "PERSON", "him": "PERSON", "her": "PERSON",
                   "i": "PERSON", "who": None, "they": None, "it": None, "we": None}
_RELATIVE = {"who", "which", "that", "whom"}
_SPEAKER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
_NAMED = {"PERSON", "ORG", "NORP"}
NAMED_SPEAKER_BONUS = 0.1
_EMBEDDED = {"ccomp", "xcomp", "acl"}
EMBEDDED_PENALTY = 0.2


def load_attribution_model(configured: str):
    """The trained model at ``configured``; "" -> ``KB_ATTRIBUTION_MODEL`` or the shipped one;
    "-" (or "rules") -> none, the rules decide alone."""
    path = configured or get_settings().attribution_model
    if path in ("-", "rules", "none"):
        return None
    from kb.extract.model import SHIPPED, load_model

    path = path or str(SHIPPED)
    if not path or (path == str(SHIPPED) and not (SHIPPED / "weights.npz").exists()):
        return None
    return load_model(str(Path(path).resolve()))


def _data_path(configured: str, default_name: str) -> Path:
    """A lexicon's path; a missing one stops the pipeline with one line (never an empty lexicon)."""
    path = Path(configured) if configured else get_settings().data_dir / default_name
    if not path.is_file():
        from kb.db_problems import KBProblem

        raise KBProblem(f"{path}: lexicon missing (a broken install, or a wrong KB_DATA_DIR): reinstall kb, "
                        "or point KB_DATA_DIR at a folder holding all of kb/data")
    return path


# Where a failure is left on the Doc (plain data, so it crosses nlp.pipe's process boundary).
ERROR_KEY = "kb_error"


class AttributionExtractor:
    def __init__(self, nlp: Language, cues_path: str = "", frames_path: str = "",
                 accusation_terms_path: str = "", affiliation_terms_path: str = "",
                 source_nouns_path: str = "", min_precision: float = 0.1, min_precision_object: float = 0.35,
                 min_frame_precision: float = 0.35, follow_quotes: bool = True, model: str = "",
                 noun_cues_path: str = "", furniture_path: str = "", events_path: str = ""):
        frames = None if frames_path == "-" else str(_data_path(frames_path, "cue_frames.tsv"))
        self.lexicon = load_lexicon(str(_data_path(cues_path, "cues.tsv")), frames)
        self.min_frame_precision = min_frame_precision
        self.cue_lemmas = string_ids(self.lexicon.verb_lemmas)
        self.accusation_terms = load_accusation_terms(
            str(_data_path(accusation_terms_path, "accusation_terms.tsv")))
        self.affiliation_terms = load_affiliation_terms(str(_data_path(affiliation_terms_path, "affiliation_terms.tsv")))
        self.events = load_events(str(_data_path(events_path, "events.tsv")))
        self.source_nouns = load_source_nouns(str(_data_path(source_nouns_path, "source_nouns.tsv")))
        self.noun_cues = load_noun_cues(str(_data_path(noun_cues_path, "noun_cues.tsv")))
        self.noun_ids = string_ids(self.noun_cues)
        self.furniture = load_furniture(str(_data_path(furniture_path, "furniture.tsv")))
        self.min_precision = min_precision
        self.min_precision_object = min_precision_object
        self.follow_quotes = follow_quotes
        self.follow_paragraphs = True
        self.model = load_attribution_model(model)

    def __call__(self, doc: Doc) -> Doc:
        try:
            return self._extract(doc)
        except Exception as e:  # noqa: BLE001  (one odd document must not stop a long ingest)
            doc.user_data[ERROR_KEY] = f"{type(e).__name__}: {e}"
            return doc

    def _extract(self, doc: Doc) -> Doc:
        text = doc.text  # Doc.text joins every token: read it once
        sentences = Sentences(doc)
        surnames = {e[-1].lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) > 1}
        doc._.attributions = [self.record(doc, text, sentences, surnames, f)
                              for f in self.find(doc, text, sentences)]
        doc._.affiliations = find_affiliations(doc, self.affiliation_terms)
        doc._.meta = document_meta(text)
        return doc

    def candidates(self, doc: Doc, follow: bool = True) -> list[Found]:
        """Every attribution the rules see, before the precision filter (for mining frames and
        training the model)."""
        return self.find(doc, doc.text, Sentences(doc), keep_all=True, follow=follow)

    def find(self, doc: Doc, text: str, sentences: Sentences, keep_all: bool = False,
             follow: bool = True) -> list[Found]:
        """The attributions of ``doc``: every rule candidate, then the trained model's decision
        (when one is loaded) or the rules' precision filter (``keep_all`` skips both)."""
        quotes = quote_spans(text)
        verbs, according = find_cues(doc, self.cue_lemmas)
        found = reported_speech(doc, verbs, self.lexicon)
        clausal = {f.verb.i for f in found if f.verb is not None}
        found += quoted_without_clause(text, [v for v in verbs if v.i not in clausal], self.lexicon, quotes)
        found += according_to(doc, according, self.lexicon)
        found += noun_cues(doc, self.noun_cues, self.noun_ids)
        found = fix_sources(found, self.source_nouns, subject_of, self.lexicon.is_cue)
        found += speaker_labels(text)
        found += dash_signatures(text, quotes)
        if not keep_all and self.model is None:
            found = [f for f in found if self.keep(f)]
        found = _drop_chrome(text, _dedupe(_outside_quotes(found, quotes)))
        found = drop_furniture(found, furniture_lines(text, self.furniture))
        paragraphs = Paragraphs(text)
        for f in found:
            f.content, f.source = paragraphs.clip(f)
            f.content = merge_parts(extend_with_quotes(f.content, quotes, f.cue), text)
            f.content = after_dash(f.content, quotes, f.cue, text)
            if f.kind != "according_to":
                f.kind = quote_kind(f.content, quotes, text)
        if not keep_all and self.model is not None:
            found = self.model.decide(doc, found, self.lexicon, quotes, keep_anyway=self._speech_act)
        if not keep_all:
            found = _unnested_nouns(found)
        if follow:
            self.follow(text, sentences, found, quotes, sorted(f.cue[0] for f in found))
        return sorted(found, key=lambda f: f.cue)

    def follow(self, text: str, sentences: Sentences, found: list[Found], quotes, cue_starts) -> None:
        """“A,” he said. “B.” — content A + B (see _follow_on_quote)."""
        if not self.follow_quotes:
            return
        paragraphs = None
        for f in found:
            if f.kind == "direct":
                f.content = merge_parts(_follow_on_quote(text, sentences, f, quotes, cue_starts,
                                                         self.follow_paragraphs), text)
            elif f.content and f.kind != "according_to":
                # "X said the tax was needed.¶“We have no choice.”": a paragraph that is only a
                # quotation continues the speaker whose statement closed the paragraph before.
                paragraphs = paragraphs or Paragraphs(text)
                end = paragraphs.around(f.cue[0])[1]
                if f.content[-1][1] <= end and _SENTENCE_TAIL.fullmatch(text, f.content[-1][1], end) \
                        and (q := _whole_paragraph_quote(text, quotes, paragraphs, end)) is not None:
                    i = bisect_left(cue_starts, q[0])
                    if not (i < len(cue_starts) and cue_starts[i] < q[1]):
                        f.content = f.content + [q]

    def _speech_act(self, f: Found) -> bool:
        """A verb that is itself a directed speech act (accuse, demand, threaten, reject: a verb
        row of events.tsv) is kept whatever the model says: PolNeAR, which the model learnt
        from, has few of them, and they are the statements the actor graph is made of."""
        return f.verb is not None and self.events.verbs.get(f.cue_lemma, ('',))[0] in _CONFLICT

    def keep(self, f: Found) -> bool:
        """Keep a cue in its frame when that frame's precision on PolNeAR train is high enough;
        for frames the corpus does not show, fall back on the cue word's own precision."""
        rule = f.extra.get("rule", "")
        precision = self.lexicon.frame_precision(f.cue_lemma, rule)
        if precision is not None:
            f.confidence = precision
            # A named subject makes an attribution likelier (PolNeAR train: frames at 0.25-0.35
            # reach 0.43 with a PERSON subject, 0.39 with an ORG).
            if f.verb is not None and (subj := subject_of(f.verb)) is not None and subj.ent_type_ in _NAMED:
                precision += NAMED_SPEAKER_BONUS
            # A cue verb embedded in another clause ("said Trump would claim that") is seldom
            # annotated as an attribution of its own (train: 0.34 for ccomp, 0.38 for xcomp/acl; 0.2 tuned on train).
            if f.verb is not None and f.verb.dep_ in _EMBEDDED:
                precision -= EMBEDDED_PENALTY
            return precision >= self.min_frame_precision
        if rule in ("according_to", "colon", "dash"):
            return True
        needed = self.min_precision if rule in CLAUSAL_RULES else self.min_precision_object
        return f.confidence >= needed

    def record(self, doc: Doc, text: str, sentences: Sentences, surnames: set[str],
               f: Found) -> Attribution:
        targets, claim_type, event = find_targets(doc, f, self.accusation_terms, self.events)
        speaker_name, speaker_label = _speaker(doc, f, surnames)
        content = f.content_span
        if content and len(f.content) > 1:
            # “A,” X said of Y. “B.”: the words are A … B, never the "X said of Y" between them
            content = CharSpan(content[0], content[1], PART_JOINER.join(text[s:e] for s, e in f.content))
        elif content:
            content = _char(text, content)
        return Attribution(
            cue=_char(text, f.cue), content=content,
            source=_char(text, f.source) if f.source else None, kind=f.kind, claim_type=claim_type,
            cue_lemma=f.cue_lemma, speaker_name=speaker_name, speaker_label=speaker_label,
            targets=targets, sentence=_char(text, sentences.around(f.cue[0])),
            confidence=f.confidence,
            content_parts=[_char(text, p) for p in f.content] if len(f.content) > 1 else [],
            event=event,
        )


class Sentences:
    """Sentence bounds of a Doc, looked up by char offset (Token.sent scans the Doc)."""

    def __init__(self, doc: Doc):
        self.bounds = [(s.start_char, s.end_char) for s in doc.sents]
        self.starts = [b[0] for b in self.bounds]

    def around(self, char: int) -> tuple[int, int]:
        return self.bounds[max(0, bisect_right(self.starts, char) - 1)]


class Paragraphs:
    """Paragraph bounds by char offset. spaCy's sentences sometimes run over a blank line; what a
    parse finds is clipped to the cue's paragraph (a quotation may still carry content across)."""

    def __init__(self, text: str):
        self.bounds = paragraph_bounds(text)
        self.starts = [b[0] for b in self.bounds]

    def around(self, char: int) -> tuple[int, int]:
        return self.bounds[max(0, bisect_right(self.starts, char) - 1)]

    def clip(self, f: Found):
        start, end = self.around(f.cue[0])
        content = [(max(s, start), min(e, end)) for s, e in f.content]
        content = [(s, e) for s, e in content if e > s] or f.content
        source = f.source
        if source is not None and (source[0] < start or source[1] > end):
            clipped = (max(source[0], start), min(source[1], end))
            source = clipped if clipped[1] > clipped[0] else None
        return content, source


def quoted_without_clause(text: str, verbs, lexicon, quotes) -> list[Found]:
    """Cue verbs the parser did not link to a clause, next to a quotation ("“...,” he said")."""
    found = []
    for verb in verbs:
        key, entry, particle = lexicon.entry_for(verb)
        if entry is None:
            continue
        subj = subject_of(verb)
        cue = cue_span(verb, particle)
        anchor = (min(cue[0], subj.left_edge.idx), max(cue[1], subj.right_edge.idx + len(subj.right_edge))) if subj is not None else cue
        quote = adjacent_quote(text, quotes, anchor) or adjacent_quote(text, quotes, cue)
        if quote is None:
            continue
        source = chars(noun_phrase(subj, lexicon.is_cue)) if subj is not None else None
        found.append(Found(cue=cue, source=source, content=[quote], kind="direct", cue_lemma=key,
                           claim_type=entry.claim_type, verb=verb, confidence=round(entry.precision, 3),
                           extra={"rule": "adjacent_quote"}))
    return found


# What may stand between a statement and a quotation that continues it: the end of a sentence.
MAX_FOLLOW = 3
_SENTENCE_TAIL = re.compile(r"[\s,;:.!?”’\"']*")


def _first_char(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _follow_on_quote(text: str, sentences: Sentences, f: Found, quotes, cue_starts,
                     across_paragraphs: bool, max_quotes: int = MAX_FOLLOW) -> list[tuple[int, int]]:
    """“A,” he said. “B.” — PolNeAR's content is A and B: take the quotations that open the next
    sentences (and paragraphs) as long as their sentences hold no cue of their own."""
    content = list(f.content)
    if not content:
        return content
    sent_end = sentences.around(f.cue[0])[1]
    if content[-1][1] > sent_end:
        return content
    # The sentence splitter may leave the next quotation's opening mark in this sentence.
    pos = max(f.cue[1], content[-1][1], f.source[1] if f.source else 0)
    if not _SENTENCE_TAIL.fullmatch(text, pos, _first_char(text, sent_end)):
        pos = sent_end
    for _ in range(max_quotes):
        nxt = next((q for q in quotes if q[0] >= pos), None)
        if nxt is None or not _SENTENCE_TAIL.fullmatch(text, pos, nxt[0]):
            break
        if not across_paragraphs and "\n" in text[pos : nxt[0]]:
            break
        sent_end = max(nxt[1], sentences.around(nxt[1] - 1)[1])
        i = bisect_left(cue_starts, nxt[0])
        if i < len(cue_starts) and cue_starts[i] < sent_end:
            break  # “B,” she added. — B is her next statement
        content.append(nxt)
        pos = sent_end
    return content


def _unnested_nouns(found: list[Found]) -> list[Found]:
    """A noun cue inside another statement's content ("slamming Russia's insistence on ...") is
    part of what that statement says, not a statement of its own."""
    spans = [(f.content[0][0], f.content[-1][1]) for f in found if f.content and f.extra.get("rule") != "noun"]
    return [f for f in found if f.extra.get("rule") != "noun" or not any(s <= f.cue[0] < e for s, e in spans)]


def _whole_paragraph_quote(text: str, quotes, paragraphs: Paragraphs, after: int) -> tuple[int, int] | None:
    """The quotation that fills the paragraph after char ``after``, if that paragraph is one."""
    i = bisect_right(paragraphs.starts, after)
    if i >= len(paragraphs.bounds):
        return None
    ps, pe = paragraphs.bounds[i]
    q = next((q for q in quotes if q[0] >= ps), None)
    if q is None or q[0] != _first_char(text, ps) or text[q[1]:pe].strip(" \t\u00a0.,"):
        return None
    return q


def _outside_quotes(found: list[Found], quotes: list[tuple[int, int]]) -> list[Found]:
    """Speech reported inside a quotation ("“I think he lied,” she said") is the quoted speaker's
    words, not a statement of its own (PolNeAR annotates 30 of 19,833 cues there)."""
    starts = [q[0] for q in quotes]
    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and quotes[i][0] < pos < quotes[i][1]
    return [f for f in found if not inside(f.cue[0])]


# PLOVER's verbal conflict families: the statements the accusation graph is drawn from
_CONFLICT = frozenset({"DEMAND", "DISAPPROVE", "REJECT", "THREATEN"})
_DEDUPE_ORDER = {"according_to": 0, "colon": 2}


def _dedupe(found: list[Found]) -> list[Found]:
    out, seen = [], set()
    # "According to" before the verb "accord" the tagger may see in it; speaker labels last
    for f in sorted(found, key=lambda f: _DEDUPE_ORDER.get(f.extra.get("rule"), 1)):
        if f.cue in seen or any(f.cue[0] < s[1] and s[0] < f.cue[1] for s in seen):
            continue
        seen.add(f.cue)
        out.append(f)
    return out


def _drop_chrome(text: str, found: list[Found]) -> list[Found]:
    """Drop anything read inside a "(Source: X)" line: it names the publisher, not a speaker."""
    line = source_line(text)
    if line is None:
        return found
    return [f for f in found if not (line[0] - 10 <= f.cue[0] < line[1] + 1)]


def _char(text: str, span: tuple[int, int]) -> CharSpan:
    return CharSpan(span[0], span[1], text[span[0] : span[1]])


def _speaker(doc: Doc, f: Found, surnames: set[str]) -> tuple[str | None, str | None]:
    """(name, NER label) of the source when the source itself names it. A one-word name that the
    tagger calls a place but the document elsewhere gives as a person's surname ("Yasser Farhan
    ... Farhan accused") is that person."""
    if f.source is None:
        return None, None
    span = doc.char_span(*f.source, alignment_mode="expand")
    if span is None or not len(span):
        return None, None
    root = span.root
    if root.lower_ in _RELATIVE and root.head.dep_ == "relcl":
        root = root.head.head  # "Trump, who said" -> Trump
    elif root.lower_ in _PRONOUN_LABELS:
        return None, _PRONOUN_LABELS[root.lower_]
    ent = entity_at(root)
    if ent is not None and ent.label_ in _SPEAKER_LABELS:
        if len(ent) == 1 and ent.label_ != "PERSON" and ent.text.lower() in surnames:
            return ent.text, "PERSON"
        return ent.text, ent.label_
    # "Member of the Coalition's political committee Yasser Farhan": the appositive names him.
    for child in root.children:
        if child.dep_ == "appos":
            ent = entity_at(child)
            if ent is not None and ent.label_ in _SPEAKER_LABELS:
                return ent.text, ent.label_
    # "Ana Ruiz, head of the union" parsed with "head" as the root: the person the phrase opens
    # with is the speaker, not the organisation in the role.
    first = span[0]
    if first.ent_iob_ == "B" and first.ent_type_ == "PERSON":
        ent = entity_at(first)
        return ent.text, ent.label_
    # A name the tagger missed ("said Ana Ruiz, head of the union"): the proper nouns at the root.
    if root.pos_ == "PROPN" and root.dep_ != "poss":
        left = root.i
        while left > span.start and doc[left - 1].pos_ == "PROPN" and doc[left - 1].dep_ == "compound":
            left -= 1
        if root.i > left:  # two words at least: a lone capitalised word is too often not a name
            return doc[left : root.i + 1].text, None
    return None, None
