"""Browser test (Debian's Chromium): a PDF claim on its page image, boxed, accepted with the keyboard,
and the decision still applied after reprocessing.  Skipped without /usr/bin/chromium or Playwright."""

from __future__ import annotations

import pytest

from test_review_browser import CHROMIUM, app_url, browser, ingested  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")]

from pipeline.reprocess import reprocess  # noqa: E402
from pipeline.review.decisions import keyed_table  # noqa: E402
from pipeline.store.tables import read_table  # noqa: E402


def test_a_pdf_claim_seen_on_its_page_and_accepted_with_the_keyboard(browser, app_url, ingested):  # noqa: F811
    out_dir = ingested.out_dir
    documents = read_table(out_dir, "documents")
    pdf = documents.loc[documents["content_type"] == "application/pdf", "doc_id"].item()
    claims = keyed_table(out_dir, "claims")
    key = claims.loc[(claims["doc_id"] == pdf) & claims["footnote_seq"].notna(), "row_key"].iloc[0]
    page = browser.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{app_url}/table/claims?scope=all")  # every footnote marker: the claim need not list countries
    page.locator(f"#row-{key} a.region-link").click()
    page.wait_for_url(f"**/region/claims/{key}")
    page.wait_for_function("() => { const i = document.querySelector('svg.page image');"
                           " return i && i.getBBox().width > 0; }")
    for role in ("span", "marker", "footnote"):
        box = page.locator(f"rect.region-{role}").first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, role
    marker, span = (page.locator(f"rect.region-{r}").first.bounding_box() for r in ("marker", "span"))
    assert span["x"] <= marker["x"] and marker["x"] + marker["width"] <= span["x"] + span["width"] + 1
    viewport = page.viewport_size  # the row's box is on screen beside the row, without scrolling the window
    assert 0 <= span["y"] and span["y"] + span["height"] <= viewport["height"], span
    assert span["x"] > page.locator(".region-row").bounding_box()["x"] + 200

    page.keyboard.press("a")
    page.wait_for_url(f"**/region/claims/{key}#row-{key}")
    assert page.locator(".region-row .badge").inner_text() == "accepted"

    summary, _differences = reprocess(ingested, everything=True)
    assert summary.documents_ok == 4
    page.reload()
    assert page.locator(".region-row .badge").inner_text() == "accepted"
    page.keyboard.press("j")
    page.wait_for_url(lambda url: "/region/claims/" in url and key not in url)
    assert not errors, errors
