"""The one-way flow: read -> extract (spaCy) -> resolve -> store. Streams; holds one batch at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

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
        try:
            resolved = resolver.resolve(doc)
        except Exception as e:  # a bug on one document must not stop a long run
            on_error(IngestError(raw.path, f"extraction failed: {type(e).__name__}: {e}"))
            continue
        yield Processed(raw, doc, resolved)


def process_paths(paths, nlp, resolver, on_error, workers: int = 1) -> Iterator[Processed]:
    return process(read_paths(paths), nlp, resolver, on_error, workers=workers)
