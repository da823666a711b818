"""The seed 001 rendered as an HTML page and as a report PDF, scored against its gold file.

The seed (../shared/seeds) is read with the Markdown extractor, then written out again at
test time, never committed: as a web page with ``<sup><a href="#fnN">`` markers and a
footnote list, and as a PDF (tests/pdfgen.py) with raised markers and the notes at the
bottom of the pages that cite them.  Each rendition goes through its real extractor and
the footnote parser, and must find what the Markdown does: 31 footnotes, the 179
(footnote, country) pairs, every stated count.
"""

from __future__ import annotations

import html

import pytest

from pipeline.footnotes.claims import footnote_tables
from pipeline.model import Block, assemble

from test_eval_footnotes import _seed, _seed_gold, check_floors, score


def with_markers(block: Block) -> list[tuple[str, bool]]:
    """The block text cut at its markers: (text, False) and (label, True) pieces in order."""
    pieces, position = [], 0
    for marker in sorted(block.markers, key=lambda m: m.offset):
        pieces += [(block.text[position:marker.offset], False), (marker.label, True)]
        position = marker.offset
    pieces.append((block.text[position:], False))
    return pieces


def html_rendition(document) -> bytes:
    parts = [f"<!DOCTYPE html><html lang='en'><head><title>{html.escape(document.title)}</title>"
             f"<meta property='article:published_time' content='{document.published}'></head><body>"
             "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><main><article>"]
    notes = []
    for block in document.blocks:
        text = "".join(f"<sup><a href='#fn{piece}'>{piece}</a></sup>" if is_marker else html.escape(piece)
                       for piece, is_marker in with_markers(block))
        if block.kind == "footnote":
            notes.append(f"<li id='fn{block.label}'>{text}</li>")
        elif block.kind == "heading":
            parts.append(f"<h2>{text}</h2>")
        elif block.kind == "list_item":
            parts.append(f"<ul><li>{text}</li></ul>")
        else:
            parts.append(f"<p>{text}</p>")
    parts.append(f"<section class='footnotes'><ol>{''.join(notes)}</ol></section></article></main>"
                 "<footer>Sample rendition for tests</footer></body></html>")
    return "".join(parts).encode()


def pdf_rendition(document, path) -> bytes:
    pdfgen = pytest.importorskip("pdfgen")
    sections, notes = [], {}
    for block in document.blocks:
        # "~" is pdfgen's hyphenation hint and "^" its marker sign: neither occurs in the seed
        text = "".join(f"^{piece}" if is_marker else piece for piece, is_marker in with_markers(block))
        if block.kind == "footnote":
            notes[block.label] = text
        elif block.kind == "heading" or not sections:
            sections.append(pdfgen.Section(text if block.kind == "heading" else None, []))
        if block.kind in ("paragraph", "list_item"):
            sections[-1].paragraphs.append(text)
    pdfgen.build_report_pdf(path, sections, title=document.title, footnotes=notes,
                            running_header="EMN press release", created="D:20250716090000+02'00'")
    return path.read_bytes()


@pytest.fixture(scope="module")
def seed():
    return _seed()


@pytest.mark.parametrize("rendition", ["html", "pdf"])
def test_seed_renditions_give_the_gold_footnotes_pairs_and_counts(seed, rendition, tmp_path):
    document, gold = seed
    assert "~" not in document.text and "^" not in document.text
    if rendition == "html":
        from pipeline.extract.html import extract_html

        extraction = extract_html(html_rendition(document))
    else:
        from pipeline.extract.pdf.blocks import extract_pdf

        extraction = extract_pdf(pdf_rendition(document, tmp_path / "seed.pdf"))
    tables = footnote_tables(assemble(f"seed-001-{rendition}", extraction), published=gold["published"])
    kinds, countries, claims = _seed_gold(gold)
    result = score(tables, kinds, countries, claims)
    check_floors(f"seed_001_{rendition}", result.values, result.problems)
    assert len(tables["footnotes"]) == 31
    assert {(row["footnote"], row["iso2"]) for row in tables["footnote_countries"]} == {
        (label, code) for label, codes in countries.items() for code in codes}
