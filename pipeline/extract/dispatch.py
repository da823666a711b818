"""Dispatch an input to the extractor for its content type; tell the document's and each block's language."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.ingest import filetypes as sniff
from pipeline.errors import EmptyInput, UnsupportedType
from pipeline.model import Extraction

from .pdf.chars import DEFAULT_ENGINE


def extract_bytes(data: bytes, content_type: str, *, url: str | None = None, pdf_engine: str = DEFAULT_ENGINE) -> Extraction:
    """Extract one document's text and structure; raises a PipelineError on bad input."""
    return assign_languages(_extract(data, content_type, url=url, pdf_engine=pdf_engine))


def assign_languages(extraction: Extraction) -> Extraction:
    """The document's language (unless declared) from its non-comment text, and each block's."""
    if extraction.language is None:
        extraction.language = guess_language(" ".join(b.text for b in extraction.blocks if b.kind != "comment"))
    for block in extraction.blocks:
        block.language = block_language(block.text) or extraction.language
    return extraction


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, when there is enough text to tell."""
    if len(text) < 40:
        return None
    return _identifier().classify(text[:5000])[0]   # the blocks' identifier: one model loaded, not two


# A block's own guess is kept only when it is sure: short blocks ("Contacts:", "Brussels, 18 October
# 2024") give confident-looking nonsense without normalised probabilities (measured: 0.03-0.71 for those,
# 0.87-0.99 for one-sentence comments in English, French, German and Dutch).
BLOCK_MIN_CHARS = 20
BLOCK_MIN_PROBABILITY = 0.85


def block_language(text: str) -> str | None:
    """ISO 639-1 code of one block's language when it can be told with confidence, else None."""
    if len(text.strip()) < BLOCK_MIN_CHARS:
        return None
    language, probability = _identifier().classify(text[:2000])
    return language if probability >= BLOCK_MIN_PROBABILITY else None


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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


def extract_path(path: Path, content_type: str, *, url: str | None = None,
                 pdf_engine: str = DEFAULT_ENGINE) -> Extraction:
    return extract_bytes(Path(path).read_bytes(), content_type, url=url, pdf_engine=pdf_engine)
