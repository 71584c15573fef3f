"""Where ingest's CPU goes, stage by stage: the `kb ingest` path in one process, on CPU time.

    python benchmarks/profile_ingest.py [--corpus DIR] [--limit 100] [--py-spy FILE.txt]

Each document goes through the tokenizer, each pipeline component, the resolver and the store
in turn, each timed with time.process_time (CPU, so other load on a shared machine does not
skew the shares; one document at a time, so the neural components lose batching and look a
little dearer than in nlp.pipe). Then cProfile (CPU timer) names kb's heaviest functions; its
overhead inflates pure-Python code, so read those as a ranking. --py-spy also samples the real
`kb ingest` command (its own process: imports, model load and migrations included) with py-spy,
writes the folded stacks (flamegraph.pl / speedscope input) and prints the samples' shares by stage.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from measure import KB, POLNEAR_TRAIN, PYTHON, corpus_subset


def staged_ingest(paths, url, nlp) -> tuple[int, int, dict[str, float]]:
    """The work of `kb ingest`, stage by stage; returns (documents, words, CPU seconds per stage)."""
    from kb.db import session_scope, write_with_retry
    from kb.ingest import IngestError, read_paths
    from kb.resolve import Resolver
    from kb.store import store_document

    cpu: dict[str, float] = defaultdict(float)
    with session_scope(url) as session:
        resolver = Resolver.from_session(session)
    n = words = 0
    clock = time.process_time
    t = clock()
    for raw in read_paths(paths):
        cpu["read files"] += clock() - t
        if isinstance(raw, IngestError):
            continue
        t = clock()
        doc = nlp.make_doc(raw.text)
        cpu["spaCy tokenizer"] += clock() - t
        for name, proc in nlp.pipeline:
            t = clock()
            doc = proc(doc)
            cpu[f"spaCy {name}"] += clock() - t
        t = clock()
        resolved = resolver.resolve(doc)
        cpu["resolve"] += clock() - t
        t = clock()
        write_with_retry(lambda s, raw=raw, resolved=resolved: store_document(s, raw, resolved), url)
        cpu["store (one transaction)"] += clock() - t
        n += 1
        words += len(raw.text.split())
        t = clock()
    return n, words, cpu


# py-spy stacks by stage: the outermost frame in one of kb's stages, else the first of the
# others the stack passes through.
KB_STAGES = (("kb/resolve/", "resolve"), ("kb/extract/", "extraction"), ("kb/store.py", "store"),
             ("kb/ingest/", "read files"), ("alembic", "start-up: migrations"))
OTHER_STAGES = (("from_disk", "start-up: model load"), ("spacy/", "spaCy parse"), ("thinc/", "spaCy parse"))


def spy_stage(stack: str) -> str:
    if not stack.strip():
        return "no Python frame (native code)"
    for frame in stack.split(";"):
        for key, stage in KB_STAGES:
            if key in frame:
                # importing kb.extract (which imports spaCy) is start-up, not extraction
                return "start-up: imports" if "_find_and_load" in stack.split(key)[0] else stage
    for key, stage in OTHER_STAGES:
        if key in stack:
            return stage
    if "pipeline.py" not in stack and "ingest (kb/cli" not in stack:
        return "start-up: imports"
    return "other (kb.pipeline, sessions)"


def py_spy(corpus: Path, tmp: Path, out: Path) -> None:
    """Sample `kb ingest` with py-spy and print the share of samples in each stage."""
    spy = Path(PYTHON).with_name("py-spy")
    env = {**os.environ, "KB_DATABASE_URL": f"sqlite:///{tmp}/spy.sqlite"}
    subprocess.run([str(spy), "record", "--format", "raw", "--rate", "100", "--output", str(out), "--",
                    KB, "ingest", str(corpus), "--quiet"], env=env, check=True, capture_output=True)
    samples: Counter = Counter()
    for line in out.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        samples[spy_stage(stack)] += int(n)
    total = sum(samples.values())
    print(f"\npy-spy: `kb ingest` on the same documents, {total} samples (100 a second, wall clock; "
          f"folded stacks in {out}):")
    for stage, n in samples.most_common():
        print(f"  {100 * n / total:5.1f}%  {stage}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=POLNEAR_TRAIN)
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--py-spy", type=Path, dest="py_spy", help="also sample `kb ingest` with py-spy; folded stacks here")
    args = ap.parse_args()
    from kb.db import get_engine
    from kb.nlp import load_nlp

    nlp = load_nlp()  # the model load and the migrations are not ingest work
    with tempfile.TemporaryDirectory(prefix="kb-prof-") as tmp:
        corpus = corpus_subset(args.corpus, args.limit, Path(tmp) / "corpus")
        urls = [f"sqlite:///{tmp}/kb{i}.sqlite" for i in range(2)]
        for url in urls:
            get_engine(url)
        n, words, cpu = staged_ingest([corpus], urls[0], nlp)
        prof = cProfile.Profile(time.process_time)
        with prof:
            staged_ingest([corpus], urls[1], nlp)

        total = sum(cpu.values())
        parse = sum(v for k, v in cpu.items() if k.startswith("spaCy") and k != "spaCy kb_attributions")
        print(f"{n} documents, {words} words: {total:.1f} CPU s ({words / total:.0f} words per CPU second)\n")
        print(f"{'stage':32} {'CPU s':>7} {'share':>6}")
        for stage, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]):
            print(f"{stage:32} {seconds:7.2f} {100 * seconds / total:5.1f}%")
        print(f"{'= bare model (tokenizer + pipes)':32} {parse:7.2f} {100 * parse / total:5.1f}%")
        print(f"{'= kb on top of it':32} {total - parse:7.2f} {100 * (total - parse) / total:5.1f}%")

        print("\nkb functions by own CPU time under cProfile (top 15):")
        own = defaultdict(float)
        for (file, _line, func), (_cc, _nc, tt, _ct, _callers) in pstats.Stats(prof).stats.items():
            if "/kb/" in file:
                own[f"{file.split('/kb/', 1)[1]}:{func}"] += tt
        for name, tt in sorted(own.items(), key=lambda kv: -kv[1])[:15]:
            print(f"  {tt:6.2f} s  {name}")

        if args.py_spy:
            py_spy(corpus, Path(tmp), args.py_spy)


if __name__ == "__main__":
    main()
