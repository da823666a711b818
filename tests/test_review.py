"""The review app and review decisions: stable row keys, safety, exports, persistence across runs."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
import warnings
from pathlib import Path

import pandas as pd
import pytest

from pipeline.review.decisions import (apply_decisions, corrections_from_form, csv_safe, export_reviewed, keyed_table,
                                       load_decisions, orphaned_decisions, record_decision, row_keys)
from pipeline.run import ingest
from pipeline.settings import SAMPLES_DIR
from pipeline.store.tables import SQLITE_NAME, parquet_path

pytest.importorskip("starlette")
pytest.importorskip("httpx")
with warnings.catch_warnings():  # starlette 1.x would rather use httpx2, which this index does not have
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from starlette.testclient import TestClient  # noqa: E402

from pipeline.review.app import Span, block_pieces, create_app, review_url, serve_review  # noqa: E402

BASE = "http://127.0.0.1:8765"
PRESS = "press-release"  # doc_id prefix of the sample press release
NOTE = "note"  # doc_id prefix of the sample Markdown note


# --- helpers (also used by test_report and test_review_browser) -----------------------------------------

def doc_id_of(out_dir: Path, prefix: str) -> str:
    documents = pd.read_parquet(parquet_path(out_dir, "documents"))
    return next(d for d in documents["doc_id"] if d.startswith(prefix))


def span_row(out_dir: Path, doc_id: str, mention: str, **values) -> dict:
    """A row of an entity table for the first place ``mention`` stands in the document."""
    blocks = pd.read_parquet(parquet_path(out_dir, "blocks"))
    for block in blocks[blocks["doc_id"] == doc_id].itertuples():
        at = block.text.find(mention)
        if at >= 0:
            page = None if pd.isna(block.page) else int(block.page)
            return {"doc_id": doc_id, **values, "mention": mention, "page": page,
                    "start": block.start + at, "end": block.start + at + len(mention), "sentence": block.text}
    raise AssertionError(f"{mention!r} is not in {doc_id}")


def add_entity_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    """Entity tables as the NLP stage writes them, for the sample press release (the tests run without spaCy)."""
    doc = doc_id_of(out_dir, PRESS)
    rows = {
        "organisations": [span_row(out_dir, doc, "IOM", org_id="iom", name="International Organization for Migration",
                                   type="un_body", source="gazetteer"),
                          span_row(out_dir, doc, "ILO", org_id="ilo", name="International Labour Organization",
                                   type="un_body", source="gazetteer"),
                          span_row(out_dir, doc, "UNODC", org_id="unodc", name="United Nations Office on Drugs and Crime",
                                   type="un_body", source="gazetteer")],
        "countries": [span_row(out_dir, doc, "Norway", iso2="NO", country="Norway"),
                      span_row(out_dir, doc, "Georgia", iso2="GE", country="Georgia")],
        "persons": [span_row(out_dir, doc, "EU Anti-Trafficking Coordinator", name="EU Anti-Trafficking Coordinator",
                             role="EU Anti-Trafficking Coordinator")],
        "legal_refs": [span_row(out_dir, doc, "Directive (EU) 2024/1712", celex="32024L1712", kind="directive")],
        "figures": [span_row(out_dir, doc, "1,200", value=1200.0, value_max=None, unit="count", qualifier="over",
                             subject="inspections", period_start=2023, period_end=2023, section="body"),
                    span_row(out_dir, doc, "35%", value=35.0, value_max=None, unit="percent", qualifier="around",
                             subject="third-country nationals", period_start=2023, period_end=2023, section="body")],
    }
    frames = {}
    for name, table_rows in rows.items():
        frames[name] = pd.DataFrame.from_records(table_rows)
        frames[name].to_parquet(parquet_path(out_dir, name), index=False)
    return frames


def client_for(out_dir: Path, **kwargs) -> TestClient:
    return TestClient(create_app(out_dir, **kwargs), base_url=BASE)


def csrf_of(client: TestClient) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)


def key_of(out_dir: Path, table: str, doc_id: str, **match) -> str:
    frame = keyed_table(out_dir, table)
    selected = frame[frame["doc_id"] == doc_id]
    for column, value in match.items():
        selected = selected[selected[column] == value]
    assert len(selected) == 1, (table, match, len(selected))
    return selected["row_key"].iloc[0]


def decide(client: TestClient, table: str, row_key: str, decision: str, token: str, **values):
    form = {"csrf": token, "table": table, "row_key": row_key, "decision": decision, "next": "/",
            **{f"set_{k}": v for k, v in values.items()}}
    return client.post("/decide", data=form, headers={"Origin": BASE}, follow_redirects=False)


# --- fixtures ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    """One run over the bundled samples, copied for each test that needs its own folder."""
    from pipeline.settings import Settings

    root = tmp_path_factory.mktemp("sample-run")
    settings = Settings(out_dir=root / "extracted", raw_dir=root / "raw", workers=2, nlp=False)
    summary = ingest(None, settings)
    assert summary.documents_failed == 0
    return settings.out_dir


@pytest.fixture
def out_dir(sample_run, tmp_path) -> Path:
    copy = tmp_path / "extracted"
    shutil.copytree(sample_run, copy)
    return copy


# --- row keys -------------------------------------------------------------------------------------------------

def test_row_keys_ignore_offsets_and_follow_occurrence():
    rows = pd.DataFrame({"doc_id": ["d", "d", "d"], "mention": ["Europol", "IOM", "europol "], "start": [10, 40, 90]})
    keys = row_keys(rows, "organisations")
    assert keys.nunique() == 3  # the second 'Europol' is a second occurrence, not the first again
    # a new version: a paragraph added before shifts every offset and adds a mention
    shifted = pd.DataFrame({"doc_id": ["d"] * 4, "mention": ["Frontex", "EUROPOL", "IOM", "Europol"],
                            "start": [5, 110, 140, 190]})
    new_keys = row_keys(shifted, "organisations")
    assert list(new_keys.iloc[1:]) == list(keys)
    assert new_keys.iloc[0] not in set(keys)


def test_row_keys_differ_by_document_and_table():
    rows = pd.DataFrame({"doc_id": ["a", "b"], "mention": ["Norway", "Norway"], "start": [0, 0]})
    assert row_keys(rows, "countries").nunique() == 2
    assert set(row_keys(rows, "countries")).isdisjoint(row_keys(rows, "organisations"))


def test_row_keys_follow_reading_order_not_row_order():
    rows = pd.DataFrame({"doc_id": ["d", "d"], "mention": ["41%", "41%"], "start": [300, 20]})
    reversed_rows = rows.iloc[::-1].reset_index(drop=True)
    by_start = dict(zip(rows["start"], row_keys(rows, "figures")))
    assert dict(zip(reversed_rows["start"], row_keys(reversed_rows, "figures"))) == by_start


def test_corrections_are_typed_and_checked():
    figure = {"value": 1200.0, "unit": "count", "period_start": 2023.0, "subject": "inspections"}
    assert corrections_from_form("figures", figure, {"value": "1,250", "unit": "count", "period_start": "2023",
                                                     "subject": "labour inspections"}) == {
        "value": 1250, "subject": "labour inspections"}
    claim = {"stated_count": 8.0, "count_ok": True, "anchor": "countries", "countries": "AT, HR"}
    # derived values are not editable: a typed count_ok is ignored, the countries are checked and normalised
    assert corrections_from_form("claims", claim, {"count_ok": "no", "stated_count": "8"}) == {}
    assert corrections_from_form("claims", claim, {"countries": "at hr;el"}) == {"countries": "AT, HR, GR"}
    assert corrections_from_form("claims", claim, {"countries": "AT,HR"}) == {}
    with pytest.raises(ValueError, match="QQ"):
        corrections_from_form("claims", claim, {"countries": "AT, QQ"})
    country = {"iso2": "SK", "country": "Slovakia", "code": "SK"}
    assert corrections_from_form("footnote_countries", country, {"iso2": "si", "country": "Slovakia"}) == {
        "iso2": "SI", "country": "Slovenia"}
    assert corrections_from_form("footnote_countries", country, {"iso2": "EL"}) == {"iso2": "GR", "country": "Greece"}
    with pytest.raises(ValueError):
        corrections_from_form("footnote_countries", country, {"iso2": "QQ"})
    with pytest.raises(ValueError):
        corrections_from_form("figures", figure, {"value": "many"})


def test_block_pieces_place_overlapping_spans_and_markers():
    block = {"start": 100, "end": 120, "text": "Europol and Eurojust"}
    spans = [Span("organisation", 100, 107, "k1", "accept", ""), Span("organisation", 112, 120, "k2", "unreviewed", ""),
             Span("figure", 104, 115, "k3", "unreviewed", ""), Span("country", 300, 306, "k4", "unreviewed", "")]
    markers = [{"label": "1", "offset": 107}, {"label": "2", "offset": 120}]
    pieces = block_pieces(block, spans, markers)
    assert "".join(p.get("text", "") for p in pieces) == block["text"]
    described = [(p["text"], [s.row_key for s in p["spans"]]) if "text" in p else ("^" + p["marker"]["label"], [])
                 for p in pieces]
    assert described == [("Euro", ["k1"]), ("pol", ["k1", "k3"]), ("^1", []), (" and ", ["k3"]), ("Eur", ["k2", "k3"]),
                         ("ojust", ["k2"]), ("^2", [])]


# --- pages -------------------------------------------------------------------------------------------------------

def test_every_table_and_document_renders(out_dir):
    add_entity_tables(out_dir)
    client = client_for(out_dir)
    index = client.get("/")
    assert index.status_code == 200
    for table in ("claims", "figures", "organisations", "countries", "persons", "legal_refs", "footnotes",
                  "footnote_countries"):
        page = client.get(f"/table/{table}", params={"scope": "all"} if table == "claims" else {})
        assert page.status_code == 200, table
        assert f'href="/table/{table}"' in index.text
        assert page.text.count('class="decide"') == len(pd.read_parquet(parquet_path(out_dir, table))), table
    documents = pd.read_parquet(parquet_path(out_dir, "documents"))
    for doc_id in documents["doc_id"]:
        assert client.get(f"/doc/{doc_id}").status_code == 200
    press = client.get(f"/doc/{doc_id_of(out_dir, PRESS)}").text
    for kind in ("organisation", "country", "person", "legal_ref", "figure", "marker"):
        assert f"k-{kind}" in press and re.search(rf'class="hl[^"]*k-{kind}', press), kind
    assert re.search(r'<mark class="hl k-organisation[^"]*"[^>]*><a href="#row-\w+">UNODC</a></mark>', press)
    assert 'block b-footnote' in press and "COM(2025) 10 final" in press  # footnote bodies are shown
    token = csrf_of(client)
    assert set(re.findall(r'name="csrf" value="([^"]*)"', press)) == {token}  # every form carries the token
    assert client.get("/doc/no-such-doc").status_code == 404
    assert client.get("/table/blocks").status_code == 404


def test_table_filters_sort_and_search(out_dir):
    client = client_for(out_dir)
    press, note = doc_id_of(out_dir, PRESS), doc_id_of(out_dir, NOTE)
    only_note = client.get("/table/claims", params={"doc": note}).text
    assert note in only_note and f"/doc/{press}#" not in only_note
    countries = client.get("/table/footnotes", params={"kind": "countries"}).text
    assert "COM(2025) 10 final" not in countries and "AT, HR, SI." in countries
    found = client.get("/table/footnotes", params={"q": "com(2021)"}).text
    assert "COM(2021) 171 final" in found and "AT, HR, SI." not in found
    sorted_page = client.get("/table/footnotes", params={"sort": "n_countries", "order": "desc"}).text
    counts = [int(n) for n in re.findall(r'<td class="col-n_countries">(\d+)</td>', sorted_page)]
    assert counts == sorted(counts, reverse=True) and len(counts) > 3
    unreviewed = client.get("/table/claims", params={"state": "accept"}).text
    assert "No rows." in unreviewed


def test_claims_show_country_chips_and_mismatches_first(out_dir):
    claims = pd.read_parquet(parquet_path(out_dir, "claims"))
    backed = claims.index[claims["n_countries"].fillna(0) > 0]
    # make the last country-backed claim state a count its footnote does not support: the check is derived
    claims.loc[backed[-1], ["stated_count", "count_qualifier"]] = [claims.loc[backed[-1], "n_countries"] + 5, None]
    claims.to_parquet(parquet_path(out_dir, "claims"), index=False)
    page = client_for(out_dir).get("/table/claims").text
    rows = re.findall(r'<tr id="row-(\w+)" class="([^"]*)" data-row-key="\w+" data-check="(\w*)"', page)
    assert len(rows) == len(backed)  # the default view: only the claims some footnote names countries for
    assert "mismatch" in rows[0][1] and rows[0][2] == "disagree"
    assert not any("mismatch" in classes for _, classes, _ in rows[1:])
    assert re.search(r'<span class="chip" title="Slovenia \(SI\)">SI</span>', page)
    assert '<span class="check check-disagree">disagrees</span>' in page
    everything = client_for(out_dir).get("/table/claims", params={"scope": "all"}).text
    assert everything.count('class="decide"') == len(claims) > len(backed)


def test_document_text_is_escaped(out_dir):
    doc = doc_id_of(out_dir, NOTE)
    blocks = pd.read_parquet(parquet_path(out_dir, "blocks"))
    first = blocks.index[blocks["doc_id"] == doc][1]
    blocks.loc[first, "text"] = '<script>alert("owned")</script> & <img src=x onerror=alert(1)>'
    blocks.to_parquet(parquet_path(out_dir, "blocks"), index=False)
    documents = pd.read_parquet(parquet_path(out_dir, "documents"))
    at = documents.index[documents["doc_id"] == doc][0]
    documents.loc[at, "title"] = "</title><script>alert(2)</script>"
    documents.loc[at, "url"] = "javascript:alert(3)"
    documents.to_parquet(parquet_path(out_dir, "documents"), index=False)
    client = client_for(out_dir)
    for path in ("/", f"/doc/{doc}"):
        page = client.get(path)
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "javascript:" not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    page = client.get(f"/doc/{doc}").text
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &amp; &lt;img src=x" in page
    assert "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page


# --- safety ----------------------------------------------------------------------------------------------------

def test_post_needs_the_csrf_token_and_the_same_origin(out_dir):
    client = client_for(out_dir)
    token = csrf_of(client)
    key = key_of(out_dir, "claims", doc_id_of(out_dir, NOTE), footnote="1")
    form = {"table": "claims", "row_key": key, "decision": "accept", "next": "/"}
    refused = [
        client.post("/decide", data=form, headers={"Origin": BASE}),
        client.post("/decide", data={**form, "csrf": "guess"}, headers={"Origin": BASE}),
        client.post("/decide", data={**form, "csrf": token}, headers={"Origin": "http://evil.example"}),
        client.post("/decide", data={**form, "csrf": token}, headers={"Origin": "null"}),
        client.post("/decide", data={**form, "csrf": token}, headers={"Sec-Fetch-Site": "cross-site"}),
        client.post("/decide", data={**form, "csrf": token}, headers={"Referer": "http://evil.example/page"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert load_decisions(out_dir) == {}
    accepted = client.post("/decide", data={**form, "csrf": token},
                           headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"}, follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/#row-{key}"
    by_header = client.post("/decide", data={**form, "decision": "reject"}, headers={"X-CSRF-Token": token},
                            follow_redirects=False)
    assert by_header.status_code == 303
    assert load_decisions(out_dir)[key].decision == "reject"


def test_redirects_stay_inside_the_app(out_dir):
    client = client_for(out_dir)
    key = key_of(out_dir, "claims", doc_id_of(out_dir, NOTE), footnote="1")
    response = client.post("/decide", data={"csrf": csrf_of(client), "table": "claims", "row_key": key,
                                            "decision": "accept", "next": "//evil.example/x"}, follow_redirects=False)
    assert response.headers["location"] == f"/#row-{key}"


def test_loopback_only_without_a_token(out_dir):
    client = client_for(out_dir)
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 421  # DNS rebinding
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200
    assert client.get("/", headers={"Host": "[::1]:8765"}).status_code == 200
    with pytest.raises(ValueError, match="without a token"):
        serve_review(out_dir, host="0.0.0.0")
    assert review_url("0.0.0.0", 9000, "a b") == "http://0.0.0.0:9000/?token=a+b"
    assert review_url("::1", 8765) == "http://[::1]:8765/"


def test_token_is_required_when_given(out_dir):
    client = TestClient(create_app(out_dir, token="s3cret-token"), base_url="http://192.0.2.10:8765")
    assert client.get("/").status_code == 401
    assert client.get("/?token=wrong", follow_redirects=False).status_code == 401
    login = client.get("/table/claims?token=s3cret-token&state=accept", follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"] == "/table/claims?state=accept"
    assert client.get("/").status_code == 200  # the cookie now carries the token
    fresh = TestClient(create_app(out_dir, token="s3cret-token"), base_url="http://192.0.2.10:8765")
    assert fresh.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def test_csv_cells_that_start_a_formula_are_neutralised(out_dir):
    frames = add_entity_tables(out_dir)
    organisations = frames["organisations"]
    organisations.loc[0, "name"] = '=HYPERLINK("http://evil.example","click")'
    organisations.loc[1, "name"] = "+1+cmd|' /C calc'!A0"
    organisations.loc[2, "name"] = "@SUM(A1:A9)"
    organisations.loc[2, "type"] = "-2+3"
    organisations.to_parquet(parquet_path(out_dir, "organisations"), index=False)
    client = client_for(out_dir)
    for reviewed in ("1", "0"):
        response = client.get("/table/organisations/export.csv", params={"reviewed": reviewed})
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        cells = [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]
        assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells
        assert "'+1+cmd|' /C calc'!A0" in cells and "'@SUM(A1:A9)" in cells and "'-2+3" in cells
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert csv_safe(-3.5) == -3.5 and csv_safe("UN-ACT") == "UN-ACT"


def test_reviewed_export_applies_decisions(out_dir):
    add_entity_tables(out_dir)
    client = client_for(out_dir)
    token = csrf_of(client)
    press = doc_id_of(out_dir, PRESS)
    assert decide(client, "figures", key_of(out_dir, "figures", press, mention="1,200"), "correct", token,
                  value="1250", subject="labour inspections").status_code == 303
    assert decide(client, "figures", key_of(out_dir, "figures", press, mention="35%"), "reject", token).status_code == 303
    reviewed = list(csv.DictReader(io.StringIO(client.get("/table/figures/export.csv?reviewed=1").text)))
    assert [(r["mention"], r["value"], r["subject"], r["review"]) for r in reviewed] == [
        ("1,200", "1250", "labour inspections", "correct")]
    extracted = list(csv.DictReader(io.StringIO(client.get("/table/figures/export.csv").text)))
    assert [(r["mention"], r["value"]) for r in extracted] == [("1,200", "1200.0"), ("35%", "35.0")]
    page = client.get("/table/figures").text
    assert re.search(r'class="col-value corrected" title="extracted: 1200">1250<', page)
    written = export_reviewed(out_dir)
    assert out_dir / "reviewed" / "figures.csv" in written
    saved = list(csv.DictReader((out_dir / "reviewed" / "figures.csv").open(encoding="utf-8")))
    assert [(r["mention"], r["value"]) for r in saved] == [("1,200", "1250")]


def test_bad_corrections_are_refused(out_dir):
    client = client_for(out_dir)
    token = csrf_of(client)
    key = key_of(out_dir, "footnote_countries", doc_id_of(out_dir, NOTE), footnote="2", code="SI")
    assert decide(client, "footnote_countries", key, "correct", token, iso2="XX").status_code == 400
    assert decide(client, "footnote_countries", key, "correct", token, iso2="SI").status_code == 400  # nothing changed
    assert decide(client, "footnote_countries", "0" * 20, "accept", token).status_code == 409
    assert decide(client, "footnote_countries", key, "approve", token).status_code == 400
    assert load_decisions(out_dir) == {}


# --- decisions across runs ---------------------------------------------------------------------------------------

def test_decisions_survive_a_rerun(sample_run, settings):
    shutil.copytree(sample_run, settings.out_dir)  # the samples' first run ...
    shutil.copytree(sample_run.parent / "raw", settings.raw_dir)
    out_dir = settings.out_dir
    client = client_for(out_dir)
    token = csrf_of(client)
    note = doc_id_of(out_dir, NOTE)
    claim = key_of(out_dir, "claims", note, footnote="1")
    country = key_of(out_dir, "footnote_countries", note, footnote="2", code="SI")
    footnote = key_of(out_dir, "footnotes", note, number="3")
    assert decide(client, "claims", claim, "accept", token).status_code == 303
    assert decide(client, "footnote_countries", country, "correct", token, iso2="SK").status_code == 303
    assert decide(client, "footnotes", footnote, "reject", token).status_code == 303

    ingest(None, settings)  # ... and a second one over the same inputs: every table is rewritten

    with sqlite3.connect(out_dir / SQLITE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 3
        assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] > 0  # the writer rebuilt the database
    reviewed = apply_decisions(out_dir)
    claims = reviewed["claims"].set_index("row_key")
    assert claims.loc[claim, "review"] == "accept"
    countries = reviewed["footnote_countries"].set_index("row_key")
    assert (countries.loc[country, "iso2"], countries.loc[country, "country"]) == ("SK", "Slovakia")
    assert footnote not in set(reviewed["footnotes"]["row_key"])  # rejected rows leave the reviewed table
    assert orphaned_decisions(out_dir) == []
    page = client_for(out_dir).get(f"/doc/{note}").text
    assert re.search(rf'<tr id="row-{country}" class="state-correct"', page)
    assert re.search(rf'<tr id="row-{claim}" class="state-accept"', page)


def test_changed_document_keeps_decisions_and_lists_orphans(settings, tmp_path):
    source = tmp_path / "inputs" / "note.md"
    source.parent.mkdir()
    text = (SAMPLES_DIR / "note.md").read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    ingest([source], settings)
    out_dir = settings.out_dir
    doc = doc_id_of(out_dir, NOTE)
    kept = key_of(out_dir, "claims", doc, footnote="1")
    lost = key_of(out_dir, "claims", doc, footnote="4")
    offset_before = keyed_table(out_dir, "claims").set_index("row_key").loc[kept, "marker_offset"]
    record_decision(out_dir, "claims", kept, doc, "correct", corrected={"stated_count": 11}, reviewer="ana")
    record_decision(out_dir, "claims", lost, doc, "accept", reviewer="ana",
                    row={"footnote": "4", "anchor": "the region", "sentence": "Five countries reported programmes"})

    # a new version: a paragraph added at the top, footnote 4 and its marker gone
    changed = text.replace("## Summary", "## Summary\n\nA paragraph added in the revised edition.")
    changed = changed.replace("region.<sup>4</sup>", "region.").replace("<sup>4</sup> CZ, LU, PT, SK, SI.", "")
    source.write_text(changed, encoding="utf-8")
    ingest([source], settings)

    claims = apply_decisions(out_dir)["claims"].set_index("row_key")
    assert claims.loc[kept, "marker_offset"] != offset_before  # the text moved ...
    assert (claims.loc[kept, "review"], claims.loc[kept, "stated_count"]) == ("correct", 11)  # ... the decision did not
    orphans = orphaned_decisions(out_dir)
    assert [o.row_key for o in orphans] == [lost]
    assert lost in load_decisions(out_dir)  # listed, never deleted
    page = client_for(out_dir).get("/orphans").text
    assert f'id="orphan-{lost}"' in page and "the region" in page and kept not in page
    assert "1 decision whose row has disappeared" in client_for(out_dir).get("/").text


def test_reviews_table_is_created_before_any_run(tmp_path):
    record_decision(tmp_path, "figures", "k" * 20, "doc-1", "reject")
    assert [d.decision for d in orphaned_decisions(tmp_path)] == ["reject"]
    with pytest.raises(ValueError):
        record_decision(tmp_path, "blocks", "k" * 20, "doc-1", "reject")
    with pytest.raises(ValueError):
        record_decision(tmp_path, "figures", "k" * 20, "doc-1", "correct", corrected={"sentence": "x"})
