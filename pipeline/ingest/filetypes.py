"""Content type from the bytes, not from the file name.

A Word file named ``.pdf`` or an HTML error page saved as ``report.pdf`` must be
recognised for what it is, so every input is typed by looking at its bytes.
"""

from __future__ import annotations

import re

PDF = "application/pdf"
HTML = "text/html"
MARKDOWN = "text/markdown"
PLAIN = "text/plain"
XML = "application/xml"
EMPTY = "application/x-empty"
BINARY = "application/octet-stream"

EXTRACTABLE = (PDF, HTML, MARKDOWN, PLAIN)

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|article|div|p)\b[^>]*>", re.I)
_XML_START = re.compile(rb"^\s*<(?:\?xml|rss|feed|rdf:RDF|urlset|sitemapindex)\b", re.I)
_MARKDOWN_SIGNS = re.compile(r"^(?:#{1,6} |\s*[-*] |\[\^[^\]]+\]:)|<sup>|\[\^[^\]]+\]|\*\*[^*]+\*\*", re.M)
_KNOWN_BINARIES = {
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "application/msword (Microsoft Office 97-2003 document)",
    b"PK\x03\x04": "application/zip (ZIP archive or Office Open XML document)",
    b"\x1f\x8b": "application/gzip",
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
    b"{\\rtf": "application/rtf",
}


def sniff(data: bytes, name: str = "") -> str:
    """The content type of ``data``; ``name`` only decides Markdown against plain text."""
    if not data.strip():
        return EMPTY
    head = data[:4096]
    if b"%PDF-" in data[:1024]:
        return PDF
    for magic, kind in _KNOWN_BINARIES.items():
        if head.startswith(magic):
            return kind
    text = decode_text(head)
    if text is None:
        return _describe_binary(data)
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _XML_START.match(stripped) and not re.search(rb"<html\b", head, re.I):
        return XML
    if _HTML_START.match(stripped) or len(_HTML_ANYWHERE.findall(head)) >= 3:
        return HTML
    if name.lower().endswith((".md", ".markdown")) or _MARKDOWN_SIGNS.search(text):
        return MARKDOWN
    return PLAIN


def decode_text(data: bytes) -> str | None:
    """Decode bytes that look like text; None when they look binary.

    A stray NUL byte is a control character like any other: only text with more than
    1% of them is taken for binary (UTF-16 and binary files have far more).
    """
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        return None if controls > len(text) / 100 else text
    return None


def _describe_binary(data: bytes) -> str:
    try:
        import puremagic

        guesses = [g for g in puremagic.magic_string(data[:8192]) if g.mime_type]
    except Exception:  # puremagic raises on unknown input; the fallback says enough
        guesses = []
    if guesses:
        best = max(guesses, key=lambda g: g.confidence)
        return f"{best.mime_type} ({best.name})"
    return BINARY
