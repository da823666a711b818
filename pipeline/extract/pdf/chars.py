"""One interface over the two PDF character sources, pdfplumber and pypdfium2.

The layout code in :mod:`pipeline.extract.pdf` reads positioned characters only, so
either library can serve it.  Both give top-down page coordinates (``top`` <
``bottom``), the font size in points and the font name without its subset
prefix; both skip blanks that the library invented (pdfium's generated spaces
and line breaks) and rotated characters.  Real space characters are kept: the
layout code treats them as word breaks.

pdfplumber's characters are read from the pdfminer layout objects behind
``page.chars`` rather than through ``page.chars`` itself: the same numbers,
without building a dictionary of twenty attributes per character, which costs
more than all the layout work.

Library failures become the domain errors of :mod:`pipeline.errors`.
"""

from __future__ import annotations

import ctypes
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Iterator, Protocol

from pipeline.errors import BrokenDocument, EmptyInput, EncryptedPDF

from .failures import broken_message, describe, raise_if_out_of_memory
from .rules import Rule, as_rule, pdfium_rules

ENGINES = ("pdfplumber", "pypdfium2")
# PDFium reads characters with their size and box several times faster than pdfminer, and every
# PDF evaluation gate scores the same with both; Settings.pdf_engine has the same default.
DEFAULT_ENGINE = "pypdfium2"
# A space PDFium made up is a word break only across a gap of this fraction of the previous
# character's size: pdfminer's word margin, so that both engines see the same words.
TOUCHING_GAP = 0.1

log = logging.getLogger(__name__)

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
                            "\x02": "-", "\u2010": "-", "\u2011": "-", "\xa0": " ", "\u202f": " ", "\u3000": " ",
                            **{chr(code): " " for code in range(0x2000, 0x200B)}})


@dataclass(slots=True)
class Char:
    """One glyph; ``top``/``bottom`` are measured down from the top of the page."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str


@dataclass
class PageChars:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    rules: list[Rule] = field(default_factory=list)  # horizontal rules: footnote separators, table borders


@dataclass
class DocMetadata:
    title: str | None = None
    created: str | None = None  # the raw PDF date string, e.g. "D:20140722170310+02'00'"
    extra: dict[str, str] = field(default_factory=dict)


class CharSource(Protocol):
    n_pages: int
    metadata: DocMetadata

    def pages(self) -> Iterator[PageChars]:
        """Each page's characters in turn; a page the library cannot read is skipped and logged."""

    def close(self) -> None: ...


def open_char_source(data: bytes, engine: str = DEFAULT_ENGINE) -> CharSource:
    """Open PDF bytes with ``engine``; raises EmptyInput, EncryptedPDF or BrokenDocument."""
    if not data:
        raise EmptyInput("the PDF is empty (0 bytes)")
    if engine == "pdfplumber":
        return PlumberSource(data)
    if engine == "pypdfium2":
        return PdfiumSource(data)
    raise ValueError(f"unknown PDF engine {engine!r}; expected one of {ENGINES}")


_CHAR_TEXTS: dict[int, str] = {}  # code point -> cleaned text, shared by all pages


def clean_font_name(name: str) -> str:
    return _SUBSET_PREFIX.sub("", name)


def clean_char_text(text: str) -> str:
    return text.translate(_LIGATURES)


def _text_value(value: object) -> str | None:
    if isinstance(value, bytes):
        for encoding in ("utf-16" if value[:2] in (b"\xfe\xff", b"\xff\xfe") else "utf-8", "latin-1"):
            try:
                value = value.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value or None


def _page_count_or_close(source: CharSource, n_pages: int) -> int:
    """``n_pages``, unless it is 0: a PDF without pages is broken (and the source is closed first)."""
    if n_pages == 0:
        source.close()
        raise BrokenDocument("PDF has no pages")
    return n_pages


