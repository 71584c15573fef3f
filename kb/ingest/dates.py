"""Publication dates written in a document's address: its file name or its URL.

News archives name files and pages after the day ("breitbart_2016-09-12_stealth-over-health",
"https://example.org/2016/09/12/story.html"). Only a complete, valid date with separators is
taken, so an id such as "20160912345" or a year alone never becomes a date.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from kb.metadata import MAX_YEAR, MIN_YEAR

# 2016-09-12, 2016_09_12, 2016.09.12 (not inside a longer number)
_NAME_DATE = re.compile(r"(?<![\d])(?P<y>\d{4})(?P<sep>[-_.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d])")
# /2016/09/12/ in a URL path (the day may be missing: /2016/09/slug is not a date)
_URL_DATE = re.compile(r"/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?=/|$|[-_.])")


def _valid(y: str, m: str, d: str) -> date | None:
    try:
        found = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return found if MIN_YEAR <= found.year <= MAX_YEAR else None


def date_from_name(name: str) -> date | None:
    """The first valid ``YYYY-MM-DD`` (or ``_`` / ``.`` separated) date in a file name."""
    for m in _NAME_DATE.finditer(name):
        found = _valid(m["y"], m["m"], m["d"])
        if found:
            return found
    return None


def date_from_url(url: str | None) -> date | None:
    """A date in a URL's path: ``/2016/09/12/`` or a file-name style ``2016-09-12``."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for m in _URL_DATE.finditer(path):
        found = _valid(m["y"], m["m"], m["d"])
        if found:
            return found
    return date_from_name(path)
