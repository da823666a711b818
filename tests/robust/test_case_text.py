"""Fault suite, huge pages and very long text (reliability plan §2, cases 22 and 23).

The page of a million elements and the 5 M character run are in bench/robustness.py; these
tests stay just past the element cap and spaCy's limit.
"""

from __future__ import annotations

from pipeline.entities import entity_tables
from pipeline.extract.html import MAX_ELEMENTS
from pipeline.model import Block, Extraction, assemble

from runs import run_isolated


def test_case22_a_page_of_too_many_elements_is_refused_as_too_large(tmp_path, monkeypatch):
    paragraph = b"<p>Victims of trafficking were identified in 2023.</p>"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "wide.html").write_bytes(b"<html><body><article>" + paragraph * 50 + b"<br>" * MAX_ELEMENTS
                                       + b"</article></body></html>")
    (folder / "fine.html").write_bytes(b"<html><body><article>" + paragraph * 50 + b"</article></body></html>")
    rows = run_isolated(tmp_path, monkeypatch, [str(folder / "wide.html"), str(folder / "fine.html")])
    wide = rows[str(folder / "wide.html")]
    assert wide["status"] == "too_large" and f"{MAX_ELEMENTS:,} elements" in wide["error"]
    assert rows[str(folder / "fine.html")]["status"] == "ok"


def test_case23_a_block_longer_than_spacy_allows_is_capped_not_fatal():
    sentence = "Germany and France identified victims of trafficking in 2023, Europol said. "
    text = sentence * (1_050_000 // len(sentence) + 1)
    document = assemble("long-1", Extraction([Block("paragraph", text)], title="Long"))
    tables = entity_tables([document], model=None)
    assert tables["countries"]  # the first million characters were searched
    assert all(row["end"] <= 1_000_000 for table in tables.values() for row in table if "end" in row)
