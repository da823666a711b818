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
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import EXPORTS, TABLES, Table
from .datasette import index_statements, staged_metadata
from .lineage import COLUMNS as DERIVED_COLUMNS, derived_tables
from .merge import documents_in, documents_of, merged, row_batches, unified_schema, write_merged

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


def write_tables(out_dir: Path | str, rows_by_table: Mapping[str, Iterable[Mapping]], processed_docs: set[str],
                 staged: Path | None = None) -> dict[str, int]:
    """Merge this run's rows into the stored tables and write them; returns row counts.

    Per-document tables keep the rows of documents not in ``processed_docs``; a table
    that is not per document is replaced by the rows given, or kept when none are.
    This run's rows come from ``rows_by_table`` and from the parts a run staged batch by batch in
    ``staged`` (:func:`pipeline.store.staging.stage_rows`).  A per-document table is merged from the
    stored table and those parts one document at a time (:mod:`.merge`), and staged in row groups
    (Parquet, then the staged database from it): memory holds a row group, not a table.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staged_files: list[tuple[Path, Path]] = []
    counts: dict[str, int] = {}
    try:
        with _staged_database(out_dir / SQLITE_NAME) as (db, db_tmp):
            for name, table in TABLES.items():
                if table.per_document:
                    pair, counts[name] = _stage_merged(db, table, out_dir, rows_by_table.get(name, []),
                                                       set(processed_docs), staged)
                else:
                    frame = typed(table, new_or_old(out_dir, table, rows_by_table))
                    pair, counts[name] = _stage_table(db, table, frame, out_dir), len(frame)
                    del frame
                staged_files.append(pair)
            frames = StagedFrames({target.stem: tmp for tmp, target in staged_files})
            for name, rows in derived_tables(StagedFrames(frames.paths, DERIVED_COLUMNS)).items():
                frame = typed(TABLES[name], to_frame(TABLES[name], rows))
                # a derived table is rebuilt over every document: its rows staged above are replaced
                db.execute(f'DROP TABLE "{name}"')
                frames.paths.pop(name).unlink()
                staged_files = [pair for pair in staged_files if pair[1].stem != name]
                staged_files.append(_stage_table(db, TABLES[name], frame, out_dir))
                frames.paths[name] = staged_files[-1][0]
                counts[name] = len(frame)
            for file_name, derive in EXPORTS.items():
                staged_files.append((_staged_csv(derive(frames), out_dir / file_name), out_dir / file_name))
        # the database last, so that review decisions copied from the old database are as fresh as can be at the rename
        staged_files.append((db_tmp, out_dir / SQLITE_NAME))
        staged_files.append(staged_metadata(out_dir, Path(SQLITE_NAME).stem))
    except BaseException:
        for tmp, _target in staged_files:
            tmp.unlink(missing_ok=True)
        raise
    # Every file is written in full before any is renamed, so the tables change together.
    for tmp, target in staged_files:
        os.replace(tmp, target)
    return counts


def new_or_old(out_dir: Path, table: Table, rows_by_table: Mapping[str, Iterable[Mapping]]) -> pd.DataFrame:
    """A table that is not per document: the rows given, or the stored table when none are."""
    return to_frame(table, rows_by_table[table.name]) if table.name in rows_by_table else read_table(out_dir, table.name)


def sorted_typed(table: Table, rows: Iterable[Mapping]) -> pd.DataFrame:
    """Rows as a typed frame (:func:`typed`) in document order, each document's rows in the order given."""
    return typed(table, to_frame(table, rows)).sort_values("doc_id", kind="stable", ignore_index=True)


