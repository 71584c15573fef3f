"""`kb evaluate GOLD`: score the pipeline on a PolNeAR-style brat folder or a PLOVER JSON file."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from kb.cli.output import error


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


class ClaimsGold(str, Enum):
    checkthat = "checkthat"
    emergent = "emergent"


class GoldFormat(str, Enum):
    auto = "auto"
    polnear = "polnear"
    plover = "plover"


def evaluate(
    gold_dir: Path = typer.Argument(..., help="A folder with text/<name>.txt and attributions/<name>_<annotator>.ann "
                                              "(PolNeAR), or a JSON file of PLOVER event records."),
    format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f", help="text or json."),
    gold: GoldFormat = typer.Option(GoldFormat.auto, "--gold", "-g",
                                    help="polnear (a brat folder) or plover (a JSON file); auto: by the path."),
    errors: Path | None = typer.Option(
        None, "--errors", help="Write misses and false alarms per document here (.json: JSON, else text)."
    ),
    limit: int | None = typer.Option(None, "--limit", "-n", min=1, help="Only the first N texts (sorted)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="spaCy processes."),
    events: str = typer.Option("DEMAND,DISAPPROVE,REJECT,THREATEN", "--events",
                               help="PLOVER: the event types scored, comma-separated."),
    model: str | None = typer.Option(
        None, "--model", "-m",
        help="Attribution model folder (from kb train); '-' for the rules alone. Default: KB_ATTRIBUTION_MODEL or the shipped one."),
    reliability: bool = typer.Option(False, "--reliability", help="Also print how often statements are right, by confidence."),
    speakers: Path | None = typer.Option(
        None, "--speakers", help="Score speaker resolution instead: a gold TSV of speaker mentions and their "
        "canonical actors (document, start, end, actor) over the texts in GOLD_DIR.",
    ),
    claims: ClaimsGold | None = typer.Option(
        None, "--claims", help="Score claim tracking instead (kb/evaluate/claims.py): checkthat (GOLD_DIR is a "
        "CheckThat! 2020 task 2 split, e.g. .../checkthat2020/dev; train/ beside it fits the matcher) or "
        "emergent (GOLD_DIR is the Emergent CSV).",
    ),
) -> None:
    """Score extraction against gold annotations: cue, source and content span P/R/F1 and
    attribution P/R/F1 (PolNeAR), who does what to whom (PLOVER: statement, speaker, target with a
    directed role, event family), or with --speakers speaker-resolution accuracy."""
    from kb.cli.ingest import _load_nlp

    if claims is not None:
        _claims(claims, gold_dir, format)
        return

    if gold == GoldFormat.plover or gold == GoldFormat.auto and gold_dir.is_file() and speakers is None:
        _evaluate_plover(gold_dir, format, errors, events, lambda: _load_nlp(model))
        return

    if speakers is not None:
        _speakers(gold_dir, speakers, format, workers, lambda: _load_nlp(model))
        return
    from kb.evaluate import evaluate_docs, load_gold_dir, write_errors

    try:
        gold_docs = load_gold_dir(gold_dir, limit)
    except (FileNotFoundError, UnicodeDecodeError) as e:
        error(str(e))
        raise typer.Exit(2)
    if not gold_docs:
        error(f"{gold_dir}: no annotated texts (text/<name>.txt with attributions/<name>_*.ann)")
        raise typer.Exit(2)
    if model and model != "-" and not (Path(model) / "weights.npz").is_file():
        error(f"{model}: not an attribution model (expected weights.npz and model.json; see kb train)")
        raise typer.Exit(2)
    report = evaluate_docs(gold_docs, _load_nlp(model), workers)
    if errors is not None:
        write_errors(report, errors)
    if format == ReportFormat.json:
        d = report.as_dict()
        if reliability:
            from kb.evaluate.reliability import reliability_table

            d["reliability"] = reliability_table(report)
        typer.echo(json.dumps(d, indent=2))
    else:
        typer.echo(report.format_text())
        if reliability:
            from kb.evaluate.reliability import format_reliability, reliability_table

            typer.echo("\n" + format_reliability(reliability_table(report)))


def _speakers(texts: Path, gold_path: Path, format: ReportFormat, workers: int, load_nlp) -> None:
    from kb.evaluate.resolution import evaluate_speakers, read_gold

    try:
        gold = read_gold(gold_path)
        report = evaluate_speakers(gold, texts, load_nlp(), workers)
    except (FileNotFoundError, UnicodeDecodeError, ValueError) as e:
        error(str(e))
        raise typer.Exit(2)
    typer.echo(json.dumps(report.as_dict(), indent=2) if format == ReportFormat.json else report.format_text())


def _claims(gold: ClaimsGold, path: Path, format: ReportFormat) -> None:
    from kb.evaluate import claims as C

    try:
        if gold == ClaimsGold.checkthat:
            report, text = C.evaluate_checkthat(path), C.format_checkthat
        else:
            report, text = C.evaluate_emergent(path), C.format_emergent
    except (FileNotFoundError, UnicodeDecodeError, ValueError) as e:
        error(str(e))
        raise typer.Exit(2)
    typer.echo(json.dumps(report, indent=2, default=str) if format == ReportFormat.json else text(report))


def _evaluate_plover(path: Path, format: ReportFormat, errors: Path | None, events: str, load_nlp) -> None:
    from kb.evaluate.plover import GoldFormatError, evaluate_records, load_records, write_errors

    try:
        records = load_records(path)
    except (OSError, UnicodeDecodeError, GoldFormatError) as e:
        error(str(e))
        raise typer.Exit(2)
    wanted = [e.strip().upper() for e in events.split(",") if e.strip()]
    if not any(r.event in wanted for r in records):
        error(f"{path}: no PLOVER records of {', '.join(wanted)}")
        raise typer.Exit(2)
    report = evaluate_records(records, load_nlp(), wanted)
    if errors is not None:
        write_errors(report, errors)
    typer.echo(json.dumps(report.as_dict(), indent=2) if format == ReportFormat.json else report.format_text())


def register(app: typer.Typer) -> None:
    app.command()(evaluate)
