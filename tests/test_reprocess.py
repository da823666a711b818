import pandas as pd

from pipeline.reprocess import diff_tables, reprocess, select_inputs
from pipeline.run import ingest
from pipeline.schema import TABLES
from pipeline.ingest.rawstore import RawStore
from pipeline.store.tables import read_table


def _notes(folder):
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\nFirst paragraph.\n\nSecond paragraph.\n")
    (folder / "b.md").write_text("# B\n\nOnly paragraph.\n")
    return folder


def test_reprocess_all_rebuilds_from_raw_without_the_inputs(settings, tmp_path):
    folder = _notes(tmp_path / "in")
    ingest([folder], settings)
    before = read_table(settings.out_dir, "blocks")
    for path in folder.iterdir():
        path.unlink()  # the originals are gone; raw/ has the bytes
    summary, differences = reprocess(settings, everything=True)
    assert summary.documents_ok == 2 and differences.empty
    assert read_table(settings.out_dir, "blocks").equals(before)


def test_by_default_only_documents_from_another_version_are_taken(settings, tmp_path):
    ingest([_notes(tmp_path / "in")], settings)
    store = RawStore(settings.raw_dir)
    assert select_inputs(store, settings) == []
    documents = read_table(settings.out_dir, "documents")
    documents.loc[documents["source"].str.endswith("a.md"), "pipeline_version"] = "0.0.1"
    documents.to_parquet(settings.out_dir / "documents.parquet", index=False)
    assert [s.source.rsplit("/", 1)[-1] for s in select_inputs(store, settings)] == ["a.md"]


def test_differences_are_counted_per_document_and_table():
    old = {name: pd.DataFrame(columns=list(t.columns)) for name, t in TABLES.items()}
    old["blocks"] = pd.DataFrame([
        {"doc_id": "d", "block_no": 0, "kind": "heading", "text": "A"},
        {"doc_id": "d", "block_no": 1, "kind": "paragraph", "text": "old"},
        {"doc_id": "d", "block_no": 2, "kind": "paragraph", "text": "gone"}], columns=list(TABLES["blocks"].columns))
    new = {"blocks": [{"doc_id": "d", "block_no": 0, "kind": "heading", "text": "A"},
                      {"doc_id": "d", "block_no": 1, "kind": "paragraph", "text": "new"}]}
    differences = diff_tables(old, new, {"d"})
    assert differences.to_dict("records") == [{"doc_id": "d", "table": "blocks", "added": 0, "removed": 1, "changed": 1}]
