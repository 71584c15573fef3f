"""Quotation spans found from the quote marks in the text.

News style leaves a multi-paragraph quote open at each paragraph end and reopens it at the start
of the next; a mark that never closes closes at its paragraph end. Nothing here can fail on
unbalanced marks: every open quote ends at the latest at its paragraph end.
"""

from __future__ import annotations

import re

# Double quotes only: single curly quotes are mostly apostrophes. '' and `` are the ASCII
# renderings of curly quotes that some newswires use.
_MARK = re.compile(r"“|”|''|``|\"|«|»|„")
_OPENERS = {"“", "``", "«", "„"}
_CLOSERS = {"”", "»"}
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[“\"'`«])")


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks separated by a blank line or a line-initial quote."""
    bounds, start = [], 0
    for m in _PARAGRAPH.finditer(text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if text[s:e].strip()]


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Char spans of quotations, marks included, in text order."""
    spans: list[tuple[int, int]] = []
    carried: int | None = None  # start of a quote left open at the previous paragraph end
    carried_end = 0
    for p_start, p_end in paragraph_bounds(text):
        open_at: int | None = None
        for m in _MARK.finditer(text, p_start, p_end):
            mark = _role(text, m.start(), m.end(), m.group())
            if open_at is None:
                if mark in _CLOSERS and not (mark == "”" and _looks_opening(text, m.start())):
                    continue  # stray closer
                open_at = m.start()
                if carried is not None and m.start() == _first_char(text, p_start):
                    open_at = carried  # the reopening mark of a continued quote
                carried = None
            elif mark in _OPENERS:
                # a second opener: the previous quote was left unclosed; end it before this one
                spans.append((open_at, _trim_end(text, m.start())))
                open_at = m.start()
            else:
                spans.append((open_at, m.end()))
                open_at = None
        if carried is not None:  # an open quote whose next paragraph did not reopen it
            spans.append((carried, carried_end))
            carried = None
        if open_at is not None:
            nxt = _first_char(text, p_end)
            if nxt < len(text) and _MARK.match(text, nxt):
                carried, carried_end = open_at, _trim_end(text, p_end)
            else:
                spans.append((open_at, _trim_end(text, p_end)))
    if carried is not None:
        spans.append((carried, carried_end))
    return sorted(spans)


def _role(text: str, start: int, end: int, mark: str) -> str:
    """Straight quotes (" and '') open or close by what stands around them: '"' after a space and
    before a word opens; after a word and before a space or punctuation closes."""
    if mark not in ('"', "''"):
        return mark
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if (before.isspace() or before in "([—–-") and not after.isspace():
        return "“"
    if not before.isspace() and (after.isspace() or after in ".,;:!?)—–-"):
        return "”"
    return mark


def _first_char(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _looks_opening(text: str, pos: int) -> bool:
    """A ” used as an opener (some sites use ” for both): preceded by space, followed by a word."""
    before = text[pos - 1] if pos else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    return before.isspace() and after.isalnum()


def _covering(quotes: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    return [q for q in quotes if q[0] < end and start < q[1]]


def extend_with_quotes(parts: list[tuple[int, int]], quotes: list[tuple[int, int]],
                       cue: tuple[int, int]) -> list[tuple[int, int]]:
    """Grow each content part to the whole of any quotation it touches (a parse covers one
    sentence; the quotation may run over several), never over the cue itself."""
    out = []
    for start, end in parts:
        for qs, qe in _covering(quotes, start, end):
            if not (qs <= cue[0] < qe):
                start, end = min(start, qs), max(end, qe)
        out.append((start, end))
    return out


def adjacent_quote(text: str, quotes: list[tuple[int, int]], anchor: tuple[int, int],
                   max_gap: int = 3) -> tuple[int, int] | None:
    """The quotation right after the anchor ("said: “...”") or right before it ("“...,” he said")."""
    for qs, qe in quotes:  # the gap is sliced only when short: a slice to a far quote copies the text
        if 0 <= qs - anchor[1] <= max_gap and not text[anchor[1] : qs].strip(" ,:—–-\u00a0"):
            return (qs, qe)
        if 0 <= anchor[0] - qe <= max_gap and not text[qe : anchor[0]].strip(" ,\u00a0"):
            return (qs, qe)
    return None


def quote_starting_at(text: str, quotes: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The quotation that opens at the first non-space character from ``pos`` on, if any."""
    first = _first_char(text, pos)
    return next(((qs, qe) for qs, qe in quotes if qs == first), None)


def quote_kind(parts: list[tuple[int, int]], quotes: list[tuple[int, int]], text: str) -> str:
    """direct when quotations cover all the content's words, mixed when some, else indirect."""
    words = quoted = 0
    for start, end in parts:
        inside = [(max(start, qs), min(end, qe)) for qs, qe in _covering(quotes, start, end)]
        for m in re.finditer(r"\w+", text[start:end]):
            words += 1
            pos = start + m.start()
            quoted += any(s <= pos < e for s, e in inside)
    if not words or not quoted:
        return "indirect"
    return "direct" if quoted >= words - 1 and words > 2 or quoted == words else "mixed"
