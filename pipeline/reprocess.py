"""Re-extract stored raw documents without fetching, and report what changed in each table."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping

import pandas as pd

from . import __version__
from .run import Processed, Progress, no_progress, document_rows, summarise
from .schema import TABLES
from .settings import Settings
from pipeline.ingest import RawStore, StoredInput
from pipeline.store import read_table, write_tables

VOLATILE_COLUMNS = {"extracted_at", "pipeline_version", "row_key"}  # row_key: derived by the writer


def select_inputs(store: RawStore, settings: Settings, *, source: str | None = None, since: str | None = None,
                  everything: bool = False) -> list[StoredInput]:
    """The latest stored version of each document to reprocess.

    By default those whose rows were made by another pipeline version (or never made);
    ``everything`` takes all; ``source`` keeps documents fetched for that source;
    ``since`` keeps documents first stored on or after that ISO date.
    """
    candidates = store.latest_inputs()
    if not everything:
        documents = read_table(settings.out_dir, "documents")
        current = set(documents.loc[documents["pipeline_version"] == __version__, "doc_id"])
        candidates = [c for c in candidates if c.doc_id not in current]
    if source:
        urls = {row["url"] for row in store.fetches() if row["source"] == source}
        candidates = [c for c in candidates if c.source in urls]
    if since:
        first_seen = {(r["source"], r["sha256"]): r["first_seen"] for r in store.manifest()}
        candidates = [c for c in candidates if first_seen[(c.source, c.sha256)][:10] >= since]
    return candidates


def diff_tables(old: Mapping[str, pd.DataFrame], new: Mapping[str, list[dict]], doc_ids: set[str]) -> pd.DataFrame:
    """Rows added, removed and changed per document and table."""
    records = []
    for name, table in TABLES.items():
        if not table.per_document:
            continue
        columns = [c for c in table.columns if c not in VOLATILE_COLUMNS]
        before = old[name][old[name]["doc_id"].isin(doc_ids)] if len(old[name]) else old[name]
        after = pd.DataFrame.from_records(new.get(name, []), columns=list(table.columns))
        for doc_id in sorted(doc_ids):
            counts = _diff_rows(_rows(before, doc_id, columns), _rows(after, doc_id, columns),
                                [columns.index(k) for k in table.key if k != "doc_id"])
            if any(counts.values()):
                records.append({"doc_id": doc_id, "table": name, **counts})
    return pd.DataFrame.from_records(records, columns=["doc_id", "table", "added", "removed", "changed"])


def _rows(frame: pd.DataFrame, doc_id: str, columns: list[str]) -> list[tuple]:
    if not len(frame):
        return []
    subset = frame.loc[frame["doc_id"] == doc_id, columns].astype(object)
    return [tuple(None if pd.isna(v) else v for v in row) for row in subset.itertuples(index=False)]


def _diff_rows(before: list[tuple], after: list[tuple], key_positions: list[int]) -> dict[str, int]:
    if not key_positions:  # no row identity beyond the document: count content differences
        old, new = Counter(before), Counter(after)
        return {"added": sum((new - old).values()), "removed": sum((old - new).values()), "changed": 0}
    old = {tuple(row[i] for i in key_positions): row for row in before}
    new = {tuple(row[i] for i in key_positions): row for row in after}
    return {"added": len(new.keys() - old.keys()), "removed": len(old.keys() - new.keys()),
            "changed": sum(1 for key in old.keys() & new.keys() if old[key] != new[key])}


def reprocess(settings: Settings, *, source: str | None = None, since: str | None = None,
              everything: bool = False, progress: Progress = no_progress):
    """Rebuild the tables of the selected stored documents; returns (summary, differences)."""
    started = time.monotonic()
    store = RawStore(settings.raw_dir)
    selected = select_inputs(store, settings, source=source, since=since, everything=everything)
    results: list[Processed] = []
    parsed: dict[str, list[dict]] = {}
    if selected:
        from .overlap import extract_and_parse

        results, parsed = extract_and_parse(selected, settings, progress)
    rows = document_rows(results)
    for table, table_rows in parsed.items():
        rows.setdefault(table, []).extend(table_rows)
    doc_ids = {r.doc_id for r in results}
    old = {name: read_table(settings.out_dir, name) for name in TABLES}
    differences = diff_tables(old, rows, doc_ids)
    counts = write_tables(settings.out_dir, rows, doc_ids)
    return summarise(results, counts, settings.out_dir, started), differences
