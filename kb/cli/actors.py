"""`kb actors`: list actors with their activity (`kb actors merge` is added by kb.cli.edit)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from kb.cli.output import Format, emit

app = typer.Typer(help="List actors (and merge them: `kb actors merge`).")


class Sort(str, Enum):
    statements = "statements"
    name = "name"


@app.callback(invoke_without_command=True)
def actors(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option("--kind", help="person, organization, country, ...")] = None,
    search: Annotated[str | None, typer.Option("--search", "-q", help="Part of a name or alias.")] = None,
    sort: Annotated[Sort, typer.Option("--sort", help="Most active first, or by name.")] = Sort.statements,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000)] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0)] = 0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")] = Format.table,
) -> None:
    """Actors with the statements they made, how often they were accused, and their mentions."""
    if ctx.invoked_subcommand is not None:
        return
    from kb.db import session_scope
    from kb.query import list_actors

    with session_scope() as session:
        rows = list_actors(session, q=search, kind=kind, limit=limit, offset=offset, sort=sort.value)
    emit(rows, ["id", "name", "kind", "statements", "accused", "mentions"], fmt)


@app.command("review")
def review(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000)] = 30,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, json or csv.")] = Format.table,
) -> None:
    """The actors most likely to be wrong (junk, duplicates, wrong kind), most misleading first,
    each with a one-line reason; fix them with `kb actors merge`, `kb actors rename`."""
    from kb.db import session_scope
    from kb.review import review as find

    with session_scope() as session:
        rows = [f.as_row() for f in find(session, limit=limit)]
    emit(rows, ["id", "name", "kind", "statements", "mentions", "problem", "reason", "merge_into"], fmt)
