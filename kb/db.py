"""Engines, sessions, schema migrations and full-text search for the configured database.

SQLite (a file, the default) or PostgreSQL (``KB_DATABASE_URL=postgresql+psycopg://...``, for teams).
The first engine for a URL brings its schema to the newest Alembic revision, so a new or old KB
needs no extra step. Write transactions go through :func:`write_with_retry`, which retries the
transient failures of concurrent writers (SQLite busy, PostgreSQL deadlock or unique race).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, create_engine

from kb import models  # noqa: F401  (registers the tables)
from kb.config import get_settings
from kb.db_problems import (
    KBProblem,
    SchemaTooNew,
    explain,
    explain_url_error,
    is_connection_lost,
    shown_url,
)

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LEGACY_REVISION = "0001"  # the schema KBs had before migrations existed
_MIGRATION_LOCK_KEY = 0x6B62_6462  # "kbdb": pg_advisory_xact_lock key for schema upgrades


# --- engines -------------------------------------------------------------------------------

def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` mean psycopg 3 (the driver kb installs)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_connect(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # the driver's implicit BEGIN is replaced by _sqlite_begin
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")  # first: the pragmas below may wait for a lock
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer, nor it them
    cur.execute("PRAGMA synchronous=NORMAL")  # durable across process kills; WAL keeps it atomic
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # A write transaction takes the write lock up front (waiting up to busy_timeout), so it can
    # never fail half-way when a deferred read lock cannot be upgraded.
    mode = "IMMEDIATE" if conn.get_execution_options().get("kb_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: ``KB_DATABASE_URL``), its schema upgraded. One per URL.

    A KB that cannot be opened or upgraded raises :class:`KBProblem` (one line with the fix)."""
    url = normalise_url(url or get_settings().database_url)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = new_engine(url)
            try:
                upgrade(engine)
            except DBAPIError as e:
                engine.dispose()
                raise KBProblem(explain(e, url)) from None
            _engines[url] = engine
    return engine


def new_engine(url: str) -> Engine:
    """An engine with kb's connection settings, schema untouched (get_engine() is what callers want).
    A URL SQLAlchemy cannot use raises :class:`KBProblem`."""
    try:
        return _new_engine(url)
    except (sa.exc.ArgumentError, ModuleNotFoundError) as e:
        raise KBProblem(explain_url_error(e, url)) from None


def _new_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def dispose_engine(url: str | None = None) -> None:
    """Close the pooled connections of ``url`` (or of every engine) and forget the engine."""
    with _engines_lock:
        keys = [normalise_url(url)] if url else list(_engines)
        for key in keys:
            engine = _engines.pop(key, None)
            if engine is not None:
                engine.dispose()


# --- schema migrations ---------------------------------------------------------------------

FTS_OBJECTS = {"statement_fts", "search_vector", "ix_statement_search_vector"}


def autogenerate_includes(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate filter: the full-text search objects are hand-written (migration 0002)."""
    return not (name in FTS_OBJECTS or (type_ == "table" and name.startswith("statement_fts_")))


def _alembic_config(conn: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


@lru_cache(maxsize=1)
def known_revisions() -> tuple[frozenset[str], str]:
    """(every revision shipped with kb, the head), read from the migration files without importing
    Alembic: every command checks the schema on start, and Alembic alone costs a third of a second.
    (tests/test_store.py checks that Alembic names the same head.)"""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revisions.update(_REVISION.findall(text))
        parents.update(_DOWN_REVISION.findall(text))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"kb's migrations do not form one chain (heads: {sorted(heads)})")
    return frozenset(revisions), heads.pop()


def head_revision() -> str:
    return known_revisions()[1]


def current_revision(engine: Engine) -> str | None:
    """The KB's schema revision (None: empty, or made before migrations), by one plain query."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def check_not_newer(revision: str | None, engine: Engine) -> None:
    """Refuse a KB whose schema is newer than this kb knows: upgrading or writing it would break it."""
    if revision is not None and revision not in known_revisions()[0]:
        raise SchemaTooNew(
            f"{shown_url(engine.url.render_as_string(hide_password=False))}: the KB's schema ({revision}) "
            f"is newer than this kb knows (newest: {head_revision()}): install a newer kb "
            "(`pip install --upgrade kb`, or pull and `make install`); leave the KB as it is")


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to ``revision``; returns (before, after). Safe to call from many processes
    at once: the upgrade runs in one transaction under a lock (SQLite's write lock, a PostgreSQL
    advisory lock), and a KB made before migrations existed is stamped at 0001 first."""
    target = head_revision() if revision == "head" else revision
    before = current_revision(engine)
    if before == target:
        return before, before
    check_not_newer(before, engine)
    # Only now: importing Alembic costs every command a third of a second.
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with engine.execution_options(kb_write=True).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        before = MigrationContext.configure(conn).get_current_revision()
        if before == target:
            return before, before
        cfg = _alembic_config(conn)
        if before is None and sa.inspect(conn).has_table("document"):
            command.stamp(cfg, LEGACY_REVISION)
            before = LEGACY_REVISION
        command.upgrade(cfg, revision)
        after = MigrationContext.configure(conn).get_current_revision()
    return before, after


# --- sessions and transactions -------------------------------------------------------------

@contextmanager
def session_scope(url: str | None = None, write: bool = False) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any error.

    ``write=True`` takes SQLite's write lock at BEGIN (BEGIN IMMEDIATE); use it for every
    transaction that reads and then writes, or use :func:`write_with_retry`.
    """
    engine = get_engine(url)
    if write:
        engine = engine.execution_options(kb_write=True)
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_TRANSIENT_SQLSTATES = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "23505",  # unique_violation: a concurrent writer inserted the same key first
    "55P03",  # lock_not_available
}