def _stage_merged(db: sqlite3.Connection, table: Table, out_dir: Path, rows: Iterable[Mapping],
                  processed_docs: set[str], staged: Path | None) -> tuple[tuple[Path, Path], int]:
    """The stored table less the processed documents, merged with the new rows and staged parts, staged."""
    target = parquet_path(out_dir, table.name)
    rows = list(rows)
    new = pa.Table.from_pandas(sorted_typed(table, rows), preserve_index=False) if rows else None
    parts = sorted(staged.glob(f"{table.name}.*.parquet")) if staged else []
    old = [target] if target.exists() else []
    schemas = [pq.read_schema(path) for path in old + parts] + ([new.schema] if new is not None else [])
    base = typed(table, empty_frame(table))
    columns = list(base.columns)
    schema = unified_schema([pa.Schema.from_pandas(base, preserve_index=False), *schemas], columns, None)
    schema = schema.with_metadata(_pandas_metadata(table, schema))
    sources = [_old_documents(table, path, processed_docs) for path in old] + [documents_in(p) for p in parts]
    if new is not None:
        sources.append(documents_of(new))
    with _removed_on_error(_temp_path(target)) as tmp:
        count, unique = write_merged(merged(sources), schema, tmp, table.primary_key)
        _write_sqlite_table(db, table, tmp, unique)
    return (tmp, target), count


def _old_documents(table: Table, path: Path, processed_docs: set[str]):
    """The stored table's documents not processed this run; typed again if written before a column was added."""
    names = pq.read_schema(path).names
    if names == list(typed(table, empty_frame(table)).columns):
        yield from documents_in(path, skip=processed_docs)
        return
    for doc_id, rows in documents_in(path, skip=processed_docs):
        yield doc_id, pa.Table.from_pandas(typed(table, rows.to_pandas()), preserve_index=False)


def _pandas_metadata(table: Table, schema: pa.Schema) -> dict:
    """pandas' metadata for the schema, so that whole-number columns read back as Int64."""
    frame = pd.DataFrame({f.name: pd.Series(dtype="Int64") if f.name in table.integers
                          else pa.array([], f.type).to_pandas() for f in schema})
    return pa.Schema.from_pandas(frame, preserve_index=False).metadata


class StagedFrames(Mapping):
    """The staged tables by name, each read back from its staged Parquet file when asked for (only ``columns[name]``
    when given)."""

    def __init__(self, paths: dict[str, Path], columns: Mapping[str, list[str]] | None = None) -> None:
        self.paths = paths
        self.columns = columns or {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.paths[name], columns=self.columns.get(name))

    def __iter__(self):
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def _stage_table(db: sqlite3.Connection, table: Table, frame: pd.DataFrame, out_dir: Path) -> tuple[Path, Path]:
    """The frame written to a staged Parquet file and, from it, into the staged database."""
    target = parquet_path(out_dir, table.name)
    with _removed_on_error(_staged_parquet(frame, target)) as tmp:
        key = list(table.primary_key)
        unique = not frame.duplicated(subset=key).any() and not frame[key].isna().any().any()
        _write_sqlite_table(db, table, tmp, unique)
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


def arrow_sql_type(table: Table, field: pa.Field) -> str:
    """The SQLite type of a column from its Arrow type (what :func:`sql_type` infers from the values)."""
    if field.name in table.integers or pa.types.is_integer(field.type) or pa.types.is_boolean(field.type):
        return "INTEGER"
    return "REAL" if pa.types.is_floating(field.type) or pa.types.is_decimal(field.type) else "TEXT"


def _write_sqlite_table(db: sqlite3.Connection, table: Table, staged: Path, unique: bool) -> None:
    """CREATE TABLE with column types and the primary key, then the staged Parquet file's rows, a row group at a time."""
    key = table.primary_key
    schema = pq.read_schema(staged)
    columns = ", ".join(f'"{f.name}" {arrow_sql_type(table, f)}' for f in schema)
    # A declared key the rows break (two markers at one offset) must not fail a run: it becomes an index.
    constraint = f', PRIMARY KEY ({", ".join(key)})' if unique else ""
    db.execute(f'CREATE TABLE "{table.name}" ({columns}{constraint})')
    if not unique:
        db.execute(f'CREATE INDEX "ix_{table.name}_key" ON "{table.name}" ({", ".join(key)})')
    if table.primary_key != table.key:
        db.execute(f'CREATE INDEX "ix_{table.name}_doc" ON "{table.name}" ({", ".join(table.key)})')
    placeholders = ", ".join("?" * len(schema))
    for rows in row_batches(staged):
        db.executemany(f'INSERT INTO "{table.name}" VALUES ({placeholders})', rows)
    for statement in index_statements(table):
        db.execute(statement)
