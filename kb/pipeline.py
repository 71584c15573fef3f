"""The one-way flow: read -> extract (spaCy) -> resolve -> store. Streams in bounded memory.

One worker runs the pipeline in this process. More workers are kb's own process pool, not
spaCy's ``n_process``: each worker holds the pipeline and the resolver and turns a batch of
texts into ResolvedDocuments, so only small plain records cross the process boundary (spaCy's
pool ships every parsed Doc back) and the parent has only the reading and the writes left.
Outcomes come back in input order whatever the worker count, so errors, ``on_done`` and the
rows stored are the same with 1 or N workers.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.extract.component import ERROR_KEY
from kb.ingest import IngestError, RawDocument, read_paths
from kb.resolve import ResolvedDocument, Resolver

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# Batches in flight per worker: enough that a worker never waits for the parent, few enough
# that memory stays flat (4 x 8 documents a worker).
BATCHES_PER_WORKER = 4
MAX_DEATHS_IN_A_ROW = 3
WORKER_DIED = "the worker process analysing it died (crashed or was killed); not stored"


@dataclass
class Processed:
    raw: RawDocument
    doc: Doc | None  # the parsed Doc with one worker; None with more (Docs stay in the workers)
    resolved: ResolvedDocument


@dataclass
class IngestSummary:
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    statements: int = 0
    actors: int = 0
    errors: list[str] = field(default_factory=list)
    retries: int = 0  # database operations retried (a concurrent writer, a lost connection)
    stopped: str | None = None  # why the run stopped early (the KB cannot be written or reached)
    interrupted: bool = False  # Ctrl-C: what was stored stays stored

    def line(self) -> str:
        """The one-line summary kb ingest prints."""
        retried = f"; database retries: {self.retries}" if self.retries else ""
        return (f"documents: {self.new} new, {self.unchanged} unchanged, {self.failed} failed; "
                f"statements: {self.statements}; new actors: {self.actors}{retried}")


# -- analysis: the same function in this process and in a worker --------------------------------

def analyse(nlp: Language, resolver: Resolver, texts: list[str]) -> list[tuple[Doc | None, ResolvedDocument | str]]:
    """(Doc, ResolvedDocument) for each text, or (Doc or None, the cause) where it fails.

    A failure is confined to its document: a batch that raises is run again text by text.
    """
    try:
        docs = list(nlp.pipe(texts, batch_size=len(texts)))
    except Exception as e:  # noqa: BLE001  (a bug on one document must not stop a long run)
        if len(texts) == 1:
            return [(None, f"{type(e).__name__}: {e}")]
        return [result for text in texts for result in analyse(nlp, resolver, [text])]
    out: list[tuple[Doc | None, ResolvedDocument | str]] = []
    for doc in docs:
        if ERROR_KEY in doc.user_data:
            out.append((doc, doc.user_data[ERROR_KEY]))
            continue
        try:
            out.append((doc, resolver.resolve(doc)))
        except Exception as e:  # noqa: BLE001
            out.append((doc, f"{type(e).__name__}: {e}"))
    return out


_worker_state: tuple[Language, Resolver] | None = None


def _init_worker(state: tuple[Language, Resolver] | tuple[str | None, dict]) -> None:
    """Each worker gets the pipeline and the resolver (with the analysts' aliases) once: under
    fork the parent's own objects, inherited; under spawn loaded again from the model name and
    the alias dict (a spawned child is fed its arguments through a pipe: they must stay small)."""
    global _worker_state
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (it stops the pool)
    if sys.platform.startswith("linux"):  # a worker must not outlive a killed parent
        import ctypes
        import os
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != multiprocessing.parent_process().pid:  # it died before the prctl
            os._exit(1)
    if isinstance(state[1], Resolver):
        _worker_state = state
    else:
        from kb.nlp import load_nlp

        _worker_state = (load_nlp(state[0]), Resolver(state[1]))


def _model_name(nlp: Language) -> str | None:
    """The installed package ``nlp`` was loaded from (spaCy names packages lang_name), else None
    (the configured model)."""
    import importlib.util

    name = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}"
    try:
        return name if importlib.util.find_spec(name) else None
    except (ImportError, ValueError):
        return None


def _analyse_in_worker(texts: list[str]) -> list[ResolvedDocument | str]:
    nlp, resolver = _worker_state
    return [result for _, result in analyse(nlp, resolver, texts)]


class _Pool:
    """Worker processes that analyse batches of texts; replaced when one of them dies."""

    def __init__(self, nlp: Language, resolver: Resolver, workers: int, start_method: str | None):
        method = start_method or ("fork" if sys.platform.startswith("linux") else "spawn")
        self.context = multiprocessing.get_context(method)
        self.state = (nlp, resolver) if method == "fork" else (_model_name(nlp), resolver.aliases)
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self.generation = 0
        self.deaths_in_a_row = 0
        self._start()

    def _start(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = ProcessPoolExecutor(self.workers, mp_context=self.context,
                                            initializer=_init_worker, initargs=(self.state,))
        self.generation += 1

    def submit(self, texts: list[str]) -> tuple[int, Future]:
        return self.generation, self.executor.submit(_analyse_in_worker, texts)

    def results(self, texts: list[str], submitted: tuple[int, Future]) -> list[ResolvedDocument | str]:
        generation, future = submitted
        try:
            return future.result()
        except BrokenProcessPool:
            # Every batch in flight is lost with the pool, but one document killed it: run the
            # lost ones again one at a time in fresh workers, so only that one fails.
            if generation == self.generation:
                self._start()
            return [self._one(text) for text in texts]

    def _one(self, text: str) -> ResolvedDocument | str:
        try:
            result = self.submit([text])[1].result()[0]
        except BrokenProcessPool:
            self.deaths_in_a_row += 1
            if self.deaths_in_a_row == MAX_DEATHS_IN_A_ROW:  # not the documents: the workers
                raise RuntimeError(f"kb's worker processes died on {MAX_DEATHS_IN_A_ROW} documents in a "
                                   "row (see the log above for why); stopped") from None
            self._start()
            return WORKER_DIED
        self.deaths_in_a_row = 0
        return result

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


# -- the ordered stream -----------------------------------------------------------------------

Item = RawDocument | IngestError
Outcome = Processed | IngestError | None  # None: skipped (``skip`` said so)


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def outcomes(
    items: Iterable[Item],
    nlp: Language,
    resolver: Resolver,
    workers: int = 1,
    batch_size: int = 8,
    skip: Callable[[RawDocument], bool] | None = None,
    start_method: str | None = None,
) -> Iterator[tuple[Item, Outcome]]:
    """(item, outcome) for every input item, in input order.

    The outcome of a read error is itself; of a document ``skip`` accepts (asked in this process
    as the document is read), None; otherwise a Processed, or an IngestError naming the document
    when extraction or resolution fails. At most ``BATCHES_PER_WORKER`` batches of ``batch_size``
    items a worker are in flight.
    """
    pool = _Pool(nlp, resolver, workers, start_method) if workers > 1 else None
    pending: deque = deque()  # (batch, kinds, texts, submitted work or results)

    def finish() -> Iterator[tuple[Item, Outcome]]:
        batch, kinds, texts, work = pending.popleft()
        if pool is not None:
            work = [(None, result) for result in pool.results(texts, work)] if texts else []
        results = iter(work)  # (Doc or None, ResolvedDocument or the cause of a failure)
        for item, kind in zip(batch, kinds):
            if kind == "skip":
                yield item, None
            elif kind == "error":
                yield item, item
            else:
                doc, result = next(results)
                if isinstance(result, str):
                    yield item, IngestError(item.path, f"extraction failed: {_first_line(result)}")
                else:
                    yield item, Processed(item, doc, result)

    try:
        for batch in _batches(items, batch_size):
            kinds = ["error" if isinstance(i, IngestError) else "skip" if skip and skip(i) else "doc"
                     for i in batch]
            texts = [i.text for i, k in zip(batch, kinds) if k == "doc"]
            if pool is None:
                work = analyse(nlp, resolver, texts) if texts else []
            else:
                work = pool.submit(texts) if texts else None
            pending.append((batch, kinds, texts, work))
            while pending and (pool is None or len(pending) > BATCHES_PER_WORKER * workers
                               or pending[0][3] is None or pending[0][3][1].done()):
                yield from finish()
        while pending:
            yield from finish()
    finally:
        if pool is not None:
            pool.close()


def _first_line(message: str, limit: int = 300) -> str:
    """An error message as one short line (an exception's text can quote a whole document)."""
    line = (message.strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[:limit] + "..."


def process(
    items: Iterable[Item],
    nlp: Language,
    resolver: Resolver,
    on_error: Callable[[IngestError], None],
    workers: int = 1,
    batch_size: int = 8,
    start_method: str | None = None,
) -> Iterator[Processed]:
    """Run the spaCy pipeline and the resolver over a stream of documents, in input order.

    Read errors and documents that fail in the pipeline go to ``on_error`` in their place in the
    stream. ``Processed.doc`` is None when ``workers`` > 1.
    """
    for _, outcome in outcomes(items, nlp, resolver, workers, batch_size, start_method=start_method):
        if isinstance(outcome, IngestError):
            on_error(outcome)
        elif outcome is not None:
            yield outcome


def process_paths(paths, nlp, resolver, on_error, workers: int = 1) -> Iterator[Processed]:
    return process(read_paths(paths), nlp, resolver, on_error, workers=workers)


def ingest(
    items: Iterable[Item],
    nlp: Language,
    url: str | None = None,
    workers: int = 1,
    on_error: Callable[[IngestError], None] = lambda e: None,
    on_warning: Callable[[str], None] = lambda w: None,
    on_done: Callable[[str], None] = lambda path: None,
    start_method: str | None = None,
) -> IngestSummary:
    """Store a stream of documents in the KB at ``url``: one transaction per document, retried
    when a concurrent writer gets in the way or the connection is lost (up to
    ``kb.db.RECONNECT_SECONDS``). ``on_done`` hears the path of each document read, in input
    order. Texts stored already (an earlier or a parallel run) skip the NLP.

    A KB that cannot be written stops the run before any parsing (:class:`KBProblem`); one that
    stops taking writes or cannot be reached for long ends the run early with
    ``summary.stopped`` set; Ctrl-C ends it with ``summary.interrupted``. Either way every
    document stored so far stays stored, and running again stores the rest.
    """
    from sqlmodel import Session

    from kb.db import check_writable, read_with_retry, write_with_retry
    from kb.db_problems import KBProblem, explain, is_kb_level
    from kb.store import hashes, is_stored, store_document

    check_writable(url)
    summary = IngestSummary()

    def retried(_e: BaseException) -> None:
        summary.retries += 1

    resolver = read_with_retry(lambda conn: Resolver.from_session(Session(bind=conn)), url, retried)

    def fail(e: IngestError) -> None:
        summary.failed += 1
        summary.errors.append(str(e))
        on_error(e)
        on_done(e.path)

    def stored(raw: RawDocument) -> bool:
        return read_with_retry(lambda conn: is_stored(hashes(raw), conn=conn), url, retried)

    def store(item: RawDocument, outcome: Processed) -> None:
        for w in item.warnings:
            on_warning(f"{item.path}: {w}")
        try:
            result = write_with_retry(lambda s: store_document(s, outcome.raw, outcome.resolved), url,
                                      on_retry=retried)
        except Exception as e:  # noqa: BLE001  (one document must not stop a long run)
            if is_kb_level(e):
                raise
            fail(IngestError(item.path, f"not stored: {explain(e, _url(url))}"))
            return
        if result.status == "new":
            summary.new += 1
            summary.statements += result.statements
            summary.actors += result.actors
        else:
            summary.unchanged += 1
        on_done(item.path)

    try:
        with _ctrl_c_stops_between_documents(summary):
            for item, outcome in outcomes(items, nlp, resolver, workers, skip=stored, start_method=start_method):
                if outcome is None:
                    summary.unchanged += 1
                    on_done(item.path)
                elif isinstance(outcome, IngestError):
                    fail(outcome)
                else:
                    store(item, outcome)
                if summary.interrupted:
                    break
    except KeyboardInterrupt:  # the second Ctrl-C
        summary.interrupted = True
    except Exception as e:
        if not is_kb_level(e):
            raise
        summary.stopped = str(e) if isinstance(e, KBProblem) else explain(e, _url(url))
    return summary


@contextmanager
def _ctrl_c_stops_between_documents(summary: IngestSummary) -> Iterator[None]:
    """The first Ctrl-C lets the document being stored finish, so the summary counts exactly what
    was stored; a second one stops at once (KeyboardInterrupt)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def first(_sig, _frame) -> None:
        summary.interrupted = True
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _url(url: str | None) -> str:
    from kb.config import get_settings

    return url or get_settings().database_url
