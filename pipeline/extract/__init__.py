"""Extract: from a document's bytes to the document model, text and structure kept.

Takes bytes and their type (from :mod:`pipeline.ingest`); gives an
:class:`~pipeline.model.Extraction`: blocks (heading, paragraph, list item, footnote body,
comment, caption) with page and offsets, and footnote markers kept apart from the text.
``dispatch`` picks the extractor by type; ``html`` (trafilatura), ``markdown`` and the
``pdf`` package do the work; ``sandbox`` runs extractions in worker processes with time
and memory limits, so a hostile input costs one document, not the run.  ``doctype`` tells
what kind of publication an extracted document is (EMN study, GRETA report, press release ...).
"""

from pipeline.lazy import lazy_exports

_EXPORTS = {
    "extract_bytes": ".dispatch", "extract_path": ".dispatch", "guess_language": ".dispatch",
    "block_language": ".dispatch", "assign_languages": ".dispatch",
    "extract_html": ".html", "extract_markdown": ".markdown", "parse_date": ".markdown",
    "extract_pdf": ".pdf",
    "ExtractJob": ".sandbox", "ExtractionPool": ".sandbox",
    "Publication": ".doctype", "detect_publication": ".doctype", "publication_of": ".doctype",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
