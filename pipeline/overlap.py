"""Extraction and parsing overlapped: documents are parsed while the rest are still being extracted.

Takes stored inputs and settings; gives the extraction results (as :func:`pipeline.run.extract_inputs`)
and the parsers' rows (as :func:`pipeline.run.parse_documents`), with the seconds each stage took.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

from .model import Document
from .run import Processed, Progress, extend_rows, extract_outcomes, latest_versions, load_parsers, no_progress, \
    parse_documents, processed_input
from .settings import Settings
from pipeline.ingest import StoredInput


def extract_and_parse(stored: list[StoredInput], settings: Settings, progress: Progress = no_progress,
                      stages: dict[str, float] | None = None) -> tuple[list[Processed], dict[str, list[dict]]]:
    """Extract every stored input and parse the documents, parsing what is extracted while the rest is.

    The sandboxed workers extract in their own processes, driven from a thread of this process; each
    group of documents is parsed as it arrives (up to ``PARSE_BATCH`` at a time): in this thread, or with
    ``settings.nlp_processes`` > 1 in that many spawned parser processes (safe beside threads, unlike
    fork).  ``stages`` receives, for extraction and for parsing, the seconds from the start until each
    ended.  Rows are those of :func:`pipeline.run.extract_inputs` followed by
    :func:`pipeline.run.parse_documents`, in another order across documents (the writer orders by document).
    """
    latest = latest_versions(stored)
    by_id = {item.doc_id: item for item in latest}
    arrived: queue.Queue = queue.Queue()
    extract_errors: list[BaseException] = []
    started = time.monotonic()
    timing = {"extract": 0.0, "parse": 0.0}

    def extract() -> None:
        try:
            extract_outcomes(latest, settings, progress, on_done=lambda key, outcome: arrived.put((key, outcome)))
        except BaseException as error:  # noqa: BLE001 (raised again in the calling thread)
            extract_errors.append(error)
        finally:
            arrived.put(None)
            timing["extract"] = time.monotonic() - started

    worker = threading.Thread(target=extract, name="thb-extract", daemon=True)
    worker.start()
    results: dict[str, Processed] = {}
    rows: dict[str, list[dict]] = {}
    with _parser_processes(settings, len(latest)) as pool:
        pending, finished = [], False
        while not finished:
            batch, finished = _next_batch(arrived, by_id, results)
            if batch and pool is None:
                extend_rows(rows, parse_documents(batch, settings))
            elif batch:
                pending.append(pool.submit(parse_documents, batch, replace(settings, nlp_processes=1)))
        for future in pending:
            extend_rows(rows, future.result())
    timing["parse"] = time.monotonic() - started
    worker.join()
    if extract_errors:
        raise extract_errors[0]
    if stages is not None:
        stages.update(timing)
    return [results[item.doc_id] for item in latest], rows


@contextmanager
def _parser_processes(settings: Settings, documents: int) -> Iterator[ProcessPoolExecutor | None]:
    """Spawned processes, each with the parsers loaded, when more than one is asked for; else None."""
    processes = min(settings.nlp_processes, documents)
    if processes <= 1:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context, initializer=load_parsers, initargs=(settings,)) as pool:
        yield pool


PARSE_BATCH = 64  # documents parsed at once at most: small enough to follow extraction closely


def _next_batch(arrived, by_id: dict[str, StoredInput], results: dict[str, Processed]) -> tuple[list[Document], bool]:
    """The documents extracted since the last call (waiting for at least one); whether extraction has ended."""
    batch: list[Document] = []
    item = arrived.get()
    while item is not None:
        key, outcome = item
        results[key] = processed_input(by_id[key], outcome)
        if results[key].document is not None:
            batch.append(results[key].document)
        if len(batch) >= PARSE_BATCH or arrived.empty():
            return batch, False
        item = arrived.get()
    return batch, True
