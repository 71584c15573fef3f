"""How fast each dashboard page renders: AppTest runs of every page over a generated KB.

Builds (or reuses) a SQLite KB with ``kb.benchgen`` (default 10k documents / 100k statements),
then for each page times its first view with every cache cold (Streamlit's caches and the cached
actor graph dropped) and a repeat view (warm), over ``--runs`` rounds, and prints the medians.
The target: every first view within a second.

    .venv/bin/python benchmarks/dashboard_pages.py                      # 10k docs / 100k statements
    .venv/bin/python benchmarks/dashboard_pages.py --db /tmp/big.sqlite --statements 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from kb_dashboard import APP  # noqa: E402


def ensure_kb(path: Path, documents: int, statements: int, actors: int) -> str:
    url = f"sqlite:///{path}"
    if path.exists():
        print(f"reusing {path}", file=sys.stderr)
        return url
    from kb.benchgen import generate

    t0 = time.perf_counter()
    generate(url, documents, statements, actors, progress=lambda m: print(f"  {m}", file=sys.stderr))
    print(f"generated {path} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return url


def views(url: str) -> list[tuple[str, str, dict]]:
    """(name, page file, query params): each page's first view as an analyst opens it."""
    from kb.db import session_scope
    from kb.query import list_documents, top_speakers

    with session_scope(url) as s:
        speaker = top_speakers(s, limit=1)[0]
        doc = list_documents(s, limit=1).rows[0]
    return [
        ("overview", "views/overview.py", {}),
        ("statements", "views/statements.py", {}),
        ("statements: search + speaker", "views/statements.py", {"q": "war", "speaker": speaker["actor"]}),
        ("actor profile (top speaker)", "views/actor.py", {"actor": speaker["actor_id"]}),
        ("actor graph (top 60)", "views/graph.py", {}),
        ("documents", "views/documents.py", {}),
        ("document reader", "views/documents.py", {"document": doc["id"]}),
        ("ingest", "views/ingest.py", {}),
    ]


def time_page(page: str, params: dict) -> tuple[float, float]:
    """Seconds for the page's cold first view and for a warm repeat view."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from kb.graph import invalidate

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    st.cache_data.clear()
    invalidate()
    at.query_params.update({k: str(v) for k, v in params.items()})
    at.switch_page(page)
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    return cold, warm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="SQLite file to use (generated when missing)")
    ap.add_argument("--documents", type=int, default=10_000)
    ap.add_argument("--statements", type=int, default=100_000)
    ap.add_argument("--actors", type=int, default=2_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "dashboard_pages.json")
    args = ap.parse_args()

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="kb-bench-dash-")
        args.db = Path(tmp.name) / "kb.sqlite"
    url = ensure_kb(args.db, args.documents, args.statements, args.actors)
    os.environ["KB_DATABASE_URL"] = url
    os.environ.pop("KB_READ_ONLY", None)

    results = []
    print(f"{'page':32} {'first view (cold)':>18} {'repeat (warm)':>14}")
    for name, page, params in views(url):
        runs = [time_page(page, params) for _ in range(args.runs)]
        cold = statistics.median(r[0] for r in runs)
        warm = statistics.median(r[1] for r in runs)
        results.append({"page": name, "cold_s": round(cold, 3), "warm_s": round(warm, 3)})
        flag = "" if cold <= 1.0 else "  > 1 s"
        print(f"{name:32} {cold * 1000:15.0f} ms {warm * 1000:11.0f} ms{flag}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"documents": args.documents, "statements": args.statements,
                                    "actors": args.actors, "runs": args.runs, "pages": results},
                                   indent=1))
    print(f"wrote {args.out}", file=sys.stderr)
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
