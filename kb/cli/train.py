"""`kb train GOLD_DIR... -o MODEL_DIR` and `kb export-gold OUT_DIR`: retrain the attribution
model on PolNeAR-style gold, including the statements analysts reviewed in the KB."""

from __future__ import annotations

from pathlib import Path

import typer

from kb.cli.output import error, note


def train(
    gold_dirs: list[Path] = typer.Argument(..., help="PolNeAR-style folders (text/ and attributions/), e.g. from kb export-gold."),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the model (weights.npz, model.json)."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Training settings (default: kb/extract/model/train.cfg)."),
) -> None:
    """Train the attribution model on gold folders; point kb at it with KB_ATTRIBUTION_MODEL=OUT."""
    from kb.evaluate import load_gold_dir
    from kb.train import train as run

    for d in gold_dirs:
        try:
            if not load_gold_dir(d, limit=1):
                error(f"{d}: no annotated texts (text/<name>.txt with attributions/<name>_*.ann)")
                raise typer.Exit(2)
        except FileNotFoundError as e:
            error(str(e))
            raise typer.Exit(2)
    if config is not None and not config.is_file():
        error(f"{config}: no such config file")
        raise typer.Exit(2)
    run(gold_dirs, out, config)
    note(f"use it with: KB_ATTRIBUTION_MODEL={out} kb ingest ...   (score it: kb evaluate GOLD_DIR --model {out})")


def export_gold(
    out: Path = typer.Argument(..., help="Folder to write text/ and attributions/ into."),
    document: list[int] = typer.Option([], "--document", "-d", help="Export this document id (repeatable); default: every document with a flagged statement."),
) -> None:
    """Write the documents analysts reviewed (flagged statements) as PolNeAR-style gold for kb train."""
    from kb.db import session_scope
    from kb.gold import export_gold as run

    with session_scope() as session:
        try:
            n = run(session, out, document or None)
        except LookupError as e:
            error(str(e))
            raise typer.Exit(1)
    if not n:
        note("no reviewed documents (flag wrong statements in the dashboard, or pass --document)")
    else:
        note(f"{n} document{'s' * (n != 1)} written to {out} (retrain: kb train ../shared/data/polnear/train {out} -o MODEL_DIR)")


def register(app: typer.Typer) -> None:
    app.command()(train)
    app.command("export-gold")(export_gold)
