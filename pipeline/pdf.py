"""PDF extraction: positioned characters to headings, paragraphs, footnotes and markers.

The stages, in order:

1. characters to lines (:func:`page_lines`): characters are grouped into rows by
   vertical overlap, rows are split where a wide horizontal gap opens, and the
   pieces are put in reading order, column by column when the page has a clear
   vertical gutter.  Raised small characters (superscripts) are kept apart as
   :class:`Raised` runs, never glued onto the word before them;
2. running headers, footers, page numbers and printer slugs are dropped
   (:func:`drop_page_furniture`);
3. each page's footnote zone (smaller lines under the body text, starting
   with a label) becomes one footnote per label (:func:`split_footnotes`);
4. a raised run becomes a :class:`Marker` when its shape is a footnote label
   and, if the document has footnote bodies, one of them bears that label on
   the same or a later page; otherwise it stays text (exponents, ordinals);
5. body lines become headings, list items and paragraphs; line-end hyphens are
   joined, and a paragraph broken by a page or column end is joined again.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

from .errors import BrokenDocument, NoText
from .model import Block, Extraction, Marker
from .pdfchars import Char, DocMetadata, PageChars, open_char_source

RAISED_SIZE_RATIO = 0.85     # a superscript is at most this fraction of its line's size ...
RAISED_OFFSET_RATIO = 0.18   # ... and its bottom sits this fraction of the line's size above the baseline
WORD_GAP_RATIO = 0.2         # a gap wider than this fraction of the font size is a space
SEGMENT_GAP = 1.5            # a gap wider than this many ems splits a row (columns, table cells)
MARGIN_ZONE = 0.12           # top and bottom fractions of the page where running headers and footers live
HEADING_RATIO = 1.12

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|[-,]b(?:d|i)?$", re.I)
_LABEL_SHAPE = re.compile(r"^(?:\d{1,3}|[*†‡§]{1,3}|[a-z]{1,2})$")
_LABEL_LIST = re.compile(r"^[\w*†‡§]{1,3}(?:\s*[,–-]\s*[\w*†‡§]{1,3})*$")
_ORDINAL = re.compile(r"^(?:st|nd|rd|th|e|er|re|ème|o|a)$")
_NOTE_LABEL = re.compile(r"^\d{1,3}[.)]\s+[^\W\d]")
_TEXT_LABEL = re.compile(r"^(\d{1,3})(?:[.)]\s*|\s+)(?=\S)")
_PAGE_NUMBER = re.compile(r"^(?:(?:page|p\.|pagina|seite|pag\.)\s*)?[-–—|]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—|]?"
                          r"(?:\s*(?:of|/|van|von|de)\s*\d{1,4})?$", re.I)
_PRINTER_SLUG = re.compile(r"\.(?:indd|qxd|qxp)\b.*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|^\d{2}-\d{5}_\w+", re.I)
_BULLET = re.compile(r"^(?:[•●▪■◦○‣⁃∙·►➢✓\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|[-–*o](?=\s))\s*")
_NUMBERED_ITEM = re.compile(r"^(?:\(?[0-9]{1,2}\)|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}\.(?!\d))\s+\S")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
_COMPOUND_PREFIXES = frozenset(
    "anti non self cross co ex pre post multi inter intra extra semi pan pro counter sub super well long short "
    "high low full part half cyber socio e mid".split())
_WEAK_TITLES = re.compile(r"^(?:untitled|microsoft word|document\d*|title|slide \d+|presentation|intmetadata|"
                          r"layout \d+|pdf)\b|\.(?:docx?|pdf|indd|qxd|rtf|txt|dotx?|p65)$|^[\w-]*\d[\w-]*$", re.I)


@dataclass(slots=True)
class Raised:
    """A run of raised small characters: a footnote marker or an exponent."""

    label: str
    glued: bool          # directly after a non-space character
    free_after: bool     # followed by a space, punctuation or the end of the line
    accepted: bool = False


@dataclass(slots=True)
class Line:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    parts: list            # str pieces and Raised runs, in order
    column: int = 0        # 0: full width or no columns, 1: left, 2: right
    text: str = ""         # the plain text with raised runs glued on, for comparisons

    @property
    def raised(self) -> list[Raised]:
        return [p for p in self.parts if isinstance(p, Raised)]


@dataclass
class PageLayout:
    number: int
    height: float
    lines: list[Line]
    footnotes: list[tuple[str, list[Line]]] = field(default_factory=list)


def extract_pdf(data: bytes, *, engine: str = "pdfplumber") -> Extraction:
    """Extract a PDF's text structure; raises EmptyInput, EncryptedPDF, BrokenDocument or NoText."""
    source = open_char_source(data, engine)
    try:
        metadata, n_pages = source.metadata, source.n_pages
        pages = [PageLayout(p.number, p.height, page_lines(p)) for p in source.pages()]
    finally:
        source.close()
    if not pages:
        raise BrokenDocument("no page of the PDF could be read")
    if not any(page.lines for page in pages):
        raise NoText(f"no extractable text on any of the {n_pages} pages (a scanned or image-only PDF?)")
    body_size = dominant_size(line for page in pages for line in page.lines)
    title_fallback = largest_text(pages[0].lines)
    drop_page_furniture(pages)
    footnote_labels = split_footnotes(pages, body_size)
    accept_markers(pages, footnote_labels)
    blocks = build_blocks(pages, body_size)
    if not blocks:
        raise NoText("the PDF holds only running headers, footers and page numbers")
    return Extraction(blocks=blocks, title=choose_title(metadata, title_fallback, blocks),
                      published=pdf_date(metadata.created), n_pages=n_pages)


