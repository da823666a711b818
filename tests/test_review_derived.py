"""Derived values after review: a corrected count or country list re-checks the claim everywhere;
decisions join the tables on row_key; whole numbers are integers; unchecked claims are counted."""

from __future__ import annotations

import csv
import io
import sqlite3

import pandas as pd
import pytest

from pipeline.review.decisions import export_reviewed, load_decisions
from pipeline.review.report import render_report
from pipeline.run import ingest
from pipeline.store.tables import SQLITE_NAME, parquet_path
from test_review import NOTE, client_for, csrf_of, decide, doc_id_of, key_of, out_dir, sample_run  # noqa: F401


def claim_in_app(client, key: str) -> dict:
    rows = client.get("/table/claims.json", params={"scope": "all"}).json()["rows"]
    return next(row for row in rows if row["row_key"] == key)


def reviewed_csv_claim(client, key: str) -> dict:
    rows = csv.DictReader(io.StringIO(client.get("/table/claims/export.csv", params={"reviewed": "1"}).text))
    return next(row for row in rows if row["row_key"] == key)


def matrix_row(text: str, key: str) -> dict:
    return next(row for row in csv.DictReader(io.StringIO(text)) if row["row_key"] == key)


def test_corrected_count_and_countries_re_check_the_claim_everywhere(out_dir):
    client = client_for(out_dir)
    token = csrf_of(client)
    note = doc_id_of(out_dir, NOTE)
    key = key_of(out_dir, "claims", note, footnote="1")  # "by 10 countries" backed by ten codes
    assert claim_in_app(client, key)["count_ok"] is True

    assert decide(client, "claims", key, "correct", token, stated_count="12").status_code == 303
    claim = claim_in_app(client, key)
    assert (claim["stated_count"], claim["n_countries"], claim["count_ok"], claim["check"]) == (12, 10, False, "disagree")
    assert reviewed_csv_claim(client, key)["count_ok"] == "False"
    assert matrix_row(client.get("/table/claims/matrix.csv").text, key)["count_ok"] == "False"
    assert "<b>1</b> disagree" in render_report(out_dir)
    page = client.get("/table/claims").text
    assert f'<tr id="row-{key}" class="state-correct mismatch"' in page  # mismatches first, with the badge
    assert page.index(f'id="row-{key}"') < page.index('<tr id="row-', page.index(f'id="row-{key}"') + 1)

    # two countries added one at a time, through the chips' editor: the count agrees again
    for code in ("pl", "ES"):
        response = client.post("/decide", data={"csrf": token, "table": "claims", "row_key": key, "decision": "correct",
                                                "add_country": code, "next": "/"}, headers={"Origin": BASE_ORIGIN},
                               follow_redirects=False)
        assert response.status_code == 303
    claim = claim_in_app(client, key)
    assert (claim["stated_count"], claim["n_countries"], claim["count_ok"]) == (12, 12, True)
    assert claim["countries"].endswith("SE, PL, ES")
    assert load_decisions(out_dir)[key].corrected == {"stated_count": 12, "countries": claim["countries"]}
    assert reviewed_csv_claim(client, key)["count_ok"] == "True"
    written = {path.name: path for path in export_reviewed(out_dir)}
    saved = matrix_row(written["claim_matrix.csv"].read_text(encoding="utf-8"), key)
    assert (saved["n_countries"], saved["count_ok"], saved["PL"], saved["ES"]) == ("12", "True", "1", "1")
    assert "<b>0</b> disagree" in render_report(out_dir)

    removed = client.post("/decide", data={"csrf": token, "table": "claims", "row_key": key, "decision": "correct",
                                           "remove_country": "PL", "next": "/"}, headers={"Origin": BASE_ORIGIN})
    assert removed.status_code == 200 and claim_in_app(client, key)["n_countries"] == 11
    refused = client.post("/decide", data={"csrf": token, "table": "claims", "row_key": key, "decision": "correct",
                                           "add_country": "QQ", "next": "/"}, headers={"Origin": BASE_ORIGIN})
    assert refused.status_code == 400 and "QQ" in refused.text


BASE_ORIGIN = "http://127.0.0.1:8765"


