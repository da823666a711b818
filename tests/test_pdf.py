"""PDF extraction: generated reports with known layout (both engines) and real files from ../shared."""

from __future__ import annotations

import re

import pytest
from reportlab.pdfgen.canvas import Canvas

from pipeline.errors import BrokenDocument, EmptyInput, EncryptedPDF, NoText, PipelineError
from pipeline.model import assemble
from pipeline.pdf import extract_pdf, join_lines, pdf_date
from pipeline.pdfchars import open_char_source

from conftest import shared_path
from pdfgen import SAMPLE_FOOTNOTES, SAMPLE_HEADER, SAMPLE_TITLE, Section, build_report_pdf, build_sample

ENGINES = ["pdfplumber", "pypdfium2"]


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    info = build_sample(path)
    return path.read_bytes(), info


def text_before(block, marker, width):
    return block.text[max(0, marker.offset - width):marker.offset]


def marker_contexts(extraction, width=12):
    return {(m.label, text_before(b, m, width)) for b in extraction.blocks for m in b.markers}


def body_text(extraction):
    return "\n".join(b.text for b in extraction.blocks if b.kind != "footnote")


# --- the generated sample report ---------------------------------------------------------------------

def test_markers_are_kept_apart_from_words_numbers_and_full_stops(sample, engine):
    data, _ = sample
    extraction = extract_pdf(data, engine=engine)
    contexts = marker_contexts(extraction, 9)
    assert ("1", "Directive") in contexts
    assert ("3", "2021-2025") in contexts
    assert ("5", "industry.") in contexts
    assert ("4", " reported") in contexts
    text = body_text(extraction)
    for glued in ("Directive1", "2021-20253", "industry.5", "reported4", "States7"):
        assert glued not in text
    labels = sorted((m.label for b in extraction.blocks for m in b.markers), key=int)
    assert labels == sorted(SAMPLE_FOOTNOTES, key=int)


def test_footnotes_are_separate_blocks_with_labels_and_pages(sample, engine):
    data, info = sample
    extraction = extract_pdf(data, engine=engine)
    notes = {b.label: b for b in extraction.blocks if b.kind == "footnote"}
    assert set(notes) == set(SAMPLE_FOOTNOTES)
    assert {label: b.page for label, b in notes.items()} == info.footnote_pages
    assert notes["4"].text == SAMPLE_FOOTNOTES["4"]
    assert notes["1"].text == SAMPLE_FOOTNOTES["1"]  # two lines joined
    body = body_text(extraction)
    assert "BE, BG, CY, DE" not in body and "OJ L 101" not in body


def test_running_header_and_page_numbers_are_gone(sample, engine):
    data, info = sample
    extraction = extract_pdf(data, engine=engine)
    text = assemble("sample", extraction).text
    assert SAMPLE_HEADER not in text
    assert not re.search(r"Page \d of \d", text)
    assert extraction.n_pages == info.pages == 4


def test_line_end_hyphens_are_resolved(sample, engine):
    data, info = sample
    text = assemble("sample", extract_pdf(data, engine=engine)).text
    assert info.hyphenated, "the sample should hyphenate some words"
    for head, rest, word in info.hyphenated:
        assert word in text
        assert f"{head} {rest}" not in text and f"{head}{rest}" not in text.replace(word, "")


def test_paragraph_over_a_page_break_is_one_block(sample, engine):
    data, info = sample
    extraction = extract_pdf(data, engine=engine)
    assert info.split_paragraphs
    for paragraph in info.split_paragraphs:
        assert paragraph in [b.text for b in extraction.blocks if b.kind == "paragraph"]


def test_title_date_headings_and_list_items(sample, engine):
    data, _ = sample
    extraction = extract_pdf(data, engine=engine)
    assert extraction.title == SAMPLE_TITLE
    assert extraction.published == "2024-03-12"
    headings = [b.text for b in extraction.blocks if b.kind == "heading"]
    assert headings[:3] == [SAMPLE_TITLE, "Summary", "1 Introduction"]
    assert "6 Recommendations" in headings
    items = [b.text for b in extraction.blocks if b.kind == "list_item"]
    assert items[0] == "fund specialised shelters for male victims and for victims with children;"
    assert len(items) == 3


