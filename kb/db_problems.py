"""Database and setup problems told in one line, with the fix to run.

A server that is down, a missing database, a file that is not a KB, a read-only directory, a
bad URL or a KB written by a newer kb are the user's to fix, not kb's bugs: they become a
:class:`KBProblem` whose message names the KB (password hidden), the cause and what to do.
Messages never carry SQL, parameters or document text (DBAPIError's own text has all three).
"""

from __future__ import annotations

import re
from pathlib import Path

# Connection-level failures: the server went away or is restarting. Worth waiting for.
_CONNECTION_SQLSTATE_CLASSES = ("08", "57P")  # connection exception; operator intervention (shutdown)
_CONNECTION_WORDS = ("connection refused", "connection failed", "server closed the connection",
                     "terminating connection", "could not connect", "connection is closed",
                     "the database system is starting up", "the database system is shutting down",
                     "consuming input failed", "connection timeout", "ssl syscall error",
                     "connection reset", "broken pipe", "no connection to the server")

_NOT_TRANSIENT = ("does not exist", "authentication failed", "no password supplied", "permission denied",
                  "failed to resolve host")


class KBProblem(Exception):
    """A problem with the KB or the setup, its message one line with the fix."""


class SchemaTooNew(KBProblem):
    pass


def shown_url(url: str) -> str:
    """The URL as the user may see it: password hidden; a SQLite URL as its file path."""
    try:
        from sqlalchemy.engine import make_url

        u = make_url(url)
    except Exception:  # noqa: BLE001  (a URL that does not parse is shown as given, minus secrets)
        return re.sub(r"://([^:/@]*):[^@]*@", r"://\1:***@", url)
    if u.drivername.startswith("sqlite"):
        path = u.database or "(in memory)"
        return path.removeprefix("file:").split("?", 1)[0] if path.startswith("file:") else path
    return u.render_as_string(hide_password=True)


def first_line(exc: BaseException) -> str:
    """The driver's own message, first line only (DBAPIError's str adds SQL and parameters)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0].strip() if text else type(orig).__name__


def is_connection_lost(exc: BaseException) -> bool:
    """True when the server is unreachable or dropped the connection (restart, failover)."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None) or ""
        if sqlstate.startswith(_CONNECTION_SQLSTATE_CLASSES):
            return True
        if not type(exc.orig).__module__.startswith("psycopg"):
            return False
    elif not type(exc).__module__.startswith("psycopg"):
        return False
    message = str(getattr(exc, "orig", exc)).lower()
    if any(w in message for w in _NOT_TRANSIENT):  # the server answered: waiting will not help
        return False
    return any(w in message for w in _CONNECTION_WORDS)


def explain(exc: BaseException, url: str) -> str:
    """One line for a database failure: the KB, the cause, the fix (no SQL, no data)."""
    if isinstance(exc, KBProblem):
        return str(exc)
    where = shown_url(url)
    message = first_line(exc)
    low = message.lower()
    is_sqlite = url.startswith("sqlite")
    if is_sqlite:
        path = Path(where)
        if "file is not a database" in low or "file is encrypted" in low:
            return (f"{where}: not a kb database (an SQLite KB file was expected): point KB_DATABASE_URL "
                    "at a KB, or move the file away and run the command again to create one")
        if "unable to open database file" in low:
            if not path.parent.exists():
                return (f"{where}: cannot create the KB, folder {path.parent} does not exist: "
                        f"run `mkdir -p {path.parent}` or set KB_DATABASE_URL")
            return (f"{where}: cannot open the KB (folder or file not writable?): check the permissions "
                    f"of {path.parent}, or set KB_DATABASE_URL to a KB you can write")
        if "readonly" in low or "read-only" in low:
            return (f"{where}: the KB is read-only (it and its folder must be writable, for the -wal and "
                    f"-shm files): fix the permissions of {path.parent}, or copy the KB somewhere writable")
        if "disk is full" in low or "disk i/o error" in low:
            return f"{where}: {message}: free some disk space, then run the command again"
        if "malformed" in low or "corrupt" in low:
            return (f"{where}: the KB file is damaged ({message}): restore it from a backup "
                    "(see docs/team.md, Backups)")
        if "locked" in low or "busy" in low:
            return f"{where}: the KB stayed locked by another process for 30 s: run the command again"
        return f"{where}: {message}"
    m = re.search(r'database "([^"]+)" does not exist', message)
    if m:
        return f"{where}: database {m.group(1)!r} does not exist: run `createdb {m.group(1)}` (as its owner)"
    m = re.search(r'role "([^"]+)" does not exist', message)
    if m:
        return f"{where}: user {m.group(1)!r} does not exist: run `createuser --pwprompt {m.group(1)}`"
    if "password authentication failed" in low or "no password supplied" in low:
        return f"{where}: the server refused the user name or password: check them in KB_DATABASE_URL"
    if "permission denied" in low:
        return (f"{where}: permission denied ({message}): the KB's user needs to own the database, "
                "or be granted rights on its tables")
    if is_connection_lost(exc) or "failed to resolve host" in low:
        if "failed to resolve host" in low:
            return (f"{where}: cannot connect, unknown host ({message}): check the host name in "
                    "KB_DATABASE_URL")
        return (f"{where}: cannot connect to the PostgreSQL server ({message}): start it (e.g. "
                "`sudo systemctl start postgresql`) or check the host and port in KB_DATABASE_URL")
    if "read-only transaction" in low:
        return f"{where}: the server is read-only (a standby?): point KB_DATABASE_URL at the primary"
    if "no space left" in low or "disk full" in low:
        return f"{where}: the database server's disk is full: free space on it, then run the command again"
    return f"{where}: {message}"


def explain_url_error(exc: BaseException, url: str) -> str | None:
    """One line for a URL SQLAlchemy cannot use, else None."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    usage = "use sqlite:///PATH/kb.sqlite or postgresql+psycopg://USER:PASSWORD@HOST:5432/DATABASE"
    if isinstance(exc, NoSuchModuleError | ArgumentError):
        return f"KB_DATABASE_URL {shown_url(url)!r} is not a database URL kb can use: {usage}"
    if isinstance(exc, ModuleNotFoundError):
        return (f"KB_DATABASE_URL {shown_url(url)!r} needs the driver {exc.name!r}, which kb does not "
                f"install: {usage}")
    return None


# Failures of the KB as a whole, not of one document: going on would fail every document.
_KB_LEVEL_WORDS = ("readonly", "read-only", "disk is full", "no space left", "disk i/o error", "permission denied",
                   "unable to open database", "not a database", "malformed", "database is locked")


def is_kb_level(exc: BaseException) -> bool:
    """True when ``exc`` says the KB cannot be written or reached at all (stop the run), rather than
    that one document could not be stored (report it and go on)."""
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, KBProblem):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if is_connection_lost(exc):
        return True
    message = first_line(exc).lower()
    return any(w in message for w in _KB_LEVEL_WORDS)
