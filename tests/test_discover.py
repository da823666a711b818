import gzip

import pytest

from conftest import shared_path
from pipeline.ingest.discover import UnsafeXML, inflate, linked_documents, parse_feed, parse_listing, parse_sitemap
from pipeline.errors import TerminalError

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>EMN study on trafficking</title><link>/news/emn-study</link><pubDate>Wed, 16 Jul 2025 10:00:00 GMT</pubDate></item>
<item><title>No link</title></item></channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>Report</title><link href="https://example.org/report"/><updated>2024-12-11T09:00:00Z</updated></entry></feed>"""

BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><item><title>&lol2;</title><link>https://example.org/x</link></item></channel></rss>"""

EXTERNAL = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title></item></channel></rss>"""


def test_rss_and_atom_entries_with_dates():
    rss = parse_feed(RSS, "https://home-affairs.example.eu/feed")
    assert [(d.url, d.title, d.published) for d in rss] == [
        ("https://home-affairs.example.eu/news/emn-study", "EMN study on trafficking", "2025-07-16")]
    atom = parse_feed(ATOM)
    assert atom[0].url == "https://example.org/report" and atom[0].published == "2024-12-11"


def test_json_feed():
    feed = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": "https://e.org/a", "title": "A", "date_published": "2025-01-02T00:00:00Z"}]}'
    assert parse_feed(feed) == parse_feed(feed) and parse_feed(feed)[0].published == "2025-01-02"


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL])
def test_entity_bombs_and_external_entities_are_refused(xml):
    with pytest.raises(UnsafeXML):
        parse_feed(xml)
    with pytest.raises(UnsafeXML):
        parse_sitemap(xml.replace(b"rss", b"urlset"))


def test_sitemaps_plain_gzip_and_index():
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://e.org/a.html</loc><lastmod>2024-05-01T10:00:00+00:00</lastmod></url><url><loc>https://e.org/b.pdf</loc></url></urlset>"""
    pages, children = parse_sitemap(gzip.compress(urlset))
    assert [(p.url, p.published) for p in pages] == [("https://e.org/a.html", "2024-05-01"), ("https://e.org/b.pdf", None)]
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://e.org/s1.xml.gz</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index) == ([], ["https://e.org/s1.xml.gz"])


def test_a_gzip_bomb_is_refused_at_the_cap():
    with pytest.raises(TerminalError, match="inflates"):
        inflate(gzip.compress(b"\0" * (3 << 20)), limit=1 << 20)


def test_listing_pages_and_linked_documents():
    html = b"""<html><body><a href="/news/2025/emn-study">EMN study</a><a href="/about">About</a>
    <a href="/news/2025/greta">GRETA report</a><a href="?page=2">Next page</a>
    <a href="/sites/default/files/2025-07/emn_study_thb.pdf">Read the study (PDF)</a></body></html>"""
    items, following = parse_listing(html, "https://e.org/news", r"/news/\d{4}/", r"next")
    assert [i.url for i in items] == ["https://e.org/news/2025/emn-study", "https://e.org/news/2025/greta"]
    assert following == "https://e.org/news?page=2"
    assert [d.url for d in linked_documents(html, "https://e.org/news")] == [
        "https://e.org/sites/default/files/2025-07/emn_study_thb.pdf"]


def test_real_feeds_and_sitemaps_from_the_corpus():
    folder = shared_path("corpus", "feeds")
    counts, refused = {}, {}
    for path in sorted((folder / "feed_rs").glob("*")) + sorted((folder / "trafilatura").glob("feed*")):
        try:
            counts[path.name] = len(parse_feed(path.read_bytes(), "https://example.org/"))
        except TerminalError as error:  # a malformed feed with no readable entry is refused, with why
            refused[path.name] = str(error)
    assert sum(1 for n in counts.values() if n > 0) >= len(counts) + len(refused) - 2, (counts, refused)
    assert all("malformed" in message for message in refused.values()), refused
    pages, _ = parse_sitemap((folder / "trafilatura" / "sitemap.xml.gz").read_bytes())
    assert len(pages) > 3 and all(p.url.startswith("http") for p in pages)
