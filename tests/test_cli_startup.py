"""Read-only commands start without loading spaCy: `kb stats`, `kb actors`, `kb statements` and
the other browsing commands run in a fresh interpreter and spaCy must not be in ``sys.modules``
afterwards (the start-up figures are printed by benchmarks/cli_startup.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sample_kb import build_sample_kb

# Runs the real Typer app in a fresh interpreter (spaCy loaded by the test process must not count)
# and reports which heavy modules the command pulled in.
PROBE = """
import json, sys
from kb.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps({"modules": [m for m in ("spacy", "thinc", "torch", "kb.pipeline", "kb.nlp")
                              if m in sys.modules]}))
"""

READ_ONLY = [
    ["stats"],
    ["actors"],
    ["actors", "--search", "Farhan", "--format", "json"],
    ["statements", "--text", "war crimes"],
    ["statements", "--speaker", "Yasser Farhan", "--format", "csv"],
    ["show-actor", "Russia"],
    ["documents"],
    ["show-document", "1"],
    ["show-statement", "1"],
    ["alias", "list"],
    ["graph", "central", "--by", "degree"],
    ["graph", "path", "Yasser Farhan", "Russia"],
    ["db", "current"],
    ["--help"],
]


@pytest.fixture(scope="module")
def sample_sqlite(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('startup') / 'kb.sqlite'}"
    build_sample_kb(url)
    return url


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: " ".join(a))
def test_read_only_commands_do_not_import_spacy(args, sample_sqlite, tmp_path):
    env = {**os.environ, "KB_DATABASE_URL": sample_sqlite, "COLUMNS": "200", "KB_CACHE_DIR": str(tmp_path)}
    r = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert json.loads(last)["modules"] == [], (args, r.stderr)
    assert "Traceback" not in r.stderr


def test_the_probe_can_see_spacy(sample_sqlite, tmp_path):
    """The probe is not blind: `kb extract` does load spaCy."""
    text = tmp_path / "a.txt"
    text.write_text("The minister said the talks had failed.\n", encoding="utf-8")
    env = {**os.environ, "KB_DATABASE_URL": sample_sqlite}
    r = subprocess.run([sys.executable, "-c", PROBE, "extract", str(text)], capture_output=True, text=True,
                       env=env, timeout=300)
    assert "spacy" in json.loads(r.stdout.strip().splitlines()[-1])["modules"], r.stderr
