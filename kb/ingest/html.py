"""HTML pages: the main text through trafilatura (no tags, no menus, cookie banners or footers)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kb.ingest.decode import detect_encoding
from kb.ingest.split import documents, split_text
from kb.ingest.types import RawDocument, Refused
from kb.metadata import parse_date, read_header

_OPEN_HTML = re.compile(r"<html[\s>]", re.IGNORECASE)
_CLOSE_HTML = re.compile(r"</html\s*>", re.IGNORECASE)


def read_html_file(path: Path, max_chars: int) -> Iterator[RawDocument]:
    encoding = detect_encoding(path)
    html = path.read_text(encoding=encoding.codec, errors=encoding.errors)
    truncated = truncation(html)
    if truncated:
        raise Refused(f"truncated HTML ({truncated}); the download was probably cut off")
    text, meta = main_text(html)
    if not text:
        raise Refused("no main text found in HTML")
    warnings = [encoding.warning] if encoding.warning else []
    published = None
    if meta.get("date"):
        try:
            published = parse_date(meta["date"]).isoformat()
        except ValueError:
            pass  # trafilatura guessed from the page; a guess it cannot read is no news
    header = read_header(text)
    if published is None and header.published:
        published = header.published.isoformat()
    yield from documents(split_text(text, max_chars), str(path), title=meta.get("title") or header.title,
                         url=meta.get("url"), published=published, source=meta.get("sitename"),
                         warnings=warnings)


def truncation(html: str) -> str | None:
    """Why ``html`` looks cut off, or None. Omitting </html> is legal, so only a page that opened
    <html> and never closed it, or that ends inside a tag or comment, counts as truncated."""
    tail = html.rstrip()
    if tail.rfind("<") > tail.rfind(">"):
        return "ends inside a tag"
    if tail.rfind("<!--") > tail.rfind("-->"):
        return "ends inside a comment"
    if _OPEN_HTML.search(html) and not _CLOSE_HTML.search(tail[-4096:]):
        return "no closing </html>"
    return None


def main_text(html: str) -> tuple[str, dict]:
    """The article text, paragraphs separated by blank lines, and the page's metadata."""
    import trafilatura

    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                            include_tables=False)
    result = extracted.as_dict() if extracted is not None else {}
    if not (result.get("text") or "").strip():
        return "", {}
    # trafilatura puts one paragraph per line; a blank line between them keeps the headline
    # out of the first sentence and gives the splitter its paragraph boundaries.
    paragraphs = [p.strip() for p in result["text"].splitlines() if p.strip()]
    return "\n\n".join(paragraphs), result
