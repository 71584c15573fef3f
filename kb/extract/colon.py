"""Speaker-label lines: "CLINTON: I just believe ..." (transcripts, interviews, headlines)."""

from __future__ import annotations

import re

from kb.extract.quotes import paragraph_bounds
from kb.extract.spans import Found

# A short name (1-4 capitalised words) opening a paragraph, then a colon and the words spoken.
_LABEL = re.compile(r"(?P<source>(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*)(?P<cue>:)[ \t]+(?P<content>\S)")
_NOT_SPEAKERS = {"source", "update", "note", "editor", "photo", "video", "related", "read", "watch",
                 "see", "warning", "breaking", "exclusive", "correction", "updated"}


def speaker_labels(text: str) -> list[Found]:
    found = []
    for start, end in paragraph_bounds(text):
        m = _LABEL.match(text, start, end)
        if m is None or m.group("source").lower() in _NOT_SPEAKERS:
            continue
        words = m.group("source").split()
        if len(words) > 1 and not all(w[0].isupper() for w in words):
            continue
        content_end = end
        while content_end > m.start("content") and text[content_end - 1].isspace():
            content_end -= 1
        found.append(
            Found(cue=m.span("cue"), source=m.span("source"),
                  content=[(m.start("content"), content_end)], kind="direct", cue_lemma=":",
                  claim_type="assertion", confidence=0.6, extra={"rule": "colon"})
        )
    return found
