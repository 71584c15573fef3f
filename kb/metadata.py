"""Document metadata from text and from loose input values: headline, dateline, outlet, dates.

Pure functions over strings. ``read_header`` looks only at the first few lines of a text
("Coalition News" / "27 September 2017 In Coalition News", "WASHINGTON (Reuters) - ...");
``parse_date`` turns the many spellings found in feeds and spreadsheets into a ``date``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dateutil import parser as dateparser

# Datelines and headlines live at the top: lines looked at, and how much of each.
HEADER_LINES = 5
HEADER_LINE_CHARS = 300
MAX_TITLE_CHARS = 150
MAX_TITLE_WORDS = 20
# A line this short that holds a date is a dateline ("27 September 2017 In Coalition News");
# a longer one only when the date sits in its lead-in before a dash ("WASHINGTON, Sept. 27,
# 2017 (AP) — ..."), so a date mentioned in the first sentence of the story is not taken.
SHORT_DATELINE_CHARS = 100
MIN_YEAR, MAX_YEAR = 1800, 2100

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_DATE_PATTERNS = [
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),  # 27 September 2017
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),  # Sept. 27, 2017
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),  # 2017-09-27
]
# "WASHINGTON (Reuters) -", "BEIRUT, Sept. 27, 2017 (AP) —": the lead-in before the dash.
_LEAD_IN = re.compile(r"^(?P<lead>[^\n]{2,80}?)\s+(?:-{1,2}|[–—])\s")
_OUTLET = re.compile(r"\((?P<outlet>[A-Z][\w.&' -]{0,38}[\w.])\)")
_PLACE = re.compile(r"^[A-Z][A-Z.'\- ]{1,40}\b")


@dataclass
class Header:
    title: str | None = None
    published: date | None = None
    source: str | None = None  # the outlet named in a wire dateline, "(Reuters)"


def read_header(text: str) -> Header:
    """Title, date and outlet from the top of a plain-text article."""
    lines = [ln.strip() for ln in text[: HEADER_LINES * HEADER_LINE_CHARS * 2].splitlines()]
    lines = [ln[:HEADER_LINE_CHARS] for ln in lines if ln][:HEADER_LINES]
    header = Header()
    if not lines:
        return header
    if len(lines) > 1 and looks_like_headline(lines[0]):
        header.title = lines[0]
        lines = lines[1:]
    for line in lines:
        found = parse_dateline(line)
        if found is None:
            continue
        published, outlet = found
        header.published = header.published or published
        header.source = header.source or outlet
        if header.published:
            break
    return header


def looks_like_headline(line: str) -> bool:
    """A short line of words with no sentence-final full stop that is not itself a dateline."""
    words = line.split()
    return (
        0 < len(words) <= MAX_TITLE_WORDS
        and len(line) <= MAX_TITLE_CHARS
        and line[-1] not in ".,;:"
        and (line[0].isupper() or line[0].isdigit() or line[0] in "\"'“‘")
        and any(c.isalpha() for c in line)
        and parse_dateline(line) is None
    )


def headline(text: str) -> str | None:
    """The headline of a plain text: a first paragraph that is one short line of words followed
    by the story ("Stealth Over Health: Clinton Was Headed to ER." then a blank line). A final
    full stop is dropped; a dateline or a first sentence running on is not a headline."""
    head = text.lstrip()[: MAX_TITLE_CHARS * 4]
    first, sep, rest = head.partition("\n")
    first = first.strip()
    paragraph_break = bool(sep) and rest.lstrip(" \t\r").startswith("\n")
    words = first.split()
    if not (paragraph_break and rest.strip() and 0 < len(words) <= MAX_TITLE_WORDS
            and len(first) <= MAX_TITLE_CHARS and any(c.isalpha() for c in first)
            and first[-1] not in ",;:" and parse_dateline(first) is None):
        return None
    return first[:-1].rstrip() if first.endswith(".") and not first.endswith("..") else first


def parse_dateline(line: str) -> tuple[date | None, str | None] | None:
    """(date, outlet) when ``line`` is a dateline, else None."""
    lead = _LEAD_IN.match(line)
    if lead and (_PLACE.match(lead["lead"]) or _OUTLET.search(lead["lead"])):
        head = lead["lead"]
        outlet = _OUTLET.search(head)
        found = find_date(head)
        if found or outlet:
            return found, outlet["outlet"].strip() if outlet else None
    if len(line) <= SHORT_DATELINE_CHARS:
        found = find_date(line)
        if found:
            return found, None
    return None


def find_date(text: str) -> date | None:
    """The first complete, valid calendar date written out in ``text``."""
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            month = m["month"]
            month = int(month) if month.isdigit() else _MONTHS[month.lower()]
            try:
                d = date(int(m["year"]), month, int(m["day"]))
            except ValueError:
                continue
            if MIN_YEAR <= d.year <= MAX_YEAR:
                return d
    return None


# Two far-apart defaults: a component dateutil filled in from the default differs between them.
_DEFAULT_A = datetime(2001, 1, 1)
_DEFAULT_B = datetime(2002, 2, 2)


def parse_date(value) -> date:
    """A publication date from a feed or spreadsheet value; ValueError saying why when unusable.

    Accepts ISO dates and timestamps, "27 September 2017", "Sept. 27, 2017", RFC 2822
    ("Wed, 27 Sep 2017 10:00:00 GMT"), "27/09/2017" and Unix timestamps. Ambiguous numeric
    forms ("03/04/2017") are read month first, as dateutil does. Year-only or month-only values
    are refused rather than guessed to the first of the month.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")  # noqa: TRY004  (callers treat every unusable value alike)
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\d{9,10}(\.\d+)?", value.strip())):
        d = datetime.fromtimestamp(float(value), tz=UTC).date()
    elif isinstance(value, str):
        s = value.strip()
        if not s:
            raise ValueError("empty date")
        try:
            a = dateparser.parse(s, default=_DEFAULT_A)
            b = dateparser.parse(s, default=_DEFAULT_B)
        except (ValueError, OverflowError):
            raise ValueError(f"unreadable date {s!r}") from None
        if (a.year, a.month, a.day) != (b.year, b.month, b.day):
            raise ValueError(f"incomplete date {s!r} (needs year, month and day)")
        d = a.date()
    else:
        raise ValueError(f"not a date: {value!r}")
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise ValueError(f"implausible date {value!r}")
    return d
