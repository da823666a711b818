"""Extraction and parsing overlapped: documents are parsed while the rest are still being extracted.

Takes stored inputs and settings; gives the extraction results (as :func:`pipeline.run.extract_inputs`)
and the parsers' rows (as :func:`pipeline.run.parse_documents`), with the seconds each stage took; or,
given a staging folder, stages each batch's rows there (:func:`pipeline.store.stage_rows`) and keeps
neither the documents nor their rows, so that memory does not grow with the corpus.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .parse_pool import ParsePool, ParsedRows, parser_processes, preloaded_pool
from .run import Processed, Progress, document_rows, extend_rows, extract_outcomes, latest_versions, \
    no_progress, parse_documents, processed_input, wait_for_parsers
from .settings import Settings
from pipeline.ingest import StoredInput

PARSE_BATCH = 16    # documents parsed at once at most: small enough to follow extraction closely and bound memory
WAITING = 16        # extracted documents waiting to be parsed at most: extraction pauses beyond


class _Stopped(Exception):
    """Parsing failed: extraction stops too."""


def extract_and_parse(stored: list[StoredInput], settings: Settings, progress: Progress = no_progress,
                      stages: dict[str, float] | None = None,
                      staged: Path | None = None) -> tuple[list[Processed], dict[str, list[dict]]]:
    """Extract every stored input and parse the documents, parsing what is extracted while the rest is.

    The sandboxed workers extract in their own processes, driven from a thread of this process; each
    group of documents is parsed as it arrives (up to ``PARSE_BATCH`` at a time): in this thread, or
    when :func:`pipeline.parse_pool.parser_processes` gives more than one, its blocks in that many
    spawned parser processes (safe beside threads, unlike fork).  At most ``WAITING`` extracted
    documents wait for the parsers.  ``stages`` receives, for extraction and for parsing, the seconds
    from the start until each ended.  Without ``staged``, rows are those of
    :func:`pipeline.run.extract_inputs` followed by :func:`pipeline.run.parse_documents`, in another
    order across documents (the writer orders by document).  With ``staged``, each batch's rows, its
    documents rows included, are staged there, the results keep no document and the rows
    returned are empty.
    """
    latest = latest_versions(stored)
    by_id = {item.doc_id: item for item in latest}
    arrived: queue.Queue = queue.Queue(maxsize=WAITING)
    stop = threading.Event()
    extract_errors: list[BaseException] = []
    started = time.monotonic()
    timing = {"extract": 0.0, "parse": 0.0}

    def put(item) -> None:
        while not stop.is_set():
            try:
                return arrived.put(item, timeout=0.2)
            except queue.Full:
                pass
        raise _Stopped

    def extract() -> None:
        try:
            extract_outcomes(latest, settings, progress, on_done=lambda key, outcome: put((key, outcome)),
                             keep=staged is None)
        except _Stopped:
            pass
        except BaseException as error:  # noqa: BLE001 (raised again in the calling thread)
            extract_errors.append(error)
        finally:
            timing["extract"] = time.monotonic() - started
            try:
                put(None)
            except _Stopped:
                pass

    worker = threading.Thread(target=extract, name="thb-extract", daemon=True)
    worker.start()
    results: dict[str, Processed] = {}
    rows: dict[str, list[dict]] = {}
    try:
        with _parser_processes(settings, sum(item.size for item in latest)) as (pool, processes):
            pending: list[tuple[ParsedRows, list[Processed]]] = []
            finished = False
            while not finished:
                batch, finished = _next_batch(arrived, by_id)
                results.update((r.doc_id, r) for r in batch)
                documents = [r.document for r in batch if r.document is not None]
                if documents and pool is None:
                    wait_for_parsers()
                if pool is None or not documents:
                    _keep(rows, staged, batch, parse_documents(documents, settings) if documents else {})
                else:
                    pending.append((pool.submit(documents), batch))
                # each parser process has a batch and the next one waiting, no more: memory stays bounded
                while len(pending) > 2 * processes or (finished and pending):
                    parsed, parsed_batch = pending.pop(0)
                    _keep(rows, staged, parsed_batch, parsed())
    finally:
        stop.set()
    timing["parse"] = time.monotonic() - started
    worker.join()
    if extract_errors:
        raise extract_errors[0]
    if stages is not None:
        stages.update(timing)
    return [results[item.doc_id] for item in latest], rows


def _keep(rows: dict[str, list[dict]], staged: Path | None, batch: list[Processed], parsed: dict[str, list[dict]]) -> None:
    """A batch's parsed rows: added to ``rows``, or staged with the batch's documents rows and the documents dropped."""
    if staged is None:
        extend_rows(rows, parsed)
        return
    from pipeline.store import stage_rows

    batch_rows = document_rows(batch)
    extend_rows(batch_rows, parsed)
    stage_rows(staged, batch_rows)
    for result in batch:
        result.document = None


@contextmanager
def _parser_processes(settings: Settings, input_bytes: int) -> Iterator[tuple[ParsePool | None, int]]:
    """A pool of parser processes when more than one pays (else None); how many."""
    processes = parser_processes(settings, input_bytes)
    preloaded = preloaded_pool(settings, processes)
    if processes <= 1:
        yield None, 1
        return
    with preloaded or ParsePool(settings, processes) as pool:
        yield pool, processes


def _next_batch(arrived, by_id: dict[str, StoredInput]) -> tuple[list[Processed], bool]:
    """The inputs extracted since the last call (waiting for at least one); whether extraction has ended."""
    batch: list[Processed] = []
    documents = 0
    item = arrived.get()
    while item is not None:
        key, outcome = item
        batch.append(processed_input(by_id[key], outcome))
        documents += batch[-1].document is not None
        if documents >= PARSE_BATCH or arrived.empty():
            return batch, False
        item = arrived.get()
    return batch, True
