"""The ingestion stages as plain functions: collect → store raw → extract → parse → write.

``flows/ingest.py`` wraps each stage as one Prefect task over the whole batch;
:func:`ingest` chains them without Prefect for tests, benchmarks and scripts.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.extract import ExtractionPool, ExtractJob, Publication, publication_of
from pipeline.ingest import RawStore, StoredInput

from . import __version__
from .errors import PipelineError
# The inputs stage lives in inputs.py; its names stay importable from here for the flows and the CLI.
from .inputs import (Failure, Gathered, Processed, Progress, SourceNotFound, collect_inputs, gather_inputs,  # noqa: F401
                     local_input_bytes, no_progress, plan_inputs, registry, store_inputs)
from .model import Box, Document, assemble
from .settings import Settings


@dataclass
class RunSummary:
    out_dir: Path
    documents_ok: int
    failed_by_reason: dict[str, int]
    rows: dict[str, int]
    seconds: float
    failures: list[Failure] = field(default_factory=list)
    discovery_failures: list[Failure] = field(default_factory=list)  # a source's pages that listed nothing
    stages: dict[str, float] = field(default_factory=dict)  # seconds by stage; extract and parse overlap
    unchanged: int = 0  # inputs whose rows were current and kept without extracting

    @property
    def documents_failed(self) -> int:
        return sum(self.failed_by_reason.values())

    @property
    def ok(self) -> bool:
        """Nothing failed: no document, and no feed, sitemap or listing page of a crawled source."""
        return not self.documents_failed and not self.discovery_failures


def latest_versions(stored: list[StoredInput]) -> list[StoredInput]:
    """One input per publication: a publication given twice keeps its last version."""
    return list({item.doc_id: item for item in stored}.values())


def skip_unchanged(stored: list[StoredInput], settings: Settings) -> tuple[list[StoredInput], int]:
    """The inputs to extract, and how many were left out because their rows are current.

    An input is left out when the stored ``documents`` table has it with the same SHA-256, status ok
    and this pipeline version; its rows are kept as they are.  ``settings.reextract`` leaves none out.
    """
    from pipeline.store import read_table

    documents = read_table(settings.out_dir, "documents") if not settings.reextract else None
    if documents is None or not len(documents):
        return stored, 0
    current = documents[(documents["status"] == "ok") & (documents["pipeline_version"] == __version__)]
    made = set(zip(current["doc_id"], current["sha256"]))
    latest = latest_versions(stored)
    todo = [item for item in latest if (item.doc_id, item.sha256) not in made]
    return todo, len(latest) - len(todo)


def split_batches(items: list, batches: int) -> list[list]:
    """Cut ``items`` into at most ``batches`` batches of near-equal size, keeping order; never an empty batch."""
    batches = max(1, min(batches, len(items)))
    size, extra = divmod(len(items), batches)
    cuts, start = [], 0
    for index in range(batches):
        end = start + size + (1 if index < extra else 0)
        cuts.append(items[start:end])
        start = end
    return cuts or [[]]


def extract_inputs(stored: list[StoredInput], settings: Settings, progress: Progress = no_progress) -> list[Processed]:
    """Extract every stored input in sandboxed worker processes."""
    latest = latest_versions(stored)
    outcomes = extract_outcomes(latest, settings, progress)
    return [processed_input(item, outcomes[item.doc_id]) for item in latest]


def extract_outcomes(latest: list[StoredInput], settings: Settings, progress: Progress,
                      on_done: Callable[[str, object], None] | None = None, keep: bool = True) -> dict:
    jobs = [ExtractJob(item.doc_id, item.path, item.content_type, item.url) for item in latest]
    done = 0

    def advance(job: ExtractJob, outcome) -> None:
        nonlocal done
        done += 1
        progress("extract", done, len(jobs))
        if on_done:
            on_done(job.key, outcome)

    with ExtractionPool(settings.workers, timeout_s=settings.timeout_s, memory_mb=settings.memory_mb,
                        pdf_engine=settings.pdf_engine) as pool:
        return pool.run(jobs, on_done=advance, keep=keep)


def processed_input(item: StoredInput, outcome) -> Processed:
    """A stored input with its extraction outcome: the assembled document, or the error."""
    processed = Processed(item.doc_id, item.source, item.url, item.content_type, item.sha256)
    if isinstance(outcome, PipelineError):
        processed.error = outcome
    else:
        processed.document = assemble(item.doc_id, outcome)
    return processed


def extend_rows(rows: dict[str, list[dict]], more: dict[str, list[dict]]) -> None:
    """Add ``more`` rows by table to ``rows``."""
    for table, table_rows in more.items():
        rows.setdefault(table, []).extend(table_rows)


def parse_documents(documents: list[Document], settings: Settings, entities: bool = True) -> dict[str, list[dict]]:
    """Run the parsers over the extracted documents; each returns rows by table.  ``entities=False``
    leaves out the entity stage (:mod:`pipeline.parse_pool` runs it elsewhere)."""
    rows: dict[str, list[dict]] = {}
    for parser in _parsers(settings, entities):
        extend_rows(rows, parser(documents))
    return rows


def entities_enabled(settings: Settings) -> bool:
    """Whether the parse stage has the entity stage (spaCy)."""
    from . import schema

    return settings.nlp and "pipeline.entities" in schema.PARSER_MODULES


def entity_models(settings: Settings) -> tuple[str | None, dict[str, str | None]]:
    """The entity stage's pipeline for English and other languages, and those by block language."""
    return _model(settings), settings.language_models()