def test_both_engines_give_the_same_blocks(sample):
    data, _ = sample
    plumber, pdfium = (extract_pdf(data, engine=e) for e in ENGINES)
    assert [(b.kind, b.text, b.label, b.page) for b in plumber.blocks] == \
        [(b.kind, b.text, b.label, b.page) for b in pdfium.blocks]
    assert marker_contexts(plumber) == marker_contexts(pdfium)


# --- other layouts -----------------------------------------------------------------------------------

PARAGRAPHS = [
    "Alpha paragraph. Border guards at the eastern crossings screened 4,310 travellers for signs of "
    "exploitation in 2023 and referred 57 of them to the national referral mechanism for further support.^1",
    "Beta paragraph. Labour inspectors visited 612 workplaces in agriculture, food processing and cleaning and "
    "found indications of forced labour in 38 of them, mostly among seasonal workers from non-EU countries.",
    "Gamma paragraph. Prosecutors opened 96 cases of criminal exploitation, in which children were forced to "
    "steal or to sell drugs, compared with 41 such cases in 2022, an increase that they attribute to training.",
    "Delta paragraph. Shelters for men remained full during most of the year, and victims waited on average "
    "three weeks for a place, staying in the meantime in general homeless services or with acquaintances.^2",
]
NOTES = {"1": "Border Police, annual figures 2023.", "2": "Survey of shelter organisations, March 2024."}


def test_two_columns_are_read_column_by_column(tmp_path, engine):
    path = tmp_path / "columns.pdf"
    sections = [Section("1 Findings", PARAGRAPHS * 3)]
    build_report_pdf(path, sections, title="Monitoring report on labour exploitation", footnotes=NOTES,
                     columns=2, running_header="Monitoring report 2024", hyphenate=False)
    extraction = extract_pdf(path.read_bytes(), engine=engine)
    paragraphs = [b.text for b in extraction.blocks if b.kind == "paragraph"]
    expected = [re.sub(r"\^\d", "", p) for p in PARAGRAPHS * 3]
    assert paragraphs == expected
    assert {b.label for b in extraction.blocks if b.kind == "footnote"} == {"1", "2"}


def test_raised_footnote_labels_printer_slug_and_title_from_the_largest_font(tmp_path, engine):
    path = tmp_path / "raised.pdf"
    sections = [Section("Findings", PARAGRAPHS * 2), Section("Outlook", PARAGRAPHS[:2])]
    build_report_pdf(path, sections, title="Labour exploitation in seasonal work", footnotes=NOTES,
                     note_labels="raised", printer_slug="24-00117_inner_E_ck")
    extraction = extract_pdf(path.read_bytes(), engine=engine)
    text = assemble("raised", extraction).text
    assert "indd" not in text and "24-00117" not in text
    notes = {(b.label, b.text) for b in extraction.blocks if b.kind == "footnote"}
    assert ("1", NOTES["1"]) in notes and ("2", NOTES["2"]) in notes
    assert extraction.title == "Labour exploitation in seasonal work"
    assert extraction.published is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", extraction.published)


# --- bad input ---------------------------------------------------------------------------------------

def test_empty_input_garbage_and_image_only_pdfs_give_domain_errors(tmp_path, engine):
    with pytest.raises(EmptyInput):
        extract_pdf(b"", engine=engine)
    with pytest.raises(BrokenDocument):
        extract_pdf(b"%PDF-1.4\n" + bytes(range(256)) * 8, engine=engine)
    blank = tmp_path / "scan.pdf"
    canvas = Canvas(str(blank))
    canvas.rect(100, 100, 300, 400, fill=1)
    canvas.showPage()
    canvas.save()
    with pytest.raises(NoText, match="no extractable text"):
        extract_pdf(blank.read_bytes(), engine=engine)


def test_a_password_protected_pdf_is_encrypted(tmp_path, engine):
    path = tmp_path / "locked.pdf"
    canvas = Canvas(str(path), encrypt="secret")
    canvas.drawString(100, 700, "Confidential victim data")
    canvas.showPage()
    canvas.save()
    with pytest.raises(EncryptedPDF):
        extract_pdf(path.read_bytes(), engine=engine)


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine"):
        open_char_source(b"%PDF-1.4", "mupdf")


