"""Time to the first page after `kb dashboard` starts: what an analyst waits for on a fresh server.

Starts `kb dashboard` over a KB (by default the demo KB: data/samples ingested, as `make demo`
does), and measures, in headless Chromium: the server start (until it answers its health check)
and each page's first view (navigation until the page's content is drawn and the script has
finished), in a fresh server each round. Prints the medians.

    .venv/bin/python benchmarks/dashboard_first_page.py                  # demo KB, 3 rounds
    .venv/bin/python benchmarks/dashboard_first_page.py --db /tmp/kb.sqlite --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_dashboard_e2e import CHROMIUM_ARGS, serve, stop  # noqa: E402

PAGES = [("overview", "", ".kb-tile"), ("statements", "statements", ".kb-card"),
         ("actor profile", "actor", ".kb-tile"), ("documents", "documents", "h1")]


def wait_drawn(page, selector: str) -> None:
    page.locator(selector).first.wait_for(timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="KB URL (default: a demo KB built from data/samples)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = tempfile.TemporaryDirectory(prefix="kb-first-page-")
    url = args.db
    if url is None:
        from conftest import build_kb

        from kb.nlp import load_nlp

        url = f"sqlite:///{Path(tmp.name) / 'demo.sqlite'}"
        build_kb(url, [ROOT / "data" / "samples"], load_nlp())
    times: dict[str, list[float]] = {"server start": []} | {name: [] for name, _, _ in PAGES}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            proc, site = serve(url)
            times["server start"].append(time.perf_counter() - t0)
            try:
                for name, path, selector in PAGES:
                    page = browser.new_page(viewport={"width": 1500, "height": 1000})
                    t0 = time.perf_counter()
                    page.goto(f"{site}/{path}")
                    wait_drawn(page, selector)
                    times[name].append(time.perf_counter() - t0)
                    page.close()
            finally:
                stop(proc)
        browser.close()
    print(f"{'view':24} {'median':>8}  (rounds: {args.rounds}; each page opened in a new session, "
          "the first one on a fresh server)")
    for name, values in times.items():
        flag = "  > 2 s" if name == "overview" and statistics.median(values) > 2 else ""
        print(f"{name:24} {statistics.median(values):7.2f}s{flag}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