# --- characters to lines ---------------------------------------------------------------------------

def page_lines(page: PageChars) -> list[Line]:
    """The page's lines in reading order."""
    rows = [split_row(row) for row in group_rows(page.chars)]
    gutter = find_gutter([segment for row in rows for segment in row], page.width)
    lines = []
    for row in rows:
        for column, chars in _columns(row, gutter):
            line = make_line(page.number, chars, column)
            if line is not None:
                lines.append(line)
    return reading_order(lines)


def group_rows(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped by vertical overlap with the row's largest character."""
    rows: list[list[Char]] = []
    band_top = band_bottom = band_size = 0.0
    current: list[Char] | None = None
    for char in sorted(chars, key=attrgetter("bottom")):
        height = char.bottom - char.top
        if height <= 0:
            continue
        if current is not None:
            overlap = min(char.bottom, band_bottom) - max(char.top, band_top)
            if overlap >= 0.5 * min(height, band_bottom - band_top):
                current.append(char)
                if char.size > band_size:
                    band_top, band_bottom, band_size = char.top, char.bottom, char.size
                continue
        current = [char]
        rows.append(current)
        band_top, band_bottom, band_size = char.top, char.bottom, char.size
    return rows


def split_row(row: list[Char]) -> list[list[Char]]:
    """A row cut where a gap wider than SEGMENT_GAP ems opens between glyphs."""
    row.sort(key=attrgetter("x0"))
    segments: list[list[Char]] = []
    current: list[Char] = []
    last_x1 = None
    for char in row:
        if char.text == " ":
            if current:
                current.append(char)
            continue
        if last_x1 is not None and char.x0 - last_x1 > SEGMENT_GAP * char.size:
            segments.append(current)
            current = []
        current.append(char)
        last_x1 = char.x1 if last_x1 is None else max(last_x1, char.x1)
    if current:
        segments.append(current)
    return [s for s in segments if any(c.text != " " for c in s)]


def _columns(row: list[list[Char]], gutter: float | None):
    """(column, characters) for the row's pieces: one piece per side of the gutter."""
    if gutter is None:
        yield 0, [c for segment in row for c in segment]
        return
    pieces: dict[int, list[Char]] = {}
    for segment in row:
        x1 = max(c.x1 for c in segment)
        column = 1 if x1 <= gutter else 2 if segment[0].x0 >= gutter else 0
        pieces.setdefault(column, []).extend(segment)
    if 0 in pieces:  # a full-width line: nothing to separate
        yield 0, [c for segment in row for c in segment]
        return
    yield from sorted(pieces.items())


def find_gutter(segments: list[list[Char]], width: float) -> float | None:
    """The x of a vertical gap with text columns on both sides, if the page has one."""
    if len(segments) < 10:
        return None
    spans = [(s[0].x0, max(c.x1 for c in s)) for s in segments]
    left = min(x0 for x0, _ in spans)
    right = max(x1 for _, x1 in spans)
    text_width = right - left
    if text_width < 0.3 * width:
        return None
    best = None
    for step in range(30, 71, 2):
        x = left + text_width * step / 100
        on_left = [x1 - x0 for x0, x1 in spans if x1 <= x]
        on_right = [x1 - x0 for x0, x1 in spans if x0 >= x]
        crossing = len(spans) - len(on_left) - len(on_right)
        if len(on_left) < 5 or len(on_right) < 5 or crossing > 0.2 * min(len(on_left), len(on_right)):
            continue
        if statistics.median(on_left) < 0.25 * text_width or statistics.median(on_right) < 0.25 * text_width:
            continue
        score = (crossing, -min(len(on_left), len(on_right)))
        if best is None or score < best[0]:
            best = (score, x)
    return None if best is None else best[1]


def make_line(number: int, chars: list[Char], column: int) -> Line | None:
    """One line from its characters (left to right), raised runs kept apart."""
    glyphs = [c for c in chars if c.text != " "]
    if not glyphs:
        return None
    size = _dominant_char_size(glyphs)
    bottoms = sorted(c.bottom for c in glyphs if abs(c.size - size) <= 0.6) or [glyphs[-1].bottom]
    baseline = bottoms[len(bottoms) // 2]
    raised_size, raised_bottom = RAISED_SIZE_RATIO * size + 0.05, baseline - RAISED_OFFSET_RATIO * size
    parts: list = []
    text: list[str] = []
    run: list[str] | None = None
    run_glued = False
    prev: Char | None = None
    space = False
    for char in chars:
        if char.text == " ":
            space = prev is not None
            continue
        if prev is not None:
            if char.text == prev.text and abs(char.x0 - prev.x0) < 0.5 and abs(char.top - prev.top) < 0.5:
                continue  # the same glyph printed twice (fake bold)
            if char.x0 - prev.x1 > WORD_GAP_RATIO * min(char.size, prev.size):
                space = True
        if char.size < raised_size and char.bottom < raised_bottom:
            if run is None:
                run, run_glued = [], prev is not None and not space
                if space:
                    text.append(" ")
            elif space:
                run.append(" ")
            run.append(char.text)
        else:
            if run is not None:
                parts.append("".join(text))
                text = []
                parts.append(Raised("".join(run), run_glued, space or not char.text.isalnum()))
                run = None
            if space:
                text.append(" ")
            text.append(char.text)
        space = False
        prev = char
    if text:
        parts.append("".join(text))
    if run is not None:
        parts.append(Raised("".join(run), run_glued, True))
    bold = sum(1 for c in glyphs if _is_bold(c.fontname)) >= 0.8 * len(glyphs)
    plain = "".join(p if isinstance(p, str) else p.label for p in parts)
    top = min((c.top for c in glyphs if abs(c.size - size) <= 0.6), default=glyphs[0].top)
    return Line(number, glyphs[0].x0, max(c.x1 for c in glyphs), top, baseline, size, bold, parts, column, plain)


def _dominant_char_size(glyphs: list[Char]) -> float:
    counts = Counter(round(c.size * 2) / 2 for c in glyphs)
    best = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
    near = [c.size for c in glyphs if abs(c.size - best) <= 0.25]
    return sum(near) / len(near)


_BOLD_CACHE: dict[str, bool] = {}


def _is_bold(fontname: str) -> bool:
    bold = _BOLD_CACHE.get(fontname)
    if bold is None:
        bold = _BOLD_CACHE[fontname] = bool(_BOLD_FONT.search(fontname))
    return bold


def reading_order(lines: list[Line]) -> list[Line]:
    """Rows top to bottom; between full-width lines, the left column before the right."""
    if all(line.column == 0 for line in lines):
        return lines
    ordered: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for line in lines:
        if line.column == 0:
            ordered += left + right
            left, right = [], []
            ordered.append(line)
        else:
            (left if line.column == 1 else right).append(line)
    return ordered + left + right


def dominant_size(lines) -> float:
    counts: Counter = Counter()
    for line in lines:
        counts[round(line.size * 2) / 2] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def largest_text(lines: list[Line]) -> str | None:
    """The first run of lines in the page's largest font: the title on most cover pages."""
    candidates = [line for line in lines if sum(ch.isalpha() for ch in line.text) >= 3]
    if not candidates:
        return None
    largest = max(line.size for line in candidates)
    picked: list[str] = []
    for line in lines:
        if abs(line.size - largest) <= 0.5 and line in candidates:
            picked.append(line.text.strip())
        elif picked:
            break
    title = " ".join(picked)
    return title[:300] if title else None


# --- running headers, footers and page numbers -----------------------------------------------------

def drop_page_furniture(pages: list[PageLayout]) -> None:
    """Remove lines repeated at a page edge, page numbers and printer slugs."""
    min_repeats = 2 if len(pages) < 6 else 3
    edges = {page.number: _edge_lines(page) for page in pages}
    seen: dict[tuple[str, str], set[int]] = {}
    for number, lines in edges.items():
        for zone, line in lines:
            seen.setdefault((zone, _furniture_key(line.text)), set()).add(number)
    for page in pages:
        drop = {id(line) for zone, line in edges[page.number]
                if len(seen[(zone, _furniture_key(line.text))]) >= min_repeats
                or _PAGE_NUMBER.match(line.text.strip())}
        page.lines = [line for line in page.lines
                      if id(line) not in drop and not _PRINTER_SLUG.search(line.text)]


def _edge_lines(page: PageLayout) -> list[tuple[str, Line]]:
    by_top = sorted(page.lines, key=attrgetter("top"))
    top = [("top", line) for line in by_top[:3] if line.top < MARGIN_ZONE * page.height]
    bottom = [("bottom", line) for line in by_top[-3:] if line.bottom > (1 - MARGIN_ZONE) * page.height]
    taken = {id(line) for _, line in top}
    return top + [item for item in bottom if id(item[1]) not in taken]


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


# --- footnotes and markers -------------------------------------------------------------------------

def split_footnotes(pages: list[PageLayout], body_size: float) -> dict[str, set[int]]:
    """Move each page's footnote zone into ``page.footnotes``; the labels found and their pages."""
    found: dict[str, set[int]] = {}
    last_entry: tuple[str, list[Line]] | None = None
    last_number = 0
    previous_page: set[str] = set()
    for page in pages:
        on_page = {label for line in page.lines for run in line.raised for label in _labels(run.label)}
        expected = on_page | previous_page
        previous_page = on_page
        zone = _footnote_zone(page.lines, body_size)
        in_zone: set[int] = set()
        continuing = last_entry is not None
        zone_left = min((line.x0 for line in zone), default=0.0)
        used: set[str] = set()
        for line in zone:
            label = _line_label(line)
            if label is not None and line.x0 <= zone_left + 0.5 * line.size and label not in used and (
                    _starts_raised(line) or label == str(last_number + 1) or label in expected):
                used.add(label)
                last_entry = (label, [line])
                page.footnotes.append(last_entry)
                found.setdefault(label, set()).add(page.number)
                last_number = int(label) if label.isdigit() else last_number
            elif page.footnotes or continuing and abs(last_entry[1][-1].size - line.size) < 0.3:
                last_entry[1].append(line)  # a footnote's next line, or its continuation from the last page
            else:
                continuing = False
                continue
            in_zone.add(id(line))
        page.lines = [line for line in page.lines if id(line) not in in_zone]
        if not in_zone:
            last_entry = None
        for label, lines in _figure_notes(page.lines, on_page, body_size):
            page.footnotes.append((label, lines))
            found.setdefault(label, set()).add(page.number)
            in_zone.update(id(line) for line in lines)
        page.lines = [line for line in page.lines if id(line) not in in_zone]
    return found


def smaller_than_body(size: float, body_size: float) -> bool:
    """Footnotes are often only half a point smaller than the body text."""
    return size <= body_size - max(0.4, 0.04 * body_size)


def _figure_notes(lines: list[Line], labels_on_page: set[str], body_size: float) -> list[tuple[str, list[Line]]]:
    """Notes under a figure or table ("1. includes data from: ..."), labelled like a marker on the page."""
    notes: list[tuple[str, list[Line]]] = []
    current: list[Line] | None = None
    for line in lines:
        small = smaller_than_body(line.size, body_size)
        label = _line_label(line) if small else None
        if label is not None and label in labels_on_page and (_starts_raised(line) or _NOTE_LABEL.match(line.text)):
            current = [line]
            notes.append((label, current))
        elif current is not None and small and abs(line.size - current[-1].size) < 0.3 \
                and line.x0 > current[0].x0 - 1 and 0 < line.bottom - current[-1].bottom < 2 * line.size:
            current.append(line)
        else:
            current = None
    return notes


def _footnote_zone(lines: list[Line], body_size: float) -> list[Line]:
    """Small lines under the last body-size line of their column, in reading order."""
    zone: list[Line] = []
    for column in {line.column for line in lines}:
        body_lines = [line for line in lines
                      if not smaller_than_body(line.size, body_size) and (line.column == column or column == 0)]
        if not body_lines:
            continue  # a page all in small print is a table or a notes page, not body plus footnotes
        floor = max(line.bottom for line in body_lines)
        zone += [line for line in lines
                 if line.column == column and smaller_than_body(line.size, body_size) and line.top >= floor - 1]
    order = {id(line): i for i, line in enumerate(lines)}
    return sorted(zone, key=lambda line: order[id(line)])


def _starts_raised(line: Line) -> bool:
    return bool(line.parts) and isinstance(line.parts[0], Raised) or \
        len(line.parts) > 1 and line.parts[0] == "" and isinstance(line.parts[1], Raised)


def _line_label(line: Line) -> str | None:
    if _starts_raised(line):
        label = next(p for p in line.parts if isinstance(p, Raised)).label.strip()
        return label if _LABEL_SHAPE.match(label) else None
    match = _TEXT_LABEL.match(line.text)
    return match.group(1) if match else None


def _labels(run_text: str) -> list[str]:
    return [label for label in re.split(r"[,\s]+", run_text.strip()) if label]


def accept_markers(pages: list[PageLayout], footnote_pages: dict[str, set[int]]) -> None:
    """Decide which raised runs are footnote markers (see the module docstring)."""
    for page in pages:
        for line in page.lines:
            before = ""
            for part in line.parts:
                if isinstance(part, str):
                    before += part
                    continue
                labels = _labels(part.label)
                shaped = (_LABEL_LIST.match(part.label.strip()) and labels
                          and all(_LABEL_SHAPE.match(lb) and not _ORDINAL.match(lb) for lb in labels))
                if shaped and part.glued and part.free_after:
                    matched = all(footnote_pages.get(lb, set()) & {page.number, page.number + 1} for lb in labels)
                    part.accepted = matched or (all(lb.isdigit() or lb in "*†‡" for lb in labels)
                                                and _marker_context(before))
                before += "" if part.accepted else part.label


_MARKER_CONTEXT = re.compile(r"(?:[^\W\d_]{3,}|[A-Z]{2}|\d{4}|[^\W\d_]\))[.,;:!?)\]\"”’]*$|\w[.,;:!?\"”’]+$")


def _marker_context(before: str) -> bool:
    """Text a footnote marker may follow: a word, a year or punctuation, but not a single letter or a figure."""
    return bool(_MARKER_CONTEXT.search(before))


# --- blocks ----------------------------------------------------------------------------------------

@dataclass
class _Draft:
    kind: str
    page: int
    lines: list[Line]


@dataclass
class _Geometry:
    edges: dict[int, tuple[float, float]]
    pitch_ratio: float


def build_blocks(pages: list[PageLayout], body_size: float) -> list[Block]:
    """Headings, paragraphs and list items in reading order, each page's footnotes after its text."""
    bold_body = _bold_share(pages, body_size) > 0.5
    blocks: list[Block] = []
    notes: list[Block] = []
    draft: _Draft | None = None
    prev: Line | None = None
    prev_geometry: _Geometry | None = None
    for page in pages:
        geometry = _page_geometry(page.lines, body_size)
        for line in page.lines:
            kind = _line_kind(line, body_size, bold_body)
            if draft is not None and _continues(draft, prev, line, kind, geometry, prev_geometry):
                draft.lines.append(line)
            else:
                if draft is not None:
                    blocks.append(_finish(draft))
                    blocks += notes
                    notes = []
                draft = _Draft(kind, line.page, [line])
            prev, prev_geometry = line, geometry
        notes += [_footnote_block(label, lines, page.number) for label, lines in page.footnotes]
    if draft is not None:
        blocks.append(_finish(draft))
    return [block for block in blocks + notes if block.text]


def _bold_share(pages: list[PageLayout], body_size: float) -> float:
    total = bold = 0
    for page in pages:
        for line in page.lines:
            if abs(line.size - body_size) <= 0.5:
                total += len(line.text)
                bold += len(line.text) if line.bold else 0
    return bold / total if total else 0.0


def _page_geometry(lines: list[Line], body_size: float) -> _Geometry:
    edges: dict[int, tuple[float, float]] = {}
    for column in {line.column for line in lines}:
        own = [line for line in lines if line.column == column]
        body = [line for line in own if not smaller_than_body(line.size, body_size)] or own
        edges[column] = (min(line.x0 for line in body), max(line.x1 for line in body))
    ratios = sorted((b.bottom - a.bottom) / b.size for a, b in zip(lines, lines[1:])
                    if a.column == b.column and abs(a.size - b.size) < 0.5 and 0 < b.bottom - a.bottom < 3 * b.size)
    return _Geometry(edges, ratios[len(ratios) // 2] if ratios else 1.25)


def _line_kind(line: Line, body_size: float, bold_body: bool) -> str:
    text = line.text.strip()
    if len(text) <= 200 and line.size >= HEADING_RATIO * body_size and any(ch.isalpha() for ch in text):
        return "heading"
    if line.bold and not bold_body and len(text) <= 150 and not smaller_than_body(line.size, body_size) \
            and any(ch.isalpha() for ch in text):
        return "heading"
    if _BULLET.match(text) or _NUMBERED_ITEM.match(text):
        return "list_item"
    return "paragraph"


def _continues(draft: _Draft, prev: Line, line: Line, kind: str, geometry: _Geometry,
               prev_geometry: _Geometry) -> bool:
    """Whether ``line`` goes on the block that ``prev`` ended so far."""
    moved = line.page != prev.page or line.column != prev.column or line.bottom <= prev.bottom
    if draft.kind == "heading":
        return (kind == "heading" and not moved and abs(line.size - prev.size) <= 0.5 and line.bold == prev.bold
                and line.bottom - prev.bottom <= 2.2 * line.size)
    if kind != "paragraph" or abs(line.size - prev.size) > 1.0:
        return False
    if moved:
        return _flows_on(prev, line, prev_geometry)
    left, right = geometry.edges[line.column]
    ended_short = prev.x1 < right - max(0.15 * (right - left), 3 * line.size)
    if ended_short and abs(line.size - prev.size) >= 0.2:
        return False  # a short line in another size: a run-in title or a caption
    if line.bottom - prev.bottom > geometry.pitch_ratio * line.size * 1.3 + 1:
        return False
    if draft.kind == "paragraph" and line.x0 > left + 0.8 * line.size and prev.x0 < left + 0.5 * line.size:
        return False  # a first-line indent
    return not (ended_short and _SENTENCE_END.search(prev.text.rstrip()))


def _flows_on(prev: Line, line: Line, prev_geometry: _Geometry) -> bool:
    """Across a column or page break: does the paragraph go on?"""
    head = line.text.lstrip()[:1]
    tail = prev.text.rstrip()
    if head.islower() or tail.endswith(("-", ",", "\xad")):
        return True
    left, right = prev_geometry.edges.get(prev.column, (prev.x0, prev.x1))
    reached_margin = prev.x1 >= right - 0.2 * (right - left)
    return reached_margin and not _SENTENCE_END.search(tail)


def _finish(draft: _Draft) -> Block:
    text, markers = render_lines(draft.lines)
    if draft.kind == "list_item":
        bullet = _BULLET.match(text)
        if bullet:
            cut = bullet.end()
            text = text[cut:]
            markers = [Marker(m.label, m.offset - cut, m.page) for m in markers]
    return Block(draft.kind, text, page=draft.page, markers=markers)


def _footnote_block(label: str, lines: list[Line], page: int) -> Block:
    text, markers = render_lines(lines, strip_label=True)
    return Block("footnote", text, page=page, label=label, markers=markers)


def render_lines(lines: list[Line], *, strip_label: bool = False) -> tuple[str, list[Marker]]:
    """The lines' text joined (line-end hyphens resolved) and the markers with their offsets."""
    text = ""
    markers: list[Marker] = []
    for index, line in enumerate(lines):
        piece, piece_markers = render_line(line, strip_label=strip_label and index == 0)
        if not piece:
            continue
        if text:
            text, start = join_lines(text, piece)
        else:
            text, start = piece, 0
        markers += [Marker(label, start + offset, line.page) for label, offset in piece_markers]
    return text, markers


def render_line(line: Line, *, strip_label: bool = False) -> tuple[str, list[tuple[str, int]]]:
    parts = list(line.parts)
    if strip_label:
        if _starts_raised(line):
            first = next(i for i, p in enumerate(parts) if isinstance(p, Raised))
            parts = parts[first + 1:]
        elif parts and isinstance(parts[0], str):
            parts[0] = _TEXT_LABEL.sub("", parts[0].lstrip(), count=1)
    pieces: list[str] = []
    markers: list[tuple[str, int]] = []
    length = 0
    for part in parts:
        if isinstance(part, Raised) and part.accepted:
            markers += [(label, length) for label in _labels(part.label)]
            continue
        piece = part if isinstance(part, str) else part.label
        piece = piece.replace("\xad", "") if "\xad" in piece[:-1] else piece
        if not pieces or length == 0:
            piece = piece.lstrip()
        elif piece.startswith(" ") and pieces[-1].endswith(" "):
            piece = piece[1:]
        pieces.append(piece)
        length += len(piece)
    text = "".join(pieces).rstrip()
    if text.endswith("\xad"):
        text = text[:-1] + "-"
    return text, [(label, min(offset, len(text))) for label, offset in markers]


def join_lines(text: str, piece: str) -> tuple[str, int]:
    """``text`` and the next line joined; the offset where the line starts in the result."""
    hyphenated = re.search(r"(\w+)-$", text)
    if hyphenated and piece[:1].isalnum():
        left = hyphenated.group(1)
        if piece[0].islower() and left.isalpha() and left.lower() not in _COMPOUND_PREFIXES:
            return text[:-1] + piece, len(text) - 1  # traf- ficking
        return text + piece, len(text)                # 2021- 2025, non- EU
    if text.endswith("/") and not text.endswith(" /") and re.search(r"\S/\S*$", text):
        return text + piece, len(text)                # a URL broken at a slash
    return text + " " + piece, len(text) + 1


# --- metadata --------------------------------------------------------------------------------------

def choose_title(metadata: DocMetadata, fallback: str | None, blocks: list[Block]) -> str | None:
    title = " ".join((metadata.title or "").split())
    if len(title) >= 4 and sum(ch.isalpha() for ch in title) >= 3 and not _WEAK_TITLES.search(title):
        return title
    if fallback:
        return fallback
    return next((block.text for block in blocks if block.kind == "heading"), None)


def pdf_date(value: str | None) -> str | None:
    """``D:20140722170310+02'00'`` -> ``2014-07-22``; None when absent or implausible."""
    match = re.match(r"^\s*(?:D:)?(\d{4})(\d{2})(\d{2})", value or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1980 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
