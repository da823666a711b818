import sqlite3

import pandas as pd
import pytest

from pipeline.store import tables
from pipeline.schema import TABLES


def _doc(doc_id, status="ok"):
    return {"doc_id": doc_id, "source": f"{doc_id}.md", "status": status, "n_chars": 3}


def test_rows_of_reprocessed_documents_are_replaced_and_others_kept(tmp_path):
    tables.write_tables(tmp_path, {"documents": [_doc("a"), _doc("b")],
                                   "blocks": [{"doc_id": "a", "block_no": 0, "text": "old a"},
                                              {"doc_id": "b", "block_no": 0, "text": "b"}]}, {"a", "b"})
    counts = tables.write_tables(tmp_path, {"documents": [_doc("a")],
                                            "blocks": [{"doc_id": "a", "block_no": 0, "text": "new a"}]}, {"a"})
    blocks = tables.read_table(tmp_path, "blocks")
    assert counts["documents"] == 2
    assert sorted(blocks["text"]) == ["b", "new a"]
    with sqlite3.connect(tmp_path / "thb.sqlite") as db:
        assert sorted(r[0] for r in db.execute("SELECT text FROM blocks")) == ["b", "new a"]


def test_columns_follow_the_documented_schema(tmp_path):
    tables.write_tables(tmp_path, {"documents": [_doc("a")]}, {"a"})
    for name, table in TABLES.items():
        assert list(pd.read_parquet(tmp_path / f"{name}.parquet").columns) == list(table.columns)


def test_tables_added_by_other_tools_survive_a_rewrite(tmp_path):
    tables.write_tables(tmp_path, {"documents": [_doc("a")]}, {"a"})
    with sqlite3.connect(tmp_path / "thb.sqlite") as db:
        db.execute("CREATE TABLE reviews (row_key TEXT, decision TEXT)")
        db.execute("INSERT INTO reviews VALUES ('a/figure/1', 'accept')")
    tables.write_tables(tmp_path, {"documents": [_doc("a")]}, {"a"})
    with sqlite3.connect(tmp_path / "thb.sqlite") as db:
        assert db.execute("SELECT decision FROM reviews").fetchall() == [("accept",)]


def test_a_failed_write_leaves_the_previous_tables_readable(tmp_path, monkeypatch):
    tables.write_tables(tmp_path, {"documents": [_doc("a")]}, {"a"})

    def crash(*args, **kwargs):
        raise KeyboardInterrupt  # a run killed in the middle of writing

    monkeypatch.setattr(tables, "_write_sqlite_table", crash)
    with pytest.raises(KeyboardInterrupt):
        tables.write_tables(tmp_path, {"documents": [_doc("a", "broken"), _doc("c")]}, {"a", "c"})
    with sqlite3.connect(tmp_path / "thb.sqlite") as db:
        assert db.execute("SELECT doc_id, status FROM documents").fetchall() == [("a", "ok")]
    assert tables.read_table(tmp_path, "documents")[["doc_id", "status"]].values.tolist() == [["a", "ok"]]
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_write_leaves_no_staged_file_behind(tmp_path):
    # the derived tables are staged twice (merged rows, then rebuilt): the first staging must not linger
    tables.write_tables(tmp_path, {"documents": [_doc("a")]}, {"a"})
    tables.write_tables(tmp_path, {"documents": [_doc("b")]}, {"b"})
    assert not list(tmp_path.glob(".*.tmp"))
    assert sorted(tables.read_table(tmp_path, "documents")["doc_id"]) == ["a", "b"]
