"""Screenshots of every dashboard page over the fictional newsroom KB (tests/data/newsroom, hostile
text included), for a reviewer and for docs/dashboard.md.

Builds the KB through the real ingest path (with its metadata sidecar), starts `kb dashboard` on a
free port, drives headless Chromium through each page and saves PNGs:

    .venv/bin/python scripts/dashboard_screenshots.py                  # -> docs/screenshots/
    .venv/bin/python scripts/dashboard_screenshots.py --out /tmp/shots --chromium /usr/bin/chromium
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from newsroom import build_newsroom_kb  # noqa: E402
from test_dashboard_e2e import CHROMIUM_ARGS, _settle, serve, stop  # noqa: E402


def shots(kb_path: Path) -> list[tuple[str, str, str | None]]:
    """(file name, page path, a selector to wait for) for each view."""
    with sqlite3.connect(kb_path) as c:
        actors = dict(c.execute("select name, id from actor"))
        docs = {t: i for i, t in c.execute("select id, title from document")}
        kovac_accuses = c.execute(
            "select s.id, s.document_id from statement s join actor a on a.id = s.speaker_id "
            "where a.name = 'Daria Kovac' and s.claim_type = 'accusation' order by s.id limit 1").fetchone()
    hostile = next(i for t, i in docs.items() if t.startswith("<img"))
    return [
        ("overview.png", "", None),
        ("statements.png", "statements?q=accused", ".kb-card"),
        ("statements-facet.png", "statements?speaker=Daria+Kovac&sort=oldest+first", ".kb-card"),
        ("statement-detail.png", f"statements?statement={kovac_accuses[0]}", "mark.kb-sentence"),
        ("actor.png", f"actor?actor={actors['Daria Kovac']}", ".kb-card"),
        ("actor-not-found.png", "actor?actor=99999", None),
        ("graph.png", "graph", "table.kb-pairs"),
        ("documents.png", "documents", None),
        ("document-reader.png", f"documents?document={kovac_accuses[1]}&statement={kovac_accuses[0]}",
         "#kb-selected"),
        ("document-hostile.png", f"documents?document={hostile}", ".kb-text"),
        ("flagged.png", "flagged", None),
        ("edits.png", f"actor?actor={actors['Helena Strand']}&edit=1", None),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kb-shots-") as tmp:
        kb_path = Path(tmp) / "kb.sqlite"
        url = f"sqlite:///{kb_path}"
        build_newsroom_kb(url)
        proc, site = serve(url)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1500, "height": 1400})
                for name, path, wait in shots(kb_path):
                    page.goto(f"{site}/{path}")
                    _settle(page)
                    page.locator(wait or "h1").first.wait_for(timeout=60_000)
                    page.wait_for_timeout(6000 if path == "graph" else 800)
                    _settle(page)
                    page.screenshot(path=str(args.out / name))
                    print(f"{args.out / name}  ({path or '/'})")
                browser.close()
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
