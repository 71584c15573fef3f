"""`kb db ...` (placeholder until its issue lands)"""

import typer

app = typer.Typer(help="Database administration.")