class PlumberSource:
    """Characters from pdfplumber (pdfminer.six)."""

    def __init__(self, data: bytes) -> None:
        import io

        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect

        try:
            self._pdf = pdfplumber.open(io.BytesIO(data))
            self._page_list = self._pdf.pages
        except Exception as error:  # pdfminer raises many unrelated types on bad input
            raise_if_out_of_memory(error, "opening the PDF")
            cause = getattr(error, "args", [None])[0] if type(error).__name__ == "PdfminerException" else error
            if isinstance(cause, PDFPasswordIncorrect) or "password" in str(cause).lower() \
                    or "encrypt" in type(cause).__name__.lower():
                detail = f" ({str(cause).strip()[:200]})" if str(cause).strip() else ""
                raise EncryptedPDF(f"the PDF is encrypted and needs a password{detail}") from error
            raise BrokenDocument(broken_message(cause)) from error
        self.n_pages = _page_count_or_close(self, len(self._page_list))
        self.metadata = self._read_metadata()

    def _read_metadata(self) -> DocMetadata:
        try:
            info = self._pdf.metadata or {}
        except Exception:  # an unreadable Info dictionary is no reason to give up the text
            info = {}
        return DocMetadata(title=_text_value(info.get("Title")), created=_text_value(info.get("CreationDate")),
                           extra={k: v for k, v in ((k, _text_value(v)) for k, v in info.items()) if v})

    def pages(self) -> Iterator[PageChars]:
        for number, page in enumerate(self._page_list, start=1):
            try:
                yield PageChars(number, float(page.width), float(page.height), *self._page_chars(page))
            except Exception as error:  # pdfminer fails on bad content streams in many ways
                raise_if_out_of_memory(error, f"page {number}")
                log.warning("page %d unreadable: %s", number, describe(error))
            finally:
                page.close()

    @staticmethod
    def _page_chars(page) -> tuple[list[Char], list[Rule]]:
        from pdfminer.layout import LTChar, LTContainer, LTCurve

        height = float(page.height)
        chars: list[Char] = []
        rules: list[Rule] = []
        stack = [iter(page.layout)]
        while stack:
            for obj in stack[-1]:
                if isinstance(obj, LTChar):
                    if not obj.upright:
                        continue
                    text = obj.get_text()
                    if text.startswith("(cid:") or not text.isprintable():
                        continue
                    chars.append(Char(clean_char_text(text), obj.x0, obj.x1, height - obj.y1, height - obj.y0,
                                      obj.size, clean_font_name(obj.fontname)))
                elif isinstance(obj, LTContainer):
                    stack.append(iter(obj))
                    break
                elif isinstance(obj, LTCurve):
                    rule = as_rule(obj.x0, obj.x1, height - obj.y1, height - obj.y0)
                    if rule is not None:
                        rules.append(rule)
            else:
                stack.pop()
        return chars, rules

    def close(self) -> None:
        self._pdf.close()


class PdfiumSource:
    """Characters from pypdfium2 (PDFium), read through its raw API for speed."""

    def __init__(self, data: bytes) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw

        self._raw = raw
        _reset_pdfium_error(raw)
        try:
            self._doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            if error.err_code == raw.FPDF_ERR_PASSWORD:
                raise EncryptedPDF("the PDF is encrypted and needs a password") from error
            if error.err_code == raw.FPDF_ERR_SECURITY:
                raise EncryptedPDF("the PDF uses an unsupported security handler") from error
            raise BrokenDocument(broken_message(error)) from error
        self.n_pages = _page_count_or_close(self, len(self._doc))
        self.metadata = self._read_metadata()

    def _read_metadata(self) -> DocMetadata:
        try:
            info = self._doc.get_metadata_dict(skip_empty=True)
        except Exception:
            info = {}
        return DocMetadata(title=_text_value(info.get("Title")), created=_text_value(info.get("CreationDate")),
                           extra={k: v for k, v in info.items() if v})

    def pages(self) -> Iterator[PageChars]:
        for index in range(self.n_pages):
            try:
                page = self._doc[index]
            except Exception as error:
                log.warning("page %d unreadable: %s", index + 1, describe(error))
                continue
            try:
                left, bottom, right, top = page.get_mediabox()
                textpage = page.get_textpage()
                try:
                    chars = self._page_chars(textpage, left, top)
                finally:
                    textpage.close()
                rules = pdfium_rules(self._raw, page.raw, left, top)
                yield PageChars(index + 1, right - left, top - bottom, chars, rules)
            finally:
                page.close()

    def _page_chars(self, textpage, left: float, top: float) -> list[Char]:
        api = _pdfium_api()
        handle = ctypes.cast(textpage.raw, ctypes.c_void_p)
        box = self._raw.FS_RECTF()
        box_ref = ctypes.byref(box)
        styles: dict[int, tuple[float, str, bool]] = {}
        font_names: dict[int, str] = {}  # per page: a font is freed when no open page uses it
        texts = _CHAR_TEXTS
        chars: list[Char] = []
        append = chars.append
        last = None
        last_object = None
        pending_space = False
        size, font, upright = 0.0, "", False
        get_unicode, get_object, get_box, is_generated = api.unicode, api.text_object, api.loose_box, api.generated
        for i in range(api.count(handle)):
            code = get_unicode(handle, i)
            if code < 33 or code >= 0xD800:
                if code < 32 and code != 2 or 0xD800 <= code <= 0xDFFF or code == 0xFFFE:
                    continue
                if code == 32 and is_generated(handle, i):
                    # PDFium replaces a real space glyph by a generated space with an empty box somewhere
                    # in the word before, and also makes up spaces between text objects that touch
                    # ("website," and its raised "6"): the next character tells which it was.
                    pending_space = last is not None
                    continue
            text_object = get_object(handle, i)
            if text_object != last_object:
                # Font, size and matrix belong to the text object: read them once per object.
                style = styles.get(text_object)
                if style is None:
                    style = styles[text_object] = self._style(api, handle, i, text_object, font_names)
                size, font, upright = style
                last_object = text_object
            if not upright:
                continue
            get_box(handle, i, box_ref)
            x0, x1, bottom = box.left - left, box.right - left, top - box.bottom
            if last is not None and x0 == last.x0 and x1 == last.x1 and bottom == last.bottom:
                last.text += chr(code)  # PDFium splits a ligature into letters sharing one box
                continue
            text = texts.get(code)
            if text is None:
                text = texts[code] = clean_char_text(chr(code))
            if pending_space:
                pending_space = False
                if not _touches(last, x0, bottom, size):
                    append(Char(" ", last.x0 + 0.001, last.x1, last.top, last.bottom, last.size, last.fontname))
            last = Char(text, x0, x1, bottom - size, bottom, size, font)
            append(last)
        return chars

    def _style(self, api, handle, index: int, text_object: int,
               font_names: dict[int, str]) -> tuple[float, str, bool]:
        matrix = self._raw.FS_MATRIX()
        api.matrix(handle, index, ctypes.byref(matrix))
        # The text-state size times the matrix's vertical scale is the size pdfminer reports;
        # "upright" is pdfminer's test too, so both engines drop the same rotated text.
        size = api.font_size(handle, index) * math.hypot(matrix.c, matrix.d)
        upright = matrix.a * matrix.d > 0 and matrix.b * matrix.c <= 0
        return size, _font_name(api, handle, index, text_object, font_names), upright

    def close(self) -> None:
        self._doc.close()


