"""The dashboard an analyst uses, in real Chromium, over a KB of real-looking (fictional) news
with hostile text among it (tests/data/newsroom): nothing ingested renders as markup or a live
link; evidence reads as cards with facets, highlights and links; every number opens its
statements; dates sit on a time axis; the graph explains itself; edits are confirmed and safe.

One `kb dashboard` server for the module (plus a read-only one for the last test)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from newsroom import build_newsroom_kb
from test_dashboard_e2e import _settle, chromium, serve, stop

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="module")
def newsroom_kb(tmp_path_factory, nlp) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('newsroom') / 'kb.sqlite'}"
    build_newsroom_kb(url, nlp)
    return url


@pytest.fixture(scope="module")
def site(newsroom_kb):
    proc, url = serve(newsroom_kb)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture()
def page(browser):
    pg = browser.new_page(viewport={"width": 1500, "height": 1100})
    dialogs = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs
    yield pg
    pg.close()


def arrive(page) -> None:
    """After a navigation or a click: the page loaded, its title drawn, the script finished."""
    page.wait_for_load_state()
    _settle(page)
    page.locator("h1").first.wait_for(timeout=30_000)  # every page has a title
    page.wait_for_timeout(700)
    _settle(page)


def cards(page):
    """The statement cards once the Statements page has drawn them (or said there are none)."""
    page.locator(".kb-card, [data-testid='stAlert']").first.wait_for(timeout=30_000)
    _settle(page)
    return page.locator(".kb-card")


def open_(page, url: str) -> None:
    page.goto(url)
    arrive(page)
    assert page.locator("[data-testid='stException']").count() == 0, \
        page.locator("[data-testid='stException']").first.inner_text()


def pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label``."""
    box = page.locator("[data-testid='stSelectbox']", has_text=label).get_by_role("combobox")
    box.click()
    box.fill(option)  # filter the list, then click the option itself
    page.wait_for_timeout(500)
    page.locator("[role=option]").filter(has_text=re.compile(f"^{re.escape(option)}$")).click()
    page.wait_for_timeout(700)
    _settle(page)


def ids(url: str) -> dict:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as c:
        actors = dict(c.execute("select name, id from actor"))
        docs = {t: i for i, t in c.execute("select id, title from document")}
    return {"actors": actors, "docs": docs}


def no_hostile_markup(page) -> None:
    """Nothing ingested became a tag, a script, an image or a link out of the dashboard."""
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")  # resolved
    outside = [h for h in hrefs if not h.startswith(("http://127.0.0.1:", "https://docs.streamlit.io",
                                                     "https://streamlit.io"))]
    assert not outside, outside  # no link leaves the dashboard (javascript:, evil.example, ...)
    assert page.locator("img[onerror], main script, [data-testid='stMain'] b:text('Wire')").count() == 0
    assert not page.dialogs, page.dialogs  # no alert() ran


def test_hostile_text_is_shown_literally_on_every_page(site, newsroom_kb, page):
    known = ids(newsroom_kb)
    hostile_doc = next(i for t, i in known["docs"].items() if t.startswith("<img"))
    brandt = known["actors"]["Oskar Brandt"]
    for path in ("", "statements", "statements?q=court", f"actor?actor={known['actors']['Daria Kovac']}",
                 f"actor?actor={brandt}", "documents", f"documents?document={hostile_doc}", "graph",
                 "flagged"):
        open_(page, f"{site}/{path}")
        no_hostile_markup(page)
    open_(page, f"{site}/documents?document={hostile_doc}")
    title = page.locator("h1").first.inner_text().replace("\u200b", "")  # (see kb_dashboard.logic.md)
    assert "<img src=x onerror=alert(1)>" in title and "[details](javascript:alert(document.cookie))" in title
    assert "[Evil Outlet](https://evil.example) <b>Wire</b> :red[alarm]" in page.get_by_text(
        "Evil Outlet").first.inner_text().replace("\u200b", "")
    assert page.get_by_role("link", name="Original").count() == 0  # its javascript: URL was dropped
    open_(page, f"{site}/statements?q=proves")
    card = page.locator(".kb-card-text", has_text="evil.example").first
    assert "[measurement](https://evil.example/phish)" in card.inner_text()


def test_evidence_reads_as_cards_with_facets_highlights_and_links(site, page):
    open_(page, f"{site}/statements?q=accused")
    n = cards(page).count()
    assert n >= 5
    assert page.locator(".kb-card mark.kb-hit").first.inner_text().lower() == "accused"
    assert page.get_by_text(f"{n} statements").count() >= 1
    # a facet: speaker with counts; clicking it filters
    facet = page.locator(".kb-facet a", has_text="Daria Kovac").first
    count = int(facet.locator("xpath=../following-sibling::td").inner_text())
    facet.click()
    arrive(page)
    assert "speaker=Daria+Kovac" in page.url
    assert cards(page).count() == count
    assert all("Daria Kovac" in t for t in page.locator(".kb-speaker-chip").all_inner_texts())
    # sort oldest first: dates ascend
    open_(page, f"{site}/statements?sort=oldest+first")
    cards(page)
    dates = [re.match(r"\d{4}-\d\d-\d\d", t).group(0) for t in page.locator(".kb-card-foot").all_inner_texts()]
    assert dates == sorted(dates) and len(dates) > 10
    # every statement opens its sentence highlighted in its document
    card = page.locator(".kb-card").nth(3)
    sentence = card.locator(".kb-card-text").inner_text().strip()
    card.locator(".kb-card-foot a").first.click()
    arrive(page)
    assert "documents?document=" in page.url and "statement=" in page.url
    selected = page.locator("#kb-selected")
    selected.wait_for(timeout=30_000)
    assert selected.inner_text().strip()[:40] == sentence[:40]
    page.wait_for_timeout(800)
    box = selected.bounding_box()
    assert box and 0 <= box["y"] <= 1100  # scrolled into view
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "newsroom-reader.png"))


