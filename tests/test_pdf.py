"""PDF extraction: generated reports with known layout (both engines) and real files from ../shared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from pipeline.errors import BrokenDocument, EmptyInput, EncryptedPDF, NoText, PipelineError
from pipeline.model import assemble
from pipeline.extract.pdf.blocks import extract_pdf, join_lines, pdf_date
from pipeline.extract.pdf.chars import open_char_source

from conftest import shared_path
from pdfgen import (NOTE_SIZE, SAMPLE_FOOTNOTES, SAMPLE_HEADER, SAMPLE_TITLE, Section, build_columns_over_table,
                    build_report_pdf, build_sample)

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


LETTER_PARAGRAPHS = [
    "Border guards screened 4,310 travellers in 2023.^1 Labour inspectors^* visited 612 workplaces for the 3^rd "
    "year in a row and found signs of forced labour in 38 of them. In 2023 the shelters took in 212 victims.^a Most "
    "of them had been exploited in agriculture and domestic work, and a growing share were men recruited through "
    "online advertisements by agencies abroad.^b Police officers^† opened 41 investigations into the criminal "
    "exploitation of children.",
]
LETTER_NOTES = {
    "1": "Border Police, annual figures 2023.",
    # wraps so that its second line starts with "a summary": a word, not the label of note "a"
    "*": "Survey of recruitment agencies in the eastern border region, carried out by the Labour Inspectorate in "
         "spring 2024; 11 per cent answered, a summary of the answers is annexed to this report.",
    "a": "Including 17 presumed victims who were identified by labour inspectors.",
    "b": "Survey of recruitment agencies, March 2024.",
    "†": "National Police, figures extracted on 31 January 2024.",
}


@pytest.mark.parametrize("note_labels", ["plain", "raised"])
def test_letter_and_symbol_labels_on_markers_and_notes(tmp_path, engine, note_labels):
    path = tmp_path / "letters.pdf"
    build_report_pdf(path, [Section("Findings", LETTER_PARAGRAPHS)], title="Shelters and inspections",
                     footnotes=LETTER_NOTES, note_labels=note_labels)
    extraction = extract_pdf(path.read_bytes(), engine=engine)
    notes = {b.label: b.text for b in extraction.blocks if b.kind == "footnote"}
    assert notes == LETTER_NOTES
    contexts = marker_contexts(extraction, 8)
    assert {("1", "in 2023."), ("*", "spectors"), ("a", "victims."), ("b", " abroad."), ("†", "officers")} <= contexts
    text = body_text(extraction)
    assert "for the 3rd year" in text  # an ordinal, not a marker
    assert "victims.a" not in text and "abroad.b" not in text
    assert "Including 17" not in text and "a summary" not in text


# --- layouts met in real reports ---------------------------------------------------------------------

def paragraph_texts(extraction):
    return [b.text for b in extraction.blocks if b.kind == "paragraph"]


def test_two_columns_with_a_gutter_only_an_em_wide(tmp_path, engine):
    path = tmp_path / "narrow.pdf"
    build_report_pdf(path, [Section("1 Findings", PARAGRAPHS * 3)], title="Monitoring report on labour exploitation",
                     footnotes=NOTES, columns=2, gutter=12.0, hyphenate=False)
    extraction = extract_pdf(path.read_bytes(), engine=engine)
    assert paragraph_texts(extraction) == [re.sub(r"\^\d", "", p) for p in PARAGRAPHS * 3]


SPACED_PARAGRAPHS = [
    "Alpha paragraph. The data from the flight recorders, as summarised in reports ^1 of the investigation "
    "boards, show that border guards screened 4,310 travellers for signs of exploitation in 2023.",
    "Beta paragraph. Labour inspectors visited 612 workplaces in agriculture, food processing and cleaning and "
    "found indications of forced labour in 38 of them, mostly among seasonal workers from non-EU countries.",
    "Gamma paragraph. Prosecutors opened 96 cases of criminal exploitation in which children were forced to "
    "steal or to sell drugs, an increase that they attribute to the training ^2 of investigators.",
]
SPACED_NOTES = {
    "1": "Reports of the investigation boards of 2023 and 2024, published in the official gazette and available "
         "on request from the secretariat of the national referral mechanism.",
    "2": "Training programme of the police academy, third edition, which ran from January to June 2023.",
}


def test_three_narrow_columns_indented_note_labels_and_markers_after_a_space(tmp_path, engine):
    path = tmp_path / "three.pdf"
    build_report_pdf(path, [Section("Findings", SPACED_PARAGRAPHS * 5)], title="Three columns",
                     footnotes=SPACED_NOTES, columns=3, gutter=9.0, note_labels="indented", hyphenate=False)
    extraction = extract_pdf(path.read_bytes(), engine=engine)
    assert paragraph_texts(extraction) == [re.sub(r" \^\d", "", p) for p in SPACED_PARAGRAPHS * 5]
    assert {b.label: b.text for b in extraction.blocks if b.kind == "footnote"} == SPACED_NOTES
    assert {("1", " reports"), ("2", "training")} <= marker_contexts(extraction, 8)


TABLE_ROWS = [["Row", "Year", "Victims", "Suspects", "Convictions"]] + [
    [str(n), str(2017 + n), f"{380 + 17 * n}", f"{120 + 9 * n}", f"{40 + 3 * n}"] for n in range(1, 7)]


def test_columns_over_a_full_width_table_whose_rows_are_not_footnotes(tmp_path, engine):
    path = tmp_path / "brief.pdf"
    paragraphs = [re.sub(r" \^\d", "", p) for p in SPACED_PARAGRAPHS] + PARAGRAPHS[1:3]
    build_columns_over_table(path, paragraphs, TABLE_ROWS, title="Statistical brief")
    extraction = extract_pdf(path.read_bytes(), engine=engine)
    texts = paragraph_texts(extraction)
    assert texts[:5] == paragraphs
    assert not [b for b in extraction.blocks if b.kind == "footnote"]
    assert [b.text for b in extraction.blocks if b.kind == "heading"][-1] == "Table 1. Cases by year"
    assert " ".join(texts[5:]) == " ".join(" ".join(row) for row in TABLE_ROWS)


def test_exponents_in_formulas_are_not_markers(tmp_path, engine):
    path = tmp_path / "formula.pdf"
    paragraphs = ["The model of the study^1 uses the identity cos^2(u) + sin^2(u) for every angle u, and the "
                  "estimate grows with the square of the number of registrations in each region."]
    build_report_pdf(path, [Section("Method", paragraphs)], title="Estimating hidden victims",
                     footnotes={"1": "Capture-recapture study of 2022."}, hyphenate=False)
    extraction = extract_pdf(path.read_bytes(), engine=engine)
    assert "identity cos2(u) + sin2(u) for" in body_text(extraction)
    assert [m.label for b in extraction.blocks for m in b.markers] == ["1"]


def test_endnotes_listed_after_the_text_become_footnotes(tmp_path, engine):
    path = tmp_path / "endnotes.pdf"
    build_report_pdf(path, [Section("Findings", PARAGRAPHS)], title="Endnotes", footnotes=NOTES,
                     note_labels="endnotes", hyphenate=False)
    extraction = extract_pdf(path.read_bytes(), engine=engine)
    assert {b.label: b.text for b in extraction.blocks if b.kind == "footnote"} == NOTES
    assert {("1", "support."), ("2", "ntances.")} <= marker_contexts(extraction, 8)


def test_a_numbered_reference_list_under_a_heading_is_no_footnote_zone(tmp_path, engine):
    path = tmp_path / "references.pdf"
    references = ["1. United Nations, Treaty Series, vol. 2237, No. 39574.",
                  "2. Eurostat, Trafficking in Human Beings, Methodologies and Working Papers (Luxembourg, 2013)."]
    sections = [Section("Findings", [re.sub(r"\^\d", "", p) for p in PARAGRAPHS[:2]]),
                Section("References", references, size=NOTE_SIZE)]
    build_report_pdf(path, sections, title="References", footnotes={}, hyphenate=False)
    extraction = extract_pdf(path.read_bytes(), engine=engine)
    assert not [b for b in extraction.blocks if b.kind == "footnote"]
    assert [b.text for b in extraction.blocks if b.kind == "list_item"] == references


def test_text_outside_the_page_box_is_ignored(tmp_path, engine):
    path = tmp_path / "spread.pdf"
    canvas = Canvas(str(path), pagesize=(480, 680))
    canvas.setFont("Helvetica", 11)
    canvas.drawString(-400, 600, "The back cover of the spread lies left of this page.")
    canvas.drawString(60, 600, "Only this sentence is on the page.")
    canvas.showPage()
    canvas.save()
    assert [b.text for b in extract_pdf(path.read_bytes(), engine=engine).blocks] == \
        ["Only this sentence is on the page."]


LAYOUTS = {
    "letters": lambda path: build_report_pdf(path, [Section("Findings", LETTER_PARAGRAPHS)], title="Letters",
                                             footnotes=LETTER_NOTES),
    "narrow gutter": lambda path: build_report_pdf(path, [Section("1 Findings", PARAGRAPHS * 3)], title="Narrow",
                                                   footnotes=NOTES, columns=2, gutter=12.0),
    "three columns": lambda path: build_report_pdf(path, [Section("Findings", SPACED_PARAGRAPHS * 5)],
                                                   title="Three", footnotes=SPACED_NOTES, columns=3, gutter=9.0,
                                                   note_labels="indented"),
    "columns over a table": lambda path: build_columns_over_table(path, PARAGRAPHS, TABLE_ROWS, title="Brief"),
    "endnotes": lambda path: build_report_pdf(path, [Section("Findings", PARAGRAPHS)], title="Endnotes",
                                              footnotes=NOTES, note_labels="endnotes"),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_both_engines_give_the_same_blocks_on_other_layouts(tmp_path, layout):
    path = tmp_path / "layout.pdf"
    LAYOUTS[layout](path)
    plumber, pdfium = (extract_pdf(path.read_bytes(), engine=e) for e in ENGINES)
    assert [(b.kind, b.text, b.label, b.page) for b in plumber.blocks] == \
        [(b.kind, b.text, b.label, b.page) for b in pdfium.blocks]
    assert [(m.label, m.offset) for b in plumber.blocks for m in b.markers] == \
        [(m.label, m.offset) for b in pdfium.blocks for m in b.markers]


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


def pageless_pdf() -> bytes:
    import io

    import pypdfium2

    empty = io.BytesIO()
    pypdfium2.PdfDocument.new().save(empty)
    return empty.getvalue()


def encrypted_pdf() -> bytes:
    import io

    buffer = io.BytesIO()
    canvas = Canvas(buffer, encrypt="secret")
    canvas.drawString(100, 700, "Confidential victim data")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def readable_pdf() -> bytes:
    import io

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "Readable text")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_pdf_without_pages_is_broken(engine):
    with pytest.raises(BrokenDocument):
        open_char_source(pageless_pdf(), engine)


def open_outcome(data: bytes, engine: str) -> str:
    try:
        open_char_source(data, engine).close()
    except PipelineError as error:
        return error.reason
    return "ok"


KINDS = {"encrypted": (encrypted_pdf, "encrypted"), "pageless": (pageless_pdf, "broken"),
         "garbage": (lambda: b"%PDF-1.4\n" + bytes(range(256)) * 8, "broken"), "readable": (readable_pdf, "ok")}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("order", [("encrypted", "pageless"), ("pageless", "encrypted", "pageless"),
                                   ("encrypted", "readable", "pageless"), ("encrypted", "garbage", "encrypted"),
                                   ("garbage", "encrypted", "pageless", "readable", "pageless")])
def test_a_status_never_depends_on_what_was_opened_before(engine, order):
    outcomes = [(kind, open_outcome(KINDS[kind][0](), engine)) for kind in order]
    assert outcomes == [(kind, KINDS[kind][1]) for kind in order]


@pytest.mark.parametrize("engine", ["pdfplumber", "pypdfium2"])
def test_both_engines_read_the_footnote_separators(engine):
    """LibreOffice draws each column's separator as a thin rectangle: a rule at each column's left."""
    data = (Path(__file__).parent / "fixtures" / "pdf" / "lo-twocol.pdf").read_bytes()
    source = open_char_source(data, engine)
    try:
        first = next(iter(source.pages()))
    finally:
        source.close()
    rules = sorted((round(rule.x0), round(rule.top)) for rule in first.rules)
    assert rules == [(68, 644), (306, 719)]


def test_the_library_and_the_settings_default_to_the_same_engine():
    from pipeline.extract.pdf import DEFAULT_ENGINE
    from pipeline.settings import Settings

    assert Settings().pdf_engine == DEFAULT_ENGINE == "pypdfium2"
