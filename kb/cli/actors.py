"""`kb actors` and `kb alias` (placeholder until its issue lands)"""

import typer

app = typer.Typer(help="List and edit actors.")
alias_app = typer.Typer(help="Add or remove aliases (surface form -> actor).")
