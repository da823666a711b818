"""Find publications: feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed), sitemaps, listing pages,
and the documents a press release links to.

Feeds and sitemaps are XML from strangers.  Entity declarations (the billion-laughs
and quadratic-blowup bombs) and external entities are refused by defusedxml before
feedparser or any other parser sees the bytes; gzip sitemaps are inflated under a cap.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from pipeline.errors import TerminalError, is_internal

MAX_INFLATED = 50 << 20  # the sitemap protocol's own limit is 50 MB uncompressed
_DOCUMENT_LINK = re.compile(r"\.pdf(?:$|[?#])|/(?:document|download|file)s?/", re.I)


class UnsafeXML(TerminalError):
    reason = "unsafe_xml"


@dataclass(frozen=True)
class Discovered:
    url: str
    title: str | None = None
    published: str | None = None  # ISO date
    via: str = "feed"  # feed | sitemap | listing | linked


def ensure_safe_xml(data: bytes) -> None:
    """Refuse XML with entity declarations or external entities, before any parser expands them."""
    import defusedxml.ElementTree as safe_tree
    from defusedxml import DefusedXmlException
    from xml.etree.ElementTree import ParseError

    if re.search(rb"<!ENTITY", data[:1 << 20], re.I):
        raise UnsafeXML("the XML declares entities (a possible entity-expansion bomb); refused")
    try:
        safe_tree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise UnsafeXML(f"unsafe XML refused: {type(error).__name__}") from error
    except ParseError:
        pass  # malformed but entity-free: feedparser's tolerant parser may still read it
    except (LookupError, ValueError) as error:  # an encoding Python does not know, and the like
        raise TerminalError(f"unreadable XML: {error}", reason="broken") from error


def inflate(data: bytes, limit: int = MAX_INFLATED) -> bytes:
    """Gunzip under a size cap (a gzip bomb stops at the cap)."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        out = gzip.GzipFile(fileobj=io.BytesIO(data)).read(limit + 1)
    except (OSError, EOFError) as error:
        raise TerminalError("the gzip data is damaged or cut short", reason="broken") from error
    if len(out) > limit:
        raise TerminalError(f"refused: the gzip data inflates past the {limit:,} byte size limit "
                            "(a possible compression bomb)", reason="too_large")
    return out


def parse_feed(data: bytes, base_url: str = "") -> list[Discovered]:
    """Entries of an RSS, Atom or JSON feed, newest information first as the feed gives it."""
    data = inflate(data)
    if data.lstrip()[:1] == b"{":
        return _parse_json_feed(data, base_url)
    ensure_safe_xml(data)
    import feedparser

    try:
        parsed = feedparser.parse(data, response_headers={"content-location": base_url} if base_url else None)
    except (ArithmeticError, LookupError, TypeError, ValueError) as error:
        # feedparser raises instead of setting bozo on some malformed feeds (its issue #599; bench/fuzz.py found
        # &#99999999999; and a non-UTF-8 encoding name): the same refusal as any other unreadable feed
        raise TerminalError("not a readable RSS, Atom or JSON feed: the feed parser failed on it",
                            reason="broken", error_type=type(error).__name__) from error
    found = []
    for entry in parsed.entries:
        link = entry.get("link") or next((l.get("href") for l in entry.get("links", []) if l.get("href")), None)
        if link:
            found.append(Discovered(urljoin(base_url, link), entry.get("title"), _feed_date(entry), "feed"))
    if parsed.bozo and not found:  # malformed, and nothing could be read from it despite the tolerant parser
        problem = str(parsed.get("bozo_exception", "")).removeprefix("<unknown>:").strip()
        raise TerminalError(f"not a readable RSS, Atom or JSON feed: the XML is malformed ({problem or 'no entries'})",
                            reason="broken")
    return found


def _feed_date(entry) -> str | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}" if stamp else None


def _parse_json_feed(data: bytes, base_url: str) -> list[Discovered]:
    try:
        feed = json.loads(data)
    except ValueError as error:
        raise TerminalError(f"not a readable JSON feed: {error}", reason="broken") from error
    items = feed.get("items", []) if isinstance(feed, dict) else []
    items = items if isinstance(items, list) else []
    return [Discovered(urljoin(base_url, item.get("url") or item.get("external_url")), item.get("title"),
                       (item.get("date_published") or "")[:10] or None, "feed")
            for item in items if isinstance(item, dict) and (item.get("url") or item.get("external_url"))]


def parse_sitemap(data: bytes, base_url: str = "") -> tuple[list[Discovered], list[str]]:
    """A sitemap's pages (with lastmod) and, for a sitemap index, the sitemaps it lists."""
    import defusedxml.ElementTree as safe_tree

    data = inflate(data)
    ensure_safe_xml(data)
    from defusedxml import DefusedXmlException

    try:
        root = safe_tree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise UnsafeXML(f"unsafe XML refused: the sitemap declares a document type ({type(error).__name__})") from error
    except Exception as error:
        problem = "" if is_internal(error) else f": {error}"
        raise TerminalError(f"not a readable sitemap: the XML is malformed{problem}", reason="broken") from error
    pages, children = [], []
    for node in root:
        tag = node.tag.rsplit("}", 1)[-1]
        loc = _child_text(node, "loc")
        if not loc:
            continue
        if tag == "sitemap":
            children.append(urljoin(base_url, loc))
        elif tag == "url":
            lastmod = _child_text(node, "lastmod")
            pages.append(Discovered(urljoin(base_url, loc), None, lastmod[:10] if lastmod else None, "sitemap"))
    return pages, children


def _child_text(node, name: str) -> str | None:
    for child in node:
        if child.tag.rsplit("}", 1)[-1] == name and child.text:
            return child.text.strip()
    return None


def page_links(html: bytes, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) of every link on an HTML page, in order, without duplicates."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    seen, links = set(), []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if url not in seen and urlsplit(url).scheme in ("http", "https"):
            seen.add(url)
            links.append((url, " ".join(anchor.text_content().split())))
    return links


def parse_listing(html: bytes, base_url: str, include: str, next_page: str | None = None) -> tuple[list[Discovered], str | None]:
    """Links on a listing page that match ``include``, and the next page's URL if ``next_page`` matches one."""
    links = page_links(html, base_url)
    items = [Discovered(url, text or None, None, "listing") for url, text in links if re.search(include, url)]
    following = next((url for url, text in links if next_page and (re.search(next_page, text, re.I)
                                                                   or re.search(next_page, url))), None)
    return items, following


def linked_documents(html: bytes, base_url: str) -> list[Discovered]:
    """Documents a press release links to (the study behind it): PDFs and download links."""
    return [Discovered(url, text or None, None, "linked") for url, text in page_links(html, base_url)
            if _DOCUMENT_LINK.search(url)]
