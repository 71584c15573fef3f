"""The dashboard: its click-to-query logic as plain functions, and every page under AppTest over
a KB built from the seed by the real ingest path (tests/conftest.py ``seed_kb``)."""

from __future__ import annotations

import sqlite3
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from streamlit.testing.v1 import AppTest

from kb_dashboard import APP
from kb_dashboard.logic import (
    NODE_GAP,
    Mark,
    filter_from_params,
    filter_to_params,
    graph_elements,
    graph_view,
    highlight,
    ingest_uploads,
    int_param,
    layout,
    parse_graph_event,
    period_label,
    rows_to_csv,
    rows_to_json,
    statement_marks,
)

HOSTILE = ('<script>alert("x")</script><img src=x onerror=alert(1)> [click](javascript:alert(2)) '
           '$x$ **bold** &amp;')


# -- highlighting --------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Collects the tags of an HTML string and checks that they nest properly."""

    def __init__(self):
        super().__init__()
        self.stack, self.tags, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(fragment: str) -> _Tags:
    p = _Tags()
    p.feed(fragment)
    p.close()
    assert not p.stack, f"unclosed {p.stack}"
    return p


def test_highlight_escapes_untrusted_text_and_only_adds_our_marks():
    text = f"He said {HOSTILE} today."
    out = highlight(text, [Mark(0, 2, "speaker", 'a"><script>'), Mark(3, 7, "cue")])
    tags = parse(out)
    assert {t for t, _ in tags.tags} == {"mark"}
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert "".join(tags.text) == text  # every character shown, none interpreted
    assert tags.tags[0][1] == {"class": "kb-speaker", "title": 'a"><script>'}


def test_highlight_nests_and_splits_crossing_marks():
    text = "Farhan said Russia bears full responsibility."
    marks = [Mark(0, len(text), "sentence"), Mark(0, 6, "speaker"), Mark(7, 11, "cue"),
             Mark(12, 44, "content"), Mark(12, 18, "mention", "Russia"), Mark(16, 30, "target")]
    out = highlight(text, marks)
    tags = parse(out)
    assert "".join(tags.text) == text
    assert out.startswith('<mark class="kb-sentence"><mark class="kb-speaker">Farhan</mark>')
    assert '<mark class="kb-mention" title="Russia">Russ' in out
    # the target crosses the mention's end: closed and reopened, never mis-nested
    assert sum(1 for t, a in tags.tags if a.get("class") == "kb-target") == 2


def test_highlight_window_clips_marks():
    text = "0123456789"
    assert highlight(text, [Mark(2, 8, "content")], start=4, end=6) == '<mark class="kb-content">45</mark>'
    assert highlight(text, [Mark(0, 2, "cue")], start=4) == "456789"


def test_statement_marks_from_a_query_row():
    row = {"sentence_start": 0, "sentence_end": 40, "speaker_start": 0, "speaker_end": 6,
           "speaker": "Yasser Farhan", "cue_start": 7, "cue_end": 15, "claim_type": "accusation",
           "kind": "indirect", "content_start": 21, "content_end": 39}
    marks = statement_marks(row)
    assert [m.cls for m in marks] == ["sentence", "speaker", "cue", "content"]
    assert marks[1].title == "Yasser Farhan" and marks[2].title == "accusation · indirect"
    assert statement_marks({"sentence_end": 0, "cue_start": None}) == []


# -- deep links and exports ------------------------------------------------------------------------

def test_filter_params_round_trip_and_bad_values_are_ignored():
    params = {"q": "responsibility", "speaker": "Farhan", "claim_type": "accusation",
              "from": "2017-09-01", "to": "2017-09-30", "document": "3"}
    f = filter_from_params(params)
    assert (f.text, f.speaker, f.claim_type, f.date_from, f.document_id) == (
        "responsibility", "Farhan", "accusation", date(2017, 9, 1), 3)
    assert filter_to_params(f) == params
    bad = filter_from_params({"from": "yesterday", "document": "1; drop table", "q": "  "})
    assert bad.date_from is None and bad.document_id is None and bad.text is None
    assert int_param({"actor": ["2", "7"]}, "actor") == 7
    assert int_param({"actor": "x"}, "actor") is None