@pytest.mark.parametrize(("text", "piece", "joined"), [
    ("against traf-", "ficking in", "against trafficking in"),
    ("the plan 2021-", "2025 was", "the plan 2021-2025 was"),
    ("from non-", "EU countries", "from non-EU countries"),
    ("by non-", "governmental groups", "by non-governmental groups"),
    ("see https://example.org/", "report", "see https://example.org/report"),
    ("end of a sentence.", "Next one", "end of a sentence. Next one"),
])
def test_joining_lines(text, piece, joined):
    assert join_lines(text, piece)[0] == joined


@pytest.mark.parametrize(("raw", "iso"), [
    ("D:20140722170310+02'00'", "2014-07-22"), ("20230101", "2023-01-01"), ("D:1999", None), (None, None),
    ("D:20231345000000Z", None),
])
def test_pdf_dates(raw, iso):
    assert pdf_date(raw) == iso


# --- real files --------------------------------------------------------------------------------------

def real(*parts):
    return shared_path("corpus", "pdf", *parts).read_bytes()


def markers_after(extraction, word):
    return {(m.label, m.page) for b in extraction.blocks for m in b.markers if b.text[:m.offset].endswith(word)}


def test_real_marker_after_a_full_stop(engine):
    extraction = extract_pdf(real("thb_dutch_rapporteur", "NR_P0088D02_legalised_prostitution_trafficking.pdf"),
                             engine=engine)
    assert ("1", 1) in markers_after(extraction, "industry.")
    assert "industry.1" not in body_text(extraction)
    notes = {b.label for b in extraction.blocks if b.kind == "footnote"}
    assert {str(n) for n in range(1, 20)} <= notes


def test_real_marker_after_a_word(engine):
    extraction = extract_pdf(real("thb_dutch_rapporteur", "NR_P0029D02_AntiTraffickingReview_national_judges.pdf"),
                             engine=engine)
    assert ("1", 1) in markers_after(extraction, "Protocol")
    assert "Protocol1" not in body_text(extraction)


def test_real_marker_after_a_year_and_full_stop(engine):
    extraction = extract_pdf(real("eu_us_gov_icdar2013", "us-001.pdf"), engine=engine)
    assert markers_after(extraction, "in 2010.")
    assert "2010.8" not in body_text(extraction)


def test_real_marker_after_a_parenthesis_and_its_footnote(engine):
    extraction = extract_pdf(real("footnotes_misc", "dmca.pdf"), engine=engine)
    assert ("1", 1) in markers_after(extraction, "(DMCA)")
    notes = [b for b in extraction.blocks if b.kind == "footnote"]
    assert notes[0].label == "1" and notes[0].text.startswith("Pub. L. No. 105-304")
    assert "Pub. L. No." not in body_text(extraction)


def test_real_figure_notes_listing_country_codes(engine):
    extraction = extract_pdf(real("eu_us_gov_icdar2013", "eu-019.pdf"), engine=engine)
    for word in ("reported", "EU", "MSs"):
        assert markers_after(extraction, word), word
    notes = [b for b in extraction.blocks if b.kind == "footnote" and b.label == "2"]
    assert any(b.text.lower().startswith("includes data from: at, be, cy") for b in notes)


def test_every_malformed_pdf_extracts_or_raises_a_domain_error(engine):
    folder = shared_path("corpus", "pdf", "malformed")
    outcomes = {}
    for path in sorted(folder.glob("*.pdf")):
        try:
            extraction = extract_pdf(path.read_bytes(), engine=engine)
            outcomes[path.name] = "ok" if extraction.blocks else "empty"
        except PipelineError as error:
            outcomes[path.name] = error.reason
    assert outcomes["empty.pdf"] == "empty"
    assert outcomes["password-example.pdf"] == outcomes["aes-256.pdf"] == "encrypted"
    assert outcomes["NR_P0131D02_word_doc_with_pdf_extension.pdf"] == "broken"
    assert outcomes["helloworld-bad.pdf"] == "ok"
    assert "empty" not in set(outcomes.values()) - {outcomes["empty.pdf"]}
