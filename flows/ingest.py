"""The ``ingest`` Prefect flow: collect → store raw → extract → parse → write tables.

Each stage is one task over the whole batch (Prefect costs 35–45 ms of CPU per
task run, so one task per document per stage would cost more than extraction
itself); the work is done by the plain functions in ``pipeline.run``.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from pipeline import overlap, run
from pipeline.settings import Settings
from pipeline.ingest import RawStore
from pipeline.store import staging_folder

_progress: run.Progress = lambda stage, done, total: None  # noqa: E731


def set_progress(callback: run.Progress) -> None:
    """Let the CLI draw progress bars; a flow parameter cannot carry a callable."""
    global _progress
    _progress = callback


def _report(stage: str, done: int, total: int) -> None:
    _progress(stage, done, total)


_TASK_OPTIONS = dict(cache_policy=NO_CACHE, persist_result=False)


@task(name="collect-inputs", **_TASK_OPTIONS)
def collect_inputs(sources: list[str] | None, settings: Settings) -> tuple[list[str], list[str]]:
    return run.plan_inputs(sources, settings)


@task(name="store-raw", **_TASK_OPTIONS)
def store_raw(plan: tuple[list[str], list[str]], settings: Settings):
    """Read files, fetch URLs and crawl sources into the raw store."""
    return run.gather_inputs(*plan, RawStore(settings.raw_dir), settings, _report)


@task(name="extract-and-parse", **_TASK_OPTIONS)
def extract_and_parse(stored, settings: Settings, staged: Path) -> tuple[list[run.Processed], dict[str, float]]:
    """Extract a batch and parse its documents, parsing overlapping extraction, their rows staged in ``staged``.

    Returns the results (without their documents) and the stage seconds: the rows stay on disk, not in
    the task's return value, so neither this process nor a Dask worker holds a batch's tables.
    """
    stages: dict[str, float] = {}
    results, _ = overlap.extract_and_parse(stored, settings, _report, stages, staged=staged)
    return results, stages


@task(name="write-tables", **_TASK_OPTIONS)
def write(staged: Path, results: list[run.Processed], failed: list[run.Processed], settings: Settings) -> dict[str, int]:
    return run.write_staged(settings, staged, results, RawStore(settings.raw_dir).fetches(), failed)


@flow(name="ingest", log_prints=True, validate_parameters=False)
def ingest(sources: list[str] | None = None, settings: dict | None = None) -> dict:
    """Turn the given files, folders and URLs (default: the bundled samples) into tables."""
    started = time.monotonic()
    config = Settings.from_env(**{k: v for k, v in (settings or {}).items()})
    stages: dict[str, float] = {}
    with run.timed_stage(stages, "store"):
        gathered = store_raw(collect_inputs(sources, config), config)
        stored, unchanged = run.skip_unchanged(gathered.stored, config)
    with staging_folder(config.out_dir) as staged:
        extracted = extract_in_batches(stored, config, stages, staged)
        results = extracted + gathered.failed
        with run.timed_stage(stages, "write"):
            counts = write(staged, results, gathered.failed, config)
    summary = run.summarise(results, counts, config.out_dir, started, gathered.discovery_failures, stages, unchanged)
    _publish(summary)
    return asdict(summary)


def extract_in_batches(stored, config: Settings, stages: dict[str, float], staged: Path) -> list[run.Processed]:
    """One extract-and-parse task per batch; the task runner (threads, or Dask workers) runs batches in parallel.

    Each batch stages its rows in ``staged``; returns the batches' results, and ``stages`` gets the longest
    batch's extract and parse seconds.
    """
    batches = run.split_batches(run.latest_versions(stored), config.batches)
    if len(batches) == 1:
        outputs = [extract_and_parse(batches[0], config, staged)]
    else:
        outputs = []
        for future in extract_and_parse.map(batches, unmapped(config), unmapped(staged)):
            outputs.append(future.result())
            _report("extract", sum(len(results) for results, _ in outputs), sum(map(len, batches)))
    results = []
    for batch_results, batch_stages in outputs:
        results.extend(batch_results)
        for name, seconds in batch_stages.items():
            stages[name] = max(stages.get(name, 0.0), seconds)
    return results


def ingest_on_dask(address: str):
    """The ingest flow with its tasks sent to the Dask scheduler at ``address`` (e.g. tcp://10.0.0.5:8786).

    Dask workers must see the same raw/ and output folders (one machine, or shared storage), and must be
    allowed to start processes (``distributed.worker.daemon: false``) since extraction runs sandboxed.
    """
    from prefect_dask import DaskTaskRunner

    return ingest.with_options(task_runner=DaskTaskRunner(address=address))


def _publish(summary: run.RunSummary) -> None:
    """Failed documents are visible in Prefect's UI as a table artifact and in the log."""
    logger = get_run_logger()
    logger.info("%d documents ok, %d failed; rows: %s", summary.documents_ok, summary.documents_failed, summary.rows)
    for url, reason, error in summary.discovery_failures:
        logger.warning("unreadable feed, sitemap or listing %s: %s (%s)", url, reason, error)
    if summary.failures:
        for source, reason, error in summary.failures:
            logger.warning("failed %s: %s (%s)", source, reason, error)
        create_table_artifact(
            key="failed-documents",
            table=[{"source": s, "reason": r, "error": e} for s, r, e in summary.failures],
            description="Documents that could not be extracted in this run",
        )


def settings_dict(settings: Settings) -> dict:
    """Settings as flow parameters (JSON-friendly)."""
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(settings).items()}
