"""Datasette reads the tables as written: descriptions, facets and their indexes (no network: an in-process client)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from pipeline.extract import extract_pdf
from pipeline.footnotes import footnote_tables
from pipeline.model import assemble
from pipeline.run import Processed, document_rows
from pipeline.schema import TABLES
from pipeline.store import METADATA_NAME, SQLITE_NAME, write_tables

datasette_app = pytest.importorskip("datasette.app")
PDF = Path(__file__).parent / "fixtures" / "pdf" / "lo-odt-wrongcounts.pdf"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("extracted")
    document = assemble("inform-2025", extract_pdf(PDF.read_bytes()))
    rows = document_rows([Processed("inform-2025", str(PDF), document=document)])
    rows.update(footnote_tables(document, published=document.published))
    write_tables(out, rows, {"inform-2025"})
    return out, rows


def fetch(out: Path, path: str) -> dict:
    metadata = json.loads((out / METADATA_NAME).read_text(encoding="utf-8"))
    datasette = datasette_app.Datasette([str(out / SQLITE_NAME)], metadata=metadata)

    async def get():
        response = await datasette.client.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.json() if path.split("?")[0].endswith(".json") else response.text

    return asyncio.run(get())


def test_metadata_describes_every_table_and_column(written):
    out, _rows = written
    metadata = json.loads((out / METADATA_NAME).read_text(encoding="utf-8"))
    tables = metadata["databases"]["thb"]["tables"]
    assert set(tables) == set(TABLES)
    for name, table in TABLES.items():
        assert tables[name]["description"] == table.description
        assert tables[name]["columns"] == table.columns
    assert tables["claims"]["facets"][:3] == ["doc_id", "status", "count_ok"]
    assert tables["documents"]["label_column"] == "title"
    served = fetch(out, "/-/metadata.json")
    assert served["databases"]["thb"]["tables"]["footnotes"]["description"] == TABLES["footnotes"].description


def test_the_claims_page_shows_its_description_and_default_facets(written):
    out, _rows = written
    page = fetch(out, "/thb/claims")
    assert TABLES["claims"].description.split(",")[0] in page.replace("&#39;", "'")
    assert 'data-column="count_ok"' in page


def test_a_facet_query_counts_what_the_table_holds(written):
    out, rows = written
    served = fetch(out, "/thb/footnote_countries.json?_facet=emn_status&_size=0")
    results = served["facet_results"]
    results = results.get("results", results)
    counted = {item["value"]: item["count"] for item in results["emn_status"]["results"]}
    # Datasette does not count empty values in a facet
    assert counted == dict(Counter(row["emn_status"] for row in rows["footnote_countries"] if row["emn_status"]))
    wrong = fetch(out, "/thb/claims.json?count_ok=0&_shape=array")
    assert len(wrong) == sum(1 for row in rows["claims"] if row["count_ok"] is False) == 2


def test_facet_columns_are_indexed(written):
    out, _rows = written
    with closing(sqlite3.connect(out / SQLITE_NAME)) as db:
        indexed = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_claims_count_ok", "ix_footnote_countries_iso2", "ix_blocks_kind", "ix_documents_status"} <= indexed
