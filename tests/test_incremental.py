"""Incremental runs end to end: a feed and a sitemap on a real local server, run three times."""

from __future__ import annotations

from pipeline.run import ingest
from pipeline.store.tables import read_table

from conftest import write_sources
from test_crawl import Site, article


def publish_site(httpserver) -> Site:
    site = Site(httpserver)
    url = httpserver.url_for
    site.publish("/feed.xml", f"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
        <item><title>One</title><link>{url('/news/one')}</link></item>
        <item><title>Two</title><link>{url('/news/two')}</link></item></channel></rss>""", "application/rss+xml")
    site.publish("/sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>{url('/reports/three')}</loc><lastmod>2025-06-01</lastmod></url>
        <url><loc>{url('/reports/four')}</loc><lastmod>2025-06-02</lastmod></url></urlset>""", "application/xml")
    site.publish("/news/one", article("One", "Europol supported 14 joint investigations in 2024 across the Union."))
    site.publish("/news/two", article("Two", "Frontex trained 300 border guards on victim identification in 2023."))
    site.publish("/reports/three", article("Three", "Nine countries identified awareness-raising as a good practice."))
    site.publish("/reports/four", article("Four", "Eurojust registered 160 new trafficking cases during the year."))
    return site


def sources_file(tmp_path, httpserver):
    common = {"publisher": "Local test publisher", "min_interval_s": 0}
    return write_sources(tmp_path / "sources.toml",
                         {"name": "local-feed", "kind": "feed", "start": [httpserver.url_for("/feed.xml")], **common},
                         {"name": "local-sitemap", "kind": "sitemap", "start": [httpserver.url_for("/sitemap.xml")],
                          **common})


def test_first_run_processes_all_second_none_third_only_the_changed_one(settings, tmp_path, httpserver):
    site = publish_site(httpserver)
    settings.sources_file, settings.allow_private = sources_file(tmp_path, httpserver), True
    names = ["local-feed", "local-sitemap"]

    first = ingest(names, settings)
    assert (first.documents_ok, first.documents_failed) == (4, 0)
    assert all(site.hits(path) == [200] for path in ("/news/one", "/news/two", "/reports/three", "/reports/four"))

    second = ingest(names, settings)
    assert second.documents_ok + second.documents_failed == 0
    assert all(site.hits(path) == [200, 304] for path in ("/news/one", "/reports/four"))
    assert len(read_table(settings.out_dir, "documents")) == 4

    site.publish("/reports/four", article("Four", "Eurojust registered 175 new trafficking cases during the year."))
    third = ingest(names, settings)
    assert third.documents_ok == 1
    blocks = read_table(settings.out_dir, "blocks")
    assert blocks["text"].str.contains("175 new trafficking cases").sum() == 1
    assert not blocks["text"].str.contains("160 new trafficking cases").any()
    fetches = read_table(settings.out_dir, "fetches")
    assert {"new", "not_modified", "changed"} <= set(fetches["outcome"])