def _parsers(settings: Settings, entities: bool = True) -> list[Callable[[list[Document]], dict[str, list[dict]]]]:
    from . import schema

    parsers = []
    if "pipeline.footnotes" in schema.PARSER_MODULES:
        from pipeline.footnotes import footnote_tables

        parsers.append(lambda docs: _per_document(footnote_tables, docs))
    if entities and entities_enabled(settings):
        from pipeline.entities import entity_tables

        model, models = entity_models(settings)
        parsers.append(lambda docs: entity_tables(docs, model=model, models=models))
    return parsers


def load_parsers(settings: Settings, languages: bool = False) -> None:
    """Build what the parsers load once per process (the spaCy pipeline; with ``languages`` also the pipelines
    of the other languages that name a model), so that the first batch does not wait."""
    from . import schema

    if settings.nlp and "pipeline.entities" in schema.PARSER_MODULES:
        from pipeline.entities import get_nlp

        get_nlp(_model(settings))
        for language, model in settings.language_models().items() if languages else ():
            if model:
                get_nlp(model, language)


_preloading: list[threading.Thread] = []


def preload_parsers(settings: Settings, sources: Iterable[str | Path] | None = None) -> None:
    """Start building the parsers' pipelines, to overlap work that waits (Prefect's start).

    When the local files among ``sources`` are enough for parser processes
    (:func:`pipeline.parse_pool.parser_processes`), their pool is started, and each builds its own;
    else this process's are built in a thread, which :func:`wait_for_parsers` waits for, so that the
    pipelines are not built twice.  The pipelines of other languages are built too: about 8 s for French,
    taken off the run's critical path when the corpus has French blocks.
    """
    from .parse_pool import parser_processes, preload_pool

    processes = parser_processes(settings, local_input_bytes(sources))
    if entities_enabled(settings) and processes > 1:
        preload_pool(settings, processes)
    elif entities_enabled(settings):
        thread = threading.Thread(target=_load_quietly, args=(settings,), name="thb-preload", daemon=True)
        thread.start()
        _preloading.append(thread)


@contextmanager
def parsers_released() -> Iterator[None]:
    """At the end, close the parser processes :func:`preload_parsers` started that no parse stage took."""
    try:
        yield
    finally:
        from .parse_pool import release_preloaded_pools

        release_preloaded_pools()


def _load_quietly(settings: Settings) -> None:
    try:
        load_parsers(settings, languages=True)
    except Exception:  # noqa: BLE001 (a pipeline that cannot be built fails the parse stage, with its context)
        pass


def wait_for_parsers() -> None:
    """Wait for the pipelines :func:`preload_parsers` is building, if any."""
    while _preloading:
        _preloading.pop().join()


def _model(settings: Settings) -> str | None:
    return None if settings.spacy_model.lower() in ("", "none") else settings.spacy_model


