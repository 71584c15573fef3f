"""Print rows as a readable table (default), JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from enum import Enum
from typing import Any, Iterable, Sequence

from rich.console import Console
from rich.table import Table


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def emit(rows: Iterable[dict], columns: Sequence[str], fmt: Format = Format.table, title: str | None = None) -> None:
    rows = [{c: _plain(r.get(c)) for c in columns} for r in rows]
    if fmt == Format.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif fmt == Format.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=list(columns))
        w.writeheader()
        w.writerows(rows)
    else:
        table = Table(title=title, show_lines=False)
        for c in columns:
            table.add_column(c)
        for r in rows:
            table.add_row(*("" if r[c] is None else str(r[c]) for c in columns))
        Console().print(table)


def error(message: str) -> None:
    """A one-line error on stderr."""
    print(f"error: {message}", file=sys.stderr)
