"""Crawling a source served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib

import pytest
from werkzeug.wrappers import Response

from pipeline.ingest.crawler import crawl
from pipeline.ingest.fetcher import Fetcher, FetchPolicy
from pipeline.ingest.sources import Source
from pipeline.ingest.rawstore import RawStore


class Site:
    """A tiny publisher: pages with ETags that answer 304 to a matching If-None-Match."""

    def __init__(self, server):
        self.server, self.pages = server, {}
        server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")

    def publish(self, path: str, body: str, content_type: str = "text/html") -> None:
        if path not in self.pages:
            self.server.expect_request(path).respond_with_handler(lambda request, path=path: self._serve(request, path))
        self.pages[path] = (body.encode(), content_type)

    def _serve(self, request, path):
        body, content_type = self.pages[path]
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:12]
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type=content_type, headers={"ETag": etag})

    def hits(self, path: str) -> list[int]:
        return [response.status_code for request, response in self.server.log if request.path == path]


def article(title: str, text: str, pdf: str | None = None) -> str:
    link = f'<p>Read <a href="{pdf}">the full study</a>.</p>' if pdf else ""
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p>{link}</article></body></html>"


@pytest.fixture
def site(httpserver):
    site = Site(httpserver)
    url = httpserver.url_for
    site.publish("/feed.xml", f"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
        <item><title>One</title><link>{url('/news/one')}</link></item>
        <item><title>Two</title><link>{url('/news/two')}</link></item>
        <item><title>Jobs</title><link>{url('/jobs/ad')}</link></item></channel></rss>""", "application/rss+xml")
    site.publish("/news/one", article("One", "Europol supported 14 joint investigations.", pdf="/files/study.pdf"))
    site.publish("/news/two", article("Two", "Frontex trained 300 border guards."))
    site.publish("/jobs/ad", article("Job", "Not a publication."))
    site.publish("/files/study.pdf", "%PDF-1.4 pretend", "application/pdf")
    return site


def source(site, **changes) -> Source:
    values = dict(name="test-news", publisher="Test", kind="feed", start=(site.server.url_for("/feed.xml"),),
                  include=("/news/",), follow_documents=True)
    return Source(**{**values, **changes})


def fetcher_for(site) -> Fetcher:
    return Fetcher(FetchPolicy(allow_private=frozenset({f"{site.server.host}:{site.server.port}"}),
                               min_interval_s=0, backoff_s=0.01))


def test_first_crawl_fetches_each_publication_and_its_linked_study_once(site, tmp_path):
    store = RawStore(tmp_path / "raw")
    with fetcher_for(site) as fetcher:
        result = crawl(source(site), fetcher, store)
    assert sorted(s.source.rsplit("/", 1)[-1] for s in result.changed) == ["one", "study.pdf", "two"]
    assert site.hits("/jobs/ad") == []  # excluded by the include pattern
    assert {r["outcome"] for r in store.fetches()} == {"new"}


def test_rerun_is_conditional_and_a_changed_page_alone_is_processed(site, tmp_path):
    store = RawStore(tmp_path / "raw")
    with fetcher_for(site) as fetcher:
        crawl(source(site), fetcher, store)
        second = crawl(source(site), fetcher, store)
        site.publish("/news/two", article("Two", "Frontex trained 320 border guards."))
        third = crawl(source(site), fetcher, store)
    assert second.changed == [] and second.unchanged == 2
    assert site.hits("/news/one") == [200, 304, 304] and site.hits("/feed.xml") == [200, 304, 304]
    assert [s.source.rsplit("/", 1)[-1] for s in third.changed] == ["two"]
    outcomes = [r["outcome"] for r in store.fetches() if r["url"].endswith("/news/two")]
    assert outcomes == ["new", "not_modified", "changed"]


def test_failures_are_logged_and_the_crawl_goes_on(site, tmp_path):
    site.server.expect_request("/news/broken").respond_with_data("", status=404)
    store = RawStore(tmp_path / "raw")
    feed_with_broken = source(site, kind="document", start=(site.server.url_for("/news/broken"),
                                                            site.server.url_for("/news/two")))
    with fetcher_for(site) as fetcher:
        result = crawl(feed_with_broken, fetcher, store)
    assert [url.rsplit("/", 1)[-1] for url, _ in result.failed] == ["broken"]
    assert len(result.changed) == 1
    failed = [r for r in store.fetches() if r["outcome"] == "failed"]
    assert failed and "404" in failed[0]["error"]


def test_sitemaps_and_listings_are_followed(site, tmp_path):
    url = site.server.url_for
    site.publish("/sitemap.xml", f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>{url('/sitemap-news.xml')}</loc></sitemap></sitemapindex>""", "application/xml")
    site.publish("/sitemap-news.xml", f"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>{url('/news/one')}</loc></url></urlset>""", "application/xml")
    site.publish("/list", '<html><body><a href="/news/two">Two</a><a href="/list2">Next</a></body></html>')
    site.publish("/list2", '<html><body><a href="/news/one">One</a></body></html>')
    store = RawStore(tmp_path / "raw")
    with fetcher_for(site) as fetcher:
        from_sitemap = crawl(source(site, kind="sitemap", start=(url("/sitemap.xml"),), follow_documents=False), fetcher, store)
        from_listing = crawl(source(site, kind="listing", start=(url("/list"),), next_page="Next", max_pages=2,
                                    follow_documents=False), fetcher, RawStore(tmp_path / "raw2"))
    assert [s.source.rsplit("/", 1)[-1] for s in from_sitemap.changed] == ["one"]
    assert sorted(s.source.rsplit("/", 1)[-1] for s in from_listing.changed) == ["one", "two"]
