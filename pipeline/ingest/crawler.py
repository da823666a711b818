"""Crawl one source: discover its publications, fetch what is new or changed, log every fetch.

Every URL is fetched with a conditional request when it was fetched before, so an
unchanged source costs a round of 304s.  A discovery page (feed, sitemap, listing)
that answers 304 is read again from the raw store, so a publication that changed
while its feed did not is still checked.  A discovery page that cannot be fetched,
parsed or is refused (an entity-expansion feed, a gzip-bomb sitemap, malformed XML)
is logged as a ``failed`` fetch with the reason, and listed in ``discovery_failed``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .discover import Discovered, linked_documents, parse_feed, parse_listing, parse_sitemap
from pipeline.errors import PipelineError, TerminalError
from .fetcher import Fetcher, FetchResult
from .filetypes import HTML, sniff
from .sources import Source
from .rawstore import RawStore, StoredInput, utc_now

MAX_SITEMAPS = 50


@dataclass
class CrawlResult:
    source: str
    changed: list[StoredInput] = field(default_factory=list)  # new or changed publications
    unchanged: int = 0
    failed: list[tuple[str, PipelineError]] = field(default_factory=list)  # publications
    discovery_failed: list[tuple[str, PipelineError]] = field(default_factory=list)  # feeds, listings


class Crawler:
    def __init__(self, source: Source, fetcher: Fetcher, store: RawStore) -> None:
        self.source, self.fetcher, self.store = source, fetcher, store
        self.result = CrawlResult(source.name)

    def run(self) -> CrawlResult:
        seen: set[str] = set()
        for item in self._discover():
            if item.url in seen or not self.source.wants(item.url) or len(seen) >= self.source.max_items:
                continue
            seen.add(item.url)
            self._take(item.url)
        return self.result

    # discovery ---------------------------------------------------------------

    def _discover(self) -> Iterator[Discovered]:
        for start in self.source.start:
            if self.source.kind == "document":
                yield Discovered(start, via="document")
            elif self.source.kind == "feed":
                yield from self._from_page(start, lambda body, url: parse_feed(body, url))
            elif self.source.kind == "sitemap":
                yield from self._from_sitemaps(start)
            else:
                yield from self._from_listing(start)

    def _from_page(self, url: str, parse) -> list[Discovered]:
        """The links a discovery page lists; a page that cannot be read or is refused is a failed fetch."""
        body, row = self._discovery_body(url)
        found: list[Discovered] = []
        if body is not None:
            try:
                found = parse(body, url)
            except Exception as error:  # feedparser and lxml raise more than their documented types
                refusal = error if isinstance(error, PipelineError) else TerminalError(
                    f"{url} could not be read as a {self.source.kind} page", reason="broken")
                self.result.discovery_failed.append((url, refusal))
                row = {**row, "outcome": "failed", "error": str(refusal)}
        self.store.log_fetch(row)
        return found

    def _from_sitemaps(self, start: str) -> Iterator[Discovered]:
        queue, visited = [start], set()
        while queue and len(visited) < MAX_SITEMAPS:
            url = queue.pop(0)
            if url in visited:
                continue
            visited.add(url)
            children: list[str] = []

            def parse(body, base, children=children):
                pages, nested = parse_sitemap(body, base)
                children.extend(nested)
                return pages

            yield from self._from_page(url, parse)
            queue.extend(children)

    def _from_listing(self, start: str) -> Iterator[Discovered]:
        url, pages = start, 0
        while url and pages < max(1, self.source.max_pages):
            pages += 1
            following: list[str | None] = [None]

            def parse(body, base, following=following):
                items, following[0] = parse_listing(body, base, ".", self.source.next_page)
                return items

            yield from self._from_page(url, parse)
            url = following[0]

    def _discovery_body(self, url: str) -> tuple[bytes | None, dict]:
        """A discovery page's body (fresh, or from the raw store when it has not changed) and its fetches row."""
        fetched, row = self._fetch(url, publication=False)
        if fetched is None:
            return None, row
        if row["outcome"] == "not_modified":
            previous = self.store.last_good_fetch(url)
            return (self.store.read(previous["sha256"]) if previous else None), row
        return fetched.body, row

    # publications --------------------------------------------------------------

    def _take(self, url: str, *, follow: bool = True) -> None:
        fetched, row = self._fetch(url, publication=True)
        self.store.log_fetch(row)
        outcome = row["outcome"]
        if outcome in ("not_modified", "unchanged"):
            self.result.unchanged += 1
        if fetched is None or outcome not in ("new", "changed") or not follow:
            return
        if self.source.follow_documents and sniff(fetched.body[:4096]) == HTML:
            for linked in linked_documents(fetched.body, fetched.final_url):
                if linked.url != url:
                    self._take(linked.url, follow=False)

    def _fetch(self, url: str, *, publication: bool) -> tuple[FetchResult | None, dict]:
        """Fetch conditionally and keep the bytes; returns the response and its fetches row, for the caller to log."""
        previous = self.store.last_good_fetch(url)
        record = {"url": url, "source": self.source.name, "fetched_at": utc_now()}
        try:
            fetched = self.fetcher.get(url, etag=previous and previous["etag"],
                                       last_modified=previous and previous["last_modified"])
        except PipelineError as error:
            (self.result.failed if publication else self.result.discovery_failed).append((url, error))
            return None, {**record, "outcome": "failed", "error": str(error)}
        record.update(http_status=fetched.status, etag=fetched.etag, last_modified=fetched.last_modified,
                      bytes=len(fetched.body or b""))
        if fetched.not_modified:
            outcome, sha256 = "not_modified", None
        else:
            outcome, sha256 = self._keep(fetched, previous, publication)
        return fetched, {**record, "sha256": sha256, "outcome": outcome}

    def _keep(self, fetched: FetchResult, previous: dict | None, publication: bool) -> tuple[str, str]:
        """Store the body; a publication whose bytes are new joins the result's changed list."""
        if publication:
            stored = self.store.put(fetched.url, fetched.body, url=fetched.final_url)
            sha256 = stored.sha256
        else:
            sha256 = self.store.put_bytes(fetched.body)
        if previous and previous["sha256"] == sha256:
            return "unchanged", sha256
        if publication:
            self.result.changed.append(stored)
        return ("changed" if previous else "new"), sha256


def crawl(source: Source, fetcher: Fetcher, store: RawStore) -> CrawlResult:
    return Crawler(source, fetcher, store).run()