def test_reviews_join_the_tables_on_row_key_and_integers_are_integers(out_dir, settings):
    client = client_for(out_dir)
    note = doc_id_of(out_dir, NOTE)
    key = key_of(out_dir, "claims", note, footnote="2")
    assert decide(client, "claims", key, "accept", csrf_of(client)).status_code == 303
    with sqlite3.connect(out_dir / SQLITE_NAME) as db:
        joined = db.execute("SELECT c.anchor, c.n_countries, r.decision FROM reviews r JOIN claims c USING (row_key)").fetchall()
        assert joined == [("the Western Balkans", 3, "accept")]
        columns = {row[1]: (row[2], row[5]) for row in db.execute("PRAGMA table_info(claims)")}
        assert columns["n_countries"][0] == columns["stated_count"][0] == columns["page"][0] == "INTEGER"
        assert columns["row_key"] == ("TEXT", 1)  # the primary key
        blocks = {row[1]: row[5] for row in db.execute("PRAGMA table_info(blocks)")}
        assert (blocks["doc_id"], blocks["block_no"]) == (1, 2)
        assert db.execute("SELECT typeof(n_countries) FROM claims WHERE n_countries IS NOT NULL").fetchone() == ("integer",)
    claims = pd.read_parquet(parquet_path(out_dir, "claims"))
    assert str(claims["n_countries"].dtype) == "Int64" and claims["row_key"].is_unique
    assert "11.0" not in (out_dir / "claim_matrix.csv").read_text() and ",10," in (out_dir / "claim_matrix.csv").read_text()
    extracted = client.get("/table/claims/export.csv").text
    assert not any(cell.endswith(".0") for row in csv.reader(io.StringIO(extracted)) for cell in row if cell[:1].isdigit())


def test_json_view_takes_the_table_filters(out_dir):
    client = client_for(out_dir)
    note = doc_id_of(out_dir, NOTE)
    data = client.get("/table/claims.json", params={"doc": note}).json()
    assert data["table"] == "claims" and data["total"] == len(data["rows"]) == 4  # the note's country-backed claims
    assert {row["doc_id"] for row in data["rows"]} == {note} and all(row["n_countries"] for row in data["rows"])
    assert client.get("/table/footnotes.json", params={"kind": "countries", "q": "AT, HR"}).json()["total"] == 1
    assert client.get("/table/blocks.json").status_code == 404


def test_claims_without_footnote_bodies_are_counted_as_not_checkable(settings, tmp_path):
    source = tmp_path / "inputs" / "missing-notes.md"
    source.parent.mkdir()
    source.write_text("# Notes lost in conversion\n\nTwelve countries reported joint operations.<sup>1</sup> "
                      "Seven countries reported shelters.<sup>2</sup> Three countries reported none.<sup>3</sup>\n\n"
                      "---\n\n<sup>3</sup> AT, BE, CY.\n", encoding="utf-8")
    ingest([source], settings)
    page = render_report(settings.out_dir)
    assert ("<b>3</b> footnote markers: <b>1</b> claims checked (<b>1</b> agree, <b>0</b> disagree), "
            "<b>2</b> not checkable (2 without a footnote body") in page
    client = client_for(settings.out_dir)
    unchecked = client.get("/table/claims.json", params={"check": "unchecked"}).json()
    assert [row["check"] for row in unchecked["rows"]] == ["no_body", "no_body"]
    assert "2 not checkable" in client.get(f"/doc/{doc_id_of(settings.out_dir, 'missing-notes')}").text


def test_a_corrected_country_list_survives_reprocessing(sample_run, settings):  # noqa: F811
    import shutil

    shutil.copytree(sample_run, settings.out_dir)
    shutil.copytree(sample_run.parent / "raw", settings.raw_dir)
    from pipeline.reprocess import reprocess

    note = doc_id_of(settings.out_dir, NOTE)
    key = key_of(settings.out_dir, "claims", note, footnote="2")  # "the Western Balkans": AT, HR, SI
    client = client_for(settings.out_dir)
    assert decide(client, "claims", key, "correct", csrf_of(client), countries="AT, HR, SI, BA").status_code == 303
    reprocess(settings, everything=True)
    claim = claim_in_app(client_for(settings.out_dir), key)
    assert (claim["review"], claim["countries"], claim["n_countries"]) == ("correct", "AT, HR, SI, BA", 4)
