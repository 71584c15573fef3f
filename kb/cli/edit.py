"""Analyst edits: `kb actors merge`, `kb alias add|remove` (placeholder until its issue lands)"""

import typer

alias_app = typer.Typer(help="Add or remove aliases (surface form -> actor).")


def register(actors_app: typer.Typer) -> None:
    pass
