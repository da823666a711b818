"""Markdown and plain text: headings, lists, markers, footnote bodies and paragraphs split by page rules."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import NoText
from pipeline.extract.markdown import extract_markdown, parse_date
from pipeline.model import assemble
from pipeline.settings import SAMPLES_DIR

from conftest import shared_path
from test_html import marked


def extract(text: str):
    return extract_markdown(text.encode())


def test_structure_of_the_sample_note():
    extraction = extract_markdown((SAMPLES_DIR / "note.md").read_bytes())
    assert extraction.title == "Briefing note: cooperation with third countries"
    assert extraction.published == "2026-02-04"
    kinds = [b.kind for b in extraction.blocks]
    assert kinds.count("heading") == 2 and kinds.count("list_item") == 2
    notes = {b.label: b.text for b in extraction.blocks if b.kind == "footnote"}
    assert notes == {"1": "BE, BG, DE, EE, FI, FR, IT, NL, SK and SE.", "2": "AT, HR, SI.",
                     "3": "DE, FR, IT, NL.", "4": "CZ, LU, PT, SK, SI."}
    items = [b.text for b in extraction.blocks if b.kind == "list_item"]
    assert items[1] == "Awareness-raising in countries of origin is usually run with IOM."


def test_a_paragraph_cut_by_a_page_rule_and_its_footnotes_is_joined_again():
    extraction = extract_markdown((SAMPLES_DIR / "note.md").read_bytes())
    joined = [b for b in extraction.blocks if "partners in the region." in b.text]
    assert len(joined) == 1
    assert marked(joined[0]).endswith("partners in the region.[4] The Directive 2011/36/EU remains the legal "
                                      "basis of national measures.")


@pytest.mark.parametrize("source, expected", [
    ("Strategy 2021-2025<sup>3</sup> to reinforce", "Strategy 2021-2025[3] to reinforce"),
    ("include UNODC,<sup>22</sup> OSCE,<sup>23</sup> and IOM.<sup>25</sup>", "include UNODC,[22] OSCE,[23] and IOM.[25]"),
    ("the Horn of Africa.[^18] Next", "the Horn of Africa.[18] Next"),
    ("**Nine** countries<sup>11</sup>, while", "Nine countries[11], while"),
    ("see [the study](https://example.org/study.pdf)<sup>*</sup>.", "see the study[*]."),
])
def test_inline_markers_and_markup(source, expected):
    extraction = extract(f"# Title\n\n{source}\n")
    assert marked(extraction.blocks[1]) == expected


def test_footnote_definitions_keep_their_urls_and_drop_link_syntax():
    extraction = extract("# T\n\nText.[^1]\n\n[^1]: Report, [EUR-Lex](https://eur-lex.europa.eu/x), "
                         "<https://example.org/a_b>, accessed 1 June 2025.\n")
    note = extraction.blocks[-1]
    assert (note.kind, note.label) == ("footnote", "1")
    assert note.text == "Report, EUR-Lex https://eur-lex.europa.eu/x, https://example.org/a_b, accessed 1 June 2025."


def test_plain_text_paragraphs_bullets_title_and_date():
    text = ("Skip to main content\nNews site\n  • News article\n  • 11 December 2024\n\n"
            "EU networks join efforts against trafficking in human beings\n\n"
            "On 2-3 December, around 140 participants met in Brussels.\n")
    extraction = extract(text)
    assert extraction.title == "EU networks join efforts against trafficking in human beings"
    assert extraction.published == "2024-12-11"
    assert [b.kind for b in extraction.blocks] == ["paragraph", "list_item", "list_item", "paragraph", "paragraph"]


@pytest.mark.parametrize("text, iso", [("16 July 2025", "2025-07-16"), ("July 4, 2024", "2024-07-04"),
                                       ("Published 2023-02-01", "2023-02-01"), ("in 2022", None)])
def test_dates(text, iso):
    assert parse_date(text) == iso


def test_only_footnotes_or_nothing_is_no_text():
    with pytest.raises(NoText):
        extract("[^1]: A lonely footnote.\n")
    with pytest.raises(NoText):
        extract_markdown(bytes(range(1, 32)) * 10)


def test_the_emn_seed_gives_every_footnote_and_marker():
    seeds = shared_path("seeds")
    gold = json.loads((seeds / "gold" / "001.json").read_text())
    document = assemble("seed", extract_markdown((seeds / gold["seed"]).read_bytes()))
    notes = {b.label: b.text for b in document.blocks if b.kind == "footnote"}
    markers = [m.label for _, m in document.markers]
    assert len(notes) == gold["footnote_count"] == 31
    assert sorted(markers, key=int) == [str(n) for n in range(1, 32)]
    assert gold["title_contains"] in document.title and document.published == gold["published"]
    assert "beyond EU borders. The EU Anti-Trafficking Directive" in document.text
    assert notes["11"] == "BE, BG, CY, DE, EE, FR, NL, PL, SE."
    for block, marker in document.markers:
        assert not document.text[document.marker_offset(block, marker) - 1].isspace()


def test_footnote_definitions_on_consecutive_lines_are_one_footnote_each():
    from pipeline.extract.markdown import extract_markdown

    text = b"Nine Member States[^1] and three more[^2] replied.\n\n[^1]: AT, BE, CY.\n[^2]: DE, ES,\n    NL.\n"
    notes = [block for block in extract_markdown(text).blocks if block.kind == "footnote"]
    assert [(note.label, note.text) for note in notes] == [("1", "AT, BE, CY."), ("2", "DE, ES, NL.")]