def _per_document(parser, documents: list[Document]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for document in documents:
        extend_rows(rows, parser(document, published=document.published))
    return rows


def document_rows(results: list[Processed]) -> dict[str, list[dict]]:
    """The documents, blocks and markers tables for this run's inputs."""
    documents, blocks, markers = [], [], []
    for result in results:
        documents.append(_document_row(result))
        if result.document is None:
            continue
        for block_no, block in enumerate(result.document.blocks):
            blocks.append({"doc_id": result.doc_id, "block_no": block_no, "kind": block.kind, "page": block.page,
                           "start": block.start, "end": block.end, "label": block.label, "language": block.language,
                           "text": block.text, **box_columns(block.box),
                           "boxes": json.dumps([b.as_list() for b in block.boxes]) if block.boxes else None})
            markers.extend({"doc_id": result.doc_id, "block_no": block_no, "label": m.label,
                            "page": m.page if m.page is not None else block.page,
                            "offset": block.start + m.offset, **box_columns(m.box)} for m in block.markers)
    return {"documents": documents, "blocks": blocks, "markers": markers}


def box_columns(box: Box | None) -> dict:
    """x0, top, x1, bottom in points, rounded to 0.01; empty when the type has no page geometry."""
    values = box.as_list()[1:] if box else [None] * 4
    return dict(zip(("x0", "top", "x1", "bottom"), values))


def _document_row(result: Processed) -> dict:
    doc = result.document
    publication = publication_of(doc, url=result.url or result.source, content_type=result.content_type) if doc \
        else Publication(doc_type=None)
    return {
        "doc_id": result.doc_id, "source": result.source, "url": result.url,
        "title": doc.title if doc else None, "published": doc.published if doc else None,
        "published_from": doc.published_from if doc else None,
        "language": doc.language if doc else None, "content_type": result.content_type,
        "sha256": result.sha256, "n_pages": doc.n_pages if doc else None,
        "n_chars": len(doc.text) if doc else 0,
        "status": "ok" if result.error is None else result.error.reason,
        "error": str(result.error) if result.error else None,
        "error_type": result.error.error_type if result.error else None,
        "extracted_at": result.extracted_at, "pipeline_version": __version__,
        "doc_type": publication.doc_type, "reference": publication.reference,
        "greta_round": publication.greta_round, "evaluated_country": publication.evaluated_country,
        "publisher": publication.publisher, "doc_type_from": publication.evidence,
    }


def summarise(results: list[Processed], rows: dict[str, int], out_dir: Path, started: float,
              discovery_failures: list[Failure] = (), stages: dict[str, float] | None = None,
              unchanged: int = 0) -> RunSummary:
    failed = [r for r in results if r.error is not None]
    return RunSummary(
        out_dir=Path(out_dir),
        documents_ok=len(results) - len(failed),
        failed_by_reason=dict(Counter(r.error.reason for r in failed)),
        rows=rows,
        seconds=time.monotonic() - started,
        failures=[(r.source, r.error.reason, str(r.error)) for r in failed],
        discovery_failures=list(discovery_failures),
        stages=dict(stages or {}),
        unchanged=unchanged,
    )


def ingest(sources: Iterable[str | Path] | None = None, settings: Settings | None = None,
           progress: Progress = no_progress) -> RunSummary:
    """Run every stage without Prefect, staging each batch's rows so that memory does not grow with the corpus."""
    from pipeline.store import staging_folder

    settings = settings or Settings()
    started = time.monotonic()
    preload_parsers(settings, sources)
    with parsers_released():
        stages: dict[str, float] = {}
        store = RawStore(settings.raw_dir)
        with timed_stage(stages, "store"):
            gathered = gather_inputs(*plan_inputs(sources, settings), store, settings, progress)
            stored, unchanged = skip_unchanged(gathered.stored, settings)
        from .overlap import extract_and_parse

        with staging_folder(settings.out_dir) as staged:
            extracted, _ = extract_and_parse(stored, settings, progress, stages, staged=staged)
            results = extracted + gathered.failed
            with timed_stage(stages, "write"):
                counts = write_staged(settings, staged, results, store.fetches(), gathered.failed)
    return summarise(results, counts, settings.out_dir, started, gathered.discovery_failures, stages, unchanged)


def write_staged(settings: Settings, staged: Path, results: list[Processed], fetches: list[dict],
                 failed: list[Processed]) -> dict[str, int]:
    """Write the tables from the rows staged in ``staged``, the inputs that could not be gathered and the fetch log."""
    from pipeline.store import write_tables

    rows = document_rows(failed)
    rows["fetches"] = fetches
    return write_tables(settings.out_dir, rows, {r.doc_id for r in results}, staged=staged)


@contextmanager
def timed_stage(stages: dict[str, float], name: str) -> Iterator[None]:
    """Add the seconds the block takes to ``stages[name]``."""
    started = time.monotonic()
    try:
        yield
    finally:
        stages[name] = stages.get(name, 0.0) + time.monotonic() - started
