"""Run extraction in worker processes that are stopped at a time and memory limit.

A compressed-stream bomb can take a gigabyte in pdfplumber and a content-stream
cycle can loop for ever (see notes/stack.md), so no parser runs in the main
process.  Each worker takes one job at a time over a pipe; the parent kills a
worker that passes the deadline and starts a fresh one, so one bad file costs
one row in the documents table and nothing else.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from .dispatch import extract_path
from .pdf.chars import DEFAULT_ENGINE
from pipeline.errors import ParseMemoryExceeded, ParserCrashed, ParseTimeout, PipelineError, TerminalError, is_internal
from pipeline.model import Extraction

DEFAULT_TIMEOUT_S = 180.0
DEFAULT_MEMORY_MB = 3072


@dataclass(frozen=True)
class ExtractJob:
    key: str
    path: Path
    content_type: str
    url: str | None = None


Outcome = Extraction | PipelineError
_READY = ("ready", None)


def _worker_main(conn: Connection, memory_bytes: int, pdf_engine: str, extract: Callable) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    conn.send(_READY)  # the job's clock starts now: starting a process under load is not the document's time
    while True:
        job = conn.recv()
        if job is None:
            return
        try:
            result = ("ok", extract(job.path, job.content_type, url=job.url, pdf_engine=pdf_engine))
        except PipelineError as error:
            message = str(error)
            if error.reason == ParseMemoryExceeded.reason:
                message = f"{message} (the limit is {memory_bytes >> 20} MB: THB_MEMORY_MB)"
            result = ("error", error.reason, message, error.error_type)
        except ImportError as error:  # a broken installation, not a broken document: stop the run
            result = ("fatal", f"{type(error).__name__}: {error}")
        except MemoryError:
            result = ("error", ParseMemoryExceeded.reason,
                      f"parsing needed more than the {memory_bytes >> 20} MB memory limit (THB_MEMORY_MB)", "MemoryError")
        except Exception as error:  # a parser library failing on malformed input
            result = ("error", "broken", _unreadable_message(job.content_type, error), type(error).__name__)
        conn.send((job.key, result))


def _unreadable_message(content_type: str, error: Exception) -> str:
    """For people: what could not be read; Python's own messages stay out (the type goes to error_type)."""
    kind = {"application/pdf": "PDF", "text/html": "web page", "text/markdown": "Markdown file"}.get(content_type, "file")
    detail = "" if is_internal(error) else f": {str(error).strip()[:200]}"
    return f"the {kind} could not be read: its structure is damaged or unusual{detail}"


class _Worker:
    def __init__(self, context, *args) -> None:
        self._context, self._args = context, args
        self.job: ExtractJob | None = None
        self.started = 0.0
        self._start()

    def _start(self) -> None:
        self.conn, child = self._context.Pipe()
        self.process = self._context.Process(target=_worker_main, args=(child, *self._args), daemon=True)
        self.process.start()
        child.close()

    def give(self, job: ExtractJob) -> None:
        self.job, self.started = job, time.monotonic()
        self.conn.send(job)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def restart(self) -> None:
        """Kill the process (stuck, dead or bloated) and start a fresh one in its place."""
        self.process.kill()
        self.process.join()
        self.conn.close()
        self._start()


class ExtractionPool:
    """A small pool of sandboxed extraction workers; use as a context manager."""

    def __init__(self, workers: int = 2, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                 memory_mb: int = DEFAULT_MEMORY_MB, pdf_engine: str = DEFAULT_ENGINE,
                 extract: Callable = extract_path) -> None:
        """``extract(path, content_type, url=, pdf_engine=)`` must be importable by a fresh interpreter."""
        self.size = max(1, workers)
        self.extract = extract
        self.timeout_s = timeout_s
        self.memory_bytes = memory_mb << 20
        self.pdf_engine = pdf_engine
        self._context = mp.get_context("spawn")  # the parent may run threads (Prefect): never fork it
        self._workers: list[_Worker] = []

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers.clear()

    def run(self, jobs: Iterable[ExtractJob], on_done: Callable[[ExtractJob, Outcome], None] | None = None,
            keep: bool = True) -> dict[str, Outcome]:
        """Extract every job; returns outcomes by job key, in whatever order they finish (none unless ``keep``:
        a caller that takes each outcome in ``on_done`` need not hold them all)."""
        pending = list(jobs)[::-1]
        outcomes: dict[str, Outcome] = {}
        while len(self._workers) < min(self.size, len(pending)):
            self._workers.append(_Worker(self._context, self.memory_bytes, self.pdf_engine, self.extract))
        busy: list[_Worker] = []
        while pending or busy:
            for worker in self._workers:
                if worker.job is None and pending:
                    worker.give(pending.pop())
                    busy.append(worker)
            for worker, outcome in self._collect(busy):
                job = worker.job
                worker.job = None
                busy.remove(worker)
                if keep:
                    outcomes[job.key] = outcome
                if on_done:
                    on_done(job, outcome)
        return outcomes

    def _collect(self, busy: list[_Worker]) -> list[tuple[_Worker, Outcome]]:
        now = time.monotonic()
        wait_s = max(0.0, min(w.started + self.timeout_s for w in busy) - now)
        ready = wait([w.conn for w in busy], timeout=wait_s)
        done = []
        for worker in list(busy):
            if worker.conn in ready:
                outcome = self._receive(worker)
                if outcome is not None:
                    done.append((worker, outcome))
            elif time.monotonic() - worker.started >= self.timeout_s:
                done.append((worker, ParseTimeout(f"parsing took longer than {self.timeout_s:g} s and was stopped")))
                worker.restart()
        return done

    def _reads_with_pdfium(self, job: ExtractJob | None) -> bool:
        return job is not None and job.content_type == "application/pdf" and self.pdf_engine == "pypdfium2"

    def _receive(self, worker: _Worker) -> Outcome | None:
        """The job's outcome, or None when the message was the worker saying it is ready."""
        try:
            message = worker.conn.recv()
            if message == _READY:
                worker.started = time.monotonic()
                return None
            _key, (status, *payload) = message
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            pdfium = self._reads_with_pdfium(worker.job)
            worker.restart()
            if code == -signal.SIGABRT and pdfium:
                # PDFium aborts the process when an allocation fails, which under the address-space
                # limit is what a compression bomb or a huge image makes it do.
                return ParseMemoryExceeded(f"the parser process was aborted on this input, as PDFium does when it runs "
                                           f"out of memory: most likely more than the {self.memory_bytes >> 20} MB "
                                           "memory limit (THB_MEMORY_MB), as a compression bomb needs",
                                           error_type="SIGABRT")
            return ParserCrashed(f"the parser process died (exit code {code}) on this input")
        if status == "ok":
            return payload[0]
        if status == "fatal":
            raise RuntimeError(f"extraction cannot run: {payload[0]}")
        reason, message, error_type = payload
        if reason == ParseMemoryExceeded.reason:
            worker.restart()  # a worker that hit the limit may hold fragmented memory
        return TerminalError(message, reason=reason, error_type=error_type)
