"""kb works from a wheel, not only from the source tree: build the wheel, install it into a fresh
venv and run `kb extract` and `kb ingest` on the seed from another directory. A lexicon missing
from the install stops kb with one line instead of running with empty data.

The fresh venv gets kb from the wheel alone (``--no-deps``, so nothing downloads); its
dependencies (spaCy, the model, SQLAlchemy, ...) come from the test venv's site-packages through a
.pth file, which does not run the editable install's finder, so ``import kb`` can only find the
wheel's copy (the test checks where it came from).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from conftest import ROOT, SEED_GOLD, SEED_TEXT

pytestmark = pytest.mark.slow


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert r.returncode == 0, (cmd, r.stdout[-2000:], r.stderr[-3000:])
    return r


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # a clean copy: the build must not depend on files lying around the worktree
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", ".git", "*.egg-info", "build", "dist",
                                                              "__pycache__", "*.sqlite*", ".ruff_cache",
                                                              ".pytest_cache"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
         str(src)])
    wheel = next((tmp / "dist").glob("kb-*.whl"))
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                   .stdout.strip())
    (purelib / "_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)])
    return env_dir


def test_wheel_carries_the_lexicons_and_migrations(wheel_venv):
    python = str(wheel_venv / "bin" / "python")
    out = run([python, "-c", "import kb, kb.config as c; print(kb.__file__); "
                             "print(sorted(p.name for p in c.DATA_DIR.iterdir()))"], cwd="/").stdout.splitlines()
    assert out[0].startswith(str(wheel_venv)), out  # the wheel's copy, not the source tree
    assert sorted(json.loads(out[1].replace("'", '"'))) == sorted(p.name for p in (ROOT / "kb" / "data").iterdir()
                                                                  if p.is_file())


def test_wheel_extracts_and_ingests_the_seed_from_elsewhere(wheel_venv, tmp_path):
    kb = str(wheel_venv / "bin" / "kb")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    r = run([kb, "extract", str(SEED_TEXT)], cwd=work, env=env)
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    n_gold = len(gold["statements"]) if isinstance(gold, dict) and "statements" in gold else 10
    assert len(rows) >= n_gold and "Traceback" not in r.stderr
    r = run([kb, "ingest", "-q", str(SEED_TEXT)], cwd=work, env=env)  # a KB in ./kb.sqlite, migrated
    assert "1 new" in r.stderr and (work / "kb.sqlite").exists()
    assert "Yasser Farhan" in run([kb, "actors"], cwd=work, env=env).stdout


def test_wheel_with_a_lexicon_missing_fails_in_one_line(wheel_venv, tmp_path):
    python = str(wheel_venv / "bin" / "python")
    data = Path(run([python, "-c", "import kb.config as c; print(c.DATA_DIR)"], cwd="/").stdout.strip())
    broken = tmp_path / "data"
    shutil.copytree(data, broken)
    for name in ("demonyms.tsv", "cue_frames.tsv"):
        (broken / name).unlink()
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("KB_")}, "KB_DATA_DIR": str(broken)}
        r = subprocess.run([str(wheel_venv / "bin" / "kb"), "extract", str(SEED_TEXT)], capture_output=True,
                           text=True, cwd=tmp_path, env=env, timeout=600)
        assert r.returncode == 1 and r.stdout == "", r.stdout[-500:]
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "lexicon missing" in lines[0] and lines[0].startswith("error: "), r.stderr
        shutil.copy(data / name, broken / name)
