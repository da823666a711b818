"""Where blocks, footnotes and markers are printed: boxes checked against the PDF's own characters.

Every layout family of tests/fixtures/pdf is extracted with both engines; each footnote's boxes
must hold the characters of its text (and little else), and each marker's box must lie inside its
block's box and hold the glyphs of its label.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path
import unicodedata

import pytest

from pipeline.extract import extract_pdf
from pipeline.extract.pdf.chars import open_char_source
from pipeline.model import Box

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
FAMILIES = sorted(path.stem for path in FIXTURES.glob("*.pdf"))
ENGINES = ("pdfplumber", "pypdfium2")
TOLERANCE = 0.5  # points


@lru_cache(maxsize=4)
def page_chars(family: str, engine: str) -> dict[int, list]:
    source = open_char_source((FIXTURES / f"{family}.pdf").read_bytes(), engine)
    try:
        return {page.number: [c for c in page.chars if c.text.strip()] for page in source.pages()}
    finally:
        source.close()


@lru_cache(maxsize=4)
def blocks(family: str, engine: str):
    return extract_pdf((FIXTURES / f"{family}.pdf").read_bytes(), engine=engine).blocks


def inside(char, box: Box) -> bool:
    middle_x, middle_y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
    return box.x0 - TOLERANCE <= middle_x <= box.x1 + TOLERANCE and box.top - TOLERANCE <= middle_y <= box.bottom + TOLERANCE


def glyphs_in(boxes: list[Box], chars: dict[int, list]) -> Counter:
    found: Counter = Counter()
    for box in boxes:
        # ligatures ("ﬁ") count as their letters, as the extracted text spells them
        found.update("".join(unicodedata.normalize("NFKC", c.text) for c in chars[box.page] if inside(c, box)))
    return found


def contains(outer: Box, inner: Box) -> bool:
    return (outer.page == inner.page and outer.x0 - TOLERANCE <= inner.x0 and inner.x1 <= outer.x1 + TOLERANCE
            and outer.top - TOLERANCE <= inner.top and inner.bottom <= outer.bottom + TOLERANCE)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("family", FAMILIES)
def test_footnote_boxes_hold_their_text_and_little_else(family, engine):
    chars = page_chars(family, engine)
    notes = [block for block in blocks(family, engine) if block.kind == "footnote"]
    assert notes
    for note in notes:
        assert note.boxes and note.box.page == note.page, note.label
        assert all(box.x0 < box.x1 and box.top < box.bottom for box in note.boxes)
        found = glyphs_in(note.boxes, chars)
        wanted = Counter(ch for ch in note.text if not ch.isspace())
        missing = wanted - found
        assert not missing, (note.label, note.text, missing)
        # the label and markers, and the hyphens of words joined at a line end; never a neighbouring
        # note or body text
        extra = sum(count for glyph, count in (found - wanted).items() if glyph not in "-\xad")
        assert extra <= 4 + len(note.label or ""), (note.label, note.text, found - wanted)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("family", FAMILIES)
def test_marker_boxes_sit_inside_their_block_and_hold_the_label(family, engine):
    chars = page_chars(family, engine)
    checked = 0
    for block in blocks(family, engine):
        for marker in block.markers:
            assert marker.box is not None and marker.box.page == marker.page
            assert any(contains(box, marker.box) for box in block.boxes), (block.text[:60], marker)
            printed = "".join(c.text for c in chars[marker.box.page] if inside(c, marker.box))
            assert marker.label in printed.replace(" ", ""), (marker, printed)
            checked += 1
    assert checked >= 10


def test_a_paragraph_across_a_page_break_has_a_box_on_each_page():
    spanning = [block for block in blocks("lo-odt", "pdfplumber") if len({box.page for box in block.boxes}) > 1]
    assert spanning
    for block in spanning:
        assert block.box.page == block.page
        assert [box.page for box in block.boxes] == sorted(box.page for box in block.boxes)


def test_box_columns_are_written_for_pdf_rows_and_empty_for_html():
    import json

    from pipeline.extract import extract_html
    from pipeline.model import assemble
    from pipeline.run import Processed, document_rows

    pdf = Processed("pdf-doc", "lo-odt.pdf", document=assemble("pdf-doc", extract_pdf(
        (FIXTURES / "lo-odt.pdf").read_bytes())))
    html = Processed("html-doc", "page.html", document=assemble("html-doc", extract_html(
        b"<html><body><article><p>Twelve Member States<sup>1</sup> replied.</p></article></body></html>")))
    rows = document_rows([pdf, html])
    pdf_blocks = [row for row in rows["blocks"] if row["doc_id"] == "pdf-doc"]
    assert all(row["x0"] < row["x1"] and row["top"] < row["bottom"] for row in pdf_blocks)
    first = json.loads(pdf_blocks[0]["boxes"])[0]
    assert first == [pdf_blocks[0]["page"], pdf_blocks[0]["x0"], pdf_blocks[0]["top"], pdf_blocks[0]["x1"],
                     pdf_blocks[0]["bottom"]]
    html_rows = [row for table in ("blocks", "markers") for row in rows[table] if row["doc_id"] == "html-doc"]
    assert html_rows and all(row["x0"] is None and row.get("boxes") is None for row in html_rows)
    assert all(row["x0"] is not None for row in rows["markers"] if row["doc_id"] == "pdf-doc")
