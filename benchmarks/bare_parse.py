"""The baseline for ingest throughput: the bare spaCy model's nlp.pipe over the same texts.

    python benchmarks/bare_parse.py DIR [--workers N] [--kb]

Reads every file of DIR as kb ingest reads a .txt (UTF-8, newline=""), pipes the texts with the
batch size kb.pipeline uses, and prints one JSON line: docs, words, seconds (parsing only).
``--kb`` runs kb's full pipeline (parse + attribution extraction) instead of the bare model.
"""

from __future__ import annotations

import argparse
import inspect
import json
import time
from pathlib import Path

from kb import pipeline
from kb.nlp import load_base_model, load_nlp

BATCH_SIZE = inspect.signature(pipeline.process).parameters["batch_size"].default


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--kb", action="store_true", help="kb's pipeline (parse + extraction)")
    args = ap.parse_args()
    nlp = load_nlp() if args.kb else load_base_model()
    texts = []
    for path in sorted(args.corpus.iterdir()):
        with open(path, encoding="utf-8", newline="") as f:
            texts.append(f.read())
    kwargs = {"n_process": args.workers} if args.workers > 1 else {}
    t0 = time.perf_counter()
    n = 0
    for _ in nlp.pipe(texts, batch_size=BATCH_SIZE, **kwargs):
        n += 1
    seconds = time.perf_counter() - t0
    words = sum(len(t.split()) for t in texts)
    print(json.dumps({"docs": n, "words": words, "seconds": seconds}))


if __name__ == "__main__":
    main()
