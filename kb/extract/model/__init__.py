"""The trained half of attribution extraction: it works on the rules' candidates.

The rules (kb.extract.reported, quotes, according, colon, ...) propose every attribution they
can see, with no precision filter. The model then

1. keeps or drops each candidate: a logistic regression over the candidate's frame, cue word,
   subject, content shape and the cue token's tok2vec vector, Platt-calibrated on held-out folds
   of the training set, so its probability is the statement's ``confidence``;
2. moves the edges of a parsed (indirect) content: a start scorer and an end scorer pick the
   best token near the rule's edge ("that", "And", "However," and trailing "in an email" are
   where the rules and PolNeAR's annotators disagree most).

Weights live in a folder (``weights.npz`` + ``model.json``); the package ships one trained on
PolNeAR train (kb/extract/model/polnear/, rebuilt by ``make train``). See docs/extraction.md.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

from kb.extract.model.features import boundary_features, candidate_features
from kb.extract.model.linear import Linear, hashed
from kb.extract.spans import Found

SHIPPED = Path(__file__).resolve().parent / "polnear"
WINDOW = 6  # tokens either side of the rule's edge a boundary may move to
REFINED_KINDS = ("indirect",)


@dataclass
class AttributionModel:
    keep: Linear
    start: Linear | None
    end: Linear | None
    threshold: float = 0.5
    meta: dict = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.meta.get("version", "model")

    # -- the decision ---------------------------------------------------------------------------

    def candidate_proba(self, doc: Doc, found: list[Found], lexicon) -> np.ndarray:
        if not found:
            return np.zeros(0)
        ids, rows = [], []
        n = self.keep.n_buckets
        for f in found:
            feats, tok = candidate_features(doc, f, *_precisions(lexicon, f))
            ids.append(hashed(feats, n))
            rows.append(tok)
        return self.keep.proba(ids, _dense(doc, rows, len(self.keep.dense)))

    def decide(self, doc: Doc, found: list[Found], lexicon, quotes,
               keep_anyway=lambda f: False) -> list[Found]:
        """The candidates the model keeps, with calibrated confidence and refined content;
        ``keep_anyway(f)``: candidates the caller keeps whatever the model says."""
        p = self.candidate_proba(doc, found, lexicon)
        kept = []
        for f, prob in zip(found, p):
            if prob >= self.threshold or f.extra.get("rule") in self.meta.get("always_keep", ()) \
                    or keep_anyway(f):
                f.confidence = round(float(prob), 3)
                kept.append(f)
        if self.start is not None and self.end is not None:
            inside = _inside(quotes)
            for f in kept:
                self.refine(doc, f, inside)
        return kept

    # -- boundaries -----------------------------------------------------------------------------

    def refine(self, doc: Doc, f: Found, in_quote) -> None:
        pos = boundary_positions(doc, f)
        if pos is None:
            return
        starts, ends, rule_start, rule_end, cue_i = pos
        rule = f.extra.get("rule", "")
        s = self._best(doc, starts, "start", rule_start, cue_i, rule, in_quote, self.start)
        e = self._best(doc, [t for t in ends if t.i >= s.i], "end", rule_end, cue_i, rule, in_quote, self.end)
        if e is not None:
            f.content = [(s.idx, e.idx + len(e))]

    def _best(self, doc, tokens, side, rule_tok, cue_i, rule, in_quote, model):
        if not tokens:
            return None
        ids = [hashed(boundary_features(doc, t, side, rule_tok, cue_i, rule, in_quote), model.n_buckets) for t in tokens]
        scores = model.score(ids, _dense(doc, [t.i for t in tokens], len(model.dense)))
        return tokens[int(np.argmax(scores))]

    # -- files ----------------------------------------------------------------------------------

    def save(self, path: Path | str) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        arrays = self.keep.to_arrays("keep")
        if self.start is not None and self.end is not None:
            arrays |= self.start.to_arrays("start") | self.end.to_arrays("end")
        np.savez_compressed(path / "weights.npz", **arrays)
        meta = dict(self.meta, threshold=self.threshold)
        (path / "model.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | str) -> AttributionModel:
        path = Path(path)
        if not (path / "weights.npz").is_file() or not (path / "model.json").is_file():
            raise FileNotFoundError(f"{path}: not an attribution model (expected weights.npz and model.json)")
        meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
        with np.load(path / "weights.npz") as arrays:
            keep = Linear.from_arrays(arrays, "keep")
            start = Linear.from_arrays(arrays, "start") if "start.sparse" in arrays else None
            end = Linear.from_arrays(arrays, "end") if "end.sparse" in arrays else None
        return cls(keep, start, end, float(meta.get("threshold", 0.5)), meta)


@lru_cache(maxsize=4)
def load_model(path: str) -> AttributionModel:
    return AttributionModel.load(path)


def _precisions(lexicon, f: Found) -> tuple[float | None, float]:
    entry = lexicon.get(f.cue_lemma) if f.cue_lemma else None
    return lexicon.frame_precision(f.cue_lemma, f.extra.get("rule", "")), entry.precision if entry else 0.0


def _dense(doc: Doc, rows: list[int], width: int) -> np.ndarray:
    if not width:
        return np.zeros((len(rows), 0))
    tensor = doc.tensor
    out = np.zeros((len(rows), width))
    if tensor is None or not len(tensor) or tensor.shape[-1] != width:
        return out
    for k, i in enumerate(rows):
        if i >= 0:
            out[k] = tensor[i]
    return out


def _inside(quotes: list[tuple[int, int]]):
    starts = [q[0] for q in quotes]

    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and quotes[i][0] <= pos < quotes[i][1]

    return inside


def boundary_positions(doc: Doc, f: Found):
    """(start candidates, end candidates, rule start token, rule end token, cue token) for a
    one-piece parsed content, or None when its edges are the rules' to keep (quotations)."""
    if f.kind not in REFINED_KINDS or len(f.content) != 1 or f.extra.get("rule") == "colon":
        return None
    span = doc.char_span(*f.content[0], alignment_mode="expand")
    cue = doc.char_span(*f.cue, alignment_mode="expand")
    if span is None or not len(span) or cue is None or not len(cue):
        return None
    first, last = span[0], span[-1]
    before_cue = last.i < cue.start
    lo_s = max(first.sent.start, first.i - WINDOW)
    hi_e = min(last.sent.end - 1, last.i + WINDOW)
    if before_cue:
        hi_e = min(hi_e, cue.start - 1)
    elif first.i >= cue.end:
        lo_s = max(lo_s, cue.end)

    def ok(t: Token) -> bool:
        return not (t.is_punct or t.is_space) and not (cue.start <= t.i < cue.end)

    starts = [doc[i] for i in range(lo_s, min(first.i + WINDOW, last.i) + 1) if ok(doc[i])]
    ends = [doc[i] for i in range(max(last.i - WINDOW, first.i), hi_e + 1) if ok(doc[i])]
    if not starts or not ends:
        return None
    return starts, ends, first.i, last.i, cue.start