def test_every_number_opens_the_statements_behind_it(site, newsroom_kb, page):
    known = ids(newsroom_kb)
    open_(page, f"{site}/actor?actor={known['actors']['Daria Kovac']}")
    tile = page.locator("a.kb-tile", has_text="accusations made")
    shown = int(tile.locator(".n").inner_text())
    tile.click()
    arrive(page)
    assert "role=accused" in page.url and "speaker=Daria+Kovac" in page.url
    assert cards(page).count() == shown >= 2
    # the overview's claim-type counts
    open_(page, f"{site}/")
    tile = page.locator("a.kb-tile", has_text="accusation").first
    shown = int(tile.locator(".n").inner_text())
    tile.click()
    arrive(page)
    assert cards(page).count() == shown
    # documents' statement counts
    open_(page, f"{site}/")
    assert page.locator("[data-testid='stVegaLiteChart'], .vega-embed").count() >= 1  # time axis chart


def test_titles_and_dates_come_from_the_documents_not_their_paths(site, page):
    open_(page, f"{site}/documents")
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "tests/data/newsroom" not in text
    open_(page, f"{site}/")
    main = page.locator("[data-testid='stMain']").inner_text()
    assert "Mar – Jun 2023" in main.replace("\u00a0", " ")
    assert "undated" not in main  # every document got a date (file name, sidecar, meta, dateline)


def test_the_graph_ranks_accusers_and_draws_a_path(site, page):
    open_(page, f"{site}/graph")
    page.frame_locator("iframe[title*='st_link_analysis']").first.locator("canvas").first.wait_for(timeout=30_000)
    link = page.locator("table.kb-pairs a", has_text="statement").first
    n = int(link.inner_text().split()[0])
    link.click()
    arrive(page)
    assert cards(page).count() == n and "role=accused" in page.url
    open_(page, f"{site}/graph")
    page.get_by_role("radio", name="Shortest path").click() if page.get_by_role("radio", name="Shortest path").count() \
        else page.get_by_text("Shortest path", exact=True).click()
    arrive(page)
    page.get_by_label("From").click() if False else None
    for label, name in (("From", "Ivo Marek"), ("To", "Oskar Brandt")):
        pick(page, label, name)
    page.get_by_text("drawn on the graph in orange").wait_for(timeout=30_000)
    assert page.get_by_text("Path 1:").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "newsroom-graph-path.png"), full_page=True)


def test_edits_are_confirmed_kept_across_reloads_and_flags_can_be_undone(site, newsroom_kb, page):
    known = ids(newsroom_kb)
    ministry, selo = known["actors"]["Energy Ministry"], known["actors"]["Selo"]
    db = newsroom_kb.removeprefix("sqlite:///")

    def exists(actor: int) -> bool:
        with sqlite3.connect(db) as c:
            return c.execute("select count(*) from actor where id = ?", (actor,)).fetchone()[0] == 1

    open_(page, f"{site}/actor?actor={known['actors']['Lystria']}")
    page.get_by_text("Enable edits").click()
    arrive(page)
    assert "edit=1" in page.url
    page.reload()
    arrive(page)
    assert page.locator("[data-testid='stSidebar'] input[type=checkbox]").is_checked()  # kept across a reload
    # merge: nothing happens before the confirmation
    pick(page, "Merge another actor", "Energy Ministry")
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Merge…")).to_be_enabled(timeout=30_000)
    page.get_by_role("button", name="Merge…").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=30_000)
    assert "Energy Ministry" in dialog.inner_text() and exists(ministry)
    dialog.get_by_role("button", name="Merge", exact=True).click()
    page.get_by_text("merged 'Energy Ministry' into 'Lystria'").wait_for(timeout=30_000)
    assert not exists(ministry)
    open_(page, f"{site}/actor?actor={ministry}&edit=1")
    assert page.get_by_text("Not found").count() >= 1  # the merged actor's id is gone, said so
    # "not an actor": a dam the extractor took for a person, after a confirmation
    open_(page, f"{site}/actor?actor={selo}&edit=1")
    page.get_by_role("button", name="Not an actor…").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=30_000)
    assert exists(selo)
    dialog.get_by_role("button", name="Delete the actor").click()
    page.get_by_text("deleted 'Selo'").wait_for(timeout=30_000)
    assert not exists(selo)
    # flag a statement, find it on the Flagged page, unflag it
    open_(page, f"{site}/statements?q=theatre&edit=1")
    cards(page)
    sid = page.locator(".kb-card").first.get_attribute("id").split("-")[1]
    open_(page, f"{site}/statements?statement={sid}&edit=1")
    page.get_by_role("button", name="Mark this statement wrong").click()
    arrive(page)
    open_(page, f"{site}/flagged?edit=1")
    assert page.locator(f"#statement-{sid}").count() == 1
    page.get_by_role("button", name="Unflag (the statement is right)").click()
    arrive(page)
    page.get_by_text("No statement is flagged").wait_for(timeout=30_000)


def test_read_only_shows_no_edit_switch_and_no_database_path(newsroom_kb, page):
    proc, url = serve(newsroom_kb, read_only=True)
    try:
        open_(page, f"{url}/actor?actor=1&edit=1")
        side = page.locator("[data-testid='stSidebar']").inner_text()
        assert "Read-only" in side and "sqlite" not in side and "Enable edits" not in side
        assert page.get_by_role("button", name="Merge…").count() == 0
        assert "Ingest" not in side
    finally:
        stop(proc)
