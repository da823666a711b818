"""Terminal output for the CLI: progress bars, the run summary, tables.

Every value that comes from outside (sources, URLs, titles, error texts, table cells,
paths) is shown as plain text, never read as Rich markup: a URL such as
``/a[/x]`` or a title with ``[red]`` is printed as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.text import Text
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


def plain(value) -> Text:
    """``value`` as literal text: brackets, ``[link=…]`` and emoji codes stay as written."""
    return Text("" if value is None else str(value))


def print_summary(summary) -> None:
    status = "[green]ok[/]" if summary.ok else "[yellow]with failures[/]"
    console.print(f"\nRun finished {status} in {summary.seconds:.1f} s: "
                  f"{summary.documents_ok} documents ok, {summary.documents_failed} failed"
                  + (f", {summary.unchanged} unchanged (rows kept)." if summary.unchanged else "."))
    _print_failures("Failed documents", summary.failures)
    if summary.discovery_failures:
        console.print(f"{len(summary.discovery_failures)} feeds, sitemaps or listing pages could not be read: "
                      "their publications were not looked for.")
        _print_failures("Unreadable feeds, sitemaps and listings", summary.discovery_failures)
    if summary.stages:
        console.print("Stages: " + " · ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.stages.items())
                      + "  (extract and parse overlap)")
    rows = RichTable("table", "rows", title=plain(f"Tables in {summary.out_dir.resolve()}"))
    for name, count in summary.rows.items():
        rows.add_row(plain(name), str(count))
    console.print(rows)
    console.print(plain(f"SQLite: {(summary.out_dir / 'thb.sqlite').resolve()}  ·  look: thb show documents"))
    from .schema import EXPORTS

    for name in EXPORTS:
        if (summary.out_dir / name).exists():
            console.print(plain(f"Spreadsheet: {(summary.out_dir / name).resolve()}"))


def _print_failures(title: str, failures) -> None:
    if not failures:
        return
    table = RichTable("source", "reason", "error", title=title, show_lines=False)
    for source, reason, error in failures:
        table.add_row(plain(source), plain(reason), plain(error))
    console.print(table)


def print_error(message: str) -> None:
    err_console.print(Text.assemble(("Error:", "red"), " ", message))


def list_tables(out_dir: Path) -> None:
    listing = RichTable("table", "written", "description", title="Tables")
    for name, table in TABLES.items():
        written = "yes" if (Path(out_dir) / f"{name}.parquet").exists() else "no"
        listing.add_row(plain(name), written, plain(table.description))
    console.print(listing)


# What a person looks at first in each table (those that fit the terminal are shown); offsets and keys
# stay available through --columns.  "title" is the document's title, joined from the documents table.
DEFAULT_COLUMNS = {
    "documents": ["title", "doc_id", "content_type", "status", "published", "n_pages", "error"],
    "blocks": ["title", "block_no", "kind", "page", "text"],
    "markers": ["title", "block_no", "label", "page"],
    "claims": ["title", "anchor", "stated_count", "n_countries", "countries", "check", "sentence"],
    "footnotes": ["title", "number", "kind", "n_countries", "text"],
    "footnote_countries": ["title", "footnote", "code", "iso2", "country", "emn_status", "expanded_from"],
    "organisations": ["title", "mention", "name", "type", "source", "sentence"],
    "countries": ["title", "mention", "iso2", "country", "sentence"],
    "persons": ["title", "name", "role", "mention", "sentence"],
    "legal_refs": ["title", "mention", "celex", "kind", "sentence"],
    "figures": ["title", "mention", "value", "unit", "qualifier", "subject", "period_start", "period_end", "sentence"],
}


def _with_titles(frame, out_dir: Path):
    """The frame with the document title as its first column (when the table has doc_id)."""
    documents = Path(out_dir) / "documents.parquet"
    if "doc_id" not in frame.columns or "title" in frame.columns or not documents.exists():
        return frame
    import pandas as pd

    titles = pd.read_parquet(documents, columns=["doc_id", "title"])
    by_doc = dict(zip(titles["doc_id"], titles["title"].fillna(titles["doc_id"])))
    return frame.assign(title=frame["doc_id"].map(by_doc))[["title", *frame.columns]]


def print_table(out_dir: Path, name: str, *, doc: str | None, limit: int, columns: list[str] | None = None) -> bool:
    if name not in TABLES:
        print_error(f"no table {name!r}; tables: {', '.join(TABLES)}")
        return False
    path = Path(out_dir) / f"{name}.parquet"
    if not path.exists():
        print_error(f"{path} does not exist yet; run `thb run` first.")
        return False
    import pyarrow.parquet as pq

    frame = pq.read_table(path, filters=[("doc_id", "==", doc)] if doc else None).to_pandas()
    frame = _with_titles(frame, out_dir)
    unknown = [c for c in columns or () if c not in frame.columns]
    if unknown:
        print_error(f"no column {', '.join(unknown)} in {name}; columns: {', '.join(frame.columns)}")
        return False
    preferred = [c for c in DEFAULT_COLUMNS.get(name, frame.columns) if c in frame.columns]
    chosen = columns or _fitting_columns(frame[preferred].head(limit), console.width)
    shown = RichTable(title=plain(f"{name}: {len(frame)} rows" + (f" of {doc}" if doc else "")))
    for column in chosen:
        shown.add_column(plain(column), overflow="ellipsis", max_width=40 if not columns else 60)
    for row in frame[chosen].head(limit).itertuples(index=False):
        shown.add_row(*(plain(_cell(v)) for v in row))
    console.print(shown)
    hidden = [c for c in frame.columns if c not in chosen]
    if hidden and not columns:
        console.print(plain(f"{len(hidden)} more columns ({', '.join(hidden)}): choose with --columns a,b,c"))
    return True


def _fitting_columns(frame, width: int) -> list[str]:
    """The leading columns that fit the terminal, each as wide as its header or its longest cell (up to 40)."""
    chosen, used = [], 4
    for column in frame.columns:
        cells = [len(_cell(v)) for v in frame[column]]
        need = min(40, max([len(column), *cells])) + 3
        if chosen and used + need > width:
            continue  # a wide column that does not fit leaves room for narrower ones after it
        chosen.append(column)
        used += need
    return chosen


def _cell(value) -> str:
    if value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # counts stored as floats because of empty cells
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def print_sources(sources: dict) -> None:
    listing = RichTable("name", "publisher", "kind", "schedule", "start", title="Sources")
    for source in sources.values():
        listing.add_row(*(plain(v) for v in (source.name, source.publisher, source.kind, source.schedule or "",
                                             "\n".join(source.start))))
    console.print(listing)


def print_differences(differences) -> None:
    if not len(differences):
        console.print("No rows changed.")
        return
    shown = RichTable("doc_id", "table", "added", "removed", "changed", title="What changed")
    for row in differences.itertuples(index=False):
        shown.add_row(plain(row.doc_id), plain(row.table), str(row.added), str(row.removed), str(row.changed))
    console.print(shown)
