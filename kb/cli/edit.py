"""Analyst edits: `kb alias add|remove|list`, `kb actors merge|rename`. Thin faces over kb.edit;
each command is one transaction."""

from __future__ import annotations

from collections.abc import Callable

import typer

from kb.cli.output import Format, emit, error

alias_app = typer.Typer(help="Add, remove or list aliases (surface form -> actor).", no_args_is_help=True)


def _apply(edit: Callable, *args, **kwargs) -> None:
    """Run one edit in its own write transaction (retried if a concurrent ingest gets in the way);
    print what changed, or a one-line error."""
    from kb.db import write_with_retry
    from kb.edit import ActorNotFound, EditError

    try:
        message = write_with_retry(lambda session: edit(session, *args, **kwargs))
    except (ActorNotFound, EditError) as e:
        error(str(e))
        raise typer.Exit(1)
    print(message)


@alias_app.command("add")
def alias_add(
    surface: str = typer.Argument(..., help="The form as written, e.g. Moscow."),
    actor: str = typer.Argument(..., help="The actor it means (name or alias), e.g. Russia."),
    merge: bool = typer.Option(False, "--merge", help="If SURFACE names another actor, merge that actor in."),
) -> None:
    """Make SURFACE resolve to ACTOR (now and on every later ingest)."""
    from kb.edit import add_alias

    _apply(add_alias, surface, actor, merge=merge)


@alias_app.command("remove")
def alias_remove(surface: str = typer.Argument(..., help="The form to forget.")) -> None:
    """Forget SURFACE as an alias (statements already stored keep their actor)."""
    from kb.edit import remove_alias

    _apply(remove_alias, surface)


@alias_app.command("list")
def alias_list(
    actor: str = typer.Argument(None, help="Only this actor's aliases."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """List aliases, of one actor or all."""
    from kb.db import session_scope
    from kb.edit import ActorNotFound, list_aliases

    try:
        with session_scope() as session:
            rows = list_aliases(session, actor)
    except ActorNotFound as e:
        error(str(e))
        raise typer.Exit(1)
    emit(rows, ["surface", "form", "actor", "origin"], fmt)


def merge(
    keep: str = typer.Argument(..., help="The actor that stays (name or alias)."),
    drop: str = typer.Argument(..., help="The actor folded into KEEP and deleted; its name becomes an alias."),
) -> None:
    """Merge DROP into KEEP: statements, targets, mentions, affiliations and aliases move over."""
    from kb.edit import merge_actors

    _apply(merge_actors, keep, drop)


def rename(
    actor: str = typer.Argument(..., help="The actor (name or alias)."),
    new_name: str = typer.Argument(..., help="Its new canonical name; the old one stays an alias."),
) -> None:
    """Give ACTOR a new canonical name."""
    from kb.edit import rename_actor

    _apply(rename_actor, actor, new_name)


def register(actors_app: typer.Typer) -> None:
    actors_app.command("merge")(merge)
    actors_app.command("rename")(rename)
