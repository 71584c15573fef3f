"""Mine the cue lexicon from a brat corpus annotated with attributions (PolNeAR train).

    python -m kb.extract.mine_cues ../shared/data/polnear/train

Writes two data files:

- ``data/cues.tsv``: per cue lemma (or "lemma particle", e.g. "call for"), how often the
  annotators marked it as a cue, how often it occurs as a verb at all, and the (smoothed) ratio,
  the cue's precision. Claim types come from data/claim_types.tsv (default: assertion).
- ``data/cue_frames.tsv``: per cue and frame (the rule that found it: ccomp, object, xcomp, ...),
  how often the extractor's attribution there matches a gold one. "found that ..." is an
  attribution, "found the keys" is not; the extractor keeps a cue in a frame by this precision.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from kb.config import DATA_DIR

# Particles or prepositions that annotators include in a cue ("called for", "pointed out").
PARTICLES = {"for", "on", "upon", "of", "about", "against", "out", "to", "up", "at", "back"}


def cue_key(token, particles_in: set[int] | None = None) -> str:
    """The lexicon key of a cue verb: its lemma, plus a particle child when given."""
    lemma = token.lemma_.lower()
    for child in token.rights:
        if (child.dep_ in ("prt", "prep") and child.lower_ in PARTICLES
                and (particles_in is None or child.i in particles_in)):
            return f"{lemma} {child.lower_}"
    return lemma


def read_claim_types(path: Path) -> dict[str, str]:
    types = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cue, claim_type = line.split("\t")
            types[cue] = claim_type
    return types


def count_cues(docs, golds) -> tuple[Counter, Counter]:
    """(times annotated as a cue, times seen) per cue key; ``golds`` are lists of cue char spans."""
    annotated, seen = Counter(), Counter()
    for doc, spans in zip(docs, golds):
        for s, e in set(spans):
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is None:
                continue
            if span.text.lower() == "according to":
                annotated["according to"] += 1
                continue
            verbs = [t for t in span if t.pos_ == "VERB"] or [t for t in span if t.pos_ == "AUX"]
            if verbs:
                annotated[cue_key(verbs[-1], {t.i for t in span})] += 1
        for token in doc:
            if token.pos_ == "VERB":
                key = cue_key(token)
                seen[key] += 1
                if key != token.lemma_.lower():
                    seen[token.lemma_.lower()] += 1
            elif token.lower_ == "according" and token.i + 1 < len(doc) and token.nbor(1).lower_ == "to":
                seen["according to"] += 1
    return annotated, seen


def write_lexicon(annotated: Counter, seen: Counter, claim_types: dict[str, str], out: Path,
                  min_count: int = 2) -> int:
    rows = [_row(k, n, seen[k], claim_types) for k, n in annotated.most_common()
            if n >= min_count or k in claim_types]
    rows += [_row(k, 0, seen[k], claim_types) for k in claim_types if k not in annotated]
    header = (
        "# Cue lexicon mined by kb/extract/mine_cues.py from PolNeAR train; claim types from\n"
        "# data/claim_types.tsv. precision = (annotated + 1) / (seen as a verb + 2).\n"
        "cue\tclaim_type\tannotated\tseen\tprecision\n"
    )
    out.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


def _row(key: str, annotated: int, seen: int, claim_types: dict[str, str]) -> str:
    claim_type = claim_types.get(key) or claim_types.get(key.split()[0], "assertion")
    seen = max(seen, annotated)
    # Laplace-smoothed, so a curated cue the corpus never shows gets 0.5, not 0 or 1.
    precision = (annotated + 1) / (seen + 2)
    return f"{key}\t{claim_type}\t{annotated}\t{seen}\t{precision:.3f}"


def count_frames(docs, golds, extractor) -> tuple[Counter, Counter]:
    """(matched, found) per (cue, frame) for an extractor run without any precision filter;
    a match is scored as kb.evaluate scores attributions (cue overlap, 30% of the content)."""
    from kb.evaluate import Candidate, match_attributions, trim
    from kb.evaluate import Span as EvalSpan

    matched, found = Counter(), Counter()
    for doc, (text, gold) in zip(docs, golds):
        candidates = extractor.candidates(doc)
        preds = [Candidate(str(i), cue=trim(EvalSpan.of([f.cue]), text),
                           content=trim(EvalSpan.of(f.content), text)) for i, f in enumerate(candidates)]
        gold = [Candidate(g.id, cue=trim(g.cue, text), content=trim(g.content, text)) for g in gold]
        hits = {i for i, _ in match_attributions(gold, preds)}
        for i, f in enumerate(candidates):
            key = (f.cue_lemma, f.extra.get("rule", ""))
            found[key] += 1
            matched[key] += i in hits
    return matched, found


def write_frames(matched: Counter, found: Counter, out: Path, min_found: int = 5) -> int:
    rows = [f"{cue}\t{frame}\t{matched[(cue, frame)]}\t{n}\t{(matched[(cue, frame)] + 1) / (n + 2):.3f}"
            for (cue, frame), n in sorted(found.items()) if n >= min_found]
    header = (
        "# Precision of a cue in a frame, mined by kb/extract/mine_cues.py from PolNeAR train:\n"
        "# (matched + 1) / (found + 2), where found counts the extractor's attributions with this\n"
        "# cue and frame and matched those that match a gold attribution.\n"
        "cue\tframe\tmatched\tfound\tprecision\n"
    )
    out.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    from kb.evaluate import load_gold_dir
    from kb.extract.component import AttributionExtractor
    from kb.nlp import load_base_model

    nlp = load_base_model()
    gold = load_gold_dir(args.corpus)
    docs = list(nlp.pipe((g.text for g in gold), batch_size=20))
    cue_spans = [[a.cue.hull for a in g.attributions if a.cue] for g in gold]
    annotated, seen = count_cues(docs, cue_spans)
    claim_types = read_claim_types(args.data_dir / "claim_types.tsv")
    n = write_lexicon(annotated, seen, claim_types, args.data_dir / "cues.tsv")
    print(f"wrote {n} cues to {args.data_dir / 'cues.tsv'}")
    extractor = AttributionExtractor(nlp, cues_path=str(args.data_dir / "cues.tsv"), frames_path="-")
    matched, found = count_frames(docs, [(g.text, g.attributions) for g in gold], extractor)
    n = write_frames(matched, found, args.data_dir / "cue_frames.tsv")
    print(f"wrote {n} cue frames to {args.data_dir / 'cue_frames.tsv'}")


if __name__ == "__main__":
    main()