def test_exports_are_csv_and_json_with_iso_dates():
    rows = [{"id": 1, "date": date(2017, 9, 27), "content": 'says "hi", then'}]
    assert rows_to_csv(rows).splitlines() == ["id,date,content", '1,2017-09-27,"says ""hi"", then"']
    assert '"date": "2017-09-27"' in rows_to_json(rows)
    assert rows_to_csv([]) == ""


# -- graph view --------------------------------------------------------------------------------------

def _graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for i, kind in enumerate(["person", "country", "government", "group", "organization"], 1):
        G.add_node(i, label=f"A{i}", kind=kind)
    G.add_edge(1, 2, key="accuses", type="accuses", count=5, first="2017-09-27", last="2017-09-27")
    G.add_edge(1, 3, key="accuses", type="accuses", count=1)
    G.add_edge(1, 4, key="calls_on", type="calls_on", count=2)
    G.add_edge(1, 5, key="member_of", type="member_of", count=1)
    return G


def test_graph_view_filters_types_weight_and_keeps_top_k():
    G = _graph()
    V = graph_view(G, types=["accuses"], min_weight=2)
    assert set(V) == {1, 2} and list(V.edges(keys=True)) == [(1, 2, "accuses")]
    V = graph_view(G, top_k=2)
    assert set(V) == {1, 2}  # the two strongest actors
    V = graph_view(G, types=["accuses"], top_k=2, keep=[4])
    assert 4 in V  # the actor in focus is always drawn


def test_graph_elements_and_click_events_round_trip():
    G = _graph()
    els = graph_elements(G, layout(G), focus=1)
    node = next(n for n in els["nodes"] if n["data"]["id"] == "1")
    assert node["data"]["label"] == "person" and node["data"]["name"] == "A1" and node["data"]["focus"] == 1
    assert set(node["position"]) == {"x", "y"}
    edge = next(e for e in els["edges"] if e["data"]["label"] == "accuses" and e["data"]["target"] == "2")
    click = {"action": "edge_click", "data": {"type": "tap", "target_id": edge["data"]["id"],
                                              "target_group": "edges"}}
    assert parse_graph_event(click) == ("edge", (1, 2, "accuses"))
    assert parse_graph_event({"action": "node_click", "data": {"target_id": "4", "target_group": "nodes"}}) \
        == ("node", 4)
    assert parse_graph_event(None) is None
    assert parse_graph_event({"data": {"target_id": "x|y|z"}}) is None
    assert layout(nx.MultiDiGraph()) == {}


def _components_graph(sizes: list[int]) -> nx.MultiDiGraph:
    """Stars of the given sizes (a centre accusing the others) plus nothing between them."""
    G, n = nx.MultiDiGraph(), 0
    for size in sizes:
        centre = n
        G.add_node(centre, label=f"Actor {centre}", kind="person")
        for k in range(1, size):
            G.add_node(n + k, label=f"Actor number {n + k}", kind="organization")
            G.add_edge(centre, n + k, key="accuses", type="accuses", count=k)
        n += size
    return G


def _extent(pos, nodes):
    xs, ys = [pos[v][0] for v in nodes], [pos[v][1] for v in nodes]
    return min(xs), min(ys), max(xs), max(ys)


def test_layout_gives_every_actor_room_for_its_label():
    import math

    G = _components_graph([30, 12, 6, 3, 2, 2, 1, 1, 1, 1, 1])  # 60 actors, the default top-k
    pos = layout(G)
    assert set(pos) == set(G)
    nodes = list(pos)
    for i, a in enumerate(nodes):  # side by side a gap apart, or most of one above the other
        for b in nodes[i + 1:]:
            dx, dy = abs(pos[a][0] - pos[b][0]), abs(pos[a][1] - pos[b][1])
            assert math.hypot(dx, dy / 0.8) >= 0.9 * NODE_GAP, (a, b, pos[a], pos[b])
    assert layout(G) == pos  # deterministic: the cached page and a reload agree


