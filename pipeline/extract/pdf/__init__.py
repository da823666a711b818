"""PDF: positioned characters to blocks and footnotes, with either character engine.

``chars`` is the one small interface over pdfplumber and pypdfium2 (characters with
font, size and box, and the page's horizontal rules from ``rules``); the layout code reads
nothing else.  ``columns`` finds text columns
from character density, ``lines`` builds lines in reading order and tells raised
(superscript) characters, ``notes`` finds footnote zones (under a separator rule, or smaller print under the body) and their labels, and ``blocks``
removes page furniture, joins hyphenation and paragraphs over page breaks and gives the
:class:`~pipeline.model.Extraction`.
"""

from pipeline.lazy import lazy_exports

_EXPORTS = {
    "extract_pdf": ".blocks", "pdf_date": ".blocks",
    "ENGINES": ".chars", "DEFAULT_ENGINE": ".chars", "Char": ".chars", "CharSource": ".chars", "PageChars": ".chars", "open_char_source": ".chars",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
