"""`kb bench-generate`: fill a fresh KB with a synthetic corpus for the query benchmarks."""

from __future__ import annotations

import typer

from kb.cli.output import error


def bench_generate(
    statements: int = typer.Option(1_000_000, "--statements", "-s", min=1, help="Statements to write."),
    documents: int = typer.Option(None, "--documents", "-d", min=1, help="Documents (default: statements / 10)."),
    actors: int = typer.Option(None, "--actors", "-a", min=1, help="Actors (default: statements / 20)."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same KB."),
    url: str | None = typer.Option(None, "--url", help="Database URL (default: KB_DATABASE_URL, else ./kb.sqlite)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
) -> None:
    """Write a synthetic KB (Zipf speakers, claim types, a year of dates, targets, aliases,
    affiliations) straight into the tables of an empty KB, for benchmarks."""
    from kb.benchgen import generate

    documents = documents or max(1, statements // 10)
    actors = actors or max(1, statements // 20)

    def progress(message: str) -> None:
        if not quiet:
            typer.echo(message, err=True)

    try:
        summary = generate(url, documents, statements, actors, seed, progress)
    except ValueError as e:
        error(str(e))
        raise typer.Exit(1)
    typer.echo(
        f"documents: {summary.documents}, statements: {summary.statements}, actors: {summary.actors}, "
        f"aliases: {summary.aliases}, affiliations: {summary.affiliations}, targets: {summary.targets}, "
        f"mentions: {summary.mentions} in {summary.seconds} s"
    )


def register(app: typer.Typer) -> None:
    app.command("bench-generate")(bench_generate)