def is_transient(exc: BaseException) -> bool:
    """True for failures that a fresh attempt of the same transaction can get past."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in _TRANSIENT_SQLSTATES
    if isinstance(exc, OperationalError):  # SQLite
        message = str(exc.orig).lower()
        return "database is locked" in message or "database is busy" in message
    return isinstance(exc, IntegrityError) and "UNIQUE" in str(exc.orig)


# How long a run waits for a database that went away (a restart, a failover) before giving up.
RECONNECT_SECONDS = float(os.environ.get("KB_DB_RECONNECT_SECONDS") or 60)


def _retry(run: Callable[[], T], attempts: int, on_retry: Callable[[BaseException], None] | None) -> T:
    """``run()``, again after a jittered backoff while it fails transiently: a conflict between
    writers up to ``attempts`` times, a lost connection for up to RECONNECT_SECONDS (each retry
    checks out a fresh connection: the pool pings and replaces dead ones)."""
    attempt = 0
    deadline = None
    while True:
        try:
            return run()
        except DBAPIError as e:
            attempt += 1
            if is_connection_lost(e):
                deadline = deadline or time.monotonic() + RECONNECT_SECONDS
                if time.monotonic() >= deadline:
                    raise
                pause = min(2.0, 0.1 * 2 ** min(attempt, 5))
            elif attempt < attempts and is_transient(e):
                pause = min(2.0, 0.02 * 2 ** attempt)
            else:
                raise
            if on_retry is not None:
                on_retry(e)
            time.sleep(pause * (0.5 + random.random()))


def write_with_retry(fn: Callable[[Session], T], url: str | None = None, attempts: int = 8,
                     on_retry: Callable[[BaseException], None] | None = None) -> T:
    """Run ``fn(session)`` in one write transaction; on a transient failure (a concurrent writer,
    a lost connection) roll back and run it again after a jittered exponential backoff. ``fn``
    must therefore be safe to re-run. ``on_retry`` hears each failure that is retried."""
    def once() -> T:
        with session_scope(url, write=True) as session:
            return fn(session)

    return _retry(once, attempts, on_retry)


def read_with_retry(fn: Callable[[Connection], T], url: str | None = None,
                    on_retry: Callable[[BaseException], None] | None = None) -> T:
    """Run ``fn(connection)`` for a read; retried like :func:`write_with_retry` when the
    connection is lost."""
    def once() -> T:
        with get_engine(url).connect() as conn:
            return fn(conn)

    return _retry(once, 8, on_retry)


def check_writable(url: str | None = None) -> None:
    """Raise :class:`KBProblem` (one line, with the fix) unless the KB takes a write: a row is
    written and rolled back, so a read-only KB, a read-only server or a full disk stop a run
    before any document is parsed."""
    engine = get_engine(url)
    try:
        with engine.execution_options(kb_write=True).connect() as conn:
            with conn.begin() as tx:
                conn.execute(sa.text("INSERT INTO kb_counter (name, value, n) VALUES ('kb_write_check', '', 0)"))
                tx.rollback()
    except DBAPIError as e:
        raise KBProblem(explain(e, engine.url.render_as_string(hide_password=False))) from None


# --- full-text search ----------------------------------------------------------------------

_TERMS = re.compile(r'"([^"]*)"|(\S+)')
# A search bounds its own size on both backends: a pasted page must not build a query the database
# (or SQLAlchemy's compiler) chokes on. Every term must match, so the first MAX_SEARCH_TERMS
# distinct terms still find what the whole text would (and a little more).
MAX_SEARCH_TERMS = 64
MAX_TERM_CHARS = 200


def search_terms(text: str) -> list[str]:
    """The user's text as plain terms: "quoted phrases" stay together, everything else is words.
    Terms without a letter or digit are dropped (they cannot match anything), repeats too; at most
    MAX_SEARCH_TERMS terms of at most MAX_TERM_CHARS characters are kept."""
    terms: dict[str, str] = {}
    for phrase, word in _TERMS.findall((text or "").replace("\x00", " ")):
        term = (phrase or word)[:MAX_TERM_CHARS]
        if re.search(r"[^\W_]", term):
            terms.setdefault(term.casefold(), term)
            if len(terms) == MAX_SEARCH_TERMS:
                break
    return list(terms.values())


def _all_of(queries: list):
    """q1 && q2 && ... as a balanced tree: a left-leaning chain of 150 terms overflows the
    compiler's recursion limit."""
    if len(queries) == 1:
        return queries[0]
    middle = len(queries) // 2
    return _all_of(queries[:middle]).op("&&")(_all_of(queries[middle:]))


