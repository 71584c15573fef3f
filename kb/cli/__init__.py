"""The ``kb`` command line: each command group lives in its own module."""

import typer

from kb.cli import actors, bench, browse, claims, db, edit, evaluate, graph, ingest

app = typer.Typer(
    name="kb",
    help="kb: a quote and claim tracking knowledge base. Who said what, where, about whom.",
    no_args_is_help=True,
    add_completion=False,
)

ingest.register(app)
browse.register(app)
evaluate.register(app)
bench.register(app)
claims.register(app)
edit.register(actors.app)
app.add_typer(actors.app, name="actors")
app.add_typer(edit.alias_app, name="alias")
app.add_typer(graph.app, name="graph")
app.add_typer(db.app, name="db")

if __name__ == "__main__":  # pragma: no cover
    app()
