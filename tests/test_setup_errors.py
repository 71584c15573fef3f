"""Database and setup problems end a command with one line naming the KB, the cause and the fix:
never a traceback, never SQL. Each case runs the installed `kb` script in a real process."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

KB = str(Path(sys.executable).with_name("kb"))


def kb(*args: str, url: str, cwd: Path | None = None, user: str | None = None,
       timeout: int = 120) -> subprocess.CompletedProcess:
    cmd = [KB, *args]
    if user:  # root ignores file permissions: run as an ordinary user to see them
        cmd = ["runuser", "-u", user, "--", *cmd]
    env = {**os.environ, "KB_DATABASE_URL": url, "COLUMNS": "200"}
    env.pop("KB_DEBUG", None)
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)


def one_line_error(r: subprocess.CompletedProcess, *words: str) -> str:
    assert r.returncode != 0, r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in r.stderr
    for bad in ("SELECT", "INSERT", "[SQL:", "sqlalche.me", "parameters"):
        assert bad not in lines[0], lines[0]
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


COMMANDS = [("stats",), ("actors",), ("db", "current"), ("db", "upgrade")]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_folder_missing(tmp_path, args):
    url = f"sqlite:///{tmp_path / 'nowhere' / 'kb.sqlite'}"
    one_line_error(kb(*args, url=url), "does not exist", "mkdir -p")


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_file_that_is_not_a_database(tmp_path, args):
    path = tmp_path / "notes.sqlite"
    path.write_text("shopping list: eggs, milk\n" * 200, encoding="utf-8")
    one_line_error(kb(*args, url=f"sqlite:///{path}"), str(path), "not a kb database")
    assert path.read_text(encoding="utf-8").startswith("shopping list")  # left as it was


@pytest.mark.parametrize("url", ["foo", "sqlite:/x", "mysql://a@b/c", "nosuch://x/y"])
def test_bad_urls(url):
    one_line_error(kb("stats", url=url), "KB_DATABASE_URL", "sqlite:///")


def test_server_down_hides_the_password():
    with socketserver_port() as port:
        url = f"postgresql+psycopg://kb:hunter2@127.0.0.1:{port}/kb"
        line = one_line_error(kb("stats", url=url), "cannot connect", "127.0.0.1")
        assert "hunter2" not in line


def socketserver_port():
    """A port nothing listens on."""
    import contextlib
    import socket

    @contextlib.contextmanager
    def free():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        yield port

    return free()


def test_newer_schema_is_refused_and_not_advised_to_upgrade(tmp_path):
    path = tmp_path / "kb.sqlite"
    url = f"sqlite:///{path}"
    assert kb("stats", url=url).returncode == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    line = one_line_error(kb("db", "current", url=url), "9999", "newer")
    assert "kb db upgrade" not in line
    one_line_error(kb("db", "upgrade", url=url), "9999", "newer")
    one_line_error(kb("stats", url=url), "9999", "newer")
    with sqlite3.connect(path) as conn:  # nothing touched
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("9999",)]


def test_head_revision_from_the_files_is_alembics():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from kb.db import MIGRATIONS, head_revision, known_revisions

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert head_revision() == script.get_current_head()
    assert known_revisions()[0] == {r.revision for r in script.walk_revisions()}


def read_only_mount(folder: Path, *args: str, url: str) -> subprocess.CompletedProcess:
    """``kb ARGS`` with ``folder`` mounted read-only (a private mount namespace: root ignores file
    permissions, not a read-only mount)."""
    script = f'mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}" && exec "$@"'
    env = {**os.environ, "KB_DATABASE_URL": url}
    env.pop("KB_DEBUG", None)
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", KB, *args], capture_output=True,
                          text=True, env=env, timeout=120)


def _can_mount_read_only(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f'mount --bind "{tmp_path}" "{tmp_path}"'],
                           capture_output=True)
    return probe.returncode == 0


def test_read_only_folder(tmp_path):
    if not _can_mount_read_only(tmp_path):
        pytest.skip("no mount namespaces here (unshare -m)")
    folder = tmp_path / "ro"
    folder.mkdir()
    one_line_error(read_only_mount(folder, "stats", url=f"sqlite:///{folder / 'new.sqlite'}"), str(folder))
    # An existing KB on a read-only folder still reads (and refuses to store, see test_ingest_errors).
    url = f"sqlite:///{folder / 'kb.sqlite'}"
    assert kb("stats", url=url).returncode == 0
    r = read_only_mount(folder, "stats", url=url)
    assert r.returncode == 0 or one_line_error(r, str(folder))


@pytest.mark.postgres
def test_missing_database(pg_server):
    url = pg_server.url("no_such_kb")
    one_line_error(kb("stats", url=url), "createdb no_such_kb")
