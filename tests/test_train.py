"""kb export-gold, kb train and kb evaluate --model end to end: a KB built by the real ingest,
an analyst's flag, the exported gold read back by the scorer, a model trained on it and scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import POLNEAR, SEED_TEXT, build_kb, kb_cli


@pytest.fixture()
def reviewed_kb(tmp_path, nlp):
    from kb.db import session_scope
    from kb.edit import flag_statement
    from kb.models import Statement

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    build_kb(url, [SEED_TEXT], nlp)
    with session_scope(url, write=True) as session:
        ids = sorted(s.id for s in session.query(Statement).all())
        flag_statement(session, ids[0])
    return url, len(ids)


def test_export_gold_writes_the_unflagged_statements(reviewed_kb, tmp_path, monkeypatch):
    from kb.evaluate import load_gold_dir

    url, n = reviewed_kb
    run = kb_cli(url, monkeypatch)
    out = tmp_path / "gold"
    result = run("export-gold", str(out))
    assert "1 document written" in result.stderr
    [doc] = load_gold_dir(out)
    assert doc.text == SEED_TEXT.read_text(encoding="utf-8")
    assert len(doc.attributions) == n - 1  # the flagged statement is not gold
    for a in doc.attributions:
        assert a.cue is not None and a.content is not None


def test_export_gold_without_reviews_says_so(tmp_path, monkeypatch, nlp):
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    build_kb(url, [SEED_TEXT], nlp)
    result = kb_cli(url, monkeypatch)("export-gold", str(tmp_path / "gold"))
    assert "no reviewed documents" in result.stderr


def test_export_gold_unknown_document(reviewed_kb, tmp_path, monkeypatch):
    url, _ = reviewed_kb
    result = kb_cli(url, monkeypatch)("export-gold", str(tmp_path / "gold"), "--document", "999", code=1)
    assert "no document with id 999" in result.stderr


def _small_gold(tmp_path: Path, n: int = 4) -> Path:
    """The first n PolNeAR dev texts, linked into a gold folder of their own."""
    dev = POLNEAR / "dev"
    if not dev.is_dir():
        pytest.skip("PolNeAR dev not found")
    from kb.evaluate import load_gold_dir

    out = tmp_path / "small"
    (out / "text").mkdir(parents=True)
    (out / "attributions").mkdir()
    for g in load_gold_dir(dev, limit=n):
        (out / "text" / f"{g.name}.txt").symlink_to(dev / "text" / f"{g.name}.txt")
        (out / "attributions" / g.ann_path.name).symlink_to(g.ann_path)
    return out


@pytest.mark.slow
def test_train_then_evaluate_with_the_model(tmp_path, monkeypatch, sqlite_url):
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "cache"))
    gold = _small_gold(tmp_path)
    run = kb_cli(sqlite_url, monkeypatch)
    model = tmp_path / "model"
    run("train", str(gold), "-o", str(model))
    meta = json.loads((model / "model.json").read_text())
    assert meta["examples"]["candidates"] > 0 and (model / "weights.npz").is_file()
    # trained twice on the same gold: the same weights (reproducible)
    run("train", str(gold), "-o", str(tmp_path / "again"))
    assert (model / "weights.npz").read_bytes() == (tmp_path / "again" / "weights.npz").read_bytes()
    out = run("evaluate", str(gold), "--model", str(model), "--format", "json", "--reliability").stdout
    report = json.loads(out)
    assert report["documents"] == 4 and report["attributions"]["predicted"] > 0
    assert sum(r["statements"] for r in report["reliability"]) == report["attributions"]["predicted"]


def test_train_refuses_a_folder_without_gold(tmp_path, monkeypatch, sqlite_url):
    result = kb_cli(sqlite_url, monkeypatch)("train", str(tmp_path), "-o", str(tmp_path / "m"), code=2)
    assert "no text/ folder" in result.stderr


def test_evaluate_refuses_a_folder_that_is_not_a_model(tmp_path, monkeypatch, sqlite_url):
    gold = _small_gold(tmp_path, 1)
    result = kb_cli(sqlite_url, monkeypatch)("evaluate", str(gold), "--model", str(tmp_path), code=2)
    assert "not an attribution model" in result.stderr
