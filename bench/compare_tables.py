"""Whether two output folders hold the same tables: every Parquet table, every SQLite table, the CSV exports.

    python bench/compare_tables.py BEFORE_DIR AFTER_DIR

Rows must match in order, columns and types; the time each document was extracted
(``documents.extracted_at``) is left out, since it differs by construction.  Prints one line per
table and exits 1 when any differs: for checking that a speed change left the output alone.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pandas as pd

VOLATILE = {"documents": ["extracted_at"]}


def differences(before: pd.DataFrame, after: pd.DataFrame, name: str) -> str | None:
    drop = [c for c in VOLATILE.get(name, []) if c in before.columns]
    before, after = before.drop(columns=drop), after.drop(columns=drop)
    if list(before.columns) != list(after.columns):
        return f"columns differ: {list(before.columns)} / {list(after.columns)}"
    if len(before) != len(after):
        return f"{len(before)} rows / {len(after)} rows"
    if dict(before.dtypes.astype(str)) != dict(after.dtypes.astype(str)):
        return f"types differ: {dict(before.dtypes.astype(str))} / {dict(after.dtypes.astype(str))}"
    try:
        pd.testing.assert_frame_equal(before, after)
    except AssertionError as error:
        return str(error).splitlines()[0] + " " + " ".join(str(error).splitlines()[1:4])
    return None


def sqlite_tables(path: Path) -> dict[str, pd.DataFrame]:
    with closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: pd.read_sql(f'SELECT * FROM "{name}"', db) for name in names}


def compare(before_dir: Path, after_dir: Path) -> bool:
    same = True
    pairs: list[tuple[str, pd.DataFrame | None, pd.DataFrame | None]] = []
    for kind, pattern, read in (("parquet", "*.parquet", pd.read_parquet), ("csv", "*.csv", pd.read_csv)):
        names = sorted({p.name for d in (before_dir, after_dir) for p in d.glob(pattern)})
        for file_name in names:
            frames = [read(d / file_name) if (d / file_name).exists() else None for d in (before_dir, after_dir)]
            pairs.append((f"{kind} {file_name}", *frames))
    old_db, new_db = (sqlite_tables(d / "thb.sqlite") for d in (before_dir, after_dir))
    for name in sorted(set(old_db) | set(new_db)):
        pairs.append((f"sqlite {name}", old_db.get(name), new_db.get(name)))
    for label, before, after in pairs:
        if before is None or after is None:
            problem = "missing in " + ("before" if before is None else "after")
        else:
            problem = differences(before, after, label.split()[1].removesuffix(".parquet"))
        same &= problem is None
        print(f"{'same' if problem is None else 'DIFFERENT':9} {label:36} "
              f"{'' if before is None else len(before):>7} rows  {problem or ''}")
    return same


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(0 if compare(Path(sys.argv[1]), Path(sys.argv[2])) else 1)
