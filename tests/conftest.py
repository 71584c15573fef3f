"""Shared fixtures: the real spaCy pipeline, the seed, and KBs built by the real ingest path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ["backends"]  # pg_server, pg_url, sqlite_url, db_url (both backends)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_TEXT = SHARED / "seed" / "000_6bce3e69434a3938.txt"
SEED_GOLD = SHARED / "seed" / "000_6bce3e69434a3938.gold.json"
POLNEAR = SHARED / "data" / "polnear"
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture(scope="session")
def nlp():
    from kb.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


def build_kb(url: str, paths, nlp) -> None:
    """Ingest ``paths`` into the KB at ``url`` through the same code path as ``kb ingest``."""
    from kb.ingest import read_paths
    from kb.pipeline import ingest

    errors = ingest(read_paths(paths), nlp, url).errors
    assert not errors, errors


@pytest.fixture(scope="session")
def seed_kb(tmp_path_factory, nlp) -> str:
    """The URL of a SQLite KB holding the seed press release."""
    url = f"sqlite:///{tmp_path_factory.mktemp('seed') / 'kb.sqlite'}"
    build_kb(url, [SEED_TEXT], nlp)
    return url


def kb_cli(url: str, monkeypatch):
    """``run("graph", "path", ...)``: the real ``kb`` CLI against the KB at ``url``; checks the exit
    code (``code=``, 0 by default) and returns the click Result."""
    from typer.testing import CliRunner

    from kb.cli import app

    monkeypatch.setenv("KB_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
        return result

    return run
