"""claim_lineage on two editions of an invented EMN-style study (tests/fixtures/lineage, 2021 and 2025)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.entities import entity_tables
from pipeline.extract import extract_path
from pipeline.footnotes import footnote_tables
from pipeline.model import assemble
from pipeline.run import Processed, document_rows
from pipeline.store import read_table, write_tables
from pipeline.store.lineage import content_words, similarity

STUDIES = sorted((Path(__file__).parent / "fixtures" / "lineage").glob("*.md"))


def table_rows(paths: list[Path]) -> dict[str, list[dict]]:
    processed = [Processed(p.stem, str(p), document=assemble(p.stem, extract_path(p, "text/markdown"))) for p in paths]
    rows = document_rows(processed)
    for item in processed:
        for name, found in footnote_tables(item.document, published=item.document.published).items():
            rows.setdefault(name, []).extend(found)
    for name, found in entity_tables([item.document for item in processed], model=None).items():
        rows.setdefault(name, []).extend(found)
    return rows


@pytest.fixture(scope="module")
def lineage(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("extracted")
    write_tables(out, table_rows(STUDIES), {p.stem for p in STUDIES})
    return read_table(out, "claim_lineage")


def row_for(lineage: pd.DataFrame, kind: str, ref: str) -> dict:
    found = lineage[(lineage["kind"] == kind) & (lineage["to_ref"] == ref)]
    assert len(found) == 1, lineage[["kind", "from_ref", "to_ref", "subject"]]
    return found.iloc[0].to_dict()


def test_a_good_practice_claim_gains_and_loses_countries_between_editions(lineage):
    row = row_for(lineage, "claim", "1")
    assert (row["from_doc_id"], row["to_doc_id"]) == ("emn-study-2021", "emn-study-2025")
    assert (row["from_published"], row["to_published"]) == ("2021-06-14", "2025-03-03")
    assert row["countries_added"] == "EE,LU,PL" and row["countries_dropped"] == "IE"
    assert (row["from_value"], row["to_value"], row["value_change"]) == (9, 11, 2)
    assert "awareness-raising" in row["subject"] and "good practice" in row["subject"]


def test_a_reworded_claim_with_the_same_count_changes_one_country(lineage):
    row = row_for(lineage, "claim", "2")
    assert row["from_ref"] == "2" and row["value_change"] == 0
    assert (row["countries_added"], row["countries_dropped"]) == ("SI", "PT")


def test_a_figure_is_followed_by_its_subject_and_unit(lineage):
    figures = lineage[lineage["kind"] == "figure"]
    assert len(figures) == 1
    row = figures.iloc[0]
    assert (row["subject"], row["unit"], row["from_value"], row["to_value"]) == ("victim", "count", 7032, 10093)


def test_claims_about_different_things_are_not_linked(lineage):
    # 2021's Europol cooperation and 2025's asylum screening share only the count words
    assert "3" not in set(lineage["to_ref"]) and len(lineage) == 3


def test_one_edition_or_one_date_gives_no_lineage(tmp_path):
    single = STUDIES[:1]
    write_tables(tmp_path, table_rows(single), {p.stem for p in single})
    assert len(read_table(tmp_path, "claim_lineage")) == 0
    rows = table_rows(STUDIES)
    for row in rows["documents"]:
        row["published"] = "2025-03-03"
    write_tables(tmp_path / "same-day", rows, {p.stem for p in STUDIES})
    assert len(read_table(tmp_path / "same-day", "claim_lineage")) == 0


def test_content_words_leave_counts_years_and_small_words_aside():
    words = content_words("In 2023, eleven Member States identified awareness-raising campaigns as good practices.")
    assert words == ["identified", "awareness-raising", "campaign", "good", "practice"]
    assert similarity(words, content_words("Nine countries identified good practices in campaigns")) == pytest.approx(0.8)


def test_the_review_app_lists_the_lineage_with_countries_added_and_dropped(tmp_path):
    pytest.importorskip("httpx")
    from starlette.testclient import TestClient

    from pipeline.review.app import create_app

    write_tables(tmp_path, table_rows(STUDIES), {p.stem for p in STUDIES})
    client = TestClient(create_app(tmp_path), base_url="http://127.0.0.1:8765")
    page = client.get("/lineage").text
    assert "3 links between editions" in page
    assert '<span class="chip added">EE</span>' in page and '<span class="chip dropped">IE</span>' in page
    figures = client.get("/lineage", params={"kind": "figure"}).text
    assert "1 links between editions" in figures and "<td>victim</td>" in figures
    assert "0 links" in client.get("/lineage", params={"q": "asylum"}).text


def test_the_report_charts_countries_and_figures_over_editions(tmp_path):
    from pipeline.review.report import render_report

    write_tables(tmp_path, table_rows(STUDIES), {p.stem for p in STUDIES})
    section = render_report(tmp_path).split("<h2>Claims and figures across editions</h2>")[1].split("</section>")[0]
    assert section.count('<polyline class="series"') == 3  # two claims, one figure
    assert "2021-06-14" in section and "2025-03-03" in section
    assert "<td>EE,LU,PL</td><td>IE</td>" in section


def test_running_headers_and_table_rows_are_not_followed():
    from pipeline.store.lineage import claim_lineage

    documents = pd.DataFrame({"doc_id": ["first", "second"], "published": ["2002-12-04", "2003-07-08"],
                              "status": ["ok", "ok"]})
    header = "{} Trafficking in Human Beings; {} report of the Dutch National Rapporteur"
    sentences = {"first": [header.format(page, "First") for page in (12, 14, 16)]
                 + ["Men 12 34% 56 7% 89 10% 11 12% victims", "In 2001 the police identified 224 suspects of trafficking."],
                 "second": [header.format(page, "Second") for page in (20, 22, 24)]
                 + ["Men 21 43% 65 7% 98 1% 11 2% victims", "In 2003 the police identified 148 suspects of trafficking."]}
    figures = pd.DataFrame([{"doc_id": doc_id, "value": float(len(s)), "unit": "count", "subject": "suspects"
                             if "suspects" in s else "victims" if "victims" in s else "trafficking",
                             "section": "body", "start": index, "sentence": s}
                            for doc_id, texts in sentences.items() for index, s in enumerate(texts)])
    empty = pd.DataFrame(columns=["doc_id", "footnote", "footnote_seq", "sentence", "stated_count", "iso2"])
    rows = claim_lineage({"documents": documents, "figures": figures, "claims": empty, "footnote_countries": empty})
    assert [(row["subject"], row["from_ref"], row["to_ref"]) for row in rows] == [("suspect", "4", "4")]
