"""The one-way flow: read -> extract (spaCy) -> resolve -> store. Streams; holds one batch at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from kb.extract.component import ERROR_KEY
from kb.ingest import IngestError, RawDocument, read_paths
from kb.resolve import ResolvedDocument, Resolver


@dataclass
class Processed:
    raw: RawDocument
    doc: Doc
    resolved: ResolvedDocument


@dataclass
class IngestSummary:
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    statements: int = 0
    actors: int = 0
    errors: list[str] = field(default_factory=list)


def process(
    items: Iterable[RawDocument | IngestError],
    nlp: Language,
    resolver: Resolver,
    on_error: Callable[[IngestError], None],
    workers: int = 1,
    batch_size: int = 8,
) -> Iterator[Processed]:
    """Run the spaCy pipeline and the resolver over a stream of documents, in input order.

    Read errors go to ``on_error`` as they are met; documents that fail in the pipeline too.
    """

    def good() -> Iterator[tuple[str, RawDocument]]:
        for item in items:
            if isinstance(item, IngestError):
                on_error(item)
            else:
                yield item.text, item

    kwargs = {"n_process": workers} if workers > 1 else {}
    for doc, raw in nlp.pipe(good(), as_tuples=True, batch_size=batch_size, **kwargs):
        if ERROR_KEY in doc.user_data:
            on_error(IngestError(raw.path, f"extraction failed: {doc.user_data[ERROR_KEY]}"))
            continue
        try:
            resolved = resolver.resolve(doc)
        except Exception as e:  # noqa: BLE001  (a bug on one document must not stop a long run)
            on_error(IngestError(raw.path, f"extraction failed: {type(e).__name__}: {e}"))
            continue
        yield Processed(raw, doc, resolved)


def process_paths(paths, nlp, resolver, on_error, workers: int = 1) -> Iterator[Processed]:
    return process(read_paths(paths), nlp, resolver, on_error, workers=workers)


def ingest(
    items: Iterable[RawDocument | IngestError],
    nlp: Language,
    url: str | None = None,
    workers: int = 1,
    on_error: Callable[[IngestError], None] = lambda e: None,
    on_warning: Callable[[str], None] = lambda w: None,
    on_done: Callable[[str], None] = lambda path: None,
) -> IngestSummary:
    """Store a stream of documents in the KB at ``url``: one transaction per document, retried
    when a concurrent writer gets in the way. ``on_done`` hears the path of each document read."""
    from kb.db import session_scope, write_with_retry
    from kb.store import is_stored, store_document

    summary = IngestSummary()
    with session_scope(url) as session:
        resolver = Resolver.from_session(session)

    def fail(e: IngestError) -> None:
        summary.failed += 1
        summary.errors.append(str(e))
        on_error(e)
        on_done(e.path)

    def unseen(stream):
        """Texts stored already (an earlier or a parallel run) skip the NLP."""
        for item in stream:
            if isinstance(item, RawDocument) and is_stored(item.content_hash, url):
                summary.unchanged += 1
                on_done(item.path)
                continue
            yield item

    for item in process(unseen(items), nlp, resolver, fail, workers=workers):
        for w in item.raw.warnings:
            on_warning(f"{item.raw.path}: {w}")
        try:
            outcome = write_with_retry(lambda s, item=item: store_document(s, item.raw, item.resolved), url)
        except Exception as e:  # noqa: BLE001  (one document must not stop a long run)
            fail(IngestError(item.raw.path, f"not stored: {type(e).__name__}: {e}"))
            continue
        if outcome.status == "new":
            summary.new += 1
            summary.statements += outcome.statements
            summary.actors += outcome.actors
        else:
            summary.unchanged += 1
        on_done(item.raw.path)
    return summary
