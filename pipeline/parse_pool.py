"""The parse stage spread over spawned processes by blocks, not by documents.

Documents differ in size by two orders of magnitude (a press release, a 200-page report): given
whole documents, one process idles while the other ends a long report.  Here the entity stage's
blocks go to the processes in batches (:func:`pipeline.entities.entity_batches`), queued as soon
as their documents are extracted, so that every process stays busy to the end; the rest of the
parse stage (footnotes, each document's entity rows assembled from its blocks) runs in this process
and is quick.  The rows are those of :func:`pipeline.run.parse_documents`.  spaCy's own ``n_process``
is not used: it ships every Doc back with ``Doc.to_bytes``, and srsly looks up msgpack entry points on
each call (3 ms a Doc here), which made two processes slower than one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from .model import Document
from .run import entities_enabled, entity_models, extend_rows, load_parsers, parse_documents
from .settings import Settings

# Inputs to extract below this many bytes are parsed in one process: a second one takes about 4 s of CPU
# to start and load its model.  Measured with `thb run` on PDFs of the bench corpus, one process against
# two, two rounds: the 4 samples (24 KB) 9.4, 12.7 s against 10.7, 11.9 s; 9 PDFs (0.9 MB) 14.1, 13.9 s
# against 12.0, 13.9 s; 14 PDFs (2.2 MB) 34.4, 28.4 s against 20.8, 24.3 s; 19 PDFs (4.6 MB) 37.3, 35.3 s
# against 29.1, 33.5 s.
PROCESSES_PAY_FROM_BYTES = 1 << 20

ParsedRows = Callable[[], dict[str, list[dict]]]


def parser_processes(settings: Settings, input_bytes: int) -> int:
    """How many processes parse: ``settings.nlp_processes``, or with 0 (auto) two when the machine has two
    cores or more and the inputs are large enough to pay for a second one, else one."""
    if settings.nlp_processes > 0:
        return settings.nlp_processes
    if not entities_enabled(settings) or input_bytes < PROCESSES_PAY_FROM_BYTES:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


class ParsePool:
    """Spawned processes, each with the spaCy pipelines loaded, that parse the blocks of submitted documents."""

    def __init__(self, settings: Settings, processes: int):
        self.settings = settings
        self.processes = processes
        self._model, self._models = entity_models(settings)
        self._executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=load_parsers, initargs=(settings,))

    def start_processes(self) -> None:
        """Start every process now (the executor starts them as work arrives), so that they load their pipelines."""
        for _ in range(self.processes):
            self._executor.submit(_started)

    def parses_as(self, settings: Settings, processes: int) -> bool:
        return processes == self.processes and entity_models(settings) == (self._model, self._models) \
            and entities_enabled(settings) == entities_enabled(self.settings)

    def submit(self, documents: list[Document]) -> ParsedRows:
        """Queue the documents' blocks; the other parsers run now.  Gives a call that waits for the rows."""
        from pipeline.entities import entity_batches, parse_entity_batch

        rows = parse_documents(documents, self.settings, entities=False)
        if not entities_enabled(self.settings):
            return lambda: rows
        batches = entity_batches(documents, model=self._model, models=self._models)
        futures = [self._executor.submit(parse_entity_batch, batch) for batch in batches]

        def rows_when_parsed() -> dict[str, list[dict]]:
            from pipeline.entities import tables_from_blocks

            extend_rows(rows, tables_from_blocks(documents, (pair for future in futures for pair in future.result())))
            return rows

        return rows_when_parsed

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "ParsePool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _started() -> None:
    """Nothing: a task that makes the executor start a process."""


_preloaded: list[ParsePool] = []


def preload_pool(settings: Settings, processes: int) -> None:
    """Start a pool's processes now, to overlap work that waits (Prefect's start); :func:`preloaded_pool` takes it."""
    pool = ParsePool(settings, processes)
    pool.start_processes()
    _preloaded.append(pool)


def preloaded_pool(settings: Settings, processes: int) -> ParsePool | None:
    """The preloaded pool if it parses as ``settings`` with ``processes`` processes; any other preloaded pool is closed."""
    taken = None
    while _preloaded:
        pool = _preloaded.pop()
        if taken is None and pool.parses_as(settings, processes):
            taken = pool
        else:
            pool.close()
    return taken


def release_preloaded_pools() -> None:
    """Close preloaded pools that no parse stage took (the run ended before, or had nothing to parse)."""
    while _preloaded:
        _preloaded.pop().close()
