"""Feeds and sitemaps that are refused or unreadable leave a trace: a failed fetch, the summary, the exit status.

Served by a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import gzip

import pytest

from conftest import write_sources
from pipeline.ingest.crawler import crawl
from pipeline.ingest.rawstore import RawStore
from pipeline.run import ingest
from pipeline.store.tables import read_table
from test_cli import thb
from test_crawl import Site, article, fetcher_for, source

LAUGHS = ("<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a 'lol'>"
          + "".join(f"<!ENTITY {c} '{('&' + p + ';') * 10}'>" for p, c in zip("abcdefgh", "bcdefghi"))
          + "]><rss version='2.0'><channel><title>&i;</title><item><link>/news/one</link></item></channel></rss>")
QUADRATIC = ("<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY big '" + "x" * 50_000 + "'>]><rss version='2.0'>"
             "<channel><title>" + "&big;" * 2_000 + "</title><item><link>/news/one</link></item></channel></rss>")
MALFORMED_FEED = "<?xml version='1.0'?><rss version='2.0'><channel><item><title>One</tit"
MALFORMED_SITEMAP = "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>/a"

CASES = {  # path: (kind, body, content type, reason, words in the error)
    "/laughs.xml": ("feed", LAUGHS, "application/rss+xml", "unsafe_xml", "entities"),
    "/quadratic.xml": ("feed", QUADRATIC, "application/rss+xml", "unsafe_xml", "entities"),
    "/broken-feed.xml": ("feed", MALFORMED_FEED, "application/rss+xml", "broken", "malformed"),
    "/broken-sitemap.xml": ("sitemap", MALFORMED_SITEMAP, "application/xml", "broken", "malformed"),
    "/bomb-sitemap.xml.gz": ("sitemap", None, "application/gzip", "too_large", "size limit"),
}


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * (51 << 20), compresslevel=9)  # about 50 KB that inflate past the 50 MB cap


@pytest.fixture
def hostile_site(httpserver, gzip_bomb) -> Site:
    site = Site(httpserver)
    for path, (_kind, body, content_type, *_rest) in CASES.items():
        site.publish(path, body if body is not None else "", content_type)
        if body is None:
            site.pages[path] = (gzip_bomb, content_type)
    site.publish("/feed.xml", f"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
        <item><title>One</title><link>{httpserver.url_for('/news/one')}</link></item></channel></rss>""",
                 "application/rss+xml")
    site.publish("/news/one", article("One", "Europol supported 14 joint investigations in 2024 across the Union."))
    return site


@pytest.mark.parametrize("path", list(CASES))
def test_a_refused_discovery_page_is_a_failed_fetch_with_its_reason(hostile_site, tmp_path, path):
    kind, _body, _type, reason, words = CASES[path]
    store = RawStore(tmp_path / "raw")
    with fetcher_for(hostile_site) as fetcher:
        result = crawl(source(hostile_site, kind=kind, start=(hostile_site.server.url_for(path),)), fetcher, store)
    assert [(url.rsplit("/", 1)[-1], error.reason) for url, error in result.discovery_failed] == \
        [(path.lstrip("/"), reason)]
    rows = [r for r in store.fetches() if r["url"].endswith(path)]
    assert [r["outcome"] for r in rows] == ["failed"]
    assert words in rows[0]["error"] and rows[0]["http_status"] == 200
    assert rows[0]["sha256"] and store.read(rows[0]["sha256"])  # the refused bytes are kept for inspection
    assert result.changed == []


def test_a_refused_feed_is_counted_in_the_run_and_the_good_source_still_runs(hostile_site, settings, tmp_path):
    url = hostile_site.server.url_for
    common = {"publisher": "Local", "min_interval_s": 0}
    settings.sources_file = write_sources(
        tmp_path / "sources.toml", {"name": "good", "kind": "feed", "start": [url("/feed.xml")], **common},
        {"name": "bombs", "kind": "feed", "start": [url("/laughs.xml"), url("/broken-feed.xml")], **common})
    settings.allow_private = True
    summary = ingest(["good", "bombs"], settings)
    assert summary.documents_ok == 1 and summary.documents_failed == 0
    assert [(u.rsplit("/", 1)[-1], reason) for u, reason, _ in summary.discovery_failures] == \
        [("laughs.xml", "unsafe_xml"), ("broken-feed.xml", "broken")]
    assert not summary.ok
    fetches = read_table(settings.out_dir, "fetches")
    failed = fetches[fetches["outcome"] == "failed"]
    assert sorted(failed["url"].str.rsplit("/", n=1).str[-1]) == ["broken-feed.xml", "laughs.xml"]
    assert failed["error"].str.len().gt(20).all()


def test_thb_run_with_a_refused_feed_does_not_finish_ok(hostile_site, tmp_path):
    url = hostile_site.server.url_for
    sources = write_sources(tmp_path / "sources.toml", {"name": "bombs", "kind": "feed", "start": [url("/quadratic.xml")],
                                                         "publisher": "Local", "min_interval_s": 0})
    result = thb("run", "bombs", "--no-prefect", "--no-nlp", "--allow-private", "--sources-file", str(sources),
                 "--out", str(tmp_path / "out"), "--raw", str(tmp_path / "raw"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "finished ok" not in result.stdout and "with failures" in result.stdout
    assert "quadratic.xml" in result.stdout and "unsafe_xml" in result.stdout
