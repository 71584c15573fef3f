"""`kb graph ...` (placeholder until its issue lands)"""

import typer

app = typer.Typer(help="Query and export the actor graph.")
