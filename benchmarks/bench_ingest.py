"""Ingest throughput and memory: `kb ingest` against bare spaCy parsing, same texts, same run.

    python benchmarks/bench_ingest.py [--corpus DIR] [--workers 1 2] [--limit N] [--json FILE]

For each worker count: the bare model's nlp.pipe (baseline), kb's spaCy pipeline (parse +
extraction, nothing stored) and `kb ingest` into a fresh SQLite KB (parse + extraction +
resolution + one transaction per document). Every figure is the wall time of a whole process
(imports, model load, migrations included), so the ratio is what a user waits. Peak RSS is
sampled over the process tree. Memory flatness: `kb ingest` on a tenth of the corpus against
the whole of it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from measure import KB, POLNEAR_TRAIN, PYTHON, corpus_subset, machine, run_measured

HERE = Path(__file__).resolve().parent


def bare(corpus: Path, workers: int, kb_pipeline: bool = False) -> dict:
    cmd = [PYTHON, str(HERE / "bare_parse.py"), str(corpus), "--workers", str(workers)]
    run = run_measured(cmd + (["--kb"] if kb_pipeline else []))
    return {**json.loads(run.stdout), "wall": run.seconds, "cpu": run.cpu_seconds, "rss_mb": run.peak_rss_mb}


def ingest(corpus: Path, workers: int, tmp: Path) -> dict:
    db = tmp / f"ingest-{workers}-{len(list(corpus.iterdir()))}.sqlite"
    run = run_measured([KB, "ingest", str(corpus), "--workers", str(workers), "--quiet"],
                       env={"KB_DATABASE_URL": f"sqlite:///{db}"})
    return {"wall": run.seconds, "cpu": run.cpu_seconds, "rss_mb": run.peak_rss_mb, "summary": run.stderr.strip().splitlines()[-1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=POLNEAR_TRAIN)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--limit", type=int, help="only the first N files")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    print(f"machine: {machine()}", flush=True)
    results = {"machine": machine(), "corpus": str(args.corpus), "runs": {}}
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        tmp = Path(tmp)
        corpus = corpus_subset(args.corpus, args.limit, tmp / "corpus")
        n_files = len(list(corpus.iterdir()))
        tenth = corpus_subset(corpus, max(1, n_files // 10), tmp / "tenth")
        for w in args.workers:
            print(f"workers={w}: bare nlp.pipe ...", flush=True)
            b = bare(corpus, w)
            print(f"workers={w}: kb pipeline (parse + extraction) ...", flush=True)
            k = bare(corpus, w, kb_pipeline=True)
            print(f"workers={w}: kb ingest ...", flush=True)
            i = ingest(corpus, w, tmp)
            results["runs"][w] = {"bare": b, "kb_nlp": k, "ingest": i}
        print("memory: kb ingest on a tenth of the corpus ...", flush=True)
        small = ingest(tenth, 1, tmp)

    docs, words = b["docs"], b["words"]
    print(f"\ncorpus: {docs} documents, {words} words ({args.corpus})\n")
    print("speed = bare time / this time (1.00x = as fast as bare parsing); CPU = user + system of\n"
          "the process tree, which other load on the machine does not inflate.\n")
    print(f"{'':32} {'wall s':>7} {'docs/s':>7} {'words/s':>8} {'speed':>6} {'CPU s':>7} {'speed':>6}"
          f" {'peak MB':>8}")
    for w, r in results["runs"].items():
        for name, label in (("bare", "bare nlp.pipe"), ("kb_nlp", "kb pipeline (parse+extract)"),
                            ("ingest", "kb ingest")):
            x, b = r[name], r["bare"]
            print(f"{label + f' w={w}':32} {x['wall']:7.1f} {docs / x['wall']:7.2f} {words / x['wall']:8.0f} "
                  f"{b['wall'] / x['wall']:5.2f}x {x['cpu']:7.1f} {b['cpu'] / x['cpu']:5.2f}x {x['rss_mb']:8.0f}")
        print(f"{'  (bare parsing alone, in-process)':32} {r['bare']['seconds']:7.1f}")
    if 1 in results["runs"] and 2 in results["runs"]:
        one, two = results["runs"][1]["ingest"]["wall"], results["runs"][2]["ingest"]["wall"]
        results["ingest_speedup_2_workers"] = one / two
        print(f"\nkb ingest, 2 workers vs 1: {one / two:.2f}x "
              f"(bare: {results['runs'][1]['bare']['wall'] / results['runs'][2]['bare']['wall']:.2f}x)")
    big = results["runs"][args.workers[0]]["ingest"]
    results["memory"] = {"small_docs": n_files // 10, "small_mb": small["rss_mb"],
                         "large_docs": n_files, "large_mb": big["rss_mb"]}
    print(f"peak RSS of kb ingest (workers={args.workers[0]}): {n_files // 10} docs {small['rss_mb']:.0f} MB, "
          f"{n_files} docs {big['rss_mb']:.0f} MB (+{100 * (big['rss_mb'] / small['rss_mb'] - 1):.0f}%)")
    print(f"ingest summary: {big['summary']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    sys.exit(main())
