"""Fault suite, very long text (reliability plan §2, case 23): capped before spaCy, never a crash.

The 5 M character run is in bench/robustness.py; this test stays just past spaCy's limit.
"""

from __future__ import annotations

from pipeline.entities import entity_tables
from pipeline.model import Block, Extraction, assemble


def test_case23_a_block_longer_than_spacy_allows_is_capped_not_fatal():
    sentence = "Germany and France identified victims of trafficking in 2023, Europol said. "
    text = sentence * (1_050_000 // len(sentence) + 1)
    document = assemble("long-1", Extraction([Block("paragraph", text)], title="Long"))
    tables = entity_tables([document], model=None)
    assert tables["countries"]  # the first million characters were searched
    assert all(row["end"] <= 1_000_000 for table in tables.values() for row in table if "end" in row)
