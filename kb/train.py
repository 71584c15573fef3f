"""Training the attribution model (kb.extract.model) on PolNeAR-style gold folders.

    kb train ../shared/data/polnear/train -o my-model       # or: make train

Gold folders are parsed once with the bare spaCy pipeline and cached as a DocBin (plus the
tok2vec tensors, which a DocBin does not keep) under ``KB_CACHE_DIR`` (default ~/.cache/kb).
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kb.evaluate.polnear import GoldDocument, load_gold_dir


def cache_dir() -> Path:
    return Path(os.environ.get("KB_CACHE_DIR") or Path.home() / ".cache" / "kb")


def _key(docs: list[GoldDocument], model_name: str) -> str:
    h = hashlib.sha1(model_name.encode())
    for d in docs:
        h.update(d.name.encode())
        h.update(hashlib.sha1(d.text.encode()).digest())
    return h.hexdigest()[:16]


def parsed(gold: list[GoldDocument], nlp, log=sys.stderr.write):
    """The gold texts parsed by ``nlp``'s spaCy stages (kb components off), from the cache when
    the same texts were parsed before by the same model."""
    from spacy.tokens import DocBin

    base = [n for n in nlp.pipe_names if not n.startswith("kb_")]
    key = _key(gold, f"{nlp.meta.get('name')}-{nlp.meta.get('version')}")
    path = cache_dir() / f"parsed-{key}.spacy"
    tpath = path.with_suffix(".tensors.npz")
    if path.exists() and tpath.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        tensors = np.load(tpath)
        for i, doc in enumerate(docs):
            doc.tensor = tensors[str(i)].astype(np.float32)
        return docs
    log(f"parsing {len(gold)} texts (cached at {path})\n")
    docs, bin_ = [], DocBin(store_user_data=False)
    with nlp.select_pipes(enable=base):
        for i, doc in enumerate(nlp.pipe((g.text for g in gold), batch_size=16)):
            docs.append(doc)
            bin_.add(doc)
            if (i + 1) % 100 == 0:
                log(f"  {i + 1}/{len(gold)}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    bin_.to_disk(path)
    np.savez(tpath, **{str(i): d.tensor.astype(np.float16) for i, d in enumerate(docs)})
    return docs


CONFIG = Path(__file__).resolve().parent / "extract" / "model" / "train.cfg"


def load_config(path: Path | str | None = None) -> dict:
    from confection import Config

    return dict(Config().from_disk(path or CONFIG))


@dataclass
class Examples:
    """Training rows: candidates (keep or not) and boundary tokens (the gold edge or not)."""

    keep: list = field(default_factory=list)  # (hashed ids, dense row, label, doc index)
    start: list = field(default_factory=list)
    end: list = field(default_factory=list)


def collect(gold: list[GoldDocument], docs, extractor, n_buckets: int, dense: bool) -> Examples:
    """Label every rule candidate of every document by the scorer's own matching."""
    from kb.evaluate.polnear import Candidate, Span, match_attributions
    from kb.evaluate.polnear import _trimmed as trimmed
    from kb.extract.component import Sentences
    from kb.extract.model import _dense, _inside, _precisions, boundary_positions
    from kb.extract.model.features import boundary_features, candidate_features
    from kb.extract.model.linear import hashed
    from kb.extract.quotes import quote_spans

    ex = Examples()
    for k, (g, doc) in enumerate(zip(gold, docs)):
        text = doc.text
        found = extractor.candidates(doc, follow=False)
        quotes = quote_spans(text)
        # The content as it will be scored: direct quotes grow by the quotations that follow,
        # stopping at the cues the rules keep (the model keeps about as many).
        kept_starts = sorted(f.cue[0] for f in found if extractor.keep(f))
        final = [list(f.content) for f in found]
        if extractor.follow_quotes:
            from kb.extract.component import _follow_on_quote
            from kb.extract.spans import merge_parts

            sentences = Sentences(doc)
            final = [merge_parts(_follow_on_quote(text, sentences, f, quotes, kept_starts, True), text)
                     if f.kind == "direct" else list(f.content) for f in found]
        preds = [Candidate(str(i), cue=Span.of([f.cue]), source=Span.of([f.source]) if f.source else None,
                           content=Span.of([(c[0][0], c[-1][1])]) if c else None)
                 for i, (f, c) in enumerate(zip(found, final))]
        gold_t, pred_t = trimmed(g.attributions, text), trimmed(preds, text)
        pairs = dict(match_attributions(gold_t, pred_t))
        rows, ids = [], []
        for f in found:
            feats, tok = candidate_features(doc, f, *_precisions(extractor.lexicon, f))
            ids.append(hashed(feats, n_buckets))
            rows.append(tok)
        dense_rows = _dense(doc, rows, doc.tensor.shape[-1] if dense else 0)
        for i, f in enumerate(found):
            ex.keep.append((ids[i], dense_rows[i], float(i in pairs), k))
        inside = _inside(quotes)
        for i, j in pairs.items():
            f, gc = found[i], gold_t[j].content
            pos = boundary_positions(doc, f)
            if pos is None or gc is None:
                continue
            starts, ends, rule_start, rule_end, cue_i = pos
            rule = f.extra.get("rule", "")
            for side, toks, rule_tok, edge, out in (("start", starts, rule_start, gc.start, ex.start),
                                                    ("end", ends, rule_end, gc.end, ex.end)):
                hit = [t.idx == edge if side == "start" else t.idx + len(t) == edge for t in toks]
                if not any(hit):
                    continue  # the gold edge is out of reach: nothing to learn here
                d = _dense(doc, [t.i for t in toks], doc.tensor.shape[-1] if dense else 0)
                for t, h, row in zip(toks, hit, d):
                    out.append((hashed(boundary_features(doc, t, side, rule_tok, cue_i, rule, inside), n_buckets),
                                row, float(h), k))
    return ex


