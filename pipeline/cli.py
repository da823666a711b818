"""``thb``: a thin command line over the library.

Only typer is imported at start; pandas, Prefect and spaCy are imported by the
commands that need them, so ``thb --help`` and ``thb show`` answer at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="thb-pipeline: anti-trafficking publications in, reviewable tables out.",
                  no_args_is_help=True, add_completion=False)

OutOption = Annotated[Optional[Path], typer.Option("--out", help="Folder for the output tables [default: extracted]")]


@app.command("run")
def run_command(
    sources: Annotated[Optional[list[str]], typer.Argument(help="Files, folders (recursive), http(s) URLs or registered source names (see `thb sources`). Default: the bundled sample corpus.", show_default=False)] = None,
    out: OutOption = None,
    raw: Annotated[Optional[Path], typer.Option(help="Folder for the raw store [default: raw]")] = None,
    pdf_engine: Annotated[Optional[str], typer.Option(help="PDF character source: pdfplumber or pypdfium2 (faster).")] = None,
    workers: Annotated[Optional[int], typer.Option(help="Extraction worker processes [default: 2]")] = None,
    timeout: Annotated[Optional[float], typer.Option(help="Seconds one document may take to parse [default: 180]")] = None,
    nlp: Annotated[Optional[bool], typer.Option("--nlp/--no-nlp", help="Run the entity and figure stage (spaCy) [default: on]")] = None,
    sources_file: Annotated[Optional[Path], typer.Option("--sources-file", help="A TOML file of your own sources, added to the shipped ones.")] = None,
    allow_private: Annotated[Optional[bool], typer.Option("--allow-private", help="Allow fetching from private and loopback addresses (local servers).")] = None,
    prefect: Annotated[bool, typer.Option("--prefect/--no-prefect", help="Run as a Prefect flow (reports to PREFECT_API_URL when set).")] = True,
    dask_address: Annotated[Optional[str], typer.Option("--dask-address", help="Run the flow's tasks on this Dask scheduler (tcp://host:8786); extraction is split into one batch per Dask worker.")] = None,
    batches: Annotated[Optional[int], typer.Option(help="Extraction batches run in parallel by the task runner [default: 1, or the Dask workers]")] = None,
    reextract: Annotated[Optional[bool], typer.Option("--reextract", help="Extract every input again, even those whose bytes and pipeline version match the stored rows.")] = None,
) -> None:
    """Extract documents into tables (documents, blocks, markers and the parsers' tables)."""
    from .run import SourceNotFound
    from .settings import Settings
    from .ui import print_summary, progress_bars

    settings = Settings.from_env(out_dir=out, raw_dir=raw, pdf_engine=pdf_engine, workers=workers, timeout_s=timeout,
                                 nlp=nlp, sources_file=sources_file, allow_private=allow_private, batches=batches,
                                 reextract=reextract)
    if settings.pdf_engine not in ("pdfplumber", "pypdfium2"):
        raise typer.BadParameter("--pdf-engine must be pdfplumber or pypdfium2")
    if dask_address and not prefect:
        raise typer.BadParameter("--dask-address runs Prefect tasks on Dask: it cannot go with --no-prefect")
    try:
        with one_run_at_a_time(settings.out_dir), progress_bars() as progress:
            if prefect:
                summary = _run_flow(sources, settings, progress, dask_address)
            else:
                summary = _run_local(sources, settings, progress)
    except SourceNotFound as error:
        typer.secho(f"Error: {error}", fg="red", err=True)
        raise typer.Exit(2) from error
    print_summary(summary)
    raise typer.Exit(0 if summary.ok else 1)


@contextmanager
def one_run_at_a_time(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock; a second run on it exits with status 2 and the holder's pid."""
    from pipeline.store import OutputInUse, output_lock

    try:
        with output_lock(out_dir):
            yield
    except OutputInUse as error:
        typer.secho(f"Error: {error}", fg="red", err=True)
        raise typer.Exit(2) from error


def _run_local(sources, settings, progress):
    from .run import ingest

    return ingest(sources, settings, progress)


def _prefect_environment() -> None:
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # the temporary local server needs 10-20 s to start on a busy 2-core machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _run_flow(sources, settings, progress, dask_address=None):
    import time

    started = time.monotonic()
    _prefect_environment()
    from flows.server import serving, start_local_server

    server = start_local_server()     # first: it starts while Prefect is imported and the pipelines built
    from flows.ingest import ingest, ingest_on_dask, set_progress, settings_dict

    from .run import RunSummary, parsers_released, preload_parsers

    set_progress(progress)
    if not dask_address:  # this process parses: its pipelines are built while Prefect's server starts
        preload_parsers(settings, sources)
    flow = ingest
    if dask_address:
        flow = ingest_on_dask(dask_address)
        if settings.batches == 1:
            settings.batches = _dask_workers(dask_address)
    with _signals_end_the_run(), serving(server), parsers_released():
        result = flow(sources=sources, settings=settings_dict(settings))
    result["out_dir"] = Path(result["out_dir"])
    seconds = time.monotonic() - started
    # the time around the flow's body: Prefect's server started and stopped, the flow run recorded
    result["stages"] = {"prefect": seconds - result["seconds"], **result["stages"]}
    result["seconds"] = seconds
    return RunSummary(**result)


@contextmanager
def _signals_end_the_run():
    """SIGTERM and SIGHUP end the run as Ctrl-C does: the exception unwinds the flow, and the exit
    handlers run, among them the one that stops Prefect's temporary server (by default a signal
    would end this process at once and leave that server running)."""
    import signal

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _dask_workers(address: str) -> int:
    from distributed import Client

    with Client(address, timeout=30) as client:
        return max(1, len(client.scheduler_info()["workers"]))


@app.command("serve")
def serve_command(
    names: Annotated[Optional[list[str]], typer.Argument(help="Sources to schedule; default: every source with a schedule.", show_default=False)] = None,
    sources_file: Annotated[Optional[Path], typer.Option("--sources-file", help="A TOML file of your own sources, added to the shipped ones.")] = None,
    out: OutOption = None,
    raw: Annotated[Optional[Path], typer.Option(help="Folder for the raw store [default: raw]")] = None,
) -> None:
    """Run each source on its cron schedule in this process (needs a Prefect server: PREFECT_API_URL)."""
    from .errors import TerminalError
    from .run import registry
    from .settings import Settings

    _prefect_environment()
    from flows.deployments import serve_sources

    settings = Settings.from_env(out_dir=out, raw_dir=raw, sources_file=sources_file)
    for name in ("out_dir", "raw_dir", "sources_file"):  # scheduled runs start in another working directory
        if getattr(settings, name) is not None:
            setattr(settings, name, getattr(settings, name).resolve())
    try:
        serve_sources(registry(settings), settings, names)
    except TerminalError as error:
        typer.secho(f"Error: {error}", fg="red", err=True)
        raise typer.Exit(2) from error


@app.command("reprocess")
def reprocess_command(
    everything: Annotated[bool, typer.Option("--all", help="Every stored document, not only those made by an older version.")] = False,
    source: Annotated[Optional[str], typer.Option("--source", help="Only documents fetched for this source.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Only documents first stored on or after this date (YYYY-MM-DD).")] = None,
    out: OutOption = None,
    raw: Annotated[Optional[Path], typer.Option(help="Folder of the raw store [default: raw]")] = None,
    nlp: Annotated[Optional[bool], typer.Option("--nlp/--no-nlp", help="Run the entity and figure stage (spaCy) [default: on]")] = None,
) -> None:
    """Re-extract stored documents from raw/ without fetching, and show what changed per table."""
    from .reprocess import reprocess
    from .settings import Settings
    from .ui import print_differences, print_summary, progress_bars

    settings = Settings.from_env(out_dir=out, raw_dir=raw, nlp=nlp)
    with one_run_at_a_time(settings.out_dir), progress_bars() as progress:
        summary, differences = reprocess(settings, source=source, since=since, everything=everything, progress=progress)
    print_summary(summary)
    print_differences(differences)
    raise typer.Exit(0 if summary.ok else 1)


@app.command("sources")
def sources_command(
    sources_file: Annotated[Optional[Path], typer.Option("--sources-file", help="A TOML file of your own sources, added to the shipped ones.")] = None,
) -> None:
    """List the registered sources (run one with `thb run NAME`)."""
    from .run import registry
    from .settings import Settings
    from .ui import print_sources

    print_sources(registry(Settings.from_env(sources_file=sources_file)))


@app.command("show")
def show_command(
    table: Annotated[Optional[str], typer.Argument(help="Table name; omit to list the tables.", show_default=False)] = None,
    doc: Annotated[Optional[str], typer.Option("--doc", help="Only rows of this doc_id.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to print.")] = 20,
    columns: Annotated[Optional[str], typer.Option("--columns", help="Comma-separated columns to print [default: those that fit the terminal]")] = None,
    out: OutOption = None,
) -> None:
    """Print a table in the terminal for a quick look."""
    from .settings import Settings
    from .ui import list_tables, print_table

    settings = Settings.from_env(out_dir=out)
    if table is None:
        list_tables(settings.out_dir)
        return
    chosen = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    if not print_table(settings.out_dir, table, doc=doc, limit=limit, columns=chosen):
        raise typer.Exit(2)


@app.command("review")
def review_command(
    out: OutOption = None,
    raw: Annotated[Optional[Path], typer.Option(help="Folder of the raw store, for downloading originals [default: raw]")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on; anything but 127.0.0.1/localhost needs a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    token: Annotated[Optional[str], typer.Option(envvar="THB_REVIEW_TOKEN", help="Access token; made up and printed when --host is not loopback and none is given.")] = None,
    reviewer: Annotated[Optional[str], typer.Option(help="Name recorded with decisions [default: your login name]")] = None,
) -> None:
    """Review extracted rows beside their source in the browser: accept, reject or correct; export reviewed CSV."""
    import secrets

    from pipeline.review.app import is_loopback, serve_review
    from .settings import Settings

    settings = Settings.from_env(out_dir=out, raw_dir=raw)
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(24)
    serve_review(settings.out_dir, host=host, port=port, token=token, raw_dir=settings.raw_dir, reviewer=reviewer)


@app.command("report")
def report_command(
    out: OutOption = None,
    path: Annotated[Optional[Path], typer.Option("--path", help="Where to write the report [default: OUT/report.html]")] = None,
    doc_type: Annotated[Optional[list[str]], typer.Option(
        "--type", help="Only publications of this type (documents.doc_type: emn_study, greta_report, "
                       "commission_press_release …); repeat for several")] = None,
) -> None:
    """Write a static HTML report of the run with charts (one file, opens offline)."""
    from pipeline.review.report import write_report
    from .settings import Settings

    settings = Settings.from_env(out_dir=out)
    typer.echo(f"Report: {write_report(settings.out_dir, path, doc_types=doc_type)}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
