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


@app.command()
def upgrade(url: str | None = URL) -> None:
    """Bring the KB's schema to the newest revision (a new KB is created). Safe to run twice."""
    from kb import db

    url, engine = _engine(url)
    try:
        before, after = db.upgrade(engine)
    except Exception as e:  # noqa: BLE001 - one line naming the KB and the cause
        error(f"{_shown(url)}: upgrade failed: {type(e).__name__}: {e}")
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

    from kb.db import current_revision, head_revision

    url, engine = _engine(url)
    try:
        revision = current_revision(engine)
        legacy = revision is None and sa.inspect(engine).has_table("document")
    except Exception as e:  # noqa: BLE001
        error(f"{_shown(url)}: cannot read the schema revision: {type(e).__name__}: {e}")
        raise typer.Exit(1)
    finally:
        engine.dispose()
    head = head_revision()
    if revision == head:
        typer.echo(f"{revision} (head)")
    else:
        shown = revision or ("made before migrations" if legacy else "empty")
        typer.echo(f"{shown} (head is {head}: run `kb db upgrade`)")
