"""`kb ingest` (store) and `kb extract` (print, store nothing)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kb.cli.output import error

if TYPE_CHECKING:
    from kb.ingest import IngestError

# kb.pipeline (and so spaCy) is imported inside the commands that run it: `kb stats` and the
# other read-only commands must start without loading a language model.


def _load_nlp(model: str | None = None):
    from kb.nlp import ModelNotFound, load_nlp

    try:
        return load_nlp(None, model)
    except ModelNotFound as e:
        error(str(e))
        raise typer.Exit(2)


def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders (.txt .html .htm .jsonl .json .csv)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes (each runs the whole pipeline)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    metadata: Path = typer.Option(None, "--metadata", "-m",
                                  help="A .csv/.tsv sidecar with file, title, date, source, url columns."),
) -> None:
    """Read documents, extract statements and store them (one transaction per document)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kb.db import check_writable
    from kb.ingest import iter_files, read_paths
    from kb.ingest.sidecar import SidecarError, read_sidecar
    from kb.pipeline import ingest as run_ingest

    sidecar = None
    if metadata is not None:
        try:
            sidecar = read_sidecar(metadata)
        except SidecarError as e:
            error(str(e))
            raise typer.Exit(2)
    check_writable()  # before spaCy loads: a KB that cannot be written stops the run at once
    nlp = _load_nlp()
    console = Console(stderr=True)
    for line in sidecar.errors if sidecar else ():
        console.print(f"[red]error:[/red] {escape(line)}", highlight=False, soft_wrap=True)

    def on_error(e: IngestError) -> None:
        console.print(f"[red]error:[/red] {escape(str(e))}", highlight=False, soft_wrap=True)

    def on_warning(w: str) -> None:
        console.print(f"[yellow]warning:[/yellow] {escape(w)}", highlight=False, soft_wrap=True)

    n_files = sum(1 for _ in iter_files(paths))
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=quiet or not console.is_terminal) as bar:
        task = bar.add_task("ingesting", total=n_files)
        last_file = None

        def on_done(path: str) -> None:
            nonlocal last_file
            file = path.split("#", 1)[0]
            if file != last_file:
                bar.advance(task)
                last_file = file

        summary = run_ingest(read_paths(paths, metadata=sidecar), nlp, workers=workers, on_error=on_error,
                             on_warning=on_warning, on_done=on_done)

    for line in sidecar.unused() if sidecar else ():
        on_warning(line)
    console.print(summary.line(), highlight=False, soft_wrap=True)
    if summary.stopped:
        console.print(f"[red]error:[/red] stopped: {escape(summary.stopped)}; what was stored stays stored, "
                      "run the same command again to store the rest", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    if summary.interrupted:
        console.print("interrupted: what was stored stays stored; run the same command again to store the rest",
                      highlight=False, soft_wrap=True)
        raise typer.Exit(130)
    if summary.failed or (sidecar and sidecar.errors):
        raise typer.Exit(1)


def statement_json(path: str, item) -> list[dict]:
    """One JSON-ready dict per statement of a processed document."""
    rows = []
    for rs in item.resolved.statements:
        a = rs.attribution
        rows.append({
            "doc": path,
            "source": a.source.as_dict() if a.source else None,
            "cue": a.cue.as_dict() if a.cue else None,
            "content": a.content.as_dict() if a.content else None,
            "speaker": rs.speaker,
            "kind": a.kind,
            "claim_type": a.claim_type,
            "event": a.event,
            "targets": [{"actor": t.actor, "role": t.role} for t in rs.targets],
        })
    return rows


def extract(
    paths: list[Path] = typer.Argument(..., help="Files or folders."),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl (one statement per line)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1),
) -> None:
    """Run the pipeline without storing; print one JSON object per statement."""
    from kb.pipeline import process_paths
    from kb.resolve import Resolver

    if format != "jsonl":
        error(f"unsupported format {format!r} (use jsonl)")
        raise typer.Exit(2)
    nlp = _load_nlp()
    failed = 0

    def on_error(e: IngestError) -> None:
        nonlocal failed
        failed += 1
        error(str(e))

    for item in process_paths(paths, nlp, Resolver(), on_error, workers=workers):
        for w in item.raw.warnings:
            print(f"warning: {item.raw.path}: {w}", file=sys.stderr)
        for row in statement_json(item.raw.path, item):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(extract)
