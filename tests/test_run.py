"""End to end through the library stages (no Prefect): samples, bad inputs, re-runs."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pipeline.run import SourceNotFound, collect_inputs, ingest
from pipeline.schema import TABLES
from pipeline.settings import SAMPLES_DIR
from pipeline.store.tables import read_table

from conftest import REPO, shared_path


def test_the_sample_corpus_extracts_cleanly(settings):
    summary = ingest(None, settings)
    docs = read_table(settings.out_dir, "documents").set_index("doc_id")
    assert summary.documents_failed == 0, summary.failures
    assert len(docs) == len(collect_inputs(None)) >= 4
    assert set(docs["content_type"]) >= {"text/html", "application/pdf", "text/markdown"}
    assert docs["title"].notna().all() and docs["published"].notna().all()
    blocks = read_table(settings.out_dir, "blocks")
    assert {"heading", "paragraph", "footnote", "comment"} <= set(blocks["kind"])
    markers = read_table(settings.out_dir, "markers")
    assert len(markers) >= 10


def test_offsets_point_into_the_document_text(settings):
    ingest(None, settings)
    blocks = read_table(settings.out_dir, "blocks")
    assert (blocks["end"] - blocks["start"] == blocks["text"].str.len()).all()
    for _doc_id, doc_blocks in blocks.groupby("doc_id"):
        ordered = doc_blocks.sort_values("block_no")
        assert (ordered["start"].diff().dropna() > 0).all()


def test_every_written_table_and_column_is_documented(settings):
    ingest(None, settings)
    readme = (REPO / "README.md").read_text()
    for name, table in TABLES.items():
        frame = pd.read_parquet(settings.out_dir / f"{name}.parquet")
        assert list(frame.columns) == list(table.columns)
        assert table.description and all(table.columns.values()), name
        assert f"`{name}`" in readme, f"README does not describe the {name} table"


def test_processing_twice_gives_one_set_of_rows_and_a_change_replaces_them(settings, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES_DIR, folder)
    ingest([folder], settings)
    first = read_table(settings.out_dir, "blocks")
    ingest([folder], settings)
    assert read_table(settings.out_dir, "blocks").equals(first)
    note = next(folder.glob("*.md"))
    note.write_text(note.read_text() + "\n\nA paragraph added in the second version.\n")
    ingest([note], settings)
    docs = read_table(settings.out_dir, "documents")
    blocks = read_table(settings.out_dir, "blocks")
    assert len(docs) == len(collect_inputs([folder]))
    assert blocks["text"].str.contains("added in the second version").sum() == 1


def test_bad_inputs_become_rows_with_reasons_and_keep_their_bytes(settings, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.html").write_bytes(b"")
    (folder / "junk.pdf").write_bytes(bytes(range(256)) * 4)
    (folder / "truncated.pdf").write_bytes((SAMPLES_DIR / "report.pdf").read_bytes()[:1500])
    (folder / "nav-only.html").write_text("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>")
    (folder / "fine.md").write_text("# Fine\n\nThis one works.\n")
    summary = ingest([folder], settings)
    docs = read_table(settings.out_dir, "documents").set_index("source")
    status = {name: docs.loc[str(folder / name), "status"] for name in
              ("empty.html", "junk.pdf", "truncated.pdf", "nav-only.html", "fine.md")}
    assert status["fine.md"] == "ok"
    assert status["empty.html"] == "empty"
    assert status["junk.pdf"] == "unsupported_type"
    assert status["truncated.pdf"] in ("broken", "no_text")
    assert status["nav-only.html"] == "no_text"
    assert docs.loc[docs["status"] != "ok", "error"].str.len().gt(10).all()
    assert summary.documents_failed == 4
    raw_files = [p for p in (settings.raw_dir / "objects").rglob("*") if p.is_file()]
    assert len(raw_files) == 5


def test_every_malformed_pdf_gives_a_row_and_none_stops_the_run(settings):
    folder = shared_path("corpus", "pdf", "malformed")
    settings.timeout_s = 60
    summary = ingest([folder], settings)
    docs = read_table(settings.out_dir, "documents")
    assert len(docs) == len(list(folder.glob("*.pdf")))
    failed = docs[docs["status"] != "ok"]
    assert len(failed) >= 15, docs[["source", "status"]]
    assert failed["error"].notna().all()
    word = docs[docs["source"].str.contains("word_doc")].iloc[0]
    assert word["status"] == "unsupported_type" and "msword" in word["content_type"]
    assert set(docs.loc[docs["source"].str.contains("aes-256|rc4-40|password"), "status"]) == {"encrypted"}
    assert summary.documents_ok + summary.documents_failed == len(docs)
    internal = failed["error"].str.contains(r"NoneType|object is not|has no attribute|index out of range|^\w+Error:")
    assert not internal.any(), failed.loc[internal, ["source", "error"]]  # Python's own words stay in error_type
    assert failed["error_type"].notna().all() and docs.loc[docs["status"] == "ok", "error_type"].isna().all()


def test_a_missing_source_is_a_clear_error(settings, tmp_path):
    with pytest.raises(SourceNotFound, match="no such file"):
        ingest([tmp_path / "nope"], settings)


def test_a_missing_path_among_valid_ones_is_a_row_and_the_others_are_processed(settings, tmp_path):
    good = tmp_path / "good.md"
    good.write_text("# Good\n\nThis one is read.\n")
    summary = ingest([good, tmp_path / "typo.md", SAMPLES_DIR], settings)
    docs = read_table(settings.out_dir, "documents").set_index("source")
    missing = docs.loc[str(tmp_path / "typo.md")]
    assert missing["status"] == "not_found" and "no such file" in missing["error"]
    assert missing["error_type"] == "SourceNotFound"
    assert docs.loc[str(good), "status"] == "ok"
    assert summary.documents_ok == len(docs) - 1 and summary.failed_by_reason == {"not_found": 1}


def test_the_column_reference_is_generated_from_the_schema():
    from pipeline.schema import markdown_reference

    assert (REPO / "docs" / "tables.md").read_text() == markdown_reference(), \
        "docs/tables.md is stale: run python -m pipeline.schema > docs/tables.md"


def test_footnoted_claims_and_the_claim_matrix_come_out_of_a_run(settings):
    ingest(None, settings)
    claims = read_table(settings.out_dir, "claims")
    release = claims[claims["doc_id"].str.startswith("press-release")].set_index("footnote")
    assert (release.loc["4", "stated_count"], release.loc["4", "n_countries"], release.loc["4", "count_ok"]) == (8, 8, True)
    assert release.loc["5", "relates_to"] == "4" and release.loc["5", "count_ok"]
    assert release.loc["6", "stated_count"] == 8  # "Six Member States, along with Norway and Georgia"
    countries = read_table(settings.out_dir, "footnote_countries")
    assert set(countries.loc[countries["code"] == "EL", "iso2"]) == {"GR"}
    matrix = pd.read_csv(settings.out_dir / "claim_matrix.csv", dtype={"footnote": str})
    assert len(matrix) == len(claims)
    row = matrix[(matrix["doc_id"] == release["doc_id"].iloc[0]) & (matrix["footnote"] == "4")].iloc[0]
    assert {code for code in ("AT", "BE", "DE", "GR", "FR", "NL", "PL", "SE") if row[code] == 1} == \
        {"AT", "BE", "DE", "GR", "FR", "NL", "PL", "SE"}
    assert pd.isna(row["IT"])


def test_entities_and_figures_come_out_of_a_run_with_provenance(settings):
    settings.nlp = True
    ingest(None, settings)
    doc_ids = set(read_table(settings.out_dir, "documents")["doc_id"])
    organisations = read_table(settings.out_dir, "organisations")
    assert {"europol", "eurojust", "greta", "iom", "unodc"} <= set(organisations["org_id"].dropna())
    assert "32011L0036" in set(read_table(settings.out_dir, "legal_refs")["celex"])
    persons = read_table(settings.out_dir, "persons")
    assert ("Lena Brandt", "National Rapporteur of Eastmark") in set(zip(persons["name"], persons["role"]))
    figures = read_table(settings.out_dir, "figures")
    victims = figures[figures["mention"] == "7,155"].iloc[0]
    assert (victims["value"], victims["unit"], victims["period_start"]) == (7155, "count", 2021)
    assert set(figures.loc[figures["mention"] == "30", "section"]) == {"comment"}
    blocks = read_table(settings.out_dir, "blocks")
    for table in ("organisations", "figures", "legal_refs"):
        rows = read_table(settings.out_dir, table)
        assert set(rows["doc_id"]) <= doc_ids and rows["sentence"].str.len().gt(0).all()
        for row in rows.head(20).itertuples():
            block = blocks[(blocks["doc_id"] == row.doc_id) & (blocks["start"] <= row.start) & (blocks["end"] >= row.end)]
            assert len(block) == 1
            offset = row.start - block.iloc[0]["start"]
            assert block.iloc[0]["text"][offset:offset + (row.end - row.start)] == row.mention
