"""Publication types and references: fixtures of our own for each type, the documents row,
and the real files of ../shared (share typed right per family, against floors_doctype.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from conftest import shared_path
from pipeline.extract import extract_path
from pipeline.extract.doctype import DOC_TYPES, detect_publication, publication_of
from pipeline.ingest.filetypes import sniff
from pipeline.model import Block, Extraction, assemble

FLOORS = tomllib.loads((Path(__file__).parent / "floors_doctype.toml").read_text())["doctype"]

# (url, title, first page, content type, published) -> (doc_type, reference, round, country, publisher)
FIXTURES = [
    pytest.param("https://ec.europa.eu/commission/presscorner/detail/en/ip_25_1234",
                 "Commission steps up the fight against trafficking", "Brussels, 3 March 2025. The European "
                 "Commission today proposed ...", "text/html", "2025-03-03",
                 ("commission_press_release", "IP/25/1234", None, None, "European Commission"), id="commission-url"),
    pytest.param(None, "Questions and answers", "European Commission - Press release | IP/24/987 | Brussels, "
                 "12 June 2024", "application/pdf", None,
                 ("commission_press_release", "IP/24/987", None, None, "European Commission"), id="commission-text"),
    pytest.param(None, "Speech by the Commissioner", "European Commission | SPEECH/23/4521 | Check against delivery",
                 "text/html", "2023-09-01", ("speech", "SPEECH/23/4521", None, None, "European Commission"),
                 id="commission-speech"),
    pytest.param("https://www.europarl.europa.eu/news/en/press-room/20240423IPR20988/new-rules-trafficking",
                 "New rules to fight trafficking | News | European Parliament", "Parliament adopted ...",
                 "text/html", "2024-04-23",
                 ("parliament_press_release", "20240423IPR20988", None, None, "European Parliament"), id="ipr"),
    pytest.param(None, "Evaluation Report Ukraine", "GRETA(2024)07 | Evaluation Report | Ukraine | Third evaluation "
                 "round | Access to justice and effective remedies for victims of trafficking in human beings | "
                 "Report concerning the implementation of the Council of Europe Convention on Action against "
                 "Trafficking in Human Beings by Ukraine", "application/pdf", "2024-06-14",
                 ("greta_report", "GRETA(2024)07", 3, "UA", "GRETA, Council of Europe"), id="greta"),
    pytest.param(None, "Report on Moldova", "Report concerning the implementation of the Council of Europe "
                 "Convention on Action against Trafficking in Human Beings by the Republic of Moldova | Second "
                 "evaluation round | GRETA(2016)9", "application/pdf", "2016-06-10",
                 ("greta_report", "GRETA(2016)9", 2, "MD", "GRETA, Council of Europe"), id="greta-moldova"),
    pytest.param(None, "GRETA 50th meeting report", "GRETA(2023)01 | Meeting report of the 50th plenary meeting",
                 "application/pdf", "2023-04-01", ("report", None, None, None, None), id="greta-not-evaluation"),
    pytest.param(None, "Trafficking in human beings - the international dimension", "EMN Study | Trafficking in "
                 "human beings - the international dimension | June 2025", "application/pdf", "2025-06-30",
                 ("emn_study", "Trafficking in human beings - the international dimension", None, None,
                  "European Migration Network"), id="emn-study"),
    pytest.param(None, "Labour exploitation of third-country nationals", "EMN INFORM | Labour exploitation of "
                 "third-country nationals | 2019", "application/pdf", "2019-06-14",
                 ("emn_inform", "Labour exploitation of third-country nationals", None, None,
                  "European Migration Network"), id="emn-inform"),
    pytest.param(None, "New EMN study on trafficking", "New EMN study on trafficking | Press release: | 16 July 2025 "
                 "| The European Migration Network (EMN) has published the study ...", "text/markdown", "2025-07-16",
                 ("press_release", None, None, None, "European Migration Network"), id="emn-press-release"),
    pytest.param("https://www.police.example/media/press-releases/2025/raid", "Raid in Rotterdam", "Officers "
                 "arrested four suspects ...", "text/html", "2025-03-18", ("press_release", None, None, None, None),
                 id="press-release-url"),
    pytest.param("https://home-affairs.ec.europa.eu/news/networks-meet_en", "Networks meet", "Migration and Home "
                 "Affairs | News article | 11 December 2024 | Directorate-General for Migration and Home Affairs",
                 "text/html", "2024-12-11", ("commission_news", None, None, None, "European Commission"),
                 id="commission-news"),
    pytest.param("https://www.gov.uk/government/news/new-support-for-victims", "New support for victims",
                 "From: Home Office | Published 3 May 2024 | Victims of modern slavery will get ...", "text/html",
                 "2024-05-03", ("ministry_news", None, None, None, "Home Office"), id="ministry-url"),
    pytest.param(None, "Aanpak mensenhandel", "Nieuwsbericht | 12-01-2024 | Ministerie van Justitie en Veiligheid | "
                 "Het kabinet trekt extra geld uit ...", "text/html", "2024-01-12",
                 ("ministry_news", None, None, None, "Ministerie van Justitie en Veiligheid"), id="ministry-text"),
    pytest.param(None, "Speech by the National Rapporteur", "Speech by the National Rapporteur at the conference "
                 "on 18 October 2024", "application/pdf", "2024-10-18", ("speech", None, None, None, None),
                 id="speech"),
    pytest.param(None, "Trafficking in human beings: annual figures", "National Rapporteur | Annual report "
                 "2023 | The Hague", "application/pdf", "2024-02-01", ("report", None, None, None, None), id="report"),
    pytest.param(None, "The Prominent Role of National Judges", "Anti-Trafficking Review, issue 6, 2016, pp. 53-69, "
                 "www.antitraffickingreview.org | DOI: 10.14197/atr.20121666 | Abstract | ...", "application/pdf",
                 "2016-05-16", ("other", "10.14197/atr.20121666", None, None, None), id="doi"),
    pytest.param(None, "Annual report 2022", "Annual report 2022 | ISBN 978-92-76-12345-6 | Luxembourg: "
                 "Publications Office", "application/pdf", "2023-01-01",
                 ("report", "ISBN 978-92-76-12345-6", None, None, None), id="isbn"),
    pytest.param("https://example.org/2024/05/raid", "Police raid", "Police raided three premises on Tuesday ...",
                 "text/html", None, ("news", None, None, None, None), id="news-url"),
    pytest.param(None, "Supreme Court of the United States", "No. 12-8561 | In The Supreme Court of the United "
                 "States | Petitioner, vs. Respondents", "application/pdf", "2013-11-20",
                 ("other", None, None, None, None), id="other"),
]


@pytest.mark.parametrize("url, title, text, content_type, published, expected", FIXTURES)
def test_each_publication_type_and_its_reference(url, title, text, content_type, published, expected):
    found = detect_publication(url=url, title=title, text=text, content_type=content_type, published=published)
    assert (found.doc_type, found.reference, found.greta_round, found.evaluated_country, found.publisher) == expected
    assert found.doc_type in DOC_TYPES
    assert (found.evidence is None) is (found.doc_type == "other")


def test_first_page_of_a_pdf_decides_not_the_rest():
    blocks = [Block("paragraph", "Speech by the Minister at the opening", page=1),
              Block("paragraph", "EMN Study on trafficking, cited later", page=2)]
    document = assemble("d", Extraction(blocks, title="Opening", n_pages=2))
    assert publication_of(document, url=None, content_type="application/pdf").doc_type == "speech"


def test_documents_rows_carry_type_and_reference(tmp_path):
    from pipeline.run import Processed, document_rows
    from pipeline.schema import TABLES

    document = assemble("d", Extraction([Block("paragraph", "Brussels, 3 March 2025. The Commission proposed ...")],
                                        title="Commission acts", published="2025-03-03"))
    ok = Processed("d", "https://ec.europa.eu/commission/presscorner/detail/en/ip_25_1234",
                   "https://ec.europa.eu/commission/presscorner/detail/en/ip_25_1234", "text/html", "ab",
                   document=document)
    from pipeline.errors import TerminalError

    failed = Processed("e", "broken.pdf", error=TerminalError("no pages", reason="broken"))
    rows = document_rows([ok, failed])["documents"]
    assert list(rows[0]) == list(TABLES["documents"].columns)
    assert (rows[0]["doc_type"], rows[0]["reference"], rows[0]["doc_type_from"]) == \
        ("commission_press_release", "IP/25/1234", "url")
    assert rows[1]["doc_type"] is None and rows[1]["reference"] is None and rows[1]["status"] == "broken"


# --- real files ----------------------------------------------------------------------------------

GOLD = {
    "thb_dutch_rapporteur": {
        "NR_P0001D01_NL_factsheet_dadermonitor_2013-2017.pdf": "report",
        "NR_P0013D01_speech_SDG16.2_New_York_2017.pdf": "speech",
        "NR_P0014D01_UNODC_MSE_research_brief_SDG16.2_NL_2010-2015.pdf": "report",
        "NR_P0016D02_effective_prevention_summary.pdf": "report",
        "NR_P0029D02_AntiTraffickingReview_national_judges.pdf": "other",       # journal article
        "NR_P0041D01_expert_paper_countries_of_demand.pdf": "report",
        "NR_P0063D01_UNODC_Forum_on_Crime_and_Society_vol8_2015.pdf": "other",  # journal issue
        "NR_P0086D01_US_Supreme_Court_brief_Paroline_12-8561.pdf": "other",     # court brief
        "NR_P0088D02_legalised_prostitution_trafficking.pdf": "other",          # short paper
        "NR_P0104D05_THB_visible_invisible_quantitative_2007-2011.pdf": "report",
        "NR_P0110D02_THB_organ_removal_surrogacy.pdf": "report",
        "NR_P0119D02_NL_vervolging_berechting_2006-2010.pdf": "report",
        "NR_P0133D01_trafficking_outside_sex_industry_2006.pdf": "other",       # book chapter
        "NR_P0136D03_4th_report_supplementary_figures_2005.pdf": "report",
        "NR_P0138D03_2nd_report_supplementary_figures.pdf": "report",
        "NR_P0139D02_First_report_Dutch_National_Rapporteur_2002.pdf": "report",
    },
    # pages taken out of EU and US government reports
    "eu_us_gov_icdar2013": {name: "report" for name in (
        "eu-004.pdf", "eu-008.pdf", "eu-011.pdf", "eu-012.pdf", "eu-015.pdf", "eu-016.pdf", "eu-017.pdf",
        "eu-018.pdf", "eu-019.pdf", "us-001.pdf", "us-022.pdf", "us-027.pdf")},
    "europarl": {
        "document_rc-10-2025-0249-en.html": "other",
        "oeil-document-summary_1864147.html": "other",
        "press-release_20190712IPR56948.html": "parliament_press_release",
        "press-release_20241212IPR25960.html": "parliament_press_release",
        "press-release_20250204IPR26689.html": "parliament_press_release",
    },
    "trafilatura_eval": {name: "news" for name in (
        "aclu.org-grades.html", "bostonherald.com-Brothel-catering.html", "breakingbelizenews.com-paho.html",
        "diem25.org.climate.html", "fivethirtyeight.com.endorsement.html", "jamaica.gleaner.com-victims.html",
        "kas.de-nordmazedonien.html", "standard.co.uk.caribbean.html", "theintercept.com-Gaza.html",
        "ticotimes.net-migration.html")},
}
FAMILY_DIRS = {"thb_dutch_rapporteur": "pdf", "eu_us_gov_icdar2013": "pdf", "europarl": "html",
               "trafilatura_eval": "html"}


def _typed(path: Path, content_type: str | None = None) -> str:
    content_type = content_type or sniff(path.read_bytes()[:4096], path.name)
    document = assemble("x", extract_path(path, content_type, pdf_engine="pypdfium2"))
    return publication_of(document, url=str(path), content_type=content_type).doc_type


@pytest.mark.parametrize("family", sorted(GOLD))
def test_real_files_are_typed_right_per_family(family):
    folder = shared_path("corpus") / FAMILY_DIRS[family] / family
    results = {name: _typed(folder / name) for name in GOLD[family]}
    right = [name for name, doc_type in results.items() if doc_type == GOLD[family][name]]
    print(f"{family}: {len(right)}/{len(results)} typed right; wrong: "
          f"{ {name: results[name] for name in results if name not in right} }")
    assert len(right) / len(results) >= FLOORS[family]


def test_seeds_are_a_commission_news_item_and_an_emn_press_release():
    seeds = shared_path("seeds")
    results = [_typed(path, "text/markdown") for path in sorted(seeds.glob("00*.txt"))]
    print(f"seeds: {results}")
    assert results == ["commission_news", "press_release"]
