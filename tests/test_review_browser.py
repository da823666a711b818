"""The review app in a real browser: Playwright drives Debian's Chromium against a local uvicorn server.

Open a document, accept a claim, correct a footnote country, reprocess the raw store,
reload, and the decisions are still applied.  Skipped where /usr/bin/chromium or the
playwright package is missing (CI installs both).
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

from pipeline.review.report import write_report  # noqa: E402
from pipeline.reprocess import reprocess  # noqa: E402
from pipeline.review.app import create_app  # noqa: E402
from pipeline.review.decisions import keyed_table  # noqa: E402
from pipeline.run import ingest  # noqa: E402
from pipeline.store.tables import parquet_path  # noqa: E402
from test_review import NOTE, doc_id_of  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTE_TITLE = "Briefing note: cooperation with third countries"


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """The samples, run once for this module (the settings of conftest's ``settings`` fixture)."""
    from pipeline.settings import Settings

    root = tmp_path_factory.mktemp("browser-run")
    settings = Settings(out_dir=root / "extracted", raw_dir=root / "raw", workers=2, nlp=False)
    summary = ingest(None, settings)
    assert summary.documents_failed == 0
    return settings


@pytest.fixture
def app_url(ingested):
    """The review app on a free loopback port, served by uvicorn in a thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the bound socket is handed to uvicorn: no race for the port
    port = sock.getsockname()[1]
    app = create_app(ingested.out_dir, raw_dir=ingested.raw_dir, reviewer="browser-test")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def row(page, key: str):
    return page.locator(f"#row-{key}")


def test_decisions_made_in_the_browser_survive_reprocessing(browser, app_url, ingested):
    out_dir = ingested.out_dir
    note = doc_id_of(out_dir, NOTE)
    claims, countries = keyed_table(out_dir, "claims"), keyed_table(out_dir, "footnote_countries")
    claim = claims.loc[(claims["doc_id"] == note) & (claims["footnote"] == "1"), "row_key"].item()
    country = countries.loc[(countries["doc_id"] == note) & (countries["footnote"] == "2")
                            & (countries["code"] == "SI"), "row_key"].item()
    page = browser.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(app_url + "/")
    page.get_by_role("link", name=NOTE_TITLE).click()
    page.wait_for_url(f"**/doc/{note}")
    assert page.locator("article.doc-text sup.k-marker").count() == 4
    assert "AT, HR, SI." in page.locator("article.doc-text").inner_text()

    row(page, claim).locator("button[value=accept]").click()
    page.wait_for_url(f"**/doc/{note}#row-{claim}")
    assert row(page, claim).locator(".badge").inner_text() == "accepted"
    assert "browser-test" in row(page, claim).inner_text()

    row(page, country).locator("details.correct summary").click()
    row(page, country).locator("input[name=set_iso2]").fill("SK")
    row(page, country).get_by_role("button", name="Save correction").click()
    page.wait_for_url(f"**/doc/{note}#row-{country}")
    assert row(page, country).locator(".badge").inner_text() == "corrected"
    assert row(page, country).locator("td.col-iso2").inner_text() == "SK"
    assert row(page, country).locator("td.col-country").inner_text() == "Slovakia"

    written = parquet_path(out_dir, "claims").stat().st_mtime_ns
    summary, _differences = reprocess(ingested, everything=True)  # what `thb reprocess --all` does
    assert summary.documents_ok == 4 and parquet_path(out_dir, "claims").stat().st_mtime_ns != written

    page.reload()
    assert row(page, claim).locator(".badge").inner_text() == "accepted"
    assert row(page, country).locator(".badge").inner_text() == "corrected"
    assert row(page, country).locator("td.col-iso2").inner_text() == "SK"
    assert "state-accept" in page.locator(f'sup.k-marker:has(a[href="#row-{claim}"])').get_attribute("class")
    page.goto(f"{app_url}/table/claims?doc={note}")
    chips = row(page, claim).locator("span.chip")
    assert chips.count() == 10
    page.goto(f"{app_url}/table/footnote_countries?state=correct")
    assert page.locator("tbody tr").count() == 1 and row(page, country).is_visible()
    assert errors == []  # no script errors, no Content-Security-Policy violations


def test_report_renders_offline(browser, ingested, tmp_path):
    path = write_report(ingested.out_dir, tmp_path / "report.html")
    page = browser.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(path.as_uri())
    page.wait_for_selector("#chart-claims .main-svg")
    assert page.locator("#chart-documents .main-svg").count() >= 1
    assert page.locator("#chart-claims .hm, #chart-claims image").count() >= 1  # the heatmap was drawn
    assert all(url.startswith(("file:", "data:", "blob:")) for url in requested), requested
