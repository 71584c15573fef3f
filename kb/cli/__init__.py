"""The ``kb`` command line: each command group lives in its own module.

Command modules import their heavy parts (kb.pipeline, spaCy, networkx) inside the commands, so
the read-only commands start fast. Database and setup problems end any command with one line
naming the KB, the cause and the fix, never a traceback (``KB_DEBUG=1`` shows it).
"""

import os
import sys

import typer

from kb.cli import (
    actors,
    bench,
    browse,
    claims,
    dashboard,
    db,
    edit,
    evaluate,
    graph,
    ingest,
    train,
)


class _App(typer.Typer):
    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as e:
            if os.environ.get("KB_DEBUG"):
                raise
            from kb.cli.output import problem_line

            line = problem_line(e)
            if line is None:
                raise
            print(f"error: {line}", file=sys.stderr)
            sys.exit(1)


app = _App(
    name="kb",
    help="kb: a quote and claim tracking knowledge base. Who said what, where, about whom.",
    no_args_is_help=True,
    add_completion=False,
)

ingest.register(app)
browse.register(app)
evaluate.register(app)
train.register(app)
bench.register(app)
dashboard.register(app)
claims.register(app)
edit.register(actors.app)
app.add_typer(actors.app, name="actors")
app.add_typer(edit.alias_app, name="alias")
app.add_typer(graph.app, name="graph")
app.add_typer(db.app, name="db")

if __name__ == "__main__":  # pragma: no cover
    app()
