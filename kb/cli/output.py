"""Print rows as a readable table (default), JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

# Columns holding running text take the width left over by the compact ones.
WIDE_COLUMNS = {"content": 3, "sentence": 3, "text": 3, "title": 2, "description": 2, "targets": 2, "path": 1}


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    """A value as one table or CSV cell: lists joined, targets as ``actor (role)``."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        if "actor" in value and "role" in value:
            return f"{value['actor']} ({value['role']})"
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(_plain(value))


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=lambda o: _plain(o) if
              hasattr(o, "isoformat") else str(o))
    sys.stdout.write("\n")


def emit(rows: Iterable[dict], columns: Sequence[str], fmt: Format = Format.table, title: str | None = None) -> None:
    """Rows as a table (cells are plain text, never rich markup), a JSON list, or CSV."""
    rows = list(rows)
    if fmt == Format.json:
        print_json([{c: r.get(c) for c in columns} for r in rows])
    elif fmt == Format.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(columns)
        w.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    else:
        # With running text, fill the terminal so the ratios share out the spare width.
        table = Table(title=title, title_justify="left", expand=any(c in WIDE_COLUMNS for c in columns))
        for c in columns:
            table.add_column(c, overflow="fold", ratio=WIDE_COLUMNS.get(c))
        for r in rows:
            table.add_row(*(Text(_cell(r.get(c))) for c in columns))
        console().print(table)


def error(message: str) -> None:
    """A one-line error on stderr."""
    print(f"error: {message}", file=sys.stderr)


def note(message: str) -> None:
    """A one-line remark (counts, next-page hints) on stderr, so stdout stays clean for pipes."""
    print(message, file=sys.stderr)


def problem_line(e: BaseException) -> str | None:
    """One line for a database or setup problem (see kb.db_problems); None for anything else."""
    from sqlalchemy.exc import DBAPIError

    from kb.db_problems import KBProblem, explain

    if isinstance(e, KBProblem):
        return str(e)
    if isinstance(e, FileNotFoundError | PermissionError) and e.filename is None:  # kb's own message
        return str(e)
    if isinstance(e, DBAPIError):
        from kb.config import get_settings

        return explain(e, get_settings().database_url)
    return None
