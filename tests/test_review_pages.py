"""A reviewed row on its page: the PDF page rendered and cached, the span, marker and footnote boxed."""

from __future__ import annotations

import re

import pytest

from pipeline.run import ingest
from pipeline.store.tables import read_table

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402

from pipeline.review.app import create_app  # noqa: E402
from pipeline.review.decisions import keyed_table  # noqa: E402
from pipeline.review.pages import PAGES_DIR  # noqa: E402

BASE = "http://127.0.0.1:8765"
_RECT = re.compile(r'<rect class="region region-(\w+)" x="([\d.]+)" y="([\d.]+)"\s+width="([\d.]+)" height="([\d.]+)"')


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from pipeline.settings import Settings

    root = tmp_path_factory.mktemp("pages-run")
    settings = Settings(out_dir=root / "extracted", raw_dir=root / "raw", workers=2, nlp=False)
    assert ingest(None, settings).documents_failed == 0
    return settings


def claim_key(out_dir, content_type: str) -> tuple[str, dict]:
    documents = read_table(out_dir, "documents")
    doc_ids = set(documents.loc[documents["content_type"] == content_type, "doc_id"])
    claims = keyed_table(out_dir, "claims")
    row = claims[claims["doc_id"].isin(doc_ids) & claims["footnote_seq"].notna()].iloc[0]
    return row["row_key"], row.to_dict()


def test_a_pdf_claim_opens_on_its_page_with_span_marker_and_footnote_boxed(run):
    client = TestClient(create_app(run.out_dir, raw_dir=run.raw_dir), base_url=BASE)
    key, claim = claim_key(run.out_dir, "application/pdf")
    page = client.get(f"/region/claims/{key}")
    assert page.status_code == 200
    rects = {role: tuple(map(float, box)) for role, *box in _RECT.findall(page.text)}
    assert {"span", "marker", "footnote"} <= set(rects)
    sx, sy, sw, sh = rects["span"]
    mx, my, mw, mh = rects["marker"]
    assert sx <= mx and mx + mw <= sx + sw and sy <= my and my + mh <= sy + sh  # the marker is in its block
    assert rects["footnote"][1] > rects["span"][1]  # the page's footnote is under the text
    image = re.search(r'<image href="(/page-image/[^"]+\.png)"', page.text).group(1)
    assert image.endswith(f"/{int(claim['page'])}.png")
    png = client.get(image)
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert list((run.out_dir / PAGES_DIR).rglob("*.png"))  # cached under the output folder
    assert 'id="next-row"' in page.text and "keys.js" in page.text


def test_a_web_page_claim_shows_its_source_text(run):
    client = TestClient(create_app(run.out_dir, raw_dir=run.raw_dir), base_url=BASE)
    key, claim = claim_key(run.out_dir, "text/html")
    page = client.get(f"/region/claims/{key}")
    assert page.status_code == 200 and "<svg" not in page.text
    assert 'class="snippet-span"' in page.text and 'class="snippet-footnote"' in page.text


def test_the_table_links_each_row_to_its_page_and_unknown_rows_are_404(run):
    client = TestClient(create_app(run.out_dir, raw_dir=run.raw_dir), base_url=BASE)
    key, _claim = claim_key(run.out_dir, "application/pdf")
    assert f'href="/region/claims/{key}"' in client.get("/table/claims?scope=all").text  # every marker, not only country-backed claims
    assert client.get("/region/claims/no-such-row").status_code == 404
    assert client.get("/page-image/no-such-doc/1.png").status_code == 404


def test_a_pdf_claim_without_its_raw_store_says_why_there_is_no_image(run, tmp_path):
    client = TestClient(create_app(run.out_dir, raw_dir=tmp_path / "elsewhere"), base_url=BASE)
    key, _claim = claim_key(run.out_dir, "application/pdf")
    page = client.get(f"/region/claims/{key}")
    assert page.status_code == 200 and "<svg" not in page.text
    assert "No page image" in page.text and "--raw" in page.text
    assert 'class="snippet-span"' in page.text  # the text is shown instead
