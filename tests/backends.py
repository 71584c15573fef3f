"""Pytest plugin: a real PostgreSQL server for the test session, and ``db_url`` over both backends.

``db_url`` is parametrized: ``[sqlite]`` is a fresh SQLite file, ``[postgres]`` a fresh database
(``CREATE DATABASE``) on a server this plugin starts once per session with ``initdb``/``pg_ctl``
from ``KB_PG_BIN`` (default ``/usr/lib/postgresql/15/bin``). Under pytest-xdist every worker
starts its own server (own directory, own free port). initdb refuses to run as root, so as root
the server runs as the ``postgres`` user (created if missing). If the server cannot start, the
postgres tests fail with the reason; nothing is skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("KB_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "postgres"  # the OS user the server runs as when the tests run as root


class PostgresServer:
    """A throwaway PostgreSQL cluster on 127.0.0.1:<free port>, trust auth, superuser ``postgres``."""

    def __init__(self, bin_dir: Path = PG_BIN, name: str = "kb"):
        self.bin_dir = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix=f"kb-pg-{name}-"))  # in /tmp: reachable by PG_USER
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.port = 0
        self.run_as = _unprivileged_user() if os.geteuid() == 0 else None

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        return subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        if not (self.bin_dir / "initdb").exists():
            raise RuntimeError(f"{self.bin_dir}/initdb not found: install PostgreSQL 15 "
                               "(bash scripts/install-system-deps.sh) or set KB_PG_BIN")
        if self.run_as:
            shutil.chown(self.dir, self.run_as, self.run_as)
        _check(self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                         "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"), "initdb")
        for _ in range(3):  # the free port can be taken between picking and binding it
            self.port = _free_port()
            opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                    "-c max_connections=200")
            started = self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
                                "-l", str(self.log), "-o", opts)
            if started.returncode == 0:
                return
        log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log}")

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        name = f"kb_test_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unprivileged_user() -> str:
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        _check(subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                               PG_USER], check=False, capture_output=True, text=True), "useradd")
    return PG_USER


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _check(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}): {(result.stderr or result.stdout).strip()}")


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (one per xdist worker). Fails, never skips, if it cannot start."""
    server = PostgresServer(name=os.environ.get("PYTEST_XDIST_WORKER", "main"))
    try:
        server.start()
    except Exception as e:  # noqa: BLE001 - any reason is reported as the failure
        server.stop()
        pytest.fail(f"PostgreSQL test server did not start: {e}", pytrace=False)
    yield server
    from kb.db import dispose_engine

    dispose_engine()
    server.stop()


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def empty_kb(backend: str, request, folder: Path) -> Iterator[str]:
    """The URL of a new empty KB on ``backend`` (a SQLite file in ``folder``, or a fresh PostgreSQL
    database), disposed of afterwards; for fixtures whose scope or count db_url does not fit."""
    from kb.db import dispose_engine

    server = request.getfixturevalue("pg_server") if backend == "postgres" else None
    url = server.create_database() if server else f"sqlite:///{folder / f'kb-{uuid.uuid4().hex[:8]}.sqlite'}"
    try:
        yield url
    finally:
        dispose_engine(url)
        if server:
            server.drop_database(url)


@pytest.fixture
def pg_url(pg_server: PostgresServer):
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    from kb.db import dispose_engine

    url = pg_server.create_database()
    yield url
    dispose_engine(url)
    pg_server.drop_database(url)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    from kb.db import dispose_engine

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    yield url
    dispose_engine(url)


@pytest.fixture(params=BACKENDS)
def db_url(request) -> str:
    """An empty KB on each backend: run a test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def pytest_collection_modifyitems(items) -> None:
    """Tests that use the server directly are ``postgres`` tests too (``-m "not postgres"`` skips them)."""
    for item in items:
        if {"pg_server", "pg_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
