"""Ingest: from registered sources, files and URLs to raw bytes kept in the raw store.

Takes the sources registry (``pipeline/data/sources.toml``) or paths and URLs; gives
:class:`StoredInput` records whose bytes are in the :class:`RawStore`, with their type
sniffed from the bytes, and the fetch log.  ``sources`` reads the registry, ``discover``
finds publication links in feeds, sitemaps and listing pages, ``fetcher`` fetches politely
and safely, ``crawler`` puts the three together per source, ``rawstore`` keeps the bytes
and ``filetypes`` tells a document's type from its bytes.
"""

from pipeline.lazy import lazy_exports

_EXPORTS = {
    "Source": ".sources", "SourceConfigError": ".sources", "load_sources": ".sources",
    "Discovered": ".discover", "UnsafeXML": ".discover", "parse_feed": ".discover", "parse_sitemap": ".discover",
    "parse_listing": ".discover", "linked_documents": ".discover",
    "Fetcher": ".fetcher", "FetchPolicy": ".fetcher", "FetchResult": ".fetcher", "FetchRefused": ".fetcher",
    "fetch": ".fetcher",
    "CrawlResult": ".crawler", "crawl": ".crawler",
    "RawStore": ".rawstore", "StoredInput": ".rawstore", "canonical_url": ".rawstore", "is_url": ".rawstore",
    "make_doc_id": ".rawstore", "utc_now": ".rawstore", "write_atomic": ".rawstore",
    "sniff": ".filetypes", "decode_text": ".filetypes",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
