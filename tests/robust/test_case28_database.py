"""Fault suite, case 28: a thb.sqlite left damaged, or with a hot journal or WAL, by a kill -9.

The plan names DuckDB; this project's database is SQLite (``extracted/thb.sqlite``), rebuilt
from the Parquet files on every run, with the review decisions (the one table nothing else
holds) carried over.  Each case: the next run finishes, the database it leaves passes
``integrity_check`` with no journal or WAL beside it, the decisions survive where the bytes
still hold them, and a run after that one finishes too (no crash loop).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

from pipeline.review.decisions import load_decisions, record_decision
from pipeline.settings import SAMPLES_DIR
from pipeline.store import SQLITE_NAME, read_table

from runs import run_isolated

REPO_ROOT = Path(__file__).resolve().parents[2]
CHILD_ENV = {"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"}


def samples() -> list[str]:
    return [str(p) for p in sorted(SAMPLES_DIR.iterdir()) if p.is_file()]


def first_run_with_decision(tmp_path, monkeypatch) -> Path:
    run_isolated(tmp_path, monkeypatch, samples())
    out = tmp_path / "out" / "extracted"
    record_decision(out, "claims", "committed-key", "doc-a", "accept", reviewer="ana")
    return out


def assert_sound(out: Path) -> None:
    database = out / SQLITE_NAME
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == len(read_table(out, "documents"))
    assert not [p.name for p in out.iterdir() if p.name.startswith(SQLITE_NAME + "-")], "journal or WAL left"


def killed_writer(out: Path, statements: str) -> None:
    """A child that runs ``statements`` on thb.sqlite (as ``db``) and is killed by SIGKILL before it commits."""
    script = textwrap.dedent(f"""
        import os, signal, sqlite3
        db = sqlite3.connect({str(out / SQLITE_NAME)!r}, isolation_level=None)
    """) + textwrap.dedent(statements) + "\nos.kill(os.getpid(), signal.SIGKILL)\n"
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=CHILD_ENV)
    assert child.returncode == -9, child.stderr[-2000:]


def test_case28_a_hot_journal_is_rolled_back_before_the_database_is_replaced(tmp_path, monkeypatch):
    out = first_run_with_decision(tmp_path, monkeypatch)
    # a review write killed mid-transaction, after its changes spilled into the database file
    killed_writer(out, """
        db.execute("PRAGMA cache_size = 2")
        db.execute("BEGIN")
        db.execute("INSERT INTO reviews VALUES ('uncommitted', 'claims', 'd', 'reject', '{}', NULL, 'now', '{}')")
        db.execute("CREATE TABLE scratch (x)")
        db.executemany("INSERT INTO scratch VALUES (?)", [("y" * 500,) for _ in range(2000)])
    """)
    assert (out / (SQLITE_NAME + "-journal")).exists()
    run_isolated(tmp_path, monkeypatch, samples())
    assert_sound(out)
    assert set(load_decisions(out)) == {"committed-key"}
    with closing(sqlite3.connect(out / SQLITE_NAME)) as db:
        assert not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'scratch'").fetchall()
    run_isolated(tmp_path, monkeypatch, samples())
    assert_sound(out)


def test_case28_committed_pages_left_in_a_wal_are_kept_and_the_wal_removed(tmp_path, monkeypatch):
    out = first_run_with_decision(tmp_path, monkeypatch)
    killed_writer(out, """
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA wal_autocheckpoint = 0")
        db.execute("INSERT INTO reviews VALUES ('in-wal', 'claims', 'd', 'reject', '{}', NULL, 'now', '{}')")
    """)
    assert (out / (SQLITE_NAME + "-wal")).stat().st_size > 0
    run_isolated(tmp_path, monkeypatch, samples())
    assert_sound(out)
    assert set(load_decisions(out)) == {"committed-key", "in-wal"}


def test_case28_a_damaged_database_is_set_aside_and_its_decisions_salvaged(tmp_path, monkeypatch, caplog):
    out = first_run_with_decision(tmp_path, monkeypatch)
    database = out / SQLITE_NAME
    with closing(sqlite3.connect(database)) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'blocks'").fetchone()[0]
    with open(database, "r+b") as handle:  # a torn write: the blocks table's root page is garbage
        handle.seek((root - 1) * page_size)
        handle.write(b"\xa5" * page_size)
    run_isolated(tmp_path, monkeypatch, samples())
    assert_sound(out)
    assert set(load_decisions(out)) == {"committed-key"}
    damaged = [p for p in out.iterdir() if p.name.startswith(SQLITE_NAME + ".damaged-")]
    assert len(damaged) == 1 and "could not be read" in caplog.text and "1 rows of reviews" in caplog.text
    run_isolated(tmp_path, monkeypatch, samples())  # no crash loop, and nothing more set aside
    assert_sound(out)
    assert len([p for p in out.iterdir() if ".damaged-" in p.name]) == 1


def test_case28_a_half_written_or_foreign_file_is_rebuilt_from_the_parquet_files(tmp_path, monkeypatch, caplog):
    out = first_run_with_decision(tmp_path, monkeypatch)
    database = out / SQLITE_NAME
    database.write_bytes(database.read_bytes()[:3000])  # cut inside the schema: nothing can be salvaged
    run_isolated(tmp_path, monkeypatch, samples())
    assert_sound(out)
    assert load_decisions(out) == {} and "salvaged nothing" in caplog.text
    database.write_bytes(b"not a database at all\n" * 100)
    run_isolated(tmp_path, monkeypatch, samples())
    assert_sound(out)
    assert len([p for p in out.iterdir() if ".damaged-" in p.name]) == 2
    assert not [p for p in out.iterdir() if p.name.startswith(".thb.salvage.")]
