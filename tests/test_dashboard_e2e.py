"""The real dashboard (`streamlit run`) driven in headless Chromium over the seed KB.

Screenshots go to tests/artifacts/ (gitignored) so a person can look at the pages.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(kb_url: str, read_only: bool = False):
    """Start `kb dashboard` (the installed command) over ``kb_url`` on a free localhost port;
    returns (process, url) once the server answers its health check."""
    port = _free_port()
    env = dict(os.environ)
    env.pop("KB_READ_ONLY", None)
    kb = Path(sys.executable).with_name("kb")
    argv = [str(kb), "dashboard", "--db", kb_url, "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(argv + (["--read-only"] if read_only else []), cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            out = proc.stdout.read().decode(errors="replace")
            pytest.fail(f"kb dashboard did not start: {out[-2000:]}")
        time.sleep(0.3)


def stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def dashboard(seed_kb):
    """The URL of a dashboard served by `kb dashboard` over the seed KB."""
    proc, url = serve(seed_kb)
    yield url
    stop(proc)


@contextmanager
def chromium():
    """Debian's Chromium driven by Playwright (its own browser download fails here)."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps.sh")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def page():
    with chromium() as browser:
        yield browser.new_page(viewport={"width": 1500, "height": 1000})


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script for this view."""
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(500)


def test_search_statements_in_the_browser(dashboard, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{dashboard}/statements")
    _settle(page)
    search = page.get_by_placeholder("words in what was said")
    search.fill("full responsibility")
    search.press("Enter")
    _settle(page)
    page.get_by_text("1 statement ·").wait_for(timeout=30_000)
    _settle(page)
    card = page.locator(".kb-card").first
    assert "Russia bears full responsibility" in card.inner_text()
    assert page.locator(".kb-card").count() == 1
    card.locator(".kb-card-foot a", has_text="#").click()  # the statement in its context
    page.wait_for_load_state()
    _settle(page)
    sentence = page.locator("mark.kb-sentence").first
    sentence.wait_for(timeout=30_000)
    assert "Russia bears full responsibility" in sentence.inner_text()
    assert "Farhan" in page.locator("mark.kb-speaker").first.inner_text()
    assert page.get_by_role("link", name="Yasser Farhan").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "statements.png"), full_page=True)

    # The speaker link opens his profile.
    page.locator(".kb-speaker-chip", has_text="Yasser Farhan").first.click()
    page.wait_for_load_state()
    _settle(page)
    page.get_by_role("heading", name="Yasser Farhan").wait_for(timeout=30_000)
    page.get_by_text("accusations made", exact=True).first.wait_for(timeout=30_000)
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / "actor.png"), full_page=True)


def test_every_page_renders(dashboard, page):
    ARTIFACTS.mkdir(exist_ok=True)
    for path, expect in (("", "Who said what"), ("graph", "Actor graph"),
                         ("documents?document=1", "Coalition News"), ("ingest", "Ingest")):
        page.goto(f"{dashboard}/{path}")
        _settle(page)
        page.get_by_role("heading", name=expect).first.wait_for(timeout=30_000)
        if path == "graph":  # the network component draws in its own frame
            frame = page.frame_locator("iframe").first
            frame.locator("canvas").first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(ARTIFACTS / f"{path.split('?')[0] or 'overview'}.png"), full_page=True)
