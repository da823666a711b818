"""The static run report: charts of the run's documents, claims, figures and organisations, offline."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.review.report import claim_country_matrix, figures_over_time, render_report, write_report  # noqa: E402
from pipeline.review.decisions import keyed_table, record_decision  # noqa: E402
from pipeline.run import ingest  # noqa: E402
from pipeline.store.tables import parquet_path  # noqa: E402
from test_review import PRESS, add_entity_tables, doc_id_of  # noqa: E402


@pytest.fixture(scope="module")
def report_run(tmp_path_factory) -> Path:
    """The samples plus a broken PDF, so the report has a failure to show."""
    from pipeline.settings import SAMPLES_DIR, Settings

    root = tmp_path_factory.mktemp("report-run")
    inputs = root / "inputs"
    shutil.copytree(SAMPLES_DIR, inputs)
    (inputs / "truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n")
    settings = Settings(out_dir=root / "extracted", raw_dir=root / "raw", workers=2, nlp=False)
    summary = ingest([inputs], settings)
    assert summary.documents_ok == 4 and summary.documents_failed == 1
    return settings.out_dir


@pytest.fixture
def out_dir(report_run, tmp_path) -> Path:
    copy = tmp_path / "extracted"
    shutil.copytree(report_run, copy)
    return copy


def chart_data(page: str, chart_id: str) -> list[list[str]]:
    """The rows of the data table under the chart ``chart_id`` (what its SVG draws)."""
    match = re.search(rf'<figure id="{chart_id}" class="chart">(.*?)</figure>', page, re.S)
    assert match and "<svg" in match.group(1), f"no chart {chart_id}"
    assert "<rect" in match.group(1) or "<circle" in match.group(1), f"chart {chart_id} draws nothing"
    table = match.group(1).split("<details>")[1]
    return [[html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", table) if "<td>" in row]


def test_report_is_one_offline_file_with_every_chart(out_dir):
    add_entity_tables(out_dir)
    path = write_report(out_dir)
    assert path == out_dir / "report.html"
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", page)  # nothing to fetch
    assert "<script" not in page and len(page.encode()) < 1_000_000  # static SVG: no script, under 1 MB
    for chart in ("chart-documents", "chart-claims", "chart-figures-count", "chart-figures-percent",
                  "chart-organisations"):
        assert f'id="{chart}"' in page, chart
    assert "<b>5</b> documents processed: <b>4</b> ok, <b>1</b> failed" in page
    assert "truncated.pdf" in page  # the failure is listed with its source
    statuses = {status: int(n) for status, n in chart_data(page, "chart-documents")}
    assert statuses["ok"] == 4 and sum(statuses.values()) == 5


def test_heatmap_shows_the_countries_behind_each_claim(out_dir):
    page = render_report(out_dir)
    rows = chart_data(page, "chart-claims")
    (countries,) = [c for label, c in rows if label.startswith("Briefing note") and "fn 2 ·" in label]
    listed = set(countries.split(", "))
    assert listed == {"AT", "HR", "SI"}  # footnote 2 of the note: "AT, HR, SI."


def test_claim_country_matrix():
    claims = pd.DataFrame({"doc_id": ["d", "d", "d"], "marker_offset": [10, 50, 90],
                           "countries": ["FR, DE", "DE", None]})
    matrix = claim_country_matrix(claims)
    assert list(matrix.columns) == ["DE", "FR"]  # most listed first
    assert matrix.loc[[("d", 10)]].values.tolist() == [[1, 1]] and matrix.loc[[("d", 50)]].values.tolist() == [[1, 0]]
    assert ("d", 90) not in matrix.index
    assert claim_country_matrix(claims.iloc[:0]).empty


def test_figures_over_time_leave_out_comments_and_undated_figures():
    figures = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b"], "value": [7155.0, 30.0, 6800.0, 12.0], "unit": ["count"] * 4,
        "subject": ["Registered  victims", "women", "registered victims", "experts"],
        "period_start": [2021, None, 2020, None], "period_end": [2021, None, 2020, None],
        "mention": ["7,155", "30", "6,800", "12"], "section": ["body", "comment", "body", "body"],
        "sentence": ["…"] * 4})
    points = figures_over_time(figures)
    assert points[["subject", "year", "value"]].values.tolist() == [
        ["registered victims", 2020, 6800.0], ["registered victims", 2021, 7155.0]]


def test_figures_chart_and_organisations_use_reviewed_rows(out_dir):
    add_entity_tables(out_dir)
    press = doc_id_of(out_dir, PRESS)
    organisations = keyed_table(out_dir, "organisations")
    ilo = organisations.loc[organisations["mention"] == "ILO", "row_key"].iloc[0]
    record_decision(out_dir, "organisations", ilo, press, "reject")
    figures = keyed_table(out_dir, "figures")
    inspections = figures.loc[figures["mention"] == "1,200", "row_key"].iloc[0]
    record_decision(out_dir, "figures", inspections, press, "correct", corrected={"value": 1250, "period_end": 2024})
    page = render_report(out_dir)
    names = [row[0] for row in chart_data(page, "chart-organisations")]
    assert "International Organization for Migration" in names and "International Labour Organization" not in names
    assert chart_data(page, "chart-figures-count") == [["inspections", "2024", "1250"]]
    assert "2 review decision(s) applied, 0 orphaned." in page


def test_report_without_entity_tables_or_documents(out_dir, tmp_path):
    for name in ("figures", "organisations"):  # a run without the NLP stage
        parquet_path(out_dir, name).unlink(missing_ok=True)
    page = render_report(out_dir)
    assert "No figures table" in page and "No organisations table" in page
    assert 'id="chart-claims"' in page
    frames = add_entity_tables(out_dir)
    for name in ("figures", "organisations"):  # tables written, but nothing found
        frames[name].iloc[:0].to_parquet(parquet_path(out_dir, name), index=False)
    page = render_report(out_dir)
    assert "No figure in these tables has both a subject and a year." in page
    assert "No organisation was found." in page
    empty = write_report(tmp_path / "nothing-yet", tmp_path / "elsewhere" / "r.html")
    assert empty == tmp_path / "elsewhere" / "r.html"
    assert "No documents: this folder has no run yet." in empty.read_text(encoding="utf-8")


def test_report_escapes_document_text(out_dir):
    frames = add_entity_tables(out_dir)
    organisations = frames["organisations"]
    organisations.loc[0, "name"] = "</script><script>alert('org')</script>"
    organisations.to_parquet(parquet_path(out_dir, "organisations"), index=False)
    documents = pd.read_parquet(parquet_path(out_dir, "documents"))
    documents.loc[documents["status"] != "ok", "error"] = "<img src=x onerror=alert('error')>"
    documents.to_parquet(parquet_path(out_dir, "documents"), index=False)
    page = render_report(out_dir)
    assert "<script>alert('org')" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(&#x27;error&#x27;)&gt;" in page


def test_the_app_links_and_serves_the_report(out_dir):
    from test_review import client_for

    client = client_for(out_dir)
    assert 'href="/report"' in client.get("/").text
    failed = pd.read_parquet(parquet_path(out_dir, "documents")).query("status != 'ok'")["doc_id"].item()
    failed_page = client.get(f"/doc/{failed}")
    assert failed_page.status_code == 200 and "No text was extracted" in failed_page.text
    response = client.get("/report")
    assert response.status_code == 200 and 'id="chart-claims"' in response.text
    assert 'href="/">review app</a>' in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_report_can_be_limited_to_a_publication_type(out_dir):
    from pipeline.store import read_table

    documents = read_table(out_dir, "documents")
    chosen = documents.loc[documents["source"].str.endswith("report.pdf"), "doc_type"].iloc[0]
    wanted = documents[documents["doc_type"] == chosen]
    page = write_report(out_dir, doc_types=[chosen]).read_text(encoding="utf-8")
    assert f"<b>{len(wanted)}</b> documents processed" in page
    assert len(wanted) < len(documents) and "truncated.pdf" not in page  # the failed input has no type


def test_chart_axes_end_on_round_numbers_with_round_ticks():
    from pipeline.review.lineage_chart import nice_axis, tick_label
    for value, (top, steps) in {11102.3: (15000, 3), 12.1: (15, 3), 8: (8, 4), 63.1: (80, 4), 0: (1, 5)}.items():
        assert nice_axis(value) == (top, steps)
        assert nice_axis(value)[0] >= value
    assert [tick_label(15000 * i / 3) for i in range(4)] == ["0", "5,000", "10,000", "15,000"]
