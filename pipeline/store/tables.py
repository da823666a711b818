"""Write the output tables: Parquet files and one SQLite database, atomically.

A run replaces the rows of the documents it processed and keeps every other
document's rows, so processing an input twice gives one set of rows and a
changed input replaces its own.  Each Parquet file and the SQLite database are
written to a temporary file and renamed into place: a killed run leaves the
previous tables readable.  Whole-number columns are written as integers (Int64 in Parquet,
INTEGER in SQLite), reviewable tables carry their ``row_key`` (see :mod:`.keys`), and every
SQLite table declares its primary key, so ``reviews`` joins to the data tables on ``row_key``.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path

import pandas as pd

from pipeline.schema import EXPORTS, TABLES, Table
from .datasette import index_statements, staged_metadata
from .lineage import derived_tables

from .keys import row_keys
from .recover import previous_database

SQLITE_NAME = "thb.sqlite"


def parquet_path(out_dir: Path, table: str) -> Path:
    return Path(out_dir) / f"{table}.parquet"


def empty_frame(table: Table) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in table.columns})


def read_table(out_dir: Path | str, name: str) -> pd.DataFrame:
    """A table as last written, or an empty frame with its columns."""
    path = parquet_path(Path(out_dir), name)
    if path.exists():
        return pd.read_parquet(path)
    return empty_frame(TABLES[name])


def to_frame(table: Table, rows: Iterable[Mapping]) -> pd.DataFrame:
    """Rows as a frame with exactly the table's documented columns, in order."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(table.columns))
    return frame if len(frame) else empty_frame(table)


