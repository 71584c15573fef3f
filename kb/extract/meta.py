"""Document facts stated in the text itself: the "(Source: X)" line of press releases."""

from __future__ import annotations

import re

from kb.extract.types import DocumentMeta

_SOURCE_LINE = re.compile(r"\(\s*Source\s*:\s*(?P<source>[^()\n]{2,120}?)\s*\)", re.IGNORECASE)


def source_line(text: str) -> tuple[int, int] | None:
    """Char span of the X in the last "(Source: X)" of the text."""
    matches = list(_SOURCE_LINE.finditer(text))
    return matches[-1].span("source") if matches else None


def document_meta(text: str) -> DocumentMeta:
    span = source_line(text)
    return DocumentMeta(source_line=text[span[0] : span[1]] if span else None)