def test_layout_packs_components_into_the_canvas_instead_of_far_corners():
    sizes = [20, 8, 5, 3, 2, 2, 2, 1, 1]
    G = _components_graph(sizes)
    pos = layout(G)
    boxes, start = [], 0
    for size in sizes:
        boxes.append(_extent(pos, range(start, start + size)))
        start += size
    for i, a in enumerate(boxes):  # components do not overlap
        for b in boxes[i + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], (a, b)
    x0, y0, x1, y1 = _extent(pos, G)
    assert 0.5 <= (x1 - x0) / (y1 - y0) <= 2  # one block about as wide as high, not a line
    # Used, not empty: the components' own areas cover a good part of the block.
    covered = sum((b[2] - b[0] + NODE_GAP) * (b[3] - b[1] + NODE_GAP) for b in boxes)
    assert covered >= 0.5 * (x1 - x0 + NODE_GAP) * (y1 - y0 + NODE_GAP)


def test_period_label_is_short_and_breaks_only_after_the_dash():
    assert period_label(date(2017, 9, 27), date(2024, 5, 15)) == "Sep\u00a02017\u00a0– May\u00a02024"
    assert period_label(date(2024, 1, 14), date(2024, 5, 15)) == "Jan\u00a0–\u00a0May\u00a02024"
    assert period_label(date(2024, 5, 1), date(2024, 5, 15)) == "May\u00a02024"
    assert period_label(None, None) == "undated"


# -- ingest from the dashboard --------------------------------------------------------------------

def test_ingest_uploads_reports_per_file_and_names_the_upload(tmp_path, nlp):
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    up = tmp_path / "uploads"
    up.mkdir()
    good = up / "note.txt"
    good.write_text("The minister said the port would reopen on Monday.", encoding="utf-8")
    bad = up / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    binary = up / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00data")
    seen = []
    rows = ingest_uploads([good, bad, binary], nlp, url, str(up), lambda i, n, name: seen.append((i, n, name)))
    by = {r["file"]: r for r in rows}
    assert by["note.txt"]["new"] == 1 and not by["note.txt"]["errors"]
    assert by["broken.json"]["errors"] and by["broken.json"]["errors"][0].startswith("upload:broken.json: ")
    assert "binary" in by["image.txt"]["errors"][0]
    assert all(str(up) not in e for r in rows for e in r["errors"])
    assert seen[-1] == (3, 3, "image.txt")
    again = ingest_uploads([good], nlp, url, str(up))
    assert again[0]["unchanged"] == 1 and again[0]["new"] == 0

    from kb.db import session_scope
    from kb.query import list_documents

    with session_scope(url) as s:
        assert [d["path"] for d in list_documents(s).rows] == ["upload:note.txt"]


# -- pages under AppTest ---------------------------------------------------------------------------