def _fit(rows, cfg: dict, n_buckets: int):
    from kb.extract.model.linear import fit

    ids = [r[0] for r in rows]
    dense = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    return fit(ids, dense, y, n_buckets, l2=cfg["l2"], max_iter=cfg["max_iter"])


def train_model(ex: Examples, config: dict, log=sys.stderr.write):
    """The model from labelled rows: the keep classifier calibrated on held-out folds (split by
    document), then refitted on everything; the two boundary scorers."""
    from kb.extract.model import AttributionModel
    from kb.extract.model.linear import platt

    cfg, decide = config["train"], config["decide"]
    n = cfg["buckets"]
    if not ex.keep:
        raise ValueError("no candidates to learn from: the gold folders hold no text the rules find anything in")
    docs = sorted({r[3] for r in ex.keep})
    folds = min(cfg["folds"], len(docs))
    rng = np.random.default_rng(cfg["seed"])
    fold_of = dict(zip(docs, rng.permutation(len(docs)) % max(folds, 1)))
    scores = np.zeros(len(ex.keep))
    for fold in range(folds if folds > 1 else 0):  # one document: no held-out scores, no calibration
        held = np.array([fold_of[r[3]] == fold for r in ex.keep])
        model = _fit([r for r, h in zip(ex.keep, held) if not h], cfg, n)
        rows = [r for r, h in zip(ex.keep, held) if h]
        scores[held] = model.score([r[0] for r in rows], np.array([r[1] for r in rows]))
        log(f"  fold {fold + 1}/{folds}\n")
    y = np.array([r[2] for r in ex.keep])
    a, b = platt(scores, y) if folds > 1 and 0 < y.sum() < len(y) else (1.0, 0.0)
    keep = _fit(ex.keep, cfg, n)
    keep.a, keep.b = a, b
    log(f"  keep: {len(ex.keep)} candidates ({int(y.sum())} right), Platt a={a:.3f} b={b:.3f}\n")
    start = _fit(ex.start, cfg, n) if ex.start else None
    end = _fit(ex.end, cfg, n) if ex.end else None
    log(f"  boundaries: {len(ex.start)} start and {len(ex.end)} end tokens\n")
    meta = {"version": config.get("version", "polnear-1"), "always_keep": list(decide.get("always_keep", [])),
            "train": cfg, "examples": {"candidates": len(ex.keep), "start": len(ex.start), "end": len(ex.end)}}
    return AttributionModel(keep, start, end, float(decide["threshold"]), meta)


def train(gold_dirs: list[Path | str], out: Path | str, config_path: Path | str | None = None,
          log=sys.stderr.write):
    """Train on the gold folders and write the model to ``out``; returns the model."""
    from kb.extract.component import AttributionExtractor
    from kb.nlp import load_base_model

    config = load_config(config_path)
    nlp = load_base_model()
    extractor = AttributionExtractor(nlp, model="-")
    gold, docs = [], []
    for d in gold_dirs:
        g = load_gold_dir(d)
        gold += g
        docs += parsed(g, nlp, log)
    log(f"{len(gold)} texts from {len(gold_dirs)} folder(s)\n")
    cfg = config["train"]
    ex = collect(gold, docs, extractor, cfg["buckets"], cfg["dense"])
    model = train_model(ex, config, log)
    model.meta["gold"] = [str(Path(d).name) for d in gold_dirs]
    model.save(out)
    log(f"model written to {out}\n")
    return model


if __name__ == "__main__":  # python -m kb.train GOLD_DIR...: fill the cache
    from kb.nlp import load_base_model

    nlp = load_base_model()
    for d in sys.argv[1:]:
        parsed(load_gold_dir(d), nlp)
