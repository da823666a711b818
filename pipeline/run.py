"""The ingestion stages as plain functions: collect → store raw → extract → parse → write.

``flows/ingest.py`` wraps each stage as one Prefect task over the whole batch;
:func:`ingest` chains them without Prefect for tests, benchmarks and scripts.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import PipelineError, TerminalError
from .model import Box, Document, assemble
from pipeline.extract import ExtractionPool, ExtractJob
from .settings import SAMPLES_DIR, Settings
from pipeline.ingest import RawStore, StoredInput, is_url, make_doc_id, utc_now

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class SourceNotFound(TerminalError):
    reason = "not_found"


@dataclass
class Processed:
    """One input after extraction: a document, or the error that stopped it."""

    doc_id: str
    source: str
    url: str | None = None
    content_type: str = ""
    sha256: str = ""
    document: Document | None = None
    error: PipelineError | None = None
    extracted_at: str = field(default_factory=utc_now)


@dataclass
class RunSummary:
    out_dir: Path
    documents_ok: int
    failed_by_reason: dict[str, int]
    rows: dict[str, int]
    seconds: float
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (source, reason, error)

    @property
    def documents_failed(self) -> int:
        return sum(self.failed_by_reason.values())


def no_progress(stage: str, done: int, total: int) -> None:
    pass


def collect_inputs(sources: Iterable[str | Path] | None) -> list[str]:
    """Files, folders (recursively) and URLs; the bundled samples when nothing is given."""
    sources = [str(s) for s in (sources or [SAMPLES_DIR])]
    found: list[str] = []
    for source in sources:
        if is_url(source):
            found.append(source)
            continue
        path = Path(source).expanduser()
        if path.is_dir():
            found.extend(str(p) for p in sorted(path.rglob("*")) if p.is_file() and not _hidden(p, path))
        elif path.is_file():
            found.append(str(path))
        else:
            raise SourceNotFound(f"no such file, folder or URL: {source}")
    return list(dict.fromkeys(found))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def store_inputs(sources: list[str], store: RawStore, settings: Settings,
                 progress: Progress = no_progress) -> tuple[list[StoredInput], list[Processed]]:
    """Read or fetch every source and keep its bytes; unreadable sources become failures."""
    from pipeline.ingest import fetch

    stored, failed = [], []
    for done, source in enumerate(sources, 1):
        try:
            if is_url(source):
                data, final_url = fetch(source, deadline_s=settings.fetch_timeout_s, max_bytes=settings.max_bytes,
                                        allow_private=settings.allow_private)
                stored.append(store.put(source, data, url=final_url))
            else:
                stored.append(store.put(source, _read_file(Path(source), settings.max_bytes)))
        except PipelineError as error:
            failed.append(Processed(doc_id=make_doc_id(source), source=source, error=error))
        progress("store", done, len(sources))
    return stored, failed


def _read_file(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TerminalError(f"{path} is {size >> 20} MB, over the {max_bytes >> 20} MB limit", reason="too_large")
        return path.read_bytes()
    except OSError as error:
        raise TerminalError(f"cannot read {path}: {error.strerror or error}", reason="unreadable") from error


def split_sources(sources: Iterable[str | Path] | None, registry: dict) -> tuple[list[str], list[str]]:
    """(registered source names, files/folders/URLs); an existing path wins over a name."""
    names, others = [], []
    for source in map(str, sources or []):
        is_name = source in registry and not is_url(source) and not Path(source).exists()
        (names if is_name else others).append(source)
    return names, others


def crawl_sources(names: list[str], registry: dict, store: RawStore, settings: Settings,
                  progress: Progress = no_progress) -> tuple[list[StoredInput], list[Processed]]:
    """Crawl registered sources; returns their new or changed publications and failed fetches."""
    from dataclasses import replace

    from pipeline.ingest import crawl
    from pipeline.ingest import Fetcher, FetchPolicy

    policy = FetchPolicy(deadline_s=settings.fetch_timeout_s, max_bytes=settings.max_bytes,
                         allow_private=settings.allow_private)
    stored, failed = [], []
    for done, name in enumerate(names, 1):
        source = registry[name]
        with Fetcher(replace(policy, min_interval_s=source.min_interval_s)) as fetcher:
            result = crawl(source, fetcher, store)
        stored.extend(result.changed)
        failed.extend(Processed(doc_id=make_doc_id(url), source=url, url=url, error=error) for url, error in result.failed)
        progress("crawl", done, len(names))
    return stored, failed


def registry(settings: Settings) -> dict:
    from pipeline.ingest import load_sources

    return load_sources(*([settings.sources_file] if settings.sources_file else []))


def plan_inputs(sources: Iterable[str | Path] | None, settings: Settings) -> tuple[list[str], list[str]]:
    """(source names to crawl, files and URLs to read); the bundled samples when nothing is given."""
    names, others = split_sources(sources, registry(settings))
    return names, ([] if names and not others else collect_inputs(others))


def gather_inputs(names: list[str], paths: list[str], store: RawStore, settings: Settings,
                  progress: Progress = no_progress) -> tuple[list[StoredInput], list[Processed]]:
    """Store the given files and URLs, and crawl the given sources."""
    stored, failed = store_inputs(paths, store, settings, progress)
    if names:
        crawled, crawl_failed = crawl_sources(names, registry(settings), store, settings, progress)
        stored, failed = stored + crawled, failed + crawl_failed
    return stored, failed


def latest_versions(stored: list[StoredInput]) -> list[StoredInput]:
    """One input per publication: a publication given twice keeps its last version."""
    return list({item.doc_id: item for item in stored}.values())


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
    jobs = [ExtractJob(item.doc_id, item.path, item.content_type, item.url) for item in latest]
    done = 0

    def advance(job: ExtractJob, outcome) -> None:
        nonlocal done
        done += 1
        progress("extract", done, len(jobs))

    with ExtractionPool(settings.workers, timeout_s=settings.timeout_s, memory_mb=settings.memory_mb,
                        pdf_engine=settings.pdf_engine) as pool:
        outcomes = pool.run(jobs, on_done=advance)
    results = []
    for item in latest:
        outcome = outcomes[item.doc_id]
        processed = Processed(item.doc_id, item.source, item.url, item.content_type, item.sha256)
        if isinstance(outcome, PipelineError):
            processed.error = outcome
        else:
            processed.document = assemble(item.doc_id, outcome)
        results.append(processed)
    return results


def parse_documents(documents: list[Document], settings: Settings) -> dict[str, list[dict]]:
    """Run the parsers over the extracted documents; each returns rows by table."""
    rows: dict[str, list[dict]] = {}
    for parser in _parsers(settings):
        for table, table_rows in parser(documents).items():
            rows.setdefault(table, []).extend(table_rows)
    return rows


def _parsers(settings: Settings) -> list[Callable[[list[Document]], dict[str, list[dict]]]]:
    from . import schema

    parsers = []
    if "pipeline.footnotes" in schema.PARSER_MODULES:
        from pipeline.footnotes import footnote_tables

        parsers.append(lambda docs: _per_document(footnote_tables, docs))
    if settings.nlp and "pipeline.entities" in schema.PARSER_MODULES:
        from pipeline.entities import entity_tables

        model = None if settings.spacy_model.lower() in ("", "none") else settings.spacy_model
        parsers.append(lambda docs: entity_tables(docs, model=model, n_process=settings.nlp_processes))
    return parsers


def _per_document(parser, documents: list[Document]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for document in documents:
        for table, table_rows in parser(document, published=document.published).items():
            rows.setdefault(table, []).extend(table_rows)
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
                           "start": block.start, "end": block.end, "label": block.label, "text": block.text,
                           **box_columns(block.box),
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
    return {
        "doc_id": result.doc_id, "source": result.source, "url": result.url,
        "title": doc.title if doc else None, "published": doc.published if doc else None,
        "published_from": doc.published_from if doc else None,
        "language": doc.language if doc else None, "content_type": result.content_type,
        "sha256": result.sha256, "n_pages": doc.n_pages if doc else None,
        "n_chars": len(doc.text) if doc else 0,
        "status": "ok" if result.error is None else result.error.reason,
        "error": str(result.error) if result.error else None,
        "extracted_at": result.extracted_at, "pipeline_version": __version__,
    }


def summarise(results: list[Processed], rows: dict[str, int], out_dir: Path, started: float) -> RunSummary:
    failed = [r for r in results if r.error is not None]
    return RunSummary(
        out_dir=Path(out_dir),
        documents_ok=len(results) - len(failed),
        failed_by_reason=dict(Counter(r.error.reason for r in failed)),
        rows=rows,
        seconds=time.monotonic() - started,
        failures=[(r.source, r.error.reason, str(r.error)) for r in failed],
    )


def ingest(sources: Iterable[str | Path] | None = None, settings: Settings | None = None,
           progress: Progress = no_progress) -> RunSummary:
    """Run every stage without Prefect."""
    from pipeline.store import write_tables

    settings = settings or Settings()
    started = time.monotonic()
    store = RawStore(settings.raw_dir)
    stored, failed = gather_inputs(*plan_inputs(sources, settings), store, settings, progress)
    results = extract_inputs(stored, settings, progress) + failed
    rows = document_rows(results)
    rows["fetches"] = store.fetches()
    for table, table_rows in parse_documents([r.document for r in results if r.document], settings).items():
        rows.setdefault(table, []).extend(table_rows)
    counts = write_tables(settings.out_dir, rows, {r.doc_id for r in results})
    return summarise(results, counts, settings.out_dir, started)
