"""Quotations signed with a dash, and quotations opened after one.

    “Taxes are theft.” ― Jane Doe        cue=―, source=Jane Doe, content=the quotation
    The minister was blunt — “We will not pay,” he said.   the content is the quotation only
"""

from __future__ import annotations

import re

from kb.extract.spans import Found

_DASHES = "―—–"
# After a quotation: a dash, then a short name (capitalised words, initials) closing the line.
_SIGNATURE = re.compile(
    r"[ \t\u00a0]*(?P<cue>[―—–]|--)[ \t\u00a0]*"
    r"(?P<source>[A-Z][\w.’'-]*(?:[ \u00a0]+(?:[A-Z][\w.’'-]*|de|del|la|van|von|al|bin|da)){0,5})"
    r"[ \t\u00a0.,]*(?=\n|$)")
_BEFORE_QUOTE = re.compile(rf"(?:[{_DASHES}]|--)\s*$")


def dash_signatures(text: str, quotes: list[tuple[int, int]]) -> list[Found]:
    found = []
    for qs, qe in quotes:
        m = _SIGNATURE.match(text, qe)
        if m is None:
            continue
        found.append(Found(cue=m.span("cue"), source=m.span("source"), content=[(qs, qe)], kind="direct",
                           cue_lemma="―", claim_type="assertion", confidence=0.8, extra={"rule": "dash"}))
    return found


def after_dash(parts: list[tuple[int, int]], quotes: list[tuple[int, int]], cue: tuple[int, int],
               text: str) -> list[tuple[int, int]]:
    """Cut what stands before "— “" from a content that ends before its cue: the host clause
    ("The minister was blunt") is the writer's, the quotation the speaker's."""
    if not parts or parts[-1][1] > cue[0]:
        return parts
    start, end = parts[0][0], parts[-1][1]
    for qs, qe in quotes:
        if start < qs < end and qe <= cue[0] and _BEFORE_QUOTE.search(text, start, qs):
            return [(max(s, qs), e) for s, e in parts if e > qs]
    return parts
