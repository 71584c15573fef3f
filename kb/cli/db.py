"""`kb db upgrade` and `kb db current`: the KB's schema revision (Alembic migrations shipped in kb)."""

from __future__ import annotations

import typer
from sqlalchemy.engine import make_url

from kb.cli.output import error

app = typer.Typer(help="Database administration: schema migrations.", no_args_is_help=True)

URL = typer.Option(None, "--url", help="Database URL (default: KB_DATABASE_URL, else ./kb.sqlite).")


def _engine(url: str | None):
    from kb.config import get_settings
    from kb.db import new_engine, normalise_url

    url = normalise_url(url or get_settings().database_url)
    return url, new_engine(url)


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _problem(e: Exception, url: str, what: str) -> str:
    from sqlalchemy.exc import DBAPIError

    from kb.db_problems import KBProblem, explain

    if isinstance(e, KBProblem | DBAPIError):
        return explain(e, url)
    return f"{_shown(url)}: {what}: {type(e).__name__}: {e}"


@app.command()
def upgrade(url: str | None = URL) -> None:
    """Bring the KB's schema to the newest revision (a new KB is created). Safe to run twice."""
    from kb import db

    url, engine = _engine(url)
    try:
        before, after = db.upgrade(engine)
    except Exception as e:  # noqa: BLE001 - one line naming the KB, the cause and the fix
        error(_problem(e, url, "upgrade failed"))
        raise typer.Exit(1)
    finally:
        engine.dispose()
    if before == after:
        typer.echo(f"{_shown(url)}: already at {after} (head)")
    else:
        typer.echo(f"{_shown(url)}: upgraded {before or 'empty'} -> {after}")


@app.command()
def current(url: str | None = URL) -> None:
    """Print the KB's schema revision, and whether it is the newest."""
    import sqlalchemy as sa

    from kb.db import check_not_newer, current_revision, head_revision
    from kb.db_problems import KBProblem

    url, engine = _engine(url)
    try:
        revision = current_revision(engine)
        legacy = revision is None and sa.inspect(engine).has_table("document")
        check_not_newer(revision, engine)
    except KBProblem as e:
        error(str(e))
        raise typer.Exit(1)
    except Exception as e:  # noqa: BLE001
        error(_problem(e, url, "cannot read the schema revision"))
        raise typer.Exit(1)
    finally:
        engine.dispose()
    head = head_revision()
    if revision == head:
        typer.echo(f"{revision} (head)")
    else:
        shown = revision or ("made before migrations" if legacy else "empty")
        typer.echo(f"{shown} (head is {head}: run `kb db upgrade`)")
