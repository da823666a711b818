"""The streaming writer: rows staged batch by batch give the tables one batch gives, and a run killed
between batches leaves the previous tables readable (memory is measured by bench/bench_corpus.py, not here)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace

import pandas as pd
import pytest

from pipeline import overlap
from pipeline.run import ingest
from pipeline.schema import TABLES
from pipeline.settings import SAMPLES_DIR
import pipeline.store
from pipeline.store import stage_rows, staging_folder, write_tables
from pipeline.store.staging import STAGING_PREFIX


def tables_of(out_dir) -> dict[str, pd.DataFrame]:
    """Every Parquet and SQLite table and the claim matrix, the extraction times left out."""
    frames = {f"parquet {name}": pd.read_parquet(out_dir / f"{name}.parquet") for name in TABLES}
    with closing(sqlite3.connect(out_dir / "thb.sqlite")) as db:
        for name in TABLES:
            frames[f"sqlite {name}"] = pd.read_sql(f'SELECT * FROM "{name}"', db)
        frames["schema"] = pd.read_sql("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name", db)
    frames["claim_matrix"] = pd.read_csv(out_dir / "claim_matrix.csv")
    return {label: frame.drop(columns=["extracted_at"], errors="ignore") for label, frame in frames.items()}


def assert_same_tables(one, other) -> None:
    first, second = tables_of(one), tables_of(other)
    assert set(first) == set(second)
    for label in first:
        pd.testing.assert_frame_equal(first[label], second[label], obj=label)


def _doc(doc_id: str, **values) -> dict:
    return {"doc_id": doc_id, "source": f"{doc_id}.md", "status": "ok", "n_chars": 3, **values}


def _rows(doc_id: str, n_blocks: int, text: str = "text") -> dict[str, list[dict]]:
    blocks = [{"doc_id": doc_id, "block_no": n, "kind": "paragraph", "text": f"{text} {n}", "page": None,
               "start": n * 10, "end": n * 10 + 5} for n in range(n_blocks)]
    figures = [{"doc_id": doc_id, "start": n, "end": n + 2, "text": "12", "value": 12.5 if n % 2 else None,
                "unit": "count"} for n in range(n_blocks)]
    return {"documents": [_doc(doc_id, n_pages=n_blocks)], "blocks": blocks, "figures": figures}


DOCS = {"c": 3, "a": 2, "e": 4, "b": 1, "d": 5}


def test_rows_staged_in_several_batches_give_the_tables_of_one_batch(tmp_path):
    together: dict[str, list[dict]] = {}
    for doc_id, n in DOCS.items():
        for table, rows in _rows(doc_id, n).items():
            together.setdefault(table, []).extend(rows)
    write_tables(tmp_path / "one", together, set(DOCS))
    with staging_folder(tmp_path / "many") as staged:
        for batch in (["c", "a"], ["e"], ["b", "d"]):
            rows: dict[str, list[dict]] = {}
            for doc_id in batch:
                for table, table_rows in _rows(doc_id, DOCS[doc_id]).items():
                    rows.setdefault(table, []).extend(table_rows)
            stage_rows(staged, rows)
        counts = write_tables(tmp_path / "many", {}, set(DOCS), staged=staged)
    assert counts["blocks"] == sum(DOCS.values())
    assert_same_tables(tmp_path / "one", tmp_path / "many")
    blocks = pd.read_parquet(tmp_path / "many" / "blocks.parquet")
    assert list(blocks["doc_id"]) == sorted(blocks["doc_id"])           # by document, each in reading order
    assert str(blocks["start"].dtype) == "Int64"
    assert not list((tmp_path / "many").glob(f"{STAGING_PREFIX}*"))


def test_staged_rows_replace_their_documents_and_keep_the_others(tmp_path):
    write_tables(tmp_path, {**_rows("a", 2, "old"), "fetches": []}, {"a"})
    write_tables(tmp_path, _rows("b", 2, "old"), {"b"})
    with sqlite3.connect(tmp_path / "thb.sqlite") as db:
        db.execute("CREATE TABLE reviews (row_key TEXT, decision TEXT)")
        db.execute("INSERT INTO reviews VALUES ('k', 'accept')")
    with staging_folder(tmp_path) as staged:
        stage_rows(staged, _rows("a", 3, "new"))
        stage_rows(staged, {"documents": [_doc("z", status="broken")]})
        write_tables(tmp_path, {}, {"a", "z"}, staged=staged)
    blocks = pd.read_parquet(tmp_path / "blocks.parquet")
    assert blocks["text"].tolist() == ["new 0", "new 1", "new 2", "old 0", "old 1"]
    assert pd.read_parquet(tmp_path / "documents.parquet")["doc_id"].tolist() == ["a", "b", "z"]
    with closing(sqlite3.connect(tmp_path / "thb.sqlite")) as db:
        assert db.execute("SELECT decision FROM reviews").fetchall() == [("accept",)]
        assert db.execute("SELECT count(*) FROM figures").fetchone() == (5,)
        figures_sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'figures'").fetchone()[0]
    assert "PRIMARY KEY (row_key)" in figures_sql


def test_a_run_in_batches_of_one_gives_the_tables_of_a_run_in_one_batch(settings, tmp_path, monkeypatch):
    ingest(None, replace(settings, out_dir=tmp_path / "one"))
    monkeypatch.setattr(overlap, "PARSE_BATCH", 1)
    monkeypatch.setattr(overlap, "WAITING", 1)
    ingest(None, replace(settings, out_dir=tmp_path / "many", raw_dir=tmp_path / "raw-many"))
    assert_same_tables(tmp_path / "one", tmp_path / "many")


def test_a_run_killed_between_batches_leaves_the_previous_tables_and_a_rerun_writes_them(settings, tmp_path,
                                                                                         monkeypatch):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES_DIR, folder)
    ingest([folder], settings)
    before = tables_of(settings.out_dir)
    for path in folder.iterdir():   # every input changed: all are extracted again
        path.write_bytes(path.read_bytes() + (b"\n%changed\n" if path.suffix == ".pdf" else b"\n"))
    monkeypatch.setattr(overlap, "PARSE_BATCH", 1)
    monkeypatch.setattr(overlap, "WAITING", 1)
    staged_batches = []

    def killed_after_one(folder_, rows):
        if staged_batches:
            raise KeyboardInterrupt  # the run is stopped between two batches
        staged_batches.append(rows)
        stage_rows(folder_, rows)

    monkeypatch.setattr(pipeline.store, "stage_rows", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        ingest([folder], settings)
    after = tables_of(settings.out_dir)
    for label in before:
        pd.testing.assert_frame_equal(before[label], after[label], obj=label)
    assert not list(settings.out_dir.glob(f"{STAGING_PREFIX}*"))
    monkeypatch.undo()
    summary = ingest([folder], settings)
    assert summary.documents_ok == len(before["parquet documents"]) and summary.unchanged == 0


def test_a_killed_runs_staging_folder_is_removed_by_the_next_run(tmp_path):
    dead = 2 ** 22 + 12345   # above the largest pid Linux gives
    stale = tmp_path / f"{STAGING_PREFIX}{dead}-abc"
    stale.mkdir(parents=True)
    (stale / "blocks.x.parquet").write_bytes(b"partial")
    mine = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-def"   # a run still going (this process) keeps its folder
    mine.mkdir()
    with staging_folder(tmp_path) as staged:
        assert staged.exists()
    assert not stale.exists() and mine.exists()


def test_a_text_column_missing_from_a_batch_merges_with_the_stored_text(tmp_path):
    write_tables(tmp_path, {"blocks": [{"doc_id": "a", "block_no": 0, "text": "a", "language": "en"}]}, {"a"})
    with staging_folder(tmp_path) as staged:
        stage_rows(staged, {"blocks": [{"doc_id": "b", "block_no": 0, "text": "b"}]})   # no language: NaN
        write_tables(tmp_path, {}, {"b"}, staged=staged)
    blocks = pd.read_parquet(tmp_path / "blocks.parquet")
    assert blocks["language"].tolist()[0] == "en" and pd.isna(blocks["language"].tolist()[1])


def test_a_new_run_removes_the_temporary_files_of_a_writer_killed_before_its_renames(tmp_path):
    from pipeline.store import staging_folder

    left = [".blocks.parquet.89wsnlbo.tmp", ".thb.sqlite.6kdyfkq0.tmp", ".thb.sqlite.6kdyfkq0.tmp-journal",
            ".metadata.json.k2j3h4g5.tmp", ".claim_matrix.csv.a1b2c3d4.tmp"]
    others = [".report.html.tmp", ".page-3.png.x8y9z0ab.tmp", "blocks.parquet"]     # the review app's, a table
    for name in left + others:
        (tmp_path / name).write_bytes(b"x")
    with staging_folder(tmp_path):
        assert sorted(p.name for p in tmp_path.iterdir() if not p.is_dir()) == sorted(others)
