"""A run's inputs: files, folders, URLs and registered sources, read, fetched or crawled into the raw store.

Takes what the user named (or the bundled samples); gives :class:`Gathered`: the stored inputs
and, for each input that could not be read, a :class:`Processed` failure that becomes a
documents row, and the feeds, sitemaps or listing pages that could not be read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PipelineError, TerminalError
from .model import Document
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


Failure = tuple[str, str, str]  # (source or URL, reason, error)


@dataclass
class Gathered:
    """Inputs read, fetched or crawled into the raw store, and what could not be."""

    stored: list[StoredInput] = field(default_factory=list)
    failed: list[Processed] = field(default_factory=list)  # documents: each becomes a documents row
    discovery_failures: list[Failure] = field(default_factory=list)  # feeds, sitemaps, listing pages

    def __add__(self, other: "Gathered") -> "Gathered":
        return Gathered(self.stored + other.stored, self.failed + other.failed,
                        self.discovery_failures + other.discovery_failures)


def no_progress(stage: str, done: int, total: int) -> None:
    pass


def collect_inputs(sources: Iterable[str | Path] | None, *, refuse_all_missing: bool = True) -> list[str]:
    """Files, folders (recursively) and URLs; the bundled samples when nothing is given.

    A path that does not exist is kept, so that it becomes a documents row with status
    ``not_found`` while the other inputs are processed; when every input is missing the
    command was mistyped, and SourceNotFound says so before anything runs.
    """
    sources = [str(s) for s in (sources or [SAMPLES_DIR])]
    missing = [s for s in sources if not is_url(s) and not Path(s).expanduser().exists()]
    if missing and refuse_all_missing and len(missing) == len(sources):
        raise SourceNotFound(_not_found_message(missing[0]))
    found: list[str] = []
    for source in sources:
        path = Path(source).expanduser()
        if path.is_dir() and not is_url(source):
            found.extend(str(p) for p in sorted(path.rglob("*")) if p.is_file() and not _hidden(p, path))
        else:
            found.append(source if is_url(source) or source in missing else str(path))
    return list(dict.fromkeys(found))


def local_input_bytes(sources: Iterable[str | Path] | None) -> int:
    """Bytes of the local files among ``sources``, folders walked; URLs and source names count nothing."""
    try:
        found = collect_inputs(sources, refuse_all_missing=False)
    except OSError:
        return 0
    return sum(path.stat().st_size for source in found if not is_url(source) and (path := Path(source)).is_file())


def _not_found_message(source: str) -> str:
    return f"no such file, folder, URL or registered source: {source}"


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def store_inputs(sources: list[str], store: RawStore, settings: Settings,
                 progress: Progress = no_progress) -> Gathered:
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
    return Gathered(stored, failed)


def _read_file(path: Path, max_bytes: int) -> bytes:
    if not path.exists():
        raise SourceNotFound(_not_found_message(str(path)))
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
                  progress: Progress = no_progress) -> Gathered:
    """Crawl registered sources: their new or changed publications, failed fetches and unreadable feeds."""
    from dataclasses import replace

    from pipeline.ingest import crawl
    from pipeline.ingest import Fetcher, FetchPolicy

    policy = FetchPolicy(deadline_s=settings.fetch_timeout_s, max_bytes=settings.max_bytes,
                         allow_private=settings.allow_private)
    gathered = Gathered()
    for done, name in enumerate(names, 1):
        source = registry[name]
        with Fetcher(replace(policy, min_interval_s=source.min_interval_s)) as fetcher:
            result = crawl(source, fetcher, store)
        gathered.stored.extend(result.changed)
        gathered.failed.extend(Processed(doc_id=make_doc_id(url), source=url, url=url, error=error)
                               for url, error in result.failed)
        gathered.discovery_failures.extend((url, error.reason, str(error)) for url, error in result.discovery_failed)
        progress("crawl", done, len(names))
    return gathered


def registry(settings: Settings) -> dict:
    from pipeline.ingest import load_sources

    return load_sources(*([settings.sources_file] if settings.sources_file else []))


def plan_inputs(sources: Iterable[str | Path] | None, settings: Settings) -> tuple[list[str], list[str]]:
    """(source names to crawl, files and URLs to read); the bundled samples when nothing is given."""
    names, others = split_sources(sources, registry(settings))
    return names, ([] if names and not others else collect_inputs(others, refuse_all_missing=not names))


def gather_inputs(names: list[str], paths: list[str], store: RawStore, settings: Settings,
                  progress: Progress = no_progress) -> Gathered:
    """Store the given files and URLs, and crawl the given sources."""
    gathered = store_inputs(paths, store, settings, progress)
    if names:
        gathered += crawl_sources(names, registry(settings), store, settings, progress)
    return gathered
