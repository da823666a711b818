"""The previous database as a killed process may have left it (reliability plan §2, case 28).

Takes the path of the output folder's ``thb.sqlite``; gives the database the writer may carry
other tools' tables (review decisions) over from, or ``None`` when there is none.

The writer never changes ``thb.sqlite`` in place (it builds a new file and renames it over
the old), but the review app writes decisions into it, and a kill -9 in the middle of such a
write leaves a hot rollback journal (``thb.sqlite-journal``), or, for a database another tool
switched to WAL, a ``thb.sqlite-wal`` with committed pages not yet checkpointed.  SQLite replays
or rolls those back when the file is next read, but only while they sit beside *their*
database: once the new file is renamed over the old, a leftover journal or WAL would be
applied to the wrong database.  So before the rename the old database is read through (its
journal rolled back, its WAL checkpointed and switched off) and no journal, WAL or shared-memory
file is left beside it.

A database that cannot be read (a half-copied file, garbage, a damaged page) must not stop
every later run: it is renamed with its journal files to ``thb.sqlite.damaged-<UTC time>``
(kept for a person to inspect), a warning says so, and the rows of its other tables that can
still be read are salvaged, row by row when whole tables fail, into a temporary database that
stands in for it.  The data tables themselves are rebuilt from the Parquet files as always.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger(__name__)

SIDE_FILES = ("-journal", "-wal", "-shm")
CHUNK = 256  # rows read at once when a table has to be salvaged piecemeal
MAX_ROWID_SCAN = 100_000  # salvage looks no further than this when the table's highest rowid cannot be read


@contextmanager
def previous_database(path: Path, owned: set[str]) -> Iterator[Path | None]:
    """The old database, readable and alone, or a salvaged stand-in for it; None when there is none."""
    path = Path(path)
    if not path.exists():
        _set_aside_side_files(path, path.with_name(f"{path.name}.orphaned-{_stamp()}"))
        yield None
        return
    problem = _unreadable(path)
    if problem is None:
        yield path
        return
    aside = path.with_name(f"{path.name}.damaged-{_stamp()}")
    os.replace(path, aside)
    _set_aside_side_files(path, aside)
    salvage, counts = _salvage(aside, owned, path.parent)
    kept = ", ".join(f"{rows} rows of {name}" for name, rows in counts.items()) or "nothing"
    log.warning("%s could not be read (%s); moved to %s and rebuilt from the Parquet files; salvaged %s",
                path, problem, aside.name, kept)
    try:
        yield salvage
    finally:
        salvage.unlink(missing_ok=True)


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")


def _unreadable(path: Path) -> str | None:
    """Why the database cannot be read, or None once it was read through and left without side files."""
    try:
        with closing(sqlite3.connect(path, timeout=10)) as db:
            # The first read rolls back a hot journal or replays the WAL; the check reads every page.
            problems = [row[0] for row in db.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                return "; ".join(problems[:3])
            if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute("PRAGMA journal_mode = DELETE")  # removes the WAL and shared-memory files
    except sqlite3.DatabaseError as error:
        return str(error)
    return None


def _set_aside_side_files(path: Path, aside: Path) -> None:
    """Rename the journal, WAL and shared memory of ``path`` to pair with ``aside`` instead."""
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))


def _salvage(damaged: Path, owned: set[str], folder: Path) -> tuple[Path, dict[str, int]]:
    """A new database holding what can be read of the tables of ``damaged`` not in ``owned``."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".thb.salvage.", suffix=".tmp")
    os.close(fd)
    salvage = Path(name)
    counts: dict[str, int] = {}
    try:
        with closing(sqlite3.connect(salvage)) as db:
            for table, sql in _foreign_tables(damaged, owned):
                db.execute(sql)
                counts[table] = _copy_readable_rows(damaged, db, table)
            db.commit()
    except BaseException:
        salvage.unlink(missing_ok=True)
        raise
    return salvage, counts


def _foreign_tables(damaged: Path, owned: set[str]) -> list[tuple[str, str]]:
    try:
        with closing(sqlite3.connect(damaged)) as old:
            rows = old.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError:
        return []  # not a database at all: nothing to salvage
    return [(name, sql) for name, sql in rows if name not in owned and not name.startswith("sqlite_") and sql]


def _copy_readable_rows(damaged: Path, db: sqlite3.Connection, table: str) -> int:
    """Copy every row of ``table`` that can be read; whole table first, then chunk by chunk, then row by row."""
    with closing(sqlite3.connect(damaged)) as old:
        insert = None
        try:
            rows = old.execute(f'SELECT * FROM "{table}"').fetchall()
        except sqlite3.DatabaseError:
            rows = list(_rows_piecemeal(old, table))
        for row in rows:
            insert = insert or f'INSERT OR IGNORE INTO "{table}" VALUES ({", ".join("?" * len(row))})'
            db.execute(insert, row)
        return len(rows)


def _rows_piecemeal(old: sqlite3.Connection, table: str) -> Iterator[tuple]:
    try:
        highest = old.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.DatabaseError:
        highest = MAX_ROWID_SCAN
    query = f'SELECT * FROM "{table}" WHERE rowid BETWEEN ? AND ?'
    for start in range(1, highest + 1, CHUNK):
        try:
            yield from old.execute(query, (start, start + CHUNK - 1)).fetchall()
        except sqlite3.DatabaseError:
            for rowid in range(start, start + CHUNK):
                try:
                    yield from old.execute(query, (rowid, rowid)).fetchall()
                except sqlite3.DatabaseError:
                    continue
