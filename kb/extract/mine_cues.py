"""Mine the cue lexicon (data/cues.tsv) from a brat corpus annotated with Cue spans (PolNeAR).

    python -m kb.extract.mine_cues ../shared/data/polnear/train [--out data/cues.tsv]

For each cue lemma (or "lemma particle", e.g. "call for") it counts how often the annotators
marked it as a cue and how often it occurs as a verb at all; that ratio is the cue's precision,
which the extractor uses to drop cues that are rarely attributions ("see", "make"). Claim types
come from data/claim_types.tsv (default: assertion).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from kb.config import DATA_DIR

_TEXTBOUND = re.compile(r"^T\d+\tCue ([\d ;]+)\t", re.M)
# Cue phrases made of a verb and a particle or preposition that the annotators include in the cue.
PARTICLES = {"for", "on", "upon", "of", "about", "against", "out", "to", "up", "at", "back"}


def cue_spans(ann_text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _TEXTBOUND.finditer(ann_text):
        parts = [tuple(map(int, p.split())) for p in m.group(1).split(";")]
        spans.append((parts[0][0], parts[-1][1]))
    return spans


def cue_key(token, particles_in: set[int] | None = None) -> str:
    """The lexicon key of a cue verb: its lemma, plus a particle child when given."""
    lemma = token.lemma_.lower()
    for child in token.rights:
        if child.dep_ in ("prt", "prep") and child.lower_ in PARTICLES:
            if particles_in is None or child.i in particles_in:
                return f"{lemma} {child.lower_}"
    return lemma


def read_claim_types(path: Path) -> dict[str, str]:
    types = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cue, claim_type = line.split("\t")
            types[cue] = claim_type
    return types


def mine(corpus: Path, nlp) -> tuple[Counter, Counter]:
    """(times annotated as a cue, times seen) per cue key."""
    texts, golds = [], []
    for txt in sorted((corpus / "text").glob("*.txt")):
        anns = sorted((corpus / "attributions").glob(f"{txt.stem}_*.ann"))
        if anns:
            texts.append(txt.read_text(encoding="utf-8"))
            golds.append(cue_spans(anns[0].read_text(encoding="utf-8")))
    return count_cues(nlp.pipe(texts, batch_size=20), golds)


def count_cues(docs, golds) -> tuple[Counter, Counter]:
    annotated, seen = Counter(), Counter()
    for doc, spans in zip(docs, golds):
        cue_chars = {(s, e) for s, e in spans}
        for s, e in cue_chars:
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is None:
                continue
            if span.text.lower() == "according to":
                annotated["according to"] += 1
                continue
            verbs = [t for t in span if t.pos_ == "VERB"] or [t for t in span if t.pos_ == "AUX"]
            if verbs:
                head = verbs[-1]
                annotated[cue_key(head, {t.i for t in span})] += 1
        for token in doc:
            if token.pos_ == "VERB":
                seen[cue_key(token)] += 1
                if cue_key(token) != token.lemma_.lower():
                    seen[token.lemma_.lower()] += 1
            elif token.lower_ == "according" and token.nbor(1).lower_ == "to":
                seen["according to"] += 1
    return annotated, seen


def write_lexicon(annotated: Counter, seen: Counter, claim_types: dict[str, str], out: Path,
                  min_count: int = 2) -> int:
    rows = []
    for key, n in annotated.most_common():
        if n < min_count and key not in claim_types:
            continue
        rows.append(_row(key, n, seen[key], claim_types))
    for key in claim_types:  # curated cues the corpus lacks, or has too rarely to mine
        if annotated[key] < min_count and key not in annotated:
            rows.append(_row(key, 0, seen[key], claim_types))
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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--out", type=Path, default=DATA_DIR / "cues.tsv")
    parser.add_argument("--claim-types", type=Path, default=DATA_DIR / "claim_types.tsv")
    args = parser.parse_args(argv)
    from kb.nlp import load_base_model

    annotated, seen = mine(args.corpus, load_base_model())
    n = write_lexicon(annotated, seen, read_claim_types(args.claim_types), args.out)
    print(f"wrote {n} cues to {args.out}")


if __name__ == "__main__":
    main()
