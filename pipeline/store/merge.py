"""A per-document table merged from Parquet sources sorted by document, one document at a time.

Takes sources that each give ``(doc_id, rows)`` in ``doc_id`` order (the stored table, less the
documents a run replaces; the parts a run staged batch by batch); gives one staged Parquet file in
``doc_id`` order, written in row groups, so that memory holds a row group, never the whole table.
Each document's rows keep the order its source gave them (reading order), as a stable sort on
``doc_id`` would, and the merged table has one Arrow type per column, unified over the sources.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

READ_ROWS = 8192          # rows read from a source at a time
GROUP_ROWS = 32768        # rows per row group written (and per SQLite insert batch)

Piece = tuple[str, pa.Table]


def documents_in(path: Path, skip: frozenset[str] | set[str] = frozenset()) -> Iterator[Piece]:
    """``(doc_id, rows)`` of a Parquet file sorted by ``doc_id``, leaving out the documents in ``skip``."""
    yield from _by_document(pq.ParquetFile(path).iter_batches(batch_size=READ_ROWS), skip)


def documents_of(table: pa.Table) -> Iterator[Piece]:
    """``(doc_id, rows)`` of an Arrow table sorted by ``doc_id``."""
    yield from _by_document(table.to_batches(max_chunksize=READ_ROWS), frozenset())


def _by_document(batches: Iterable[pa.RecordBatch], skip) -> Iterator[Piece]:
    current, pieces = None, []
    for batch in batches:
        start = 0
        for doc_id, run in itertools.groupby(batch.column("doc_id").to_pylist()):
            length = sum(1 for _ in run)
            if doc_id != current and pieces:
                yield current, pa.Table.from_batches(pieces)
                pieces = []
            current = doc_id
            if doc_id not in skip:
                pieces.append(batch.slice(start, length))
            start += length
    if pieces:
        yield current, pa.Table.from_batches(pieces)


def merged(sources: list[Iterator[Piece]]) -> Iterator[Piece]:
    """Every source's documents in ``doc_id`` order; a document in two sources keeps the earlier source's rows first."""
    return heapq.merge(*sources, key=lambda piece: piece[0])


def unified_schema(schemas: Iterable[pa.Schema], columns: list[str], metadata: dict | None) -> pa.Schema:
    """One type per column over every source (a column empty in one batch takes the type of the others)."""
    schemas = [s.remove_metadata() for s in schemas]
    fields = []
    for column in columns:
        types = [s.field(column).type for s in schemas if column in s.names]
        fields.append(pa.field(column, _unified_type(types)))
    return pa.schema(fields, metadata=metadata)


def _unified_type(types: list[pa.DataType]) -> pa.DataType:
    """The type of a column over the sources; text wins over numbers, as pandas' writer makes a column of
    strings and missing numbers (NaN) a string column with nulls (a column missing from a batch's rows is NaN)."""
    try:
        return pa.unify_schemas([pa.schema([("c", t)]) for t in types] or [pa.schema([("c", pa.null())])],
                                promote_options="permissive").field("c").type
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        texts = [t for t in types if pa.types.is_string(t) or pa.types.is_large_string(t)]
        if not texts:
            raise
        return pa.large_string() if any(pa.types.is_large_string(t) for t in texts) else pa.string()


def conformed(rows: pa.Table, schema: pa.Schema) -> pa.Table:
    """The rows with exactly the schema's columns and types (a column a source lacks is empty)."""
    if rows.schema.equals(schema, check_metadata=False):
        return rows.replace_schema_metadata(schema.metadata)
    arrays = [rows.column(f.name).cast(f.type) if f.name in rows.column_names else pa.nulls(len(rows), f.type)
              for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def write_merged(pieces: Iterable[Piece], schema: pa.Schema, target: Path, key: tuple[str, ...]) -> tuple[int, bool]:
    """Write the pieces to ``target`` in row groups; returns the row count and whether ``key`` is a valid primary key.

    The key is checked document by document: every key of a per-document table includes the document
    (its id, or the row key that hashes it), so two documents' rows never share one.
    """
    rows, unique, buffer, buffered = 0, True, [], 0
    with pq.ParquetWriter(target, schema) as writer:
        for _doc_id, piece in pieces:
            piece = conformed(piece, schema)
            unique = unique and _unique(piece, key)
            buffer.append(piece)
            buffered += len(piece)
            if buffered >= GROUP_ROWS:
                writer.write_table(pa.concat_tables(buffer), row_group_size=buffered)
                rows, buffer, buffered = rows + buffered, [], 0
        if buffer or not rows:
            writer.write_table(pa.concat_tables(buffer) if buffer else schema.empty_table(),
                               row_group_size=max(buffered, 1))
            rows += buffered
    return rows, unique


def _unique(piece: pa.Table, key: tuple[str, ...]) -> bool:
    values = list(zip(*(piece.column(c).to_pylist() for c in key)))
    return len(set(values)) == len(values) and not any(v is None for row in values for v in row)


def row_batches(path: Path) -> Iterator[list[tuple]]:
    """The rows of a Parquet file as tuples of Python values (missing values as None), a row group at a time."""
    for batch in pq.ParquetFile(path).iter_batches(batch_size=GROUP_ROWS):
        yield list(zip(*(column.to_pylist() for column in batch.columns)))
