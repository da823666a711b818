"""Datasette metadata for ``thb.sqlite``, from the table documentation in :mod:`pipeline.schema`.

Takes the documented tables and gives ``metadata.json`` (title, each table's and column's
description, the facets reviewers filter by, the column that labels a row) and the SQLite
indexes behind those facets, so ``datasette extracted/thb.sqlite -m extracted/metadata.json``
serves documented tables whose facet counts stay quick on large runs.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pipeline.schema import TABLES, Table

METADATA_NAME = "metadata.json"
# Columns reviewers filter and facet by, in the order Datasette shows the facets.
FACET_COLUMNS = ("doc_id", "kind", "iso2", "status", "count_ok", "emn_status", "eu_member", "relation", "unit",
                 "type", "content_type", "language", "outcome", "source")
# The column that names a row, where a table has one.
LABEL_COLUMNS = ("title", "name", "anchor", "mention", "label")
_NOT_FACETS = {"source": ("documents", "fetches")}  # elsewhere "source" is free text, not a category


def facet_columns(table: Table) -> list[str]:
    return [column for column in FACET_COLUMNS if column in table.columns
            and table.name in _NOT_FACETS.get(column, (table.name,))]


def datasette_metadata(database: str = "thb", tables: dict[str, Table] = TABLES) -> dict:
    """Datasette's metadata for the database file ``<database>.sqlite``."""
    described = {}
    for name, table in tables.items():
        entry = {"description": table.description, "columns": dict(table.columns), "facets": facet_columns(table)}
        label = next((column for column in LABEL_COLUMNS if column in table.columns), None)
        if label:
            entry["label_column"] = label
        described[name] = {key: value for key, value in entry.items() if value}
    return {
        "title": "thb-pipeline tables",
        "description": "Anti-trafficking publications as tables: documents, their structure, footnotes and the "
                       "countries they list, claims and their counts, organisations, persons, legal acts and "
                       "figures, each row with its document, page and offsets. Column reference: docs/tables.md.",
        "databases": {database: {"tables": described}},
    }


def index_statements(table: Table) -> list[str]:
    """CREATE INDEX statements for the table's facet columns (the key's first column has its own)."""
    return [f'CREATE INDEX "ix_{table.name}_{column}" ON "{table.name}" ("{column}")'
            for column in facet_columns(table) if column != table.key[0]]


def staged_metadata(out_dir: Path, database: str = "thb") -> tuple[Path, Path]:
    """``metadata.json`` written beside its target, to be renamed into place: (temporary, target)."""
    target = Path(out_dir) / METADATA_NAME
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{METADATA_NAME}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(datasette_metadata(database), handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), target