def _touches(last: Char, x0: float, bottom: float, size: float) -> bool:
    """Whether a character starting at ``x0`` follows ``last`` on its line with no visible gap."""
    return abs(bottom - last.bottom) < max(size, last.size) and -0.5 < x0 - last.x1 < TOUCHING_GAP * last.size


def _reset_pdfium_error(raw) -> None:
    """Leave PDFium's last-error code at "format error" before a document is opened.

    PDFium sets the code only when a load fails for a reason it names, and never clears it:
    a PDF without pages fails without setting it, so it would inherit "incorrect password"
    from an encrypted PDF opened earlier in the process.  Failing on one byte sets a known
    code, so a password or security code read after the real load belongs to that load.
    """
    probe = ctypes.create_string_buffer(b"x")
    handle = raw.FPDF_LoadMemDocument(probe, 1, None)
    if handle:  # never, for one byte; closed all the same so nothing leaks
        raw.FPDF_CloseDocument(handle)


def _font_name(api, handle, index: int, text_object: int, names: dict[int, str]) -> str:
    """The font's name, read once per font: a page has thousands of text objects but few fonts."""
    font = api.text_object_font(text_object) if api.text_object_font else None
    name = names.get(font) if font else None
    if name is None:
        buffer = ctypes.create_string_buffer(128)
        api.font_info(handle, index, buffer, 128, None)
        name = clean_font_name(buffer.value.decode("latin-1"))
        if font:
            names[font] = name
    return name


@dataclass(frozen=True)
class _PdfiumApi:
    count: object
    unicode: object
    generated: object
    text_object: object
    text_object_font: object
    loose_box: object
    matrix: object
    font_size: object
    font_info: object


_API: list[_PdfiumApi] = []


def _pdfium_api() -> _PdfiumApi:
    """PDFium's text functions with plain pointer types: half the call cost of the typed bindings."""
    if not _API:
        from pypdfium2_raw.bindings import _libs

        library = _libs["pdfium"]
        pointer, integer = ctypes.c_void_p, ctypes.c_int

        def function(name, restype, *argtypes):
            func = library[name]
            func.restype, func.argtypes = restype, argtypes
            return func

        _API.append(_PdfiumApi(
            count=function("FPDFText_CountChars", integer, pointer),
            unicode=function("FPDFText_GetUnicode", ctypes.c_uint, pointer, integer),
            generated=function("FPDFText_IsGenerated", integer, pointer, integer),
            text_object=function("FPDFText_GetTextObject", pointer, pointer, integer),
            text_object_font=_optional(function, "FPDFTextObj_GetFont", pointer, pointer),
            loose_box=function("FPDFText_GetLooseCharBox", integer, pointer, integer, pointer),
            matrix=function("FPDFText_GetMatrix", integer, pointer, integer, pointer),
            font_size=function("FPDFText_GetFontSize", ctypes.c_double, pointer, integer),
            font_info=function("FPDFText_GetFontInfo", ctypes.c_ulong, pointer, integer, ctypes.c_char_p,
                               ctypes.c_ulong, pointer),
        ))
    return _API[0]


def _optional(function, name: str, *types):
    """A function that older PDFium builds lack: None there."""
    try:
        return function(name, *types)
    except AttributeError:
        return None
