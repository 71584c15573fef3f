"""Page furniture: lines a web page carries around an article that are nobody's statement
("Story continues below advertisement", "READ MORE: <another headline>", photo credits).

The patterns are data (data/furniture.tsv, one regular expression a line, matched against each
line of the text); anything the extractors find on such a line is dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kb.extract.spans import Found


@lru_cache(maxsize=4)
def load_furniture(path: str) -> re.Pattern | None:
    p = Path(path)
    if not p.exists():
        return None
    patterns = [line.strip() for line in p.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    return re.compile("|".join(f"(?:{x})" for x in patterns), re.IGNORECASE | re.MULTILINE) if patterns else None


def furniture_lines(text: str, pattern: re.Pattern | None) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text`` that a furniture pattern matches."""
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        out.append((start, len(text) if end < 0 else end))
    return out


def drop_furniture(found: list[Found], lines: list[tuple[int, int]]) -> list[Found]:
    if not lines:
        return found
    return [f for f in found if not any(s <= f.cue[0] < e for s, e in lines)]
