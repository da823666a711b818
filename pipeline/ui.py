"""Terminal output for the CLI: progress bars, the run summary, tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from .schema import TABLES

console = Console()
err_console = Console(stderr=True)

_STAGE_NAMES = {"store": "Storing raw inputs", "crawl": "Crawling sources", "extract": "Extracting text"}


@contextmanager
def progress_bars() -> Iterator:
    """A progress callback ``(stage, done, total)`` drawing one bar per stage on stderr."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=False) as progress:
        bars: dict[str, int] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in bars:
                bars[stage] = progress.add_task(_STAGE_NAMES.get(stage, stage), total=total)
            progress.update(bars[stage], completed=done, total=total)

        yield advance


def print_summary(summary) -> None:
    status = "[green]ok[/]" if not summary.documents_failed else "[yellow]with failures[/]"
    console.print(f"\nRun finished {status} in {summary.seconds:.1f} s: "
                  f"{summary.documents_ok} documents ok, {summary.documents_failed} failed"
                  + (f", {summary.unchanged} unchanged (rows kept)." if summary.unchanged else "."))
    if summary.failures:
        failures = RichTable("source", "reason", "error", title="Failed documents", show_lines=False)
        for source, reason, error in summary.failures:
            failures.add_row(source, reason, error)
        console.print(failures)
    if summary.stages:
        console.print("Stages: " + " · ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.stages.items())
                      + "  (extract and parse overlap)")
    rows = RichTable("table", "rows", title=f"Tables in {summary.out_dir.resolve()}")
    for name, count in summary.rows.items():
        rows.add_row(name, str(count))
    console.print(rows)
    console.print(f"SQLite: {(summary.out_dir / 'thb.sqlite').resolve()}  ·  look: thb show documents")
    from .schema import EXPORTS

    for name in EXPORTS:
        if (summary.out_dir / name).exists():
            console.print(f"Spreadsheet: {(summary.out_dir / name).resolve()}")


def list_tables(out_dir: Path) -> None:
    listing = RichTable("table", "written", "description", title="Tables")
    for name, table in TABLES.items():
        written = "yes" if (Path(out_dir) / f"{name}.parquet").exists() else "no"
        listing.add_row(name, written, table.description)
    console.print(listing)


def print_table(out_dir: Path, name: str, *, doc: str | None, limit: int, columns: list[str] | None = None) -> bool:
    if name not in TABLES:
        err_console.print(f"[red]Error:[/] no table {name!r}; tables: {', '.join(TABLES)}")
        return False
    path = Path(out_dir) / f"{name}.parquet"
    if not path.exists():
        err_console.print(f"[red]Error:[/] {path} does not exist yet; run `thb run` first.")
        return False
    import pyarrow.parquet as pq

    frame = pq.read_table(path, filters=[("doc_id", "==", doc)] if doc else None).to_pandas()
    unknown = [c for c in columns or () if c not in frame.columns]
    if unknown:
        err_console.print(f"[red]Error:[/] no column {', '.join(unknown)} in {name}; columns: {', '.join(frame.columns)}")
        return False
    chosen = columns or _fitting_columns(frame.head(limit), console.width)
    shown = RichTable(title=f"{name}: {len(frame)} rows" + (f" of {doc}" if doc else ""))
    for column in chosen:
        shown.add_column(column, overflow="ellipsis", max_width=60)
    for row in frame[chosen].head(limit).itertuples(index=False):
        shown.add_row(*(_cell(v) for v in row))
    console.print(shown)
    hidden = [c for c in frame.columns if c not in chosen]
    if hidden and not columns:
        console.print(f"{len(hidden)} more columns ({', '.join(hidden)}): choose with --columns a,b,c")
    return True


def _fitting_columns(frame, width: int) -> list[str]:
    """The leading columns that fit the terminal, each as wide as its header or its longest cell (up to 60)."""
    chosen, used = [], 4
    for column in frame.columns:
        cells = [len(_cell(v)) for v in frame[column]]
        need = min(60, max([len(column), *cells])) + 3
        if chosen and used + need > width:
            continue  # a wide column that does not fit leaves room for narrower ones after it
        chosen.append(column)
        used += need
    return chosen


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # counts stored as floats because of empty cells
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def print_sources(sources: dict) -> None:
    listing = RichTable("name", "publisher", "kind", "schedule", "start", title="Sources")
    for source in sources.values():
        listing.add_row(source.name, source.publisher, source.kind, source.schedule or "", "\n".join(source.start))
    console.print(listing)


def print_differences(differences) -> None:
    if not len(differences):
        console.print("No rows changed.")
        return
    shown = RichTable("doc_id", "table", "added", "removed", "changed", title="What changed")
    for row in differences.itertuples(index=False):
        shown.add_row(row.doc_id, row.table, str(row.added), str(row.removed), str(row.changed))
    console.print(shown)
