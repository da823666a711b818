"""A run's rows staged batch by batch, so that no table of the whole run is held in memory.

Takes the rows of a batch of documents by table; gives Parquet parts in a staging folder inside the
output folder (``.thb-staging-<pid>-<random>``), each per-document table's rows typed (Int64 columns,
row keys) and in document order, which :func:`pipeline.store.write_tables` merges with the stored
tables at the end of the run.  The published tables change only then, all together: a run killed
between batches leaves the previous tables as they were, and its staging folder is removed by the
next run on the folder.  Parts have names of their own, so batches on several processes or Dask
workers may stage into one folder at once.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pipeline.schema import TABLES
from .tables import sorted_typed

STAGING_PREFIX = ".thb-staging-"


@contextmanager
def staging_folder(out_dir: Path | str) -> Iterator[Path]:
    """A fresh staging folder in ``out_dir`` for one run, removed when the run ends (written or not)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir)
    folder = out_dir / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale(out_dir: Path) -> None:
    """Remove what killed runs left: their staging folders (their process is gone), and the temporary
    files of a writer killed before its renames (a run holds the output folder's lock, so no other
    writer is writing them; the review app's temporary files have other names and are left alone)."""
    for folder in out_dir.glob(f"{STAGING_PREFIX}*"):
        pid = folder.name[len(STAGING_PREFIX):].partition("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
    for path in out_dir.glob(".*.tmp*"):
        if _writers_temporary(path.name):
            path.unlink(missing_ok=True)


def _writers_temporary(name: str) -> bool:
    """Whether ``name`` is the writer's ``.<file>.<random>.tmp`` (or its SQLite journal or WAL)."""
    from pipeline.schema import EXPORTS

    from .datasette import METADATA_NAME
    from .tables import SQLITE_NAME

    stem, dot_tmp, rest = name[1:].rpartition(".tmp")
    written = {f"{table}.parquet" for table in TABLES} | {SQLITE_NAME, METADATA_NAME, *EXPORTS}
    return bool(dot_tmp) and rest in ("", "-journal", "-wal", "-shm") and stem.rpartition(".")[0] in written


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stage_rows(folder: Path | str, rows_by_table: Mapping[str, Iterable[Mapping]]) -> None:
    """Stage a batch's rows of the per-document tables as Parquet parts (one per table with rows)."""
    batch = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"  # parts sort in the order they were staged
    for name, rows in rows_by_table.items():
        table = TABLES[name]
        if not table.per_document:
            raise ValueError(f"{name!r} is not a per-document table: give its rows to write_tables")
        rows = list(rows)
        if not rows:
            continue
        part = Path(folder) / f"{name}.{batch}.parquet"
        tmp = part.with_name(f".{part.name}.tmp")
        sorted_typed(table, rows).to_parquet(tmp, index=False)
        os.replace(tmp, part)  # a part is whole or absent
