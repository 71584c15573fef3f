"""Features for the attribution model: small pure functions over a parsed Doc.

Each returns string features (hashed by kb.extract.model.linear) and the index of the token
whose tok2vec vector (``doc.tensor``, computed by the sm pipeline anyway) is the dense part.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from kb.extract.reported import subject_of
from kb.extract.spans import Found

_QUOTES = set("“”\"«»„") | {"''", "``"}


def _bucket(x: float, edges=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)) -> str:
    return str(sum(x >= e for e in edges))


def _len_bucket(n: int) -> str:
    return str(min(n, 3) if n < 4 else 4 + (n >= 8) + (n >= 16) + (n >= 32) + (n >= 64))


def _word(t: Token) -> str:
    return t.lower_ if t.is_stop or t.is_punct or t.like_num else t.shape_ if t.pos_ == "PROPN" else t.lemma_.lower()


def cue_token(doc: Doc, f: Found) -> Token | None:
    if f.verb is not None:
        return f.verb
    span = doc.char_span(f.cue[0], f.cue[1], alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def candidate_features(doc: Doc, f: Found, frame_precision: float | None, word_precision: float) -> tuple[list[str], int]:
    rule = f.extra.get("rule", "")
    lemma = f.cue_lemma or ""
    out = [f"rule={rule}", f"kind={f.kind}", f"lemma={lemma}", f"rule|lemma={rule}|{lemma}",
           f"rule|kind={rule}|{f.kind}", f"src={f.source is not None}", f"parts={min(len(f.content), 3)}",
           f"wprec={_bucket(word_precision)}", f"rule|wprec={rule}|{_bucket(word_precision)}"]
    if frame_precision is not None:
        out += [f"fprec={_bucket(frame_precision)}", f"rule|fprec={rule}|{_bucket(frame_precision)}"]
    else:
        out.append("fprec=none")
    tok = cue_token(doc, f)
    if tok is None:
        return out, -1
    out += [f"dep={tok.dep_}", f"tag={tok.tag_}", f"head={tok.head.pos_}", f"rule|dep={rule}|{tok.dep_}",
            f"prev={_word(doc[tok.i - 1]) if tok.i else '<s>'}",
            f"next={_word(doc[tok.i + 1]) if tok.i + 1 < len(doc) else '</s>'}",
            f"neg={any(c.dep_ == 'neg' for c in tok.children)}"]
    sent = tok.sent
    out.append(f"sentpos={_bucket((tok.i - sent.start) / max(1, len(sent)), (0.2, 0.5, 0.8))}")
    subj = subject_of(tok) if f.verb is not None else None
    if subj is not None:
        ent = subj.ent_type_ or "-"
        out += [f"subj.ent={ent}", f"subj.pos={subj.pos_}", f"subj.dep={subj.dep_}",
                f"subj.word={_word(subj)}", f"lemma|subj.ent={lemma}|{ent}", f"rule|subj.ent={rule}|{ent}"]
    else:
        out.append("subj=none")
    if f.content:
        start, end = f.content[0][0], f.content[-1][1]
        span = doc.char_span(start, end, alignment_mode="expand")
        n = len(span) if span is not None else 0
        out += [f"clen={_len_bucket(n)}", f"rule|clen={rule}|{_len_bucket(n)}",
                f"cside={'before' if end <= f.cue[0] else 'after' if start >= f.cue[1] else 'around'}"]
        if span is not None and n:
            out += [f"cfirst={_word(span[0])}", f"clast={_word(span[-1])}",
                    f"cverb={any(t.pos_ in ('VERB', 'AUX') for t in span)}"]
    return out, tok.i


# -- boundaries -----------------------------------------------------------------------------

def boundary_features(doc: Doc, t: Token, side: str, rule_tok: int, cue_i: int, rule: str, in_quote) -> list[str]:
    """Features of token ``t`` as the first (side "start") or last ("end") token of a content."""
    off = t.i - rule_tok
    prev = doc[t.i - 1] if t.i else None
    nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
    out = [f"{side}.off={max(-6, min(6, off))}", f"{side}.w={_word(t)}", f"{side}.pos={t.pos_}",
           f"{side}.dep={t.dep_}", f"{side}.hdep={t.head.dep_}", f"{side}.rule={rule}",
           f"{side}.rule|off={rule}|{max(-3, min(3, off))}",
           f"{side}.cue={'before' if t.i < cue_i else 'after'}",
           f"{side}.prev={_word(prev) if prev is not None else '<s>'}",
           f"{side}.next={_word(nxt) if nxt is not None else '</s>'}",
           f"{side}.prevpos={prev.pos_ if prev is not None else '<s>'}",
           f"{side}.nextpos={nxt.pos_ if nxt is not None else '</s>'}",
           f"{side}.quote={in_quote(t.idx)}", f"{side}.sentstart={t.is_sent_start}",
           f"{side}.w|dep={_word(t)}|{t.dep_}", f"{side}.headcue={t.head.i == cue_i}"]
    if side == "end" and nxt is not None:
        out.append(f"end.next|nextdep={_word(nxt)}|{nxt.dep_}")
    return out
