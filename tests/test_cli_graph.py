"""`kb graph ...`, `kb alias ...` and `kb actors merge|rename` through the installed Typer app,
over the hand-made multi-document KB and the seed."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import kb_cli
from multidoc_kb import build_multidoc_kb

from kb import graph
from kb.graph import cache


def runner_for(url, monkeypatch):
    return kb_cli(url, monkeypatch)


@pytest.fixture(scope="module")
def kb_url(tmp_path_factory) -> str:
    return build_multidoc_kb(f"sqlite:///{tmp_path_factory.mktemp('cli-graph') / 'kb.sqlite'}")


@pytest.fixture
def kb(kb_url, monkeypatch):
    return runner_for(kb_url, monkeypatch)


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    return runner_for(build_multidoc_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}"), monkeypatch)


def as_json(result):
    return json.loads(result.stdout)


def test_accusations_by_and_against(kb):
    table = kb("graph", "accusations", "--by", "Yasser Farhan").stdout
    assert "Accusations by Yasser Farhan: 4 statements" in table
    assert "Farhan accused Moscow of shelling hospitals in Idlib." in table
    rows = as_json(kb("graph", "accusations", "--against", "Russia", "--since", "2017-06-01", "-f", "json"))
    assert [(r["speaker"], r["date"], r["sentence"]) for r in rows] == [  # most recently stored first
        ("Yasser Farhan", "2018-02-01", "Yasser Farhan accused Russian forces of targeting civilians."),
        ("Human Rights Watch", "2017-09-27", "HRW accused Russia and the Assad regime of war crimes.")]
    out = kb("graph", "accusations", "--by", "Farhan", "--against", "Moscow", "-f", "csv").stdout
    assert [r["statement_id"] for r in csv.DictReader(io.StringIO(out))] == ["11", "1"]


def test_ego_with_type_and_window(kb):
    rows = as_json(kb("graph", "ego", "Russia", "--radius", "2", "--type", "accuses", "--since", "2017-01-01",
                      "-f", "json"))
    assert {(r["source"], r["type"], r["target"]) for r in rows} == {
        ("Yasser Farhan", "accuses", "Russia"), ("Human Rights Watch", "accuses", "Russia"),
        ("Yasser Farhan", "accuses", "Assad regime"), ("Yasser Farhan", "accuses", "Turkey"),
        ("Human Rights Watch", "accuses", "Assad regime")}
    assert "Ego network of Russia (radius 1): 5 actors" in kb("graph", "ego", "Moscow").stdout


def test_path_prints_each_hop_and_its_evidence(kb):
    out = kb("graph", "path", "Maria Zakharova", "Farhan").stdout
    assert "Path 1 (2 hops): Maria Zakharova - Syrian Coalition - Yasser Farhan" in out
    assert "Maria Zakharova -accuses-> Syrian Coalition  (1 statement, 2017-06-05)" in out
    assert "Zakharova accused the Coalition of lying." in out
    assert "Yasser Farhan -member_of-> Syrian Coalition  (as member of the political committee" in out
    data = as_json(kb("graph", "path", "Maria Zakharova", "Farhan", "-f", "json"))
    assert data[0][0]["edges"][0]["evidence"][0]["statement_id"] == 5
    r = kb("graph", "path", "Russia", "Yasser Farhan", "--directed", code=1)
    assert "no path between 'Russia' and 'Yasser Farhan'" in r.stderr


def test_central_communities_co_accusers_timeline(kb):
    top = as_json(kb("graph", "central", "--by", "accused", "--limit", "2", "-f", "json"))
    assert [(r["actor"], r["score"]) for r in top] == [("Russia", 3), ("Assad regime", 2)]
    assert "Actors by pagerank" in kb("graph", "central").stdout
    assert len(as_json(kb("graph", "central", "--by", "betweenness", "-f", "json"))) == 10
    groups = as_json(kb("graph", "communities", "-f", "json"))
    assert sum(g["size"] for g in groups) == 10
    co = as_json(kb("graph", "co-accusers", "Russia", "-f", "json"))
    assert [(r["accuser"], r["shared_targets"]) for r in co] == [("Yasser Farhan", ["Assad regime"]),
                                                                 ("Human Rights Watch", ["Assad regime"])]
    tl = as_json(kb("graph", "timeline", "Syrian Coalition", "Russia", "-f", "json"))
    assert [(r["date"], r["type"]) for r in tl] == [("2017-06-05", "denies"), ("2017-09-27", "warns")]


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json", "csv"])
def test_export_loads_back(kb, kb_url, tmp_path, fmt):
    from kb.db import session_scope

    out = tmp_path / f"graph.{fmt}"
    r = kb("graph", "export", "--format", fmt, "-o", str(out))
    assert f"wrote {out} ({fmt}): 10 actors, 14 edges" in r.stderr
    back = graph.load_graph(out)
    with session_scope(kb_url) as s:
        G = graph.get_graph(s)
    assert set(back.edges(keys=True)) == set(G.edges(keys=True))


def test_export_filtered(kb, tmp_path):
    out = tmp_path / "accuses.json"
    kb("graph", "export", "-f", "json", "-o", str(out), "--type", "accuses", "--connected")
    back = graph.load_graph(out)
    assert {k for *_, k in back.edges(keys=True)} == {"accuses"}
    assert all(back.degree(n) for n in back)


def test_errors_are_one_line(kb, tmp_path):
    r = kb("graph", "accusations", "--against", "Atlantis", code=1)
    assert r.stderr.strip() == "error: no actor named 'Atlantis'"
    assert "unknown edge type 'likes'" in kb("graph", "ego", "Russia", "-t", "likes", code=2).stderr
    assert "give --by ACTOR" in kb("graph", "accusations", code=2).stderr
    r = kb("graph", "export", "-f", "gexf", "-o", str(tmp_path / "missing" / "g.gexf"), code=1)
    assert r.stderr.startswith("error: ") and "cannot write" in r.stderr


def test_alias_commands_and_merge(fresh):
    assert fresh("alias", "add", "Moskva", "Russia").stdout.strip() == "added alias 'Moskva' -> 'Russia'"
    listed = as_json(fresh("alias", "list", "Russia", "-f", "json"))
    assert {r["surface"]: r["origin"] for r in listed}["Moskva"] == "analyst"
    r = fresh("alias", "add", "Kremlin", "Russia", code=1)
    assert "already names 'Kremlin'" in r.stderr and "kb actors merge Russia Kremlin" in r.stderr
    assert fresh("alias", "remove", "Moskva").stdout.strip() == "removed alias 'Moskva' (was -> 'Russia')"
    assert "no alias 'Moskva'" in fresh("alias", "remove", "Moskva", code=1).stderr
    assert fresh("actors", "merge", "Russia", "Kremlin").stdout.startswith("merged 'Kremlin' into 'Russia'")
    rows = as_json(fresh("graph", "ego", "Kremlin", "-t", "rejects", "-f", "json"))  # the name is an alias now
    assert [(r["source"], r["type"], r["target"]) for r in rows] == [("Russia", "rejects", "Syrian Coalition")]
    assert fresh("actors", "rename", "Russia", "Russian Federation").stdout.strip() == \
        "renamed 'Russia' to 'Russian Federation'"
    assert "Yasser Farhan -accuses-> Russian Federation" in fresh("graph", "path", "Farhan", "Moscow").stdout


def test_seed_path(seed_kb, monkeypatch):
    kb = runner_for(seed_kb, monkeypatch)
    out = kb("graph", "path", "Yasser Farhan", "Russia").stdout
    assert "Path 1 (1 hop): Yasser Farhan - Russia" in out
    assert "Yasser Farhan -accuses-> Russia" in out
    assert "Russia bears full responsibility" in out
    rows = as_json(kb("graph", "ego", "Yasser Farhan", "-t", "member_of", "-t", "accuses", "-f", "json"))
    assert {(r["type"], r["target"]) for r in rows} >= {("member_of", "Syrian Coalition"), ("accuses", "Russia"),
                                                       ("accuses", "Assad regime")}


def test_cli_calls_share_the_disk_cache_until_the_store_changes(tmp_path):
    """Separate `kb` processes: the first writes the graph cache next to the KB, the next reads it,
    an edit makes it stale and the call after that rebuilds it."""
    url = build_multidoc_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}")
    env = {**os.environ, "KB_DATABASE_URL": url, "COLUMNS": "200"}
    env.pop("KB_CACHE_DIR", None)

    def kb(*args: str) -> str:
        done = subprocess.run([str(Path(sys.executable).parent / "kb"), *args], env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    path = cache.path_for(url)
    assert path == tmp_path / "kb.sqlite.graph-cache.npz" and not path.exists()
    top = json.loads(kb("graph", "central", "--by", "accused", "-n", "1", "-f", "json"))
    assert top[0]["actor"] == "Russia" and path.exists()
    written = path.stat().st_mtime_ns
    assert json.loads(kb("graph", "central", "--by", "accused", "-n", "1", "-f", "json")) == top
    assert path.stat().st_mtime_ns == written  # read, not rebuilt
    kb("actors", "rename", "Russia", "Russian Federation")
    top = json.loads(kb("graph", "central", "--by", "accused", "-n", "1", "-f", "json"))
    assert top[0]["actor"] == "Russian Federation" and path.stat().st_mtime_ns != written
