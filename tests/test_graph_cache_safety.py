"""The graph cache cannot run code: a pickle planted where older kb versions kept their cache is
never read (and goes away with the next save), and a cache file carrying pickled objects is
refused (numpy with allow_pickle=False) and rebuilt. The graph read back equals the one built."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
from multidoc_kb import build_multidoc_kb

from kb import graph
from kb.db import session_scope
from kb.graph import cache
from kb.graph.build import _cache


class Planted:
    """Unpickling this creates the file ``marker``: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def same_graph(a, b) -> bool:
    return (a.graph == b.graph and dict(a.nodes(data=True)) == dict(b.nodes(data=True))
            and sorted(a.edges(keys=True, data=True), key=str) == sorted(b.edges(keys=True, data=True), key=str))


def test_planted_pickle_at_the_old_place_is_never_loaded(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_CACHE_DIR", raising=False)
    url = build_multidoc_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}")
    marker = tmp_path / "pwned"
    old = tmp_path / "kb.sqlite.graph-cache"
    with old.open("wb") as fh:
        pickle.dump(Planted(marker), fh)
        pickle.dump(Planted(marker), fh)
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("KB_CACHE_DIR", "KB_DEBUG")}
    env["KB_DATABASE_URL"] = url
    r = subprocess.run([str(Path(sys.executable).with_name("kb")), "graph", "central", "-n", "3"], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    assert not old.exists() and cache.path_for(url).exists()  # replaced by the safe format


def test_cache_with_pickled_objects_is_refused_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    url = build_multidoc_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}")
    graph.invalidate()
    with session_scope(url) as s:
        built = graph.get_graph(s)
    path = cache.path_for(url)
    marker = tmp_path / "pwned"
    with np.load(path, allow_pickle=False) as z:
        arrays = {name: z[name] for name in z.files}
    arrays["edge.u"] = np.array([Planted(marker)] * 3, dtype=object)  # header left valid
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    path.write_bytes(buf.getvalue())
    graph.invalidate()
    builds = _cache.builds
    with session_scope(url) as s:
        again = graph.get_graph(s)
    assert not marker.exists()
    assert _cache.builds == builds + 1 and same_graph(again, built)


def test_round_trip_keeps_every_attribute(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    url = build_multidoc_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}")
    graph.invalidate()
    with session_scope(url) as s:
        built = graph.get_graph(s)
        token = cache.fingerprint(s, graph.store_state(s))
    loaded = cache.load(str(url), token) or cache.load(_bound_url(url), token)
    assert loaded is not None and loaded is not built and same_graph(loaded, built)
    roles = [d.get("role") for *_, d in built.edges(keys=True, data=True) if "role" in d]
    assert roles and [d.get("role") for *_, d in loaded.edges(keys=True, data=True) if "role" in d] == roles


def _bound_url(url: str) -> str:
    from kb.db import get_engine

    return str(get_engine(url).url)