@pytest.fixture()
def app(seed_kb, monkeypatch):
    monkeypatch.setenv("KB_DATABASE_URL", seed_kb)
    monkeypatch.delenv("KB_READ_ONLY", raising=False)

    def make(page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        if page:
            at.query_params.update({k: str(v) for k, v in params.items()})
            at.switch_page(f"views/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make


def _seed_ids(url: str) -> dict:
    from kb.db import session_scope
    from kb.query import find_actor, search_statements

    with session_scope(url) as s:
        farhan = find_actor(s, "Yasser Farhan")
        russia = find_actor(s, "Russia")
        rows = search_statements(s, None, limit=100).rows
    return {"farhan": farhan.id, "russia": russia.id, "statements": rows}


def _html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.html)


def _links(at: AppTest) -> list[str]:
    return [p.proto.label for p in at.get("page_link")]


def test_overview_counts_top_speakers_and_most_accused(app, seed_kb):
    at = app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "1"
    assert int(metrics["Statements"].replace(",", "")) >= 8
    links = _links(at)
    assert "Yasser Farhan" in links  # top speaker, links to his profile
    assert "Russia" in links  # most accused
    assert any(label.startswith("Coalition News") for label in links)  # latest documents


def test_statements_search_shows_farhans_statement_with_its_sentence_highlighted(app):
    at = app("statements")
    at.text_input(key="f_text").set_value("full responsibility").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["speaker"]) == ["Yasser Farhan"]
    body = _html(at)
    assert '<mark class="kb-sentence">' in body
    assert "Russia bears full responsibility for the crimes" in body
    assert '<mark class="kb-speaker" title="Yasser Farhan">' in body
    assert "Yasser Farhan" in _links(at)  # link to the speaker's profile
    assert any(d.label == "CSV" for d in at.get("download_button"))


def test_statements_filter_by_speaker_from_the_url(app, seed_kb):
    ids = _seed_ids(seed_kb)
    at = app("statements", speaker="Farhan", claim_type="accusation")
    speakers = set(at.dataframe[0].value["speaker"])
    assert speakers == {"Yasser Farhan"}
    n = len(at.dataframe[0].value)
    expected = [r for r in ids["statements"]
                if r["speaker"] == "Yasser Farhan" and r["claim_type"] == "accusation"]
    assert n == len(expected) >= 2


def test_statement_deep_link_opens_it_in_context(app, seed_kb):
    ids = _seed_ids(seed_kb)
    target = next(r for r in ids["statements"] if r["cue"] and r["cue"].startswith("accused"))
    at = app("statements", statement=target["id"])
    body = _html(at)
    assert "thwart any political solution" in body
    assert f'<mark class="kb-cue" title="{target["claim_type"]} · {target["kind"]}">accused</mark>' in body
    assert any(label.startswith("Russia") for label in _links(at))  # the accused target links


def test_actor_profile_of_yasser_farhan(app, seed_kb):
    ids = _seed_ids(seed_kb)
    at = app("actor", actor=ids["farhan"])
    assert at.title[0].value == "Yasser Farhan"
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Statements"] >= 5 and metrics["Accusations made"] >= 2
    said = at.dataframe[0].value
    assert set(said["speaker"]) == {"Yasser Farhan"}
    assert any("Syrian Coalition" in label for label in _links(at))  # affiliation
    section = at.get("button_group")[0]
    made = next(o for o in section.options if o.startswith("Accuses"))
    section.set_value(made).run()
    assert any(m.value.startswith("**Accused:**") and "Russia" in m.value for m in at.markdown)
    assert "Russia" in " ".join(at.dataframe[0].value["targets"])


def test_actor_profile_of_the_accused(app, seed_kb):
    ids = _seed_ids(seed_kb)
    at = app("actor", actor=ids["russia"])
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Accused in"] >= 1
    section = at.get("button_group")[0]
    section.set_value(next(o for o in section.options if o.startswith("Accused ("))).run()
    assert any("Accused by" in m.value and "Yasser Farhan" in m.value for m in at.markdown)


def test_actor_graph_has_the_accusation_edges(app, seed_kb):
    ids = _seed_ids(seed_kb)
    at = app("graph")
    assert any(c.value.startswith("Showing") for c in at.caption)
    assert any(label.startswith("Yasser Farhan") for label in _links(at))  # most connected
    at.get("button_group")[-1].set_value("Centrality").run()
    central = at.dataframe[0].value
    assert "Yasser Farhan" in set(central["actor"]) and "Russia" in set(central["actor"])

    from kb.db import session_scope
    from kb.graph import build

    with session_scope(seed_kb) as s:
        V = graph_view(build.get_graph(s), types=["accuses"])
    assert V.has_edge(ids["farhan"], ids["russia"], "accuses")


