"""Extraction overlapped with parsing gives the rows of the two stages run one after the other; unchanged inputs are kept."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pandas as pd
import pytest

from pipeline.overlap import extract_and_parse
from pipeline.run import collect_inputs, extract_inputs, ingest, parse_documents, store_inputs
from pipeline.ingest import RawStore
from pipeline.settings import SAMPLES_DIR
from pipeline.store.tables import read_table


def assert_same_rows(rows: dict[str, list[dict]], expected: dict[str, list[dict]]) -> None:
    """Same rows in the writer's order: by document, each document's rows as its parser gave them."""
    assert set(rows) == set(expected)
    for table in expected:
        frames = [pd.DataFrame.from_records(r[table]).sort_values("doc_id", kind="stable", ignore_index=True)
                  for r in (rows, expected)]
        pd.testing.assert_frame_equal(*frames)


@pytest.mark.parametrize("processes", [1, 2])
def test_overlapped_stages_give_the_rows_of_the_stages_in_turn(settings, processes):
    settings = replace(settings, nlp=True, spacy_model="none", nlp_processes=processes)
    stored = store_inputs(collect_inputs(None), RawStore(settings.raw_dir), settings).stored
    in_turn = extract_inputs(stored, settings)
    stages: dict[str, float] = {}
    overlapped, rows = extract_and_parse(stored, settings, stages=stages)
    assert [r.doc_id for r in overlapped] == [r.doc_id for r in in_turn]
    assert [r.document.text for r in overlapped] == [r.document.text for r in in_turn]
    expected = parse_documents([r.document for r in in_turn], settings)
    assert {"footnotes", "claims", "organisations", "figures"} <= set(rows)
    assert_same_rows(rows, expected)
    assert set(stages) == {"extract", "parse"} and stages["parse"] >= stages["extract"] > 0


def test_a_broken_input_is_a_result_with_its_error(settings, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    stored = store_inputs([str(broken), str(SAMPLES_DIR / "note.md")], RawStore(settings.raw_dir), settings).stored
    results, rows = extract_and_parse(stored, settings)
    assert [r.error.reason if r.error else "ok" for r in results] == ["broken", "ok"]
    assert {row["doc_id"] for row in rows["footnotes"]} <= {results[1].doc_id}


def test_an_unchanged_input_is_not_extracted_again_and_keeps_its_rows(settings, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES_DIR, folder)
    first = ingest([folder], settings)
    before = read_table(settings.out_dir, "documents").set_index("doc_id")
    note = folder / "note.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more line about Europol.\n", encoding="utf-8")
    second = ingest([folder], settings)
    after = read_table(settings.out_dir, "documents").set_index("doc_id")
    changed = after.index[after["source"] == str(note)][0]
    assert second.unchanged == first.documents_ok - 1 and second.documents_ok == 1
    assert after.loc[changed, "extracted_at"] != before.loc[changed, "extracted_at"]
    kept = after.index.drop(changed)
    assert (after.loc[kept, "extracted_at"] == before.loc[kept, "extracted_at"]).all()
    assert len(read_table(settings.out_dir, "blocks")) == second.rows["blocks"]
    assert set(read_table(settings.out_dir, "blocks")["doc_id"]) == set(after.index)

    again = ingest([folder], replace(settings, reextract=True))
    assert again.unchanged == 0 and again.documents_ok == first.documents_ok


def test_pipelines_built_while_prefect_starts_are_the_ones_the_parse_uses(settings, monkeypatch):
    from pipeline import run
    from pipeline.entities import nlp

    settings = replace(settings, nlp=True, spacy_model="none", spacy_models="fr=none")
    built = []
    monkeypatch.setattr(nlp, "_PIPELINES", {})
    monkeypatch.setattr(nlp, "build_nlp", lambda model, language: built.append((model, language)) or object())
    run.preload_parsers(settings)
    run.wait_for_parsers()
    assert built == [(None, "en")] and not run._preloading
    run.preload_parsers(replace(settings, nlp_processes=2))   # the parser processes build their own
    assert not run._preloading
