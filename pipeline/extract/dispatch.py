"""Dispatch an input to the extractor for its content type."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest import filetypes as sniff
from pipeline.errors import EmptyInput, UnsupportedType
from pipeline.model import Extraction


def extract_bytes(data: bytes, content_type: str, *, url: str | None = None, pdf_engine: str = "pdfplumber") -> Extraction:
    """Extract one document's text and structure; raises a PipelineError on bad input."""
    extraction = _extract(data, content_type, url=url, pdf_engine=pdf_engine)
    if extraction.language is None:
        extraction.language = guess_language(" ".join(b.text for b in extraction.blocks if b.kind != "comment"))
    return extraction


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, when there is enough text to tell."""
    if len(text) < 40:
        return None
    import py3langid

    return py3langid.classify(text[:5000])[0]


def _extract(data: bytes, content_type: str, *, url: str | None, pdf_engine: str) -> Extraction:
    if content_type == sniff.EMPTY or not data:
        raise EmptyInput("the input is empty (0 bytes or only white space)")
    if content_type == sniff.PDF:
        from .pdf import extract_pdf

        return extract_pdf(data, engine=pdf_engine)
    if content_type == sniff.HTML:
        from .html import extract_html

        return extract_html(data, url=url)
    if content_type in (sniff.MARKDOWN, sniff.PLAIN):
        from .markdown import extract_markdown

        return extract_markdown(data)
    if content_type == sniff.XML:
        raise UnsupportedType("an XML feed or sitemap, not a publication: give its items' URLs instead")
    raise UnsupportedType(f"content type {content_type} is not supported (PDF, HTML, Markdown and plain text are)")


def extract_path(path: Path, content_type: str, *, url: str | None = None, pdf_engine: str = "pdfplumber") -> Extraction:
    return extract_bytes(Path(path).read_bytes(), content_type, url=url, pdf_engine=pdf_engine)
