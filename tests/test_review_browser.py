"""The review app in a real browser: Playwright drives Debian's Chromium against a local uvicorn server.

Open a document, accept a claim, correct a footnote country, reprocess the raw store,
reload, and the decisions are still applied.  Skipped where /usr/bin/chromium or the
playwright package is missing (CI installs both).
"""

from __future__ import annotations

import os
import shutil
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
from pipeline.settings import SAMPLES_DIR  # noqa: E402
from test_review import NOTE, add_entity_tables, doc_id_of  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTE_TITLE = "Briefing note: cooperation with third countries"
DOCS = Path(__file__).resolve().parents[1] / "docs"
# An EMN-style inform written for this test: one statement whose count its footnote does not bear out
# (twelve stated, eleven listed), two that agree, two citation footnotes that back no count.
EMN_INFORM = """# EMN Inform: measures against trafficking for labour exploitation

Published 3 March 2025

Twelve EMN Member Countries reported joint labour inspections targeting trafficking for labour exploitation.<sup>1</sup>
Findings for the period 2019-2021<sup>2</sup> led to new legislation in nine countries.<sup>3</sup> More than 20 Member
States fund specialised shelters for victims of labour exploitation.<sup>4</sup> The Anti-Trafficking Directive was
amended in 2024.<sup>5</sup>

---

<sup>1</sup> AT, BE, CY, DE, EE, FI, FR, IE, LU, NL, SE.

<sup>2</sup> EMN study on labour exploitation, https://home-affairs.ec.europa.eu/networks/emn, accessed 1 March 2025.

<sup>3</sup> BG, CZ, EL, ES, HR, IT, LT, LV, PT.

<sup>4</sup> All EU Member States except DK and HU.

<sup>5</sup> Directive (EU) 2024/1712 amending Directive 2011/36/EU.
"""
EMN_TITLE = "EMN Inform: measures against trafficking for labour exploitation"


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
    for url, _out_dir in _served(ingested.out_dir, ingested.raw_dir):
        yield url


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
    page.wait_for_load_state("load")
    charts = page.locator("figure.chart")
    assert charts.count() >= 2
    for index in range(charts.count()):  # every chart's SVG is there, laid out, and draws marks
        chart = charts.nth(index)
        box = chart.locator("svg").first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, chart.get_attribute("id")
        assert chart.locator("svg rect, svg circle").count() >= 1, chart.get_attribute("id")
    assert all(url.startswith(("file:", "data:", "blob:")) for url in requested), requested


@pytest.fixture(scope="module")
def emn_app(tmp_path_factory):
    """The samples and the EMN-style inform, with entity tables, served on a free loopback port."""
    from pipeline.settings import Settings

    root = tmp_path_factory.mktemp("emn-run")
    inform = root / "inputs" / "emn-inform.md"
    inform.parent.mkdir()
    inform.write_text(EMN_INFORM, encoding="utf-8")
    settings = Settings(out_dir=root / "extracted", raw_dir=root / "raw", workers=2, nlp=False)
    assert ingest([*sorted(SAMPLES_DIR.iterdir()), inform], settings).documents_failed == 0
    add_entity_tables(settings.out_dir)
    yield from _served(settings.out_dir, settings.raw_dir)


def _served(out_dir: Path, raw_dir: Path):
    """Yields the address of the app over ``out_dir`` and the folder; stops the server after."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the bound socket is handed to uvicorn: no race for the port
    server = uvicorn.Server(uvicorn.Config(create_app(out_dir, raw_dir=raw_dir, reviewer="browser-test"),
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", out_dir
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_default_claims_view_shows_country_backed_claims_mismatch_first(browser, emn_app, tmp_path):
    url, out_dir = emn_app
    claims = keyed_table(out_dir, "claims")
    backed = claims[claims["n_countries"].notna()]
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(url + "/table/claims")
    rows = page.locator("table.rows-claims tbody tr")
    assert rows.count() == len(backed) < len(claims)
    assert set(rows.evaluate_all("rows => rows.map(r => r.dataset.check)")) <= {"agree", "disagree", "no_count"}
    first = rows.first
    assert first.get_attribute("data-check") == "disagree" and first.locator(".check").inner_text() == "disagrees"
    assert "Twelve EMN Member Countries" in first.locator(".col-statement").inner_text()
    anchor = claims.loc[claims["footnote"].eq("1") & claims["doc_id"].str.startswith("emn-inform"), "anchor"].item()
    assert first.locator("mark.anchor").inner_text() == anchor
    assert first.locator(".col-statement").inner_text().endswith("exploitation.1")  # the marker after the full stop
    assert first.locator(".col-listed").inner_text() == "11"
    assert first.locator("span.chip").count() == 11 and first.locator("span.chip").first.get_attribute("title") == "Austria (AT)"
    assert first.locator(".col-doc_id a").inner_text() == EMN_TITLE  # the title, not the slug
    assert no_horizontal_scroll(page)
    shot = tmp_path / "review-claims.png"
    page.screenshot(path=str(shot))
    if os.environ.get("THB_WRITE_SCREENSHOTS"):  # refreshes the README's picture
        shutil.copy(shot, DOCS / "review-claims.png")
    page.get_by_role("link", name="all footnote markers").click()
    page.wait_for_url("**/table/claims?scope=all")
    assert page.locator("table.rows-claims tbody tr").count() == len(claims)


@pytest.mark.parametrize("path", ["/table/claims", "/table/figures", "/table/organisations", "/", "/doc/{emn}",
                                  "/table/claims?scope=all"])
def test_default_views_fit_1366_pixels(browser, emn_app, path):
    url, out_dir = emn_app
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(url + path.format(emn=doc_id_of(out_dir, "emn-inform")))
    assert page.locator("main").count() == 1
    assert no_horizontal_scroll(page), page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