def _dialect_name(bind) -> str:
    if isinstance(bind, str):
        return bind
    if isinstance(bind, Session):
        bind = bind.get_bind()
    return bind.dialect.name


STATEMENT_FTS = sa.table("statement_fts", sa.column("rowid"))  # SQLite's FTS5 index (migration 0002)


def _fts5_query(terms: list[str]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def fts_query(bind, text: str):
    """On SQLite, the WHERE clause ``statement_fts MATCH <text>`` (rows of :data:`STATEMENT_FTS`,
    rowid = statement id) to join the index on and order by its rowid; None on PostgreSQL."""
    if _dialect_name(bind) != "sqlite":
        return None
    terms = search_terms(text)
    return sa.literal_column("statement_fts").op("MATCH")(_fts5_query(terms)) if terms else sa.false()


def fts_search(bind, text: str) -> sa.Select:
    """Statements matching ``text``: a SELECT of (statement_id, score), higher score = better.

    Every term must match (stemmed, case- and accent-insensitive); "quoted phrases" must match as
    phrases. The text is always data: quotes, %, _, SQL or FTS syntax cannot change the query.
    ``bind`` is a Session, Connection, Engine or dialect name ("sqlite", "postgresql").
    """
    terms = search_terms(text)
    if _dialect_name(bind) == "sqlite":
        return (sa.select(STATEMENT_FTS.c.rowid.label("statement_id"),
                          (-sa.func.bm25(sa.literal_column("statement_fts"))).label("score"))
                .select_from(STATEMENT_FTS).where(fts_query(bind, text)))
    # Empty tsqueries (stopwords only) drop out of the && chain; if nothing is left, @@ is false.
    tsquery = _all_of([sa.func.phraseto_tsquery(sa.literal_column("'english'::regconfig"), sa.literal(t))
                       for t in terms]) if terms else None
    statement = sa.table("statement", sa.column("id"), sa.column("search_vector"))
    vector = statement.c.search_vector
    return (sa.select(statement.c.id.label("statement_id"),
                      sa.func.ts_rank(vector, tsquery).label("score") if terms else sa.literal(0.0))
            .where(vector.op("@@")(tsquery) if terms else sa.false()))


def fts_match(bind, text: str) -> sa.Select:
    """A one-column SELECT of the ids of statements matching ``text`` (see :func:`fts_search`),
    for ``Statement.id.in_(fts_match(session, text))``."""
    return sa.select(fts_search(bind, text).subquery().c.statement_id)


def cache_file(url: str, beside: str, pattern: str) -> Path | None:
    """Where a file derived from the KB at ``url`` is kept (the graph cache, the claim index):
    next to a SQLite file as its name + ``beside``, else (or when ``KB_CACHE_DIR`` is set) in
    ``KB_CACHE_DIR`` or ``~/.cache/kb`` as ``pattern`` with ``{}`` the URL's hash. None: nowhere
    (an in-memory SQLite KB)."""
    parsed = sa.engine.make_url(url)
    configured = os.environ.get("KB_CACHE_DIR")
    if parsed.get_backend_name() == "sqlite" and not configured:
        db = parsed.database
        if not db or db == ":memory:" or db.startswith("file:"):
            return None
        return Path(db).with_name(Path(db).name + beside)
    root = Path(configured) if configured else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb"
    return root / pattern.format(hashlib.sha256(url.encode()).hexdigest()[:20])
