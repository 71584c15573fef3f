"""`kb actors` (placeholder until its issue lands)"""

import typer

app = typer.Typer(help="List actors (and merge them: `kb actors merge`).")