def typed(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its whole-number columns as Int64 and, for reviewable tables, its row keys."""
    frame = frame.reindex(columns=list(table.columns))  # tables written before a column was added get it empty
    for column in table.integers:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="raise").round().astype("Int64")
    if table.identity:
        frame["row_key"] = row_keys(frame, table.name) if len(frame) else pd.Series(dtype="object")
    return frame


def merge_rows(old: pd.DataFrame, new: pd.DataFrame, replaced_docs: set[str]) -> pd.DataFrame:
    """Old rows of documents not processed this run, then the new rows."""
    kept = old[~old["doc_id"].isin(replaced_docs)] if len(old) else old
    frames = [f for f in (kept, new) if len(f)]
    if not frames:
        return new
    merged = pd.concat(frames, ignore_index=True)
    # a stable sort on doc_id alone keeps each document's rows in the order its parser gave (reading order)
    return merged.sort_values("doc_id", kind="stable", ignore_index=True)


def write_tables(out_dir: Path | str, rows_by_table: Mapping[str, Iterable[Mapping]], processed_docs: set[str]) -> dict[str, int]:
    """Merge this run's rows into the stored tables and write them; returns row counts.

    Per-document tables keep the rows of documents not in ``processed_docs``; a table
    that is not per document is replaced by the rows given, or kept when none are.
    Tables are merged and staged one at a time (Parquet and the staged database), and each
    frame is dropped once staged: the derived tables and exports read back the staged files
    they need, so memory holds one table's frame at a time, not all of them.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    counts: dict[str, int] = {}
    try:
        with _staged_database(out_dir / SQLITE_NAME) as (db, db_tmp):
            for name, table in TABLES.items():
                frame = typed(table, _merged(out_dir, table, rows_by_table, processed_docs))
                staged.append(_stage_table(db, table, frame, out_dir))
                counts[name] = len(frame)
                del frame
            frames = StagedFrames({target.stem: tmp for tmp, target in staged})
            for name, rows in derived_tables(frames).items():
                frame = typed(TABLES[name], to_frame(TABLES[name], rows))
                # a derived table is rebuilt over every document: its merged rows staged above are replaced
                db.execute(f'DROP TABLE "{name}"')
                frames.paths.pop(name).unlink()
                staged = [pair for pair in staged if pair[1].stem != name] + [_stage_table(db, TABLES[name], frame, out_dir)]
                frames.paths[name] = staged[-1][0]
                counts[name] = len(frame)
            for file_name, derive in EXPORTS.items():
                staged.append((_staged_csv(derive(frames), out_dir / file_name), out_dir / file_name))
        # the database last, so that review decisions copied from the old database are as fresh as can be at the rename
        staged.append((db_tmp, out_dir / SQLITE_NAME))
        staged.append(staged_metadata(out_dir, Path(SQLITE_NAME).stem))
    except BaseException:
        for tmp, _target in staged:
            tmp.unlink(missing_ok=True)
        raise
    # Every file is written in full before any is renamed, so the tables change together.
    for tmp, target in staged:
        os.replace(tmp, target)
    return counts


def _merged(out_dir: Path, table: Table, rows_by_table: Mapping[str, Iterable[Mapping]],
            processed_docs: set[str]) -> pd.DataFrame:
    new = to_frame(table, rows_by_table.get(table.name, []))
    old = read_table(out_dir, table.name)
    if table.per_document:
        return merge_rows(old, new, processed_docs)
    return new if table.name in rows_by_table else old


class StagedFrames(Mapping):
    """The staged tables by name, each read back from its staged Parquet file when asked for."""

    def __init__(self, paths: dict[str, Path]) -> None:
        self.paths = paths

    def __getitem__(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.paths[name])

    def __iter__(self):
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def _stage_table(db: sqlite3.Connection, table: Table, frame: pd.DataFrame, out_dir: Path) -> tuple[Path, Path]:
    """The frame written to a staged Parquet file and into the staged database."""
    target = parquet_path(out_dir, table.name)
    with _removed_on_error(_staged_parquet(frame, target)) as tmp:
        _write_sqlite_table(db, table, frame)
        for statement in index_statements(table):
            db.execute(statement)
    return tmp, target


def _temp_path(target: Path) -> Path:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


@contextmanager
def _removed_on_error(path: Path) -> Iterator[Path]:
    try:
        yield path
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _staged_parquet(frame: pd.DataFrame, target: Path) -> Path:
    with _removed_on_error(_temp_path(target)) as tmp:
        frame.to_parquet(tmp, index=False)
    return tmp


def _staged_csv(frame: pd.DataFrame, target: Path) -> Path:
    with _removed_on_error(_temp_path(target)) as tmp:
        frame.to_csv(tmp, index=False)
    return tmp


@contextmanager
def _staged_database(target: Path) -> Iterator[tuple[sqlite3.Connection, Path]]:
    """A database built beside the old one; at the end the tables we do not own are carried over."""
    with _removed_on_error(_temp_path(target)) as tmp:
        with closing(sqlite3.connect(tmp)) as db:
            yield db, tmp
            with previous_database(target, set(TABLES)) as previous:  # read through, or salvaged when damaged
                if previous is not None:
                    _copy_foreign_tables(db, previous, set(TABLES))
            db.commit()


def _copy_foreign_tables(db: sqlite3.Connection, old_path: Path, owned: set[str]) -> None:
    """Keep tables other tools added to the database (such as review decisions)."""
    db.execute("ATTACH DATABASE ? AS old", (str(old_path),))
    names = [r[0] for r in db.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")]
    for name in names:
        if name not in owned and not name.startswith("sqlite_"):
            sql = db.execute("SELECT sql FROM old.sqlite_master WHERE name = ?", (name,)).fetchone()[0]
            db.execute(sql)
            db.execute(f'INSERT INTO main."{name}" SELECT * FROM old."{name}"')
    db.commit()
    db.execute("DETACH DATABASE old")


_SQL_TYPES = {"integer": "INTEGER", "boolean": "INTEGER", "floating": "REAL", "mixed-integer-float": "REAL",
              "decimal": "REAL"}


def sql_type(table: Table, frame: pd.DataFrame, column: str) -> str:
    if column in table.integers:
        return "INTEGER"
    return _SQL_TYPES.get(pd.api.types.infer_dtype(frame[column], skipna=True), "TEXT")


def _write_sqlite_table(db: sqlite3.Connection, table: Table, frame: pd.DataFrame) -> None:
    """CREATE TABLE with column types and the primary key, then the rows (missing values as NULL)."""
    key = table.primary_key
    unique = not frame.duplicated(subset=list(key)).any() and not frame[list(key)].isna().any().any()
    columns = ", ".join(f'"{c}" {sql_type(table, frame, c)}' for c in frame.columns)
    # A declared key the rows break (two markers at one offset) must not fail a run: it becomes an index.
    constraint = f', PRIMARY KEY ({", ".join(key)})' if unique else ""
    db.execute(f'CREATE TABLE "{table.name}" ({columns}{constraint})')
    if not unique:
        db.execute(f'CREATE INDEX "ix_{table.name}_key" ON "{table.name}" ({", ".join(key)})')
    if table.primary_key != table.key:
        db.execute(f'CREATE INDEX "ix_{table.name}_doc" ON "{table.name}" ({", ".join(table.key)})')
    placeholders = ", ".join("?" * len(frame.columns))
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    db.executemany(f'INSERT INTO "{table.name}" VALUES ({placeholders})',
                   ([_sql_value(v) for v in row] for row in rows))


def _sql_value(value):
    return value.item() if hasattr(value, "item") else value