def test_document_reader_marks_speakers_cues_and_mentions(app, seed_kb):
    at = app("documents")
    assert "Coalition News" in set(at.dataframe[0].value["title"])
    at = app("documents", document=1)
    body = _html(at)
    assert '<mark class="kb-speaker"' in body and '<mark class="kb-cue"' in body
    assert '<mark class="kb-content">' in body
    assert "Yasser Farhan" in " ".join(_links(at))


def test_document_text_cannot_inject_markup(tmp_path, monkeypatch, nlp):
    from conftest import build_kb

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    doc = tmp_path / "hostile.txt"
    doc.write_text(f'Farhan said "{HOSTILE}" on Monday.\n\n<b>{HOSTILE}</b>', encoding="utf-8")
    build_kb(url, [doc], nlp)
    monkeypatch.setenv("KB_DATABASE_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.query_params["document"] = "1"
    at.switch_page("views/documents.py").run()
    assert not at.exception
    body = _html(at)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "<script" not in body and "<img" not in body and "<b>" not in body
    reader = next(h for h in at.html if "kb-text" in h.proto.body and "Monday" in h.proto.body).proto.body
    tags = parse(reader)
    assert {t for t, _ in tags.tags} <= {"div", "mark"}


def test_read_only_hides_ingest_and_edits(app, monkeypatch):
    monkeypatch.setenv("KB_READ_ONLY", "1")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.toggle  # no "Enable edits"
    assert any("Read-only" in c.value for c in at.sidebar.caption)
    with pytest.raises(ValueError):
        at.switch_page("views/ingest.py")
    monkeypatch.delenv("KB_READ_ONLY")
    at = app()
    assert at.toggle(key="_edits_toggle").value is False  # browsing is read-only by default
    at.toggle(key="_edits_toggle").set_value(True).run()
    assert at.session_state["edits"] is True


def test_flagging_a_statement_is_reflected_at_once(seed_kb, tmp_path, monkeypatch):
    copy = tmp_path / "kb.sqlite"
    with sqlite3.connect(seed_kb.removeprefix("sqlite:///")) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)  # the seed KB is shared by other tests: edit a copy (WAL included)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("KB_DATABASE_URL", url)
    monkeypatch.delenv("KB_READ_ONLY", raising=False)
    ids = _seed_ids(url)
    target = next(r for r in ids["statements"] if r["speaker"] == "Yasser Farhan")
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.query_params["statement"] = str(target["id"])
    at.switch_page("views/statements.py").run()
    assert f"flag-{target['id']}" not in [b.key for b in at.button]  # edits are off
    # AppTest drops sidebar elements after switch_page (the browser keeps them), so the
    # "Enable edits" switch is set through the session key its toggle writes.
    at.session_state["edits"] = True
    at.run()
    before = len(at.dataframe[0].value)
    at.button(key=f"flag-{target['id']}").click().run()
    assert not at.exception
    assert any("flagged" in s.value for s in at.success)
    assert len(at.dataframe[0].value) == before - 1  # flagged statements leave the results
    assert target["id"] not in set(at.dataframe[0].value["id"])


def test_kb_dashboard_serves_the_packaged_app():
    """`kb dashboard` runs Streamlit on the app shipped in the kb_dashboard package (the browser
    tests start the server through this very command)."""
    from typer.testing import CliRunner

    from kb.cli import app as cli
    from kb.cli.dashboard import streamlit_argv

    argv = streamlit_argv("0.0.0.0", 8600)
    assert Path(argv[argv.index("run") + 1]) == APP and APP.is_file()
    assert (APP.parent / "views" / "overview.py").is_file()
    assert argv[argv.index("--server.address") + 1] == "0.0.0.0"
    assert argv[argv.index("--server.port") + 1] == "8600"
    help_text = CliRunner().invoke(cli, ["dashboard", "--help"]).output
    assert "--read-only" in help_text and "--port" in help_text
