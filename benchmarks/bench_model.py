"""CPU cost of the trained attribution model against the rules alone, on the same parsed texts.

    python benchmarks/bench_model.py [--corpus DIR] [--limit N] [--model DIR]

Parses the texts once with the bare spaCy pipeline (its CPU time is the bulk of `kb ingest`),
then runs the kb_attributions component on copies of the same Docs with the rules alone and with
the model, and prints CPU seconds (process time, so other processes on a shared machine do not
count) and the model's extra cost as a share of parse + extraction.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import POLNEAR_TRAIN  # noqa: E402


def cpu_of(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=POLNEAR_TRAIN)
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--model", default="", help="model folder (default: the shipped one)")
    ap.add_argument("--repeat", type=int, default=3, help="extraction runs each; the fastest is kept")
    args = ap.parse_args()

    from spacy.tokens import DocBin

    import kb.extract.factory  # noqa: F401
    from kb.extract.component import AttributionExtractor
    from kb.nlp import load_base_model

    texts = [p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))[: args.limit]]
    nlp = load_base_model()
    docs: list = []
    parse = cpu_of(lambda: docs.extend(nlp.pipe(texts, batch_size=16)))
    tensors = [d.tensor for d in docs]
    blob = DocBin(docs=docs).to_bytes()

    def fresh():
        out = list(DocBin().from_bytes(blob).get_docs(nlp.vocab))
        for d, t in zip(out, tensors):
            d.tensor = t
        return out

    rules = AttributionExtractor(nlp, model="-")
    model = AttributionExtractor(nlp, model=args.model)
    if model.model is None:
        sys.exit("no attribution model found (train one: make train)")
    timings = {}
    for name, component in (("rules", rules), ("rules + model", model)):
        best = None
        for _ in range(args.repeat):
            batch = fresh()
            cpu = cpu_of(lambda: [component(d) for d in batch])
            best = cpu if best is None else min(best, cpu)
        timings[name] = best
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} texts, {sum(map(len, texts)):,} chars, {words:,} words; CPU seconds:")
    print(f"  parse (en_core_web_sm nlp.pipe)   {parse:7.2f}")
    for name, cpu in timings.items():
        print(f"  extraction, {name:<21} {cpu:7.2f}   ({1000 * cpu / len(texts):.1f} ms a text)")
    extra = timings["rules + model"] - timings["rules"]
    base = parse + timings["rules"]
    print(f"  the model's extra CPU: {extra:.2f} s = {100 * extra / base:.1f} % of parse + rules extraction")


if __name__ == "__main__":
    main()
